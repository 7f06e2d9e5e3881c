import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The backlog commands as users run them: the built bundle in a child process, over real files. */
const CLI = join(__dirname, '..', '..', 'server', 'out', 'cli.js');

const READ = 'df = pd.read_csv("t.csv", dtype={"a": "int64"})';
const SMELLY = `import pandas as pd\n\n${READ}\nX = df.values\n`;
const CLEAN = `import pandas as pd\n\n${READ}\nX = df.to_numpy()\n`;
const LEDGER = '.mldebt/backlog.json';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mldebt-backlog-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function mldebt(args: string[], cwd = dir): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

interface Item {
  fingerprint: string;
  rule: string;
  file: string;
  snippet: string;
  note: string;
  owner: string;
  priority: string;
  created: string;
  status: string;
}

function item(fields: Partial<Item> & Pick<Item, 'file' | 'fingerprint'>): Item {
  return { rule: 'dataframe-values', snippet: 'X = df.values', note: '', owner: '', priority: 'medium', created: '2024-05-01', status: 'open', ...fields };
}

/** A ledger as a person might write it: plain JSON, not the CLI's own layout. */
function ledgerText(...items: Item[]): string {
  return JSON.stringify({ version: 1, items }, null, 2);
}

/** Checks `file` (relative to the project) and returns the fingerprint of its one finding. */
function fingerprintOf(file: string): string {
  const r = mldebt(['check', '--format', 'json', file]);
  expect(r.code).toBe(1);
  const findings = JSON.parse(r.stdout) as Array<{ path: string; id: string; fingerprint: string }>;
  expect(findings.map((f) => [f.path, f.id])).toEqual([[file, 'dataframe-values']]);
  return findings[0].fingerprint;
}

/** A smelly project with a ledger that knows its one finding. */
function project(file = 'train.py', note = 'convert in the loader, "soon", maybe'): Item {
  write(file, SMELLY);
  const known = item({ file, fingerprint: fingerprintOf(file), note, owner: '@ana' });
  write(LEDGER, ledgerText(known));
  return known;
}

