import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { activeRules } from '../../server/src/engine/config';
import { fixFile, type Engine } from '../../server/src/engine/engine';
import type { AnyRule } from '../../server/src/engine/rule';
import type { Finding } from '../../server/src/engine/types';
import { RULES } from '../../server/src/rules';

export const FIXTURES = join(__dirname, '..', 'fixtures');

/** Every rule runs, as for a user; a fixture's verdicts speak of its own rule. */
export const ALL_ACTIVE = activeRules(RULES, {});

export function fixturePath(rule: AnyRule, file: string): string {
  return join(FIXTURES, rule.meta.id, file);
}

export function readFixture(rule: AnyRule, file: string): string | undefined {
  const p = fixturePath(rule, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

const EXPECT = /#\s*expect:\s*([\w-]+(?:\s*,\s*[\w-]+)*)/;

/** `line:id` for every `# expect: id` marker (for notebooks, `cell/line:id`). */
export function expectedMarkers(text: string, cell?: number): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = EXPECT.exec(line);
    if (!m) return;
    for (const id of m[1].split(',')) out.push(marker(i, id.trim(), cell));
  });
  return out;
}

export function marker(line: number, id: string, cell?: number): string {
  return `${cell === undefined ? '' : `cell ${cell} `}line ${line + 1}: ${id}`;
}

export function findingMarkers(findings: readonly Finding[], ruleId: string): string[] {
  return findings.filter((f) => f.ruleId === ruleId).map((f) => marker(f.range.start.line, f.ruleId, f.cell)).sort();
}

export function notebookExpectations(json: string): string[] {
  const nb = JSON.parse(json) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  return nb.cells.flatMap((c, i) => (c.cell_type === 'code' ? expectedMarkers(Array.isArray(c.source) ? c.source.join('') : c.source, i) : []));
}

/** What `mldebt check --fix --unsafe-fixes` does, for the findings of one rule. */
export function fixAll(engine: Engine, content: string, kind: 'python' | 'notebook', ruleId: string): string {
  return fixFile(engine, content, kind, ALL_ACTIVE, { unsafe: true, filter: (f) => f.ruleId === ruleId }).content;
}

export function syntaxErrorCount(engine: Engine, content: string, kind: 'python' | 'notebook'): number {
  return engine.analyzeFile(content, kind, ALL_ACTIVE).findings.filter((f) => f.ruleId === 'syntax-error').length;
}
