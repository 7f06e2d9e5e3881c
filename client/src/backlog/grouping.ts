import { CATEGORY_TITLES as TITLES, type BacklogItem, type FolderBacklog } from '../../../server/src/protocol';

/**
 * The backlog's model without VS Code: findings joined with the ledgers, filtered, grouped and
 * counted. Kept free of the editor API so that it can be tested on its own.
 */

/** DiagnosticSeverity's values: 0 error, 1 warning, 2 information, 3 hint. */
export type SeverityValue = 0 | 1 | 2 | 3;

export type Grouping = 'category' | 'file' | 'severity';

export interface Finding {
  /** The document's URI (a file, or a notebook cell). */
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  rule: string;
  category: string;
  severity: SeverityValue;
  message: string;
  fingerprint: string;
  /** Workspace-relative path of the file (of the notebook, for a cell). */
  file: string;
  /** The workspace folder's URI, as the ledgers name it. */
  folder?: string;
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
  severity?: SeverityValue;
}

export const CATEGORY_TITLES: Record<string, string> = TITLES;

/** Catalogue order, with the engine's own findings (syntax errors, unreadable files) last. */
const CATEGORY_ORDER = [...Object.keys(TITLES).filter((c) => c !== 'meta'), 'meta'];

export const SEVERITY_TITLES: Record<SeverityValue, string> = { 0: 'Errors', 1: 'Warnings', 2: 'Information', 3: 'Hints' };

export interface BacklogSnapshot {
  findings: Finding[];
  gone: GoneItem[];
  groups: Group[];
  total: number;
  ledgerErrors: string[];
}

/** Joins findings and ledgers, filters, groups and counts — once per change, never while rendering. */
export function buildSnapshot(findings: Finding[], ledgers: FolderBacklog[], grouping: Grouping, filter: Filter): BacklogSnapshot {
  const byKey = new Map<string, { folder: string; item: BacklogItem }>();
  for (const l of ledgers) for (const item of l.items) byKey.set(`${l.folder}\u0000${item.file}\u0000${item.fingerprint}`, { folder: l.folder, item });
  const seen = new Set<string>();
  for (const f of findings) {
    const key = `${f.folder}\u0000${f.file}\u0000${f.fingerprint}`;
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
  const order = CATEGORY_ORDER;
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