describe('mldebt check --baseline with the backlog ledger', () => {
  it('passes on known debt and fails on new debt', () => {
    project();
    const known = mldebt(['check', '--baseline', LEDGER]);
    expect(known.code).toBe(0);
    expect(known.stdout).not.toContain('MLD207');
    write('train.py', SMELLY + 'Y = df.dropna().values\n');
    const added = mldebt(['check', '--baseline', LEDGER]);
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('train.py:5:5: MLD207 dataframe-values');
    expect(added.stdout).not.toContain('train.py:4:');
  });

  it('fails when the ledger does not know the finding (so the pass above means something)', () => {
    project();
    write(LEDGER, ledgerText(item({ file: 'train.py', fingerprint: '0000000000000000' })));
    expect(mldebt(['check', '--baseline', LEDGER]).code).toBe(1);
  });

  it('reads ledger paths relative to the folder holding .mldebt/, wherever the check runs', () => {
    project('src/train.py');
    const r = mldebt(['check', '--baseline', join('..', LEDGER)], join(dir, 'src'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});

describe('mldebt backlog export', () => {
  it('prints markdown grouped by category with counts', () => {
    project();
    const r = mldebt(['backlog', 'export']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('# ML technical debt backlog');
    expect(r.stdout).toContain('1 item: 1 open or accepted, 0 resolved.');
    expect(r.stdout).toContain('| Data and pipeline | 1 | 1 | 0 |');
    expect(r.stdout).toContain('## Data and pipeline (1)');
    const row = r.stdout.split('\n').find((l) => l.startsWith('| MLD207'));
    expect(row).toBe('| MLD207 dataframe-values | train.py | `X = df.values` | convert in the loader, "soon", maybe | @ana | medium | open | 2024-05-01 |');
  });

  it('reads an item as resolved (code gone) once the smelly line is fixed', () => {
    project();
    const before = readFileSync(join(dir, LEDGER), 'utf8');
    write('train.py', CLEAN);
    const r = mldebt(['backlog', 'export']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 item: 0 open or accepted, 1 resolved.');
    expect(r.stdout).toContain('| Data and pipeline | 1 | 0 | 0 |');
    expect(r.stdout.split('\n').find((l) => l.startsWith('| MLD207'))).toContain('| resolved (code gone) |');
    // The ledger itself is not touched by an export.
    expect(readFileSync(join(dir, LEDGER), 'utf8')).toBe(before);
  });

  it('writes CSV that parses, with the note quoted', () => {
    const known = project();
    const r = mldebt(['backlog', 'export', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows).toEqual([
      ['category', 'code', 'rule', 'file', 'snippet', 'note', 'owner', 'priority', 'status', 'created', 'fingerprint'],
      ['data', 'MLD207', 'dataframe-values', 'train.py', 'X = df.values', 'convert in the loader, "soon", maybe', '@ana', 'medium', 'open', '2024-05-01', known.fingerprint],
    ]);
  });

  it('writes JSON that parses, grouped with counts', () => {
    const known = project();
    write('train.py', CLEAN);
    const r = mldebt(['backlog', 'export', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const groups = JSON.parse(r.stdout) as Array<{ category: string; count: number; items: Array<{ fingerprint: string; status: string; present: boolean }> }>;
    expect(groups.map((g) => [g.category, g.count])).toEqual([['data', 1]]);
    expect(groups[0].items.map((i) => [i.fingerprint, i.status, i.present])).toEqual([[known.fingerprint, 'resolved', false]]);
  });

  it('finds the project from --ledger, wherever it runs', () => {
    project();
    const elsewhere = mkdtempSync(join(tmpdir(), 'mldebt-elsewhere-'));
    try {
      const r = mldebt(['backlog', 'export', '--format', 'json', '--ledger', join(dir, LEDGER)], elsewhere);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)[0].items[0].present).toBe(true);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('exits 2 with a clear message on a corrupt ledger, and leaves it alone', () => {
    write('train.py', SMELLY);
    const corrupt = '{\n  "version": 1,\n  "items": [\n<<<<<<< HEAD\n';
    write(LEDGER, corrupt);
    const r = mldebt(['backlog', 'export']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mldebt: \.mldebt\/backlog\.json is not valid JSON \([^]+\); fix or remove it — it will not be overwritten\n$/);
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(join(dir, LEDGER), 'utf8')).toBe(corrupt);
  });

  it('exits 2 naming the item on a ledger with a bad status', () => {
    write('train.py', SMELLY);
    write(LEDGER, ledgerText(item({ file: 'train.py', fingerprint: 'aaaa' }), item({ file: 'train.py', fingerprint: 'bbbb', status: 'done' })));
    const r = mldebt(['backlog', 'export']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('mldebt: .mldebt/backlog.json: item 2: "status" must be one of open, accepted, resolved\n');
  });
});

describe('mldebt backlog merge', () => {
  const a = item({ file: 'a.py', fingerprint: 'aaaa', note: 'base' });
  const b = item({ file: 'b.py', fingerprint: 'bbbb' });
  const c = item({ file: 'c.py', fingerprint: 'cccc' });

  it('writes the three-way merge to OURS and exits 0', () => {
    write('base.json', ledgerText(a, b));
    write('ours.json', ledgerText({ ...a, note: 'ours' }, b, c)); // adds c, changes a's note
    write('theirs.json', ledgerText({ ...a, status: 'accepted' })); // deletes b, accepts a
    const r = mldebt(['backlog', 'merge', 'base.json', 'ours.json', 'theirs.json']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(dir, 'ours.json'), 'utf8');
    const merged = JSON.parse(text) as { version: number; items: Item[] };
    expect(merged).toEqual({ version: 1, items: [{ ...a, note: 'ours', status: 'accepted' }, c] });
    // In the ledger's own layout: one item per line.
    expect(text.split('\n')).toHaveLength(2 + 3 + 3);
    // BASE and THEIRS are left as they were.
    expect(readFileSync(join(dir, 'theirs.json'), 'utf8')).toBe(ledgerText({ ...a, status: 'accepted' }));
  });

  it('exits 1 when a side does not parse, leaving OURS untouched', () => {
    write('base.json', ledgerText(a));
    const ours = ledgerText(a, b);
    write('ours.json', ours);
    write('theirs.json', '{"version": 1, "items": [\n<<<<<<< HEAD\n');
    const r = mldebt(['backlog', 'merge', 'base.json', 'ours.json', 'theirs.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mldebt: cannot merge the backlog: theirs.json is not valid JSON');
    expect(readFileSync(join(dir, 'ours.json'), 'utf8')).toBe(ours);
    // And for a corrupt OURS: its bytes stay.
    const badOurs = ledgerText({ ...a, priority: 'urgent' });
    write('ours.json', badOurs);
    write('theirs.json', ledgerText(a));
    const r2 = mldebt(['backlog', 'merge', 'base.json', 'ours.json', 'theirs.json']);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('ours.json: item 1: "priority" must be one of low, medium, high');
    expect(readFileSync(join(dir, 'ours.json'), 'utf8')).toBe(badOurs);
    expect(readdirSync(dir).sort()).toEqual(['base.json', 'ours.json', 'theirs.json']);
  });
});

/** A strict RFC 4180 reader: every record the same width, quotes as the standard says. */
function parseCsv(text: string): string[][] {
  return parse(text, { record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false });
}
