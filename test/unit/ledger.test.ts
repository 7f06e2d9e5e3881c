import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import {
  emptyLedger,
  itemKey,
  LedgerError,
  mergeLedgers,
  parseLedger,
  readLedger,
  renderLedger,
  updateLedger,
  writeLedger,
  type Ledger,
  type LedgerItem,
} from '../../server/src/backlog/ledger';
import { reportCsv, reportItems, reportJson, reportMarkdown } from '../../server/src/backlog/report';
import { writeFileAtomic } from '../../server/src/engine/atomicWrite';
import { RULES } from '../../server/src/rules';

/** The built CLI, for git's merge driver. */
const CLI = join(__dirname, '..', '..', 'server', 'out', 'cli.js');

const KEY_ORDER = ['fingerprint', 'rule', 'file', 'snippet', 'note', 'owner', 'priority', 'created', 'status'];

function item(fields: Partial<LedgerItem> & Pick<LedgerItem, 'file' | 'fingerprint'>): LedgerItem {
  return { rule: 'dataframe-values', snippet: 'X = df.values', note: '', owner: '', priority: 'medium', created: '2024-05-01', status: 'open', ...fields };
}

function ledger(...items: LedgerItem[]): Ledger {
  return { version: 1, items };
}

/** The LedgerError that `f` throws (fails the test when it throws nothing, or something else). */
function ledgerError(f: () => unknown): LedgerError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LedgerError);
    return e as LedgerError;
  }
  throw new Error('expected a LedgerError, nothing was thrown');
}

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mldebt-ledger-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('renderLedger and parseLedger', () => {
  const tricky = item({
    fingerprint: '0123456789abcdef',
    rule: 'unseeded-randomness',
    file: 'src/ünïcode dir/train.py',
    snippet: 'x = df["a,b"] | `y` \\ "q"',
    note: 'line one\nline two, with "quotes" and a tab\t',
    owner: '@ana',
    priority: 'high',
    created: '2023-12-31',
    status: 'accepted',
  });

  it('round-trips every field', () => {
    const parsed = parseLedger(renderLedger(ledger(tricky)));
    expect(parsed).toEqual({ version: 1, items: [tricky] });
    for (const key of KEY_ORDER) expect(parsed.items[0][key as keyof LedgerItem]).toBe(tricky[key as keyof LedgerItem]);
  });

  it('renders the same text whatever the input order, sorted by file, rule, fingerprint', () => {
    const items = [
      item({ file: 'b.py', fingerprint: '2222' }),
      item({ file: 'a.py', fingerprint: '9999', rule: 'untyped-read' }),
      item({ file: 'a.py', fingerprint: '3333', rule: 'dataframe-values' }),
      item({ file: 'a.py', fingerprint: '1111', rule: 'dataframe-values' }),
      tricky,
    ];
    const texts = new Set([items, [...items].reverse(), [items[2], items[4], items[0], items[3], items[1]]].map((list) => renderLedger(ledger(...list))));
    expect(texts.size).toBe(1);
    const [text] = texts;
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['{', '  "version": 1,', '  "items": [']);
    expect(lines.slice(-3)).toEqual(['  ]', '}', '']); // ends with a newline
    const itemLines = lines.slice(3, -3);
    expect(itemLines).toHaveLength(items.length); // one item per line
    const rendered = itemLines.map((l, i) => {
      expect(l.startsWith('    {')).toBe(true);
      expect(l.endsWith(i < itemLines.length - 1 ? '},' : '}')).toBe(true);
      return JSON.parse(l.trim().replace(/,$/, '')) as LedgerItem;
    });
    expect(rendered.map((r) => `${r.file} ${r.rule} ${r.fingerprint}`)).toEqual([
      'a.py dataframe-values 1111',
      'a.py dataframe-values 3333',
      'a.py untyped-read 9999',
      'b.py dataframe-values 2222',
      'src/ünïcode dir/train.py unseeded-randomness 0123456789abcdef',
    ]);
  });

  it('writes the keys in a fixed order, whatever order the item objects have, and drops unknown keys', () => {
    const base = item({ file: 'a.py', fingerprint: 'f1' });
    const scrambled = Object.fromEntries([...KEY_ORDER].reverse().map((k) => [k, base[k as keyof LedgerItem]]).concat([['extra', 'x']])) as unknown as LedgerItem;
    expect(Object.keys(scrambled)).toEqual([...KEY_ORDER].reverse().concat('extra')); // the input really is out of order
    const line = renderLedger(ledger(scrambled)).split('\n')[3];
    expect(Object.keys(JSON.parse(line))).toEqual(KEY_ORDER);
    // The same for what parsing returns.
    const text = JSON.stringify({ items: [scrambled], version: 1 });
    expect(Object.keys(parseLedger(text).items[0])).toEqual(KEY_ORDER);
  });

  it('renders an empty ledger that parses back', () => {
    const text = renderLedger(emptyLedger());
    expect(text).toBe('{\n  "version": 1,\n  "items": [\n  ]\n}\n');
    expect(parseLedger(text)).toEqual(emptyLedger());
  });

  it('names the problem when the text is not valid JSON', () => {
    const e = ledgerError(() => parseLedger('{"version": 1, "items": [\n<<<<<<< HEAD\n', '.mldebt/backlog.json'));
    expect(e.message).toContain('.mldebt/backlog.json is not valid JSON');
    expect(e.message).toContain('will not be overwritten');
  });

  it('names the problem when the version is wrong or the shape is not a ledger', () => {
    expect(ledgerError(() => parseLedger('{"version": 2, "items": []}', 'L')).message).toBe('L: unsupported version 2 (expected 1)');
    expect(ledgerError(() => parseLedger('{"items": []}', 'L')).message).toBe('L: unsupported version undefined (expected 1)');
    expect(ledgerError(() => parseLedger('[]', 'L')).message).toContain('expected an object with "version" and "items"');
    expect(ledgerError(() => parseLedger('{"version": 1, "items": {}}', 'L')).message).toBe('L: "items" must be an array');
  });

  it('names the item and the field when an item lacks a field', () => {
    const { owner: _owner, ...noOwner } = item({ file: 'b.py', fingerprint: 'ff' });
    const text = JSON.stringify({ version: 1, items: [item({ file: 'a.py', fingerprint: 'ee' }), noOwner] });
    expect(ledgerError(() => parseLedger(text, 'L')).message).toBe('L: item 2: "owner" must be a string');
    const notString = JSON.stringify({ version: 1, items: [{ ...item({ file: 'a.py', fingerprint: 'ee' }), note: 42 }] });
    expect(ledgerError(() => parseLedger(notString, 'L')).message).toBe('L: item 1: "note" must be a string');
    expect(ledgerError(() => parseLedger('{"version": 1, "items": [null]}', 'L')).message).toBe('L: item 1 is not an object');
  });

  it('names the item and the field for a bad status or priority', () => {
    const ok = item({ file: 'a.py', fingerprint: 'ee' });
    const badStatus = JSON.stringify({ version: 1, items: [ok, ok, { ...ok, status: 'done' }] });
    expect(ledgerError(() => parseLedger(badStatus, 'L')).message).toBe('L: item 3: "status" must be one of open, accepted, resolved');
    const badPriority = JSON.stringify({ version: 1, items: [{ ...ok, priority: 'urgent' }] });
    expect(ledgerError(() => parseLedger(badPriority, 'L')).message).toBe('L: item 1: "priority" must be one of low, medium, high');
  });
});

