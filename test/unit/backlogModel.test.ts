import { describe, expect, it } from 'vitest';
import { buildSnapshot, type Finding } from '../../client/src/backlog/grouping';
import type { FolderBacklog } from '../../server/src/protocol';

const FOLDER = 'file:///project';

function finding(file: string, line: number, code: string, rule: string, category: string, severity: 0 | 1 | 2 | 3, fingerprint: string): Finding {
  return {
    uri: `${FOLDER}/${file}`,
    range: { start: { line, character: 0 }, end: { line, character: 5 } },
    code,
    rule,
    category,
    severity,
    message: `${rule} found here`,
    fingerprint,
    file,
    folder: FOLDER,
  };
}

const findings = (): Finding[] => [
  finding('train.py', 9, 'MLD101', 'unseeded-randomness', 'reproducibility', 1, 'f1'),
  finding('train.py', 3, 'MLD207', 'dataframe-values', 'data', 1, 'f2'),
  finding('prep.py', 12, 'MLD207', 'dataframe-values', 'data', 1, 'f3'),
  finding('prep.py', 2, 'MLD209', 'untyped-read', 'data', 2, 'f4'),
  finding('notes.py', 1, 'MLD701', 'debt-comment', 'self-admitted', 2, 'f5'),
];

const ledger = (fingerprints: Array<[string, string]>): FolderBacklog[] => [
  {
    folder: FOLDER,
    ledger: `${FOLDER}/.mldebt/backlog.json`,
    items: fingerprints.map(([file, fingerprint]) => ({ fingerprint, rule: 'dataframe-values', file, snippet: 'df.values', note: 'known', owner: 'ana', priority: 'high', created: '2026-11-01', status: 'open' })),
  },
];

describe('the backlog model', () => {
  it('groups by category, then rule, in catalogue order, with counts', () => {
    const s = buildSnapshot(findings(), [], 'category', {});
    expect(s.total).toBe(5);
    expect(s.groups.map((g) => [g.label, g.count, g.groups!.map((r) => [r.label, r.count])])).toEqual([
      ['Reproducibility', 1, [['MLD101 unseeded-randomness', 1]]],
      ['Data and pipeline', 3, [['MLD207 dataframe-values', 2], ['MLD209 untyped-read', 1]]],
      ['Self-admitted debt', 1, [['MLD701 debt-comment', 1]]],
    ]);
    // Within a rule, findings are in file and line order.
    expect(s.groups[1].groups![0].findings!.map((f) => `${f.file}:${f.range.start.line}`)).toEqual(['prep.py:12', 'train.py:3']);
  });

  it('groups by file and by severity', () => {
    expect(buildSnapshot(findings(), [], 'file', {}).groups.map((g) => [g.label, g.count])).toEqual([['notes.py', 1], ['prep.py', 2], ['train.py', 2]]);
    expect(buildSnapshot(findings(), [], 'severity', {}).groups.map((g) => [g.label, g.count])).toEqual([['Warnings', 3], ['Information', 2]]);
  });

  it('filters by text, rule and severity, counting only what is shown', () => {
    expect(buildSnapshot(findings(), [], 'category', { rule: 'MLD207' }).total).toBe(2);
    expect(buildSnapshot(findings(), [], 'category', { rule: 'untyped-read' }).total).toBe(1);
    expect(buildSnapshot(findings(), [], 'category', { severity: 2 }).total).toBe(2);
    expect(buildSnapshot(findings(), [], 'file', { text: 'PREP' }).groups.map((g) => g.label)).toEqual(['prep.py']);
    expect(buildSnapshot(findings(), ledger([['train.py', 'f2']]), 'category', { text: 'known' }).total).toBe(1);
  });

  it('marks findings tracked in the ledger and lists items whose code is gone', () => {
    const s = buildSnapshot(findings(), ledger([['train.py', 'f2'], ['old.py', 'gone1']]), 'category', {});
    expect(s.findings.filter((f) => f.item).map((f) => f.fingerprint)).toEqual(['f2']);
    expect(s.gone.map((g) => g.item.fingerprint)).toEqual(['gone1']);
  });

  it('matches ledger items by file as well as fingerprint', () => {
    const s = buildSnapshot(findings(), ledger([['prep.py', 'f2']]), 'category', {});
    expect(s.findings.some((f) => f.item)).toBe(false);
    expect(s.gone).toHaveLength(1);
  });

  it('says why when a ledger cannot be read', () => {
    const broken: FolderBacklog[] = [{ folder: FOLDER, ledger: `${FOLDER}/.mldebt/backlog.json`, items: [], error: 'not valid JSON' }];
    expect(buildSnapshot(findings(), broken, 'category', {}).ledgerErrors).toEqual(['not valid JSON']);
  });
});
