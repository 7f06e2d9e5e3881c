import * as vscode from 'vscode';
import type { BacklogItem, FolderBacklog } from '../../../server/src/protocol';

/** The backlog as the tree shows it: every mldebt finding VS Code holds, joined with the ledgers. */

export type Grouping = 'category' | 'file' | 'severity';

export interface Finding {
  uri: vscode.Uri;
  range: vscode.Range;
  code: string;
  rule: string;
  category: string;
  severity: vscode.DiagnosticSeverity;
  message: string;
  fingerprint: string;
  /** Workspace-relative path of the file (of the notebook, for a cell). */
  file: string;
  folder?: vscode.WorkspaceFolder;
  /** The ledger item tracking this finding, if any. */
  item?: BacklogItem;
}

/** A ledger item whose code no longer produces a finding: its debt was paid (or moved away). */
export interface GoneItem {
  folder: string;
  item: BacklogItem;
}

export interface Group {
  key: string;
  label: string;
  count: number;
  groups?: Group[];
  findings?: Finding[];
}

export interface Filter {
  text?: string;
  rule?: string;
  severity?: vscode.DiagnosticSeverity;
}

export const CATEGORY_TITLES: Record<string, string> = {
  reproducibility: 'Reproducibility',
  data: 'Data and pipeline',
  configuration: 'Configuration',
  'api-misuse': 'Framework API misuse',
  hygiene: 'Code hygiene and glue code',
  notebook: 'Notebooks',
  'self-admitted': 'Self-admitted debt',
  project: 'Project and dependencies',
  meta: 'Engine',
};

export const SEVERITY_TITLES: Record<number, string> = {
  [vscode.DiagnosticSeverity.Error]: 'Errors',
  [vscode.DiagnosticSeverity.Warning]: 'Warnings',
  [vscode.DiagnosticSeverity.Information]: 'Information',
  [vscode.DiagnosticSeverity.Hint]: 'Hints',
};

export interface BacklogSnapshot {
  findings: Finding[];
  gone: GoneItem[];
  groups: Group[];
  total: number;
  ledgerErrors: string[];
}

/** Reads mldebt's diagnostics from VS Code (files, notebook cells, and scanned closed files). */
export function collectFindings(): Finding[] {
  const out: Finding[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    const owner = ownerUri(uri);
    const folder = vscode.workspace.getWorkspaceFolder(owner);
    const file = folder ? vscode.workspace.asRelativePath(owner, false) : owner.fsPath;
    for (const d of diagnostics) {
      if (d.source !== 'mldebt') continue;
      const data = (d as vscode.Diagnostic & { data?: { id?: string; category?: string; fingerprint?: string } }).data;
      out.push({
        uri,
        range: d.range,
        code: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
        rule: data?.id ?? '',
        category: data?.category ?? 'meta',
        severity: d.severity,
        message: d.message,
        fingerprint: data?.fingerprint ?? '',
        file,
        folder,
      });
    }
  }
  return out;
}

/** The notebook a cell belongs to, or the URI itself. */
export function ownerUri(uri: vscode.Uri): vscode.Uri {
  if (uri.scheme !== 'vscode-notebook-cell') return uri;
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document.uri.toString() === uri.toString()));
  return notebook?.uri ?? uri.with({ scheme: 'file', fragment: '' });
}

/** Joins findings and ledgers, filters, groups and counts — once per change, never while rendering. */
export function buildSnapshot(findings: Finding[], ledgers: FolderBacklog[], grouping: Grouping, filter: Filter): BacklogSnapshot {
  const byKey = new Map<string, { folder: string; item: BacklogItem }>();
  for (const l of ledgers) for (const item of l.items) byKey.set(`${l.folder}\u0000${item.file}\u0000${item.fingerprint}`, { folder: l.folder, item });
  const seen = new Set<string>();
  for (const f of findings) {
    const key = `${f.folder?.uri.toString()}\u0000${f.file}\u0000${f.fingerprint}`;
    const tracked = byKey.get(key);
    if (tracked) {
      f.item = tracked.item;
      seen.add(key);
    }
  }
  const gone = [...byKey].filter(([k]) => !seen.has(k)).map(([, v]) => v);
  const shown = findings.filter((f) => matches(f, filter));
  return { findings: shown, gone, groups: group(shown, grouping), total: shown.length, ledgerErrors: ledgers.filter((l) => l.error).map((l) => l.error!) };
}

function matches(f: Finding, filter: Filter): boolean {
  if (filter.rule && f.rule !== filter.rule && f.code !== filter.rule) return false;
  if (filter.severity !== undefined && f.severity !== filter.severity) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    if (![f.message, f.file, f.rule, f.code, f.item?.note ?? ''].some((s) => s.toLowerCase().includes(needle))) return false;
  }
  return true;
}

function group(findings: Finding[], grouping: Grouping): Group[] {
  const sortFindings = (list: Finding[]) => list.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  const by = <K extends string | number>(list: Finding[], key: (f: Finding) => K): Map<K, Finding[]> => {
    const m = new Map<K, Finding[]>();
    for (const f of list) m.set(key(f), [...(m.get(key(f)) ?? []), f]);
    return m;
  };
  if (grouping === 'file') {
    return [...by(findings, (f) => f.file)].sort(([a], [b]) => a.localeCompare(b)).map(([file, list]) => ({ key: `file:${file}`, label: file, count: list.length, findings: sortFindings(list) }));
  }
  if (grouping === 'severity') {
    return [...by(findings, (f) => f.severity)].sort(([a], [b]) => a - b).map(([s, list]) => ({ key: `severity:${s}`, label: SEVERITY_TITLES[s], count: list.length, findings: sortFindings(list) }));
  }
  const order = Object.keys(CATEGORY_TITLES);
  return [...by(findings, (f) => f.category)]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([category, list]) => {
      const rules = [...by(list, (f) => `${f.code} ${f.rule}`)].sort(([a], [b]) => a.localeCompare(b));
      return {
        key: `category:${category}`,
        label: CATEGORY_TITLES[category] ?? category,
        count: list.length,
        groups: rules.map(([rule, items]) => ({ key: `rule:${rule}`, label: rule, count: items.length, findings: sortFindings(items) })),
      };
    });
}