describe('readLedger and writeLedger', () => {
  const a = item({ file: 'a.py', fingerprint: 'aaaa', note: 'old' });
  const b = item({ file: 'b.py', fingerprint: 'bbbb' });

  it('reads a missing ledger as empty, and creates .mldebt/ when writing', () => {
    const path = join(dir, '.mldebt', 'backlog.json');
    expect(readLedger(path)).toEqual(emptyLedger());
    expect(existsSync(join(dir, '.mldebt'))).toBe(false);
    writeLedger(path, ledger(b, a));
    expect(readFileSync(path, 'utf8')).toBe(renderLedger(ledger(a, b)));
    expect(readdirSync(join(dir, '.mldebt'))).toEqual(['backlog.json']);
  });

  it('overwrites a valid ledger, keeping its file mode', () => {
    const path = join(dir, '.mldebt', 'backlog.json');
    writeLedger(path, ledger(a));
    chmodSync(path, 0o640);
    updateLedger(path, (l) => l.items.push(b));
    expect(readLedger(path).items).toEqual([a, b]);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('never overwrites a ledger that does not parse: the bytes stay as they were', () => {
    const path = join(dir, '.mldebt', 'backlog.json');
    mkdirSync(join(dir, '.mldebt'));
    const corrupt = Buffer.from('{\n  "version": 1,\n  "items": [\n<<<<<<< HEAD\n    {"fingerprint": "aaaa"}\n=======\n>>>>>>> theirs\n  ]\n}\n');
    writeFileSync(path, corrupt);
    expect(ledgerError(() => writeLedger(path, ledger(a))).message).toContain('is not valid JSON');
    expect(ledgerError(() => updateLedger(path, (l) => l.items.push(b))).message).toContain('is not valid JSON');
    expect(readFileSync(path).equals(corrupt)).toBe(true);
    // A ledger that is JSON but not a valid ledger is kept as well.
    const invalid = Buffer.from(JSON.stringify({ version: 1, items: [{ ...a, status: 'done' }] }));
    writeFileSync(path, invalid);
    expect(ledgerError(() => writeLedger(path, ledger(b))).message).toContain('item 1: "status"');
    expect(readFileSync(path).equals(invalid)).toBe(true);
    expect(readdirSync(join(dir, '.mldebt'))).toEqual(['backlog.json']);
  });
});

describe('an interrupted atomic write', () => {
  // The CommonJS face of node:fs; syncBuiltinESMExports() carries a change to it over to the ES
  // module that atomicWrite.ts imports, so the real writeFileAtomic runs with a rename that fails.
  const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');

  function withFailingRename(run: (seen: Array<{ from: string; existed: boolean; content: string }>) => void): void {
    const original = fs.renameSync;
    const seen: Array<{ from: string; existed: boolean; content: string }> = [];
    fs.renameSync = ((from: string) => {
      // The moment the process dies: the temporary file is complete, the rename has not happened.
      seen.push({ from, existed: existsSync(from), content: existsSync(from) ? readFileSync(from, 'utf8') : '' });
      throw Object.assign(new Error('EIO: simulated crash during rename'), { code: 'EIO' });
    }) as typeof fs.renameSync;
    syncBuiltinESMExports();
    try {
      run(seen);
    } finally {
      fs.renameSync = original;
      syncBuiltinESMExports();
    }
  }

  it('leaves the old ledger intact and no temporary file behind', () => {
    const path = join(dir, '.mldebt', 'backlog.json');
    const before = ledger(item({ file: 'a.py', fingerprint: 'aaaa' }));
    writeLedger(path, before);
    const oldBytes = readFileSync(path);
    const after = ledger(item({ file: 'a.py', fingerprint: 'aaaa' }), item({ file: 'b.py', fingerprint: 'bbbb' }));
    withFailingRename((seen) => {
      expect(() => writeLedger(path, after)).toThrow('simulated crash');
      // The write really went through a temporary file in the same folder.
      expect(seen).toHaveLength(1);
      expect(seen[0].existed).toBe(true);
      expect(seen[0].content).toBe(renderLedger(after));
      expect(join(seen[0].from, '..')).toBe(join(dir, '.mldebt'));
    });
    expect(readFileSync(path).equals(oldBytes)).toBe(true);
    expect(readdirSync(join(dir, '.mldebt'))).toEqual(['backlog.json']);
    // And with the rename back, the same write goes through.
    writeLedger(path, after);
    expect(readLedger(path)).toEqual(after);
  });

  it('cleans up when the operating system refuses the rename (the target is a folder)', () => {
    const target = join(dir, 'backlog.json');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'kept');
    expect(() => writeFileAtomic(target, 'new')).toThrow(/EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    expect(readFileSync(join(target, 'keep'), 'utf8')).toBe('kept');
    expect(readdirSync(dir)).toEqual(['backlog.json']);
  });
});

describe('mergeLedgers', () => {
  const a = item({ file: 'a.py', fingerprint: 'aaaa', note: 'base note' });
  const b = item({ file: 'b.py', fingerprint: 'bbbb' });
  const c = item({ file: 'c.py', fingerprint: 'cccc' });
  const keys = (l: Ledger) => l.items.map(itemKey);

  it('keeps the items each branch added', () => {
    const merged = mergeLedgers(ledger(a), ledger(a, b), ledger(c, a));
    expect(merged).toEqual(ledger(a, b, c));
  });

  it('keeps both a note change and a status change to the same item', () => {
    const noted = { ...a, note: 'needs a dtype map' };
    const accepted = { ...a, status: 'accepted' as const };
    const expected = ledger({ ...a, note: 'needs a dtype map', status: 'accepted' });
    expect(mergeLedgers(ledger(a), ledger(noted), ledger(accepted))).toEqual(expected);
    expect(mergeLedgers(ledger(a), ledger(accepted), ledger(noted))).toEqual(expected);
  });

  it('lets the further status win when both branches change it', () => {
    const accepted = { ...a, status: 'accepted' as const };
    const resolved = { ...a, status: 'resolved' as const };
    expect(mergeLedgers(ledger(a), ledger(accepted), ledger(resolved)).items[0].status).toBe('resolved');
    expect(mergeLedgers(ledger(a), ledger(resolved), ledger(accepted)).items[0].status).toBe('resolved');
  });

  it('deletes an item one branch deleted and the other did not touch', () => {
    expect(keys(mergeLedgers(ledger(a, b), ledger(a), ledger(a, b)))).toEqual([itemKey(a)]);
    expect(keys(mergeLedgers(ledger(a, b), ledger(a, b), ledger(a)))).toEqual([itemKey(a)]);
  });

  it('keeps an item one branch deleted and the other changed, with the change', () => {
    const changed = { ...b, owner: '@bo' };
    expect(mergeLedgers(ledger(a, b), ledger(a), ledger(a, changed))).toEqual(ledger(a, changed));
    expect(mergeLedgers(ledger(a, b), ledger(a, changed), ledger(a))).toEqual(ledger(a, changed));
  });

  it('keeps both notes when both branches change the note', () => {
    const merged = mergeLedgers(ledger(a), ledger({ ...a, note: 'ours: fix in Q3' }), ledger({ ...a, note: 'theirs: blocked by data team' }));
    expect(merged.items).toHaveLength(1);
    expect(merged.items[0].note).toBe('ours: fix in Q3\ntheirs: blocked by data team');
  });

  it('does not double a note both branches changed the same way', () => {
    const merged = mergeLedgers(ledger(a), ledger({ ...a, note: 'same' }), ledger({ ...a, note: 'same' }));
    expect(merged.items[0].note).toBe('same');
  });

  it('takes a field changed on one side only, whichever side', () => {
    const merged = mergeLedgers(ledger(a), ledger({ ...a, owner: '@ana' }), ledger({ ...a, priority: 'high' }));
    expect(merged.items[0]).toEqual({ ...a, owner: '@ana', priority: 'high' });
  });

  // Possible bug: "changed on both sides, the fields each side changed are combined". A status
  // moved back (accepted → open: the team decided to pay the debt after all) on one branch is
  // lost when the other branch did not touch the item at all: the further status, the base's, wins.
  it('keeps a status moved back on one branch when the other branch left the item alone', () => {
    const acceptedA = { ...a, status: 'accepted' as const };
    const reopened = { ...a, status: 'open' as const, note: 'we fix it after all' };
    const merged = mergeLedgers(ledger(acceptedA), ledger(reopened), ledger(acceptedA, b));
    expect(merged.items.find((i) => i.fingerprint === 'aaaa')).toEqual(reopened);
  });
});

describe('git merge with the mldebt merge driver', () => {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };

  function git(repo: string, ...args: string[]): { code: number; out: string } {
    const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
    return { code: r.status ?? -1, out: r.stdout + r.stderr };
  }

  function ok(repo: string, ...args: string[]): void {
    const r = git(repo, ...args);
    expect(r.code, `git ${args.join(' ')}\n${r.out}`).toBe(0);
  }

  function repo(name: string, driver: boolean): string {
    const root = join(dir, name);
    mkdirSync(root);
    ok(root, 'init', '-q', '-b', 'main');
    if (driver) {
      ok(root, 'config', 'merge.mldebt.driver', `"${process.execPath}" "${CLI}" backlog merge %O %A %B`);
      writeFileSync(join(root, '.gitattributes'), '.mldebt/backlog.json merge=mldebt\n');
    }
    writeFileSync(join(root, 'README'), 'project\n');
    ok(root, 'add', '-A');
    ok(root, 'commit', '-q', '-m', 'start');
    return root;
  }

  function commitLedger(root: string, l: Ledger, message: string): void {
    mkdirSync(join(root, '.mldebt'), { recursive: true });
    writeFileSync(join(root, '.mldebt', 'backlog.json'), renderLedger(l));
    ok(root, 'add', '-A');
    ok(root, 'commit', '-q', '-m', message);
  }

  const a = item({ file: 'a.py', fingerprint: 'aaaa', note: 'base' });
  const c = item({ file: 'c.py', fingerprint: 'cccc' });
  const e = item({ file: 'e.py', fingerprint: 'eeee' });
  // Both branches add at the end of the sorted list and change neighbouring items.
  const feature = ledger({ ...a, note: 'from feature' }, c, e, item({ file: 'x.py', fingerprint: 'xxxx' }));
  const mainSide = ledger(a, { ...c, status: 'accepted' }, e, item({ file: 'y.py', fingerprint: 'yyyy' }));
  const merged = ledger({ ...a, note: 'from feature' }, { ...c, status: 'accepted' }, e, item({ file: 'x.py', fingerprint: 'xxxx' }), item({ file: 'y.py', fingerprint: 'yyyy' }));

  function branches(root: string): void {
    commitLedger(root, ledger(a, c, e), 'base ledger');
    ok(root, 'checkout', '-q', '-b', 'feature');
    commitLedger(root, feature, 'feature');
    ok(root, 'checkout', '-q', 'main');
    commitLedger(root, mainSide, 'main');
  }

  it('merges branches that add items at the end and change different items, without conflict', () => {
    const root = repo('with-driver', true);
    branches(root);
    const r = git(root, 'merge', '--no-edit', 'feature');
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('CONFLICT');
    expect(git(root, 'status', '--porcelain').out).toBe('');
    const text = readFileSync(join(root, '.mldebt', 'backlog.json'), 'utf8');
    expect(text).toBe(renderLedger(merged));
    expect(parseLedger(text).items).toHaveLength(5);
  });

  it('conflicts on the same merge without the driver (so the test above can fail)', () => {
    const root = repo('without-driver', false);
    branches(root);
    const r = git(root, 'merge', '--no-edit', 'feature');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('CONFLICT (content): Merge conflict in .mldebt/backlog.json');
    expect(readFileSync(join(root, '.mldebt', 'backlog.json'), 'utf8')).toContain('<<<<<<<');
  });

  // Bug: when two branches each create the ledger (add/add), git hands the driver an empty file as
  // the common ancestor; the driver reads it as a corrupt ledger, exits 1, and git reports a conflict.
  it('merges two branches that each created the ledger', () => {
    const root = repo('add-add', true);
    ok(root, 'checkout', '-q', '-b', 'feature');
    commitLedger(root, ledger(item({ file: 'x.py', fingerprint: 'xxxx' })), 'feature ledger');
    ok(root, 'checkout', '-q', 'main');
    commitLedger(root, ledger(item({ file: 'y.py', fingerprint: 'yyyy' })), 'main ledger');
    const r = git(root, 'merge', '--no-edit', 'feature');
    expect(r.out).not.toContain('CONFLICT');
    expect(r.code, r.out).toBe(0);
    expect(readLedger(join(root, '.mldebt', 'backlog.json')).items.map((i) => i.file)).toEqual(['x.py', 'y.py']);
  });
});

describe('backlog reports', () => {
  const present = item({ file: 'train.py', fingerprint: 'p1', rule: 'dataframe-values', note: 'a|b\nc', owner: '@ana' });
  const gone = item({ file: 'train.py', fingerprint: 'g1', rule: 'untyped-read', status: 'accepted' });
  const seed = item({ file: 'split.py', fingerprint: 's1', rule: 'unseeded-randomness', priority: 'high' });
  const current = new Set([itemKey(present), itemKey(seed)]);
  const items = reportItems([present, gone, seed], RULES, current);

  it('reads an item whose fingerprint is not current as resolved', () => {
    expect(items.map((i) => [i.fingerprint, i.present, i.status, i.code, i.category])).toEqual([
      ['p1', true, 'open', 'MLD207', 'data'],
      ['g1', false, 'resolved', 'MLD209', 'data'],
      ['s1', true, 'open', 'MLD101', 'reproducibility'],
    ]);
    // Same fingerprint in another file is another item.
    expect(reportItems([{ ...present, file: 'other.py' }], RULES, current)[0].present).toBe(false);
  });

  it('markdown: groups by category with counts, and marks code that is gone', () => {
    const md = reportMarkdown(items);
    expect(md).toContain('3 items: 2 open or accepted, 1 resolved.');
    expect(md).toContain('| Reproducibility | 1 | 1 | 1 |');
    expect(md).toContain('| Data and pipeline | 2 | 1 | 0 |');
    // Sections in the catalogue's category order.
    expect(md.indexOf('## Reproducibility (1)')).toBeGreaterThan(0);
    expect(md.indexOf('## Data and pipeline (2)')).toBeGreaterThan(md.indexOf('## Reproducibility (1)'));
    const rows = md.split('\n').filter((l) => l.startsWith('| MLD'));
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.includes('untyped-read'))).toContain('| resolved (code gone) |');
    expect(rows.find((r) => r.includes('dataframe-values'))).toContain('| open |');
    expect(rows.find((r) => r.includes('dataframe-values'))).not.toContain('code gone');
    // A pipe or newline in a note cannot break the table.
    expect(rows.find((r) => r.includes('dataframe-values'))).toContain('| a\\|b c |');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('markdown: an item resolved by hand is not "code gone"', () => {
    const md = reportMarkdown(reportItems([{ ...present, status: 'resolved' }], RULES, current));
    expect(md).toContain('| resolved |');
    expect(md).not.toContain('code gone');
  });

  it('csv: quotes commas, quotes and newlines as RFC 4180 says', () => {
    const nasty = item({ file: 'dir, with comma/t.py', fingerprint: 'n1', snippet: 'df["a"], df[\'b\']', note: 'say "hi",\r\nthen\nleave', owner: '"@q"' });
    const csv = reportCsv(reportItems([nasty, present], RULES, new Set([itemKey(nasty), itemKey(present)])));
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['category', 'code', 'rule', 'file', 'snippet', 'note', 'owner', 'priority', 'status', 'created', 'fingerprint']);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.length === 11)).toBe(true);
    const row = rows.find((r) => r[10] === 'n1')!;
    expect(row.slice(3, 7)).toEqual([nasty.file, nasty.snippet, nasty.note, nasty.owner]);
    expect(row[0]).toBe('data');
  });

  it('json: groups by category with counts', () => {
    const groups = JSON.parse(reportJson(items)) as Array<{ category: string; title: string; count: number; items: Array<{ fingerprint: string; status: string; present: boolean }> }>;
    expect(groups.map((g) => [g.category, g.title, g.count])).toEqual([
      ['reproducibility', 'Reproducibility', 1],
      ['data', 'Data and pipeline', 2],
    ]);
    expect(groups[1].items.map((i) => [i.fingerprint, i.status, i.present])).toEqual([
      ['p1', 'open', true],
      ['g1', 'resolved', false],
    ]);
  });
});

/** A strict RFC 4180 reader: every record the same width, quotes as the standard says. */
function parseCsv(text: string): string[][] {
  return parse(text, { record_delimiter: '\r\n', relax_quotes: false, relax_column_count: false });
}
