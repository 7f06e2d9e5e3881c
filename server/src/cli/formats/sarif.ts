import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { AnyRule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import type { FileReport } from '../report';
import { ruleDocUrl, TOOL_URL, VERSION } from '../../version';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: one run, the rules with their help, results with
 * 1-based UTF-16 regions and a partial fingerprint so alerts follow code that moves. A notebook
 * finding points at the notebook file and names its cell (regions inside a cell have no line in
 * the .ipynb JSON).
 */
export function formatSarif(reports: readonly FileReport[], rules: readonly AnyRule[], notifications: string[]): string {
  const descriptors: ReportingDescriptor[] = rules.map((r) => ({
    id: r.meta.code,
    name: pascalCase(r.meta.id),
    shortDescription: { text: r.meta.docs.summary },
    fullDescription: { text: r.meta.docs.whatItDoes },
    help: { text: r.meta.docs.whyIsThisBad, markdown: `${r.meta.docs.whyIsThisBad}\n\n[Rule documentation](${ruleDocUrl(r.meta.id)})` },
    helpUri: ruleDocUrl(r.meta.id),
    defaultConfiguration: { level: LEVEL[r.meta.severity] },
    properties: { tags: [r.meta.category, r.meta.id] },
  }));
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const results: Result[] = reports.flatMap((report) =>
    report.findings.map((f): Result => {
      const inCell = f.cell !== undefined;
      return {
        ruleId: f.code,
        ruleIndex: index.get(f.ruleId),
        level: LEVEL[f.severity],
        message: { text: inCell ? `Cell ${f.cell! + 1}, line ${f.range.start.line + 1}: ${f.message}` : f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: encodeURI(report.path), uriBaseId: '%SRCROOT%' },
              region: inCell
                ? { startLine: 1 }
                : {
                    startLine: f.range.start.line + 1,
                    startColumn: f.range.start.column + 1,
                    endLine: f.range.end.line + 1,
                    endColumn: f.range.end.column + 1,
                  },
            },
            ...(inCell ? { logicalLocations: [{ name: `cell ${f.cell! + 1}`, kind: 'module' }] } : {}),
          },
        ],
        partialFingerprints: { 'mldebt/v1': f.fingerprint },
        properties: inCell ? { cell: f.cell, line: f.range.start.line + 1, column: f.range.start.column + 1 } : undefined,
      };
    }),
  );
  const log: Log = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'mldebt', version: VERSION, informationUri: TOOL_URL, rules: descriptors } },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(process.cwd()) + '/' } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notifications.map((text) => ({ level: 'note' as const, message: { text } })),
          },
        ],
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function pascalCase(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

function pathToFileUri(path: string): string {
  return 'file://' + encodeURI(path.split('\\').join('/').replace(/^([A-Za-z]):/, '/$1:'));
}
