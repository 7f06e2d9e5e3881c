import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The CLI as users run it: the built bundle in a child process, over real files. */
const CLI = join(__dirname, '..', '..', 'server', 'out', 'cli.js');

const READ = 'df = pd.read_csv("train.csv", dtype={"age": "int64"})';
const SMELLY = `import pandas as pd\n\n${READ}\nX = df.values\n`;
const CLEAN = `import pandas as pd\n\n${READ}\nX = df.to_numpy()\n`;

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mldebt-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function mldebt(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function notebook(...sources: string[]): string {
  return JSON.stringify({
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Training'] },
      ...sources.map((s, i) => ({ cell_type: 'code', execution_count: i + 1, metadata: {}, outputs: [], source: s.split(/(?<=\n)/) })),
    ],
    metadata: { language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}

describe('mldebt check', () => {
  it('prints path:line:col: CODE id message and exits 1 on a warning', () => {
    write('train.py', SMELLY);
    const r = mldebt('check');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('train.py:4:5: MLD207 dataframe-values Use `.to_numpy()`');
    expect(r.stdout).toContain('Found 1 finding in 1 file. 1 can be fixed with `mldebt check --fix`.');
  });

  it('checks on several threads with the same result, in file order, and --fix works there too', () => {
    for (let i = 0; i < 24; i++) write(`pkg/m${String(i).padStart(2, '0')}.py`, i % 3 === 0 ? CLEAN : SMELLY);
    write('pkg/nb.ipynb', notebook('import pandas as pd\n', `${READ}\nX = df.values\n`));
    const one = mldebt('check', '--format', 'json', '--jobs', '1');
    const two = mldebt('check', '--format', 'json', '--jobs', '2');
    expect(two.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect((JSON.parse(two.stdout) as unknown[]).length).toBe(17);
    const fixed = mldebt('check', '--fix', '--jobs', '2');
    expect(fixed.stderr).toContain('fixed 17 findings in 17 files');
    expect(readFileSync(join(dir, 'pkg', 'm01.py'), 'utf8')).toBe(CLEAN);
    expect(mldebt('check', '--jobs', '0').stderr).toContain('--jobs wants a whole number');
  });

  it('exits 0 on clean code', () => {
    write('train.py', CLEAN);
    const r = mldebt('check', '.');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('All clear: no findings in 1 file.');
  });

  it('says so when there is nothing to check', () => {
    write('.gitignore', '*.py\n');
    write('train.py', SMELLY);
    const r = mldebt('check');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no Python files or notebooks to check here');
  });

  it('honours --fail-on', () => {
    write('train.py', SMELLY);
    expect(mldebt('check', '--fail-on', 'error').code).toBe(0);
  });

  it('writes the stable JSON shape, with notebook cells 0-based among all cells', () => {
    write('nb.ipynb', notebook(`import pandas as pd\n${READ}\n`, 'X = df.values\n'));
    const r = mldebt('check', '--format', 'json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        path: 'nb.ipynb', cell: 2, line: 1, column: 5, endLine: 1, endColumn: 14, code: 'MLD207', id: 'dataframe-values',
        category: 'data', severity: 'warning', message: expect.any(String), fixable: true, fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      },
    ]);
  });

  it('writes SARIF 2.1.0 with rules, regions and fingerprints', () => {
    write('src/train.py', SMELLY);
    const r = mldebt('check', '--format', 'sarif');
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe('mldebt');
    const result = run.results[0];
    expect(run.tool.driver.rules[result.ruleIndex].id).toBe('MLD207');
    expect(result.level).toBe('warning');
    expect(result.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'src/train.py', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 5, endLine: 4, endColumn: 14 },
    });
    expect(result.partialFingerprints['mldebt/v1']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('fails only on new debt with a baseline', () => {
    write('train.py', SMELLY);
    expect(mldebt('check', '--write-baseline', 'baseline.json').code).toBe(1);
    expect(mldebt('check', '--baseline', 'baseline.json').code).toBe(0);
    // Lines move above the known finding: still known.
    write('train.py', '"""Training."""\n\n' + SMELLY);
    expect(mldebt('check', '--baseline', 'baseline.json').code).toBe(0);
    write('train.py', '"""Training."""\n\n' + SMELLY + 'Y = df.dropna().values\n');
    const r = mldebt('check', '--baseline', 'baseline.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('train.py:7:5: MLD207');
    expect(r.stdout).not.toContain('train.py:6:');
  });

  it('rejects a baseline file it cannot read, with exit 2', () => {
    write('train.py', SMELLY);
    write('baseline.json', '{"nope": 1}');
    const r = mldebt('check', '--baseline', 'baseline.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a baseline');
  });

  it('applies safe fixes with --fix and leaves the file valid', () => {
    const file = write('train.py', SMELLY);
    const r = mldebt('check', '--fix');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('fixed 1 finding in 1 file');
    expect(readFileSync(file, 'utf8')).toBe(CLEAN);
  });

  it('fixes notebook cells in place, keeping the rest of the notebook', () => {
    const file = write('nb.ipynb', notebook(`import pandas as pd\n${READ}\n`, '%matplotlib inline\nX = df.values\n'));
    expect(mldebt('check', '--fix').code).toBe(0);
    const after = JSON.parse(readFileSync(file, 'utf8'));
    expect(after.cells[2].source).toEqual(['%matplotlib inline\n', 'X = df.to_numpy()\n']);
    expect(after.cells[0].source).toEqual(['# Training']);
  });

  it('reports a malformed notebook as a finding and goes on', () => {
    write('broken.ipynb', '{"cells": [');
    write('train.py', SMELLY);
    const r = mldebt('check');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken.ipynb:1:1: MLD002 unreadable-file Cannot read notebook: not valid JSON');
    expect(r.stdout).toContain('train.py:4:5: MLD207');
  });

  it('reports a file it cannot read and goes on', () => {
    symlinkSync(join(dir, 'gone.py'), join(dir, 'dangling.py'));
    write('train.py', SMELLY);
    const r = mldebt('check');
    expect(r.stdout).toContain('dangling.py:1:1: MLD002 unreadable-file Cannot read file: ENOENT');
    expect(r.stdout).toContain('train.py:4:5: MLD207');
  });

  it('skips a 20 MB file and a binary file with a notice, not a crash', () => {
    write('generated.py', 'x = 1\n'.repeat(3_500_000));
    write('blob.py', 'import pandas\u0000\u0001\u0002');
    write('train.py', CLEAN);
    const r = mldebt('check');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('skipped generated.py: it is 20.0 MB, over the 5 MB limit');
    expect(r.stderr).toContain('skipped blob.py: it is a binary file');
  });

  it('honours .gitignore and the exclude setting of pyproject.toml', () => {
    write('.gitignore', 'build/\n');
    write('build/gen.py', SMELLY);
    write('legacy/old.py', SMELLY);
    write('pyproject.toml', '[project]\nname = "x"\n\n[tool.mldebt]\nexclude = ["legacy/**"]\n');
    write('train.py', CLEAN);
    const r = mldebt('check');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no findings in 1 file');
  });

  it('reads rule settings from pyproject.toml', () => {
    write('pyproject.toml', '[tool.mldebt.rules.dataframe-values]\nseverity = "information"\n');
    write('train.py', SMELLY);
    const r = mldebt('check', '--format', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0].severity).toBe('information');
  });

  it('names the bad key of an invalid configuration and exits 2', () => {
    write('pyproject.toml', '[tool.mldebt]\nselcet = ["MLD2"]\n');
    write('train.py', SMELLY);
    const r = mldebt('check');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tool.mldebt.selcet: unknown key');
  });

  it('exits 2 on usage errors', () => {
    expect(mldebt('check', '--select', 'no-such-rule').code).toBe(2);
    expect(mldebt('check', '--format', 'xml').code).toBe(2);
    expect(mldebt('check', '--unsafe-fixes').code).toBe(2);
    expect(mldebt('check', 'missing-folder').code).toBe(2);
    expect(mldebt('frobnicate').code).toBe(2);
  });

  it('selects and ignores rules from the command line', () => {
    write('train.py', SMELLY);
    expect(mldebt('check', '--ignore', 'MLD207').code).toBe(0);
    expect(mldebt('check', '--select', 'reproducibility').code).toBe(0);
    expect(mldebt('check', '--select', 'data').code).toBe(1);
  });
});

describe('mldebt rules', () => {
  it('lists every rule with code, id, category, severity and fix safety', () => {
    const r = mldebt('rules', '--format', 'json');
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as Array<Record<string, string>>;
    expect(rules.find((x) => x.id === 'dataframe-values')).toMatchObject({ code: 'MLD207', category: 'data', severity: 'warning', fix: 'safe' });
    expect(mldebt('rules').stdout).toMatch(/MLD207\s+dataframe-values\s+data\s+warning\s+safe/);
  });
});
