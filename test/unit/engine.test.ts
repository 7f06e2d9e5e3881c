import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PythonDocument } from '../../server/src/engine/documents';
import { analyze, type ActiveRule } from '../../server/src/engine/analyzer';
import { activeRules } from '../../server/src/engine/config';
import type { Engine } from '../../server/src/engine/engine';
import { applyFixes } from '../../server/src/engine/fixes';
import { applyEdit } from '../../server/src/engine/parser';
import { defineRule, type AnyRule } from '../../server/src/engine/rule';
import { appendArgument } from '../../server/src/engine/syntax';
import type { Node, Tree } from '../../server/src/engine/parser';
import { RULES } from '../../server/src/rules';
import { loadEngine } from '../support/engine';
import { seededRandom } from '../support/random';

function probeRule(listeners: (seen: string[]) => Record<string, ((n: Node) => void) | (() => void)>, seen: string[]): AnyRule {
  return defineRule({
    meta: {
      id: 'probe', code: 'MLD999', category: 'meta', severity: 'warning', fix: 'none',
      messages: { default: 'probe finding here' },
      docs: { summary: '', whatItDoes: '', whyIsThisBad: '', example: '', useInstead: '', fixSafety: '', references: [] },
    },
    create: () => listeners(seen),
  });
}

/** The engine's own rules and one simple rule, so other rules' findings do not enter these tests. */
const ALL_ACTIVE = activeRules(RULES, { select: ['meta', 'dataframe-values'] });

async function run(text: string, rules: ActiveRule[]) {
  return analyze({ text, tree: (await loadEngine()).copy(text) }, rules);
}

describe('the walk', () => {
  it('hands every node of a listened type to the rule once, in source order, with exits after children', async () => {
    const seen: string[] = [];
    const rule = probeRule((s) => ({
      call: (n: Node) => s.push(`call ${n.text}`),
      'call:exit': (n: Node) => s.push(`exit ${n.text}`),
      'module:exit': () => s.push('module end'),
    }), seen);
    await run('f(g(1))\nh()\n', [{ rule, severity: 'warning', options: {} }]);
    expect(seen).toEqual(['call f(g(1))', 'call g(1)', 'exit g(1)', 'exit f(g(1))', 'call h()', 'exit h()', 'module end']);
  });

  it('keeps other rules running when one throws, and stops calling that one', async () => {
    let calls = 0;
    const broken = probeRule(() => ({ call: () => { calls++; throw new Error('boom'); } }), []);
    const result = await run('import pandas as pd\ndf = pd.read_csv("a")\nx = df.values\nf()\n', [{ rule: broken, severity: 'warning', options: {} }, ...ALL_ACTIVE]);
    expect(result.ruleErrors).toHaveLength(1);
    expect(result.ruleErrors[0]).toMatch(/^probe: Error: boom/);
    expect(calls).toBe(1);
    expect(result.findings.map((f) => f.ruleId)).toContain('dataframe-values');
  });

  it('skips a file nested too deeply to parse, with the reason, instead of failing', async () => {
    const engine = await loadEngine();
    const deep = engine.analyzeFile(`x = ${'('.repeat(30_000)}1${')'.repeat(30_000)}\n`, 'python', ALL_ACTIVE);
    expect(deep.skipped).toBe('it nests brackets or blocks too deeply to analyse');
    expect(deep.findings).toEqual([]);
    expect(engine.analyzeFile('import pandas as pd\nx = pd.DataFrame().values\n', 'python', ALL_ACTIVE).findings.map((f) => f.ruleId)).toContain('dataframe-values');
  });

  it('analyses the valid parts of a file with a syntax error', async () => {
    const result = await run('import pandas as pd\ndf = pd.read_csv("a")\ndef broken(:\n    pass\nx = df.values\n', ALL_ACTIVE);
    expect(result.findings.map((f) => `${f.range.start.line}:${f.ruleId}`)).toEqual(['2:syntax-error', '4:dataframe-values']);
  });
});

describe('the semantic model', () => {
  async function probe(text: string, ask: (n: Node, sem: import('../../server/src/engine/semantic').SemanticModel) => string) {
    const seen: string[] = [];
    const rule = defineRule({
      meta: { id: 'probe', code: 'MLD999', category: 'meta', severity: 'warning', fix: 'none', messages: { default: 'probe finding here' }, docs: { summary: '', whatItDoes: '', whyIsThisBad: '', example: '', useInstead: '', fixSafety: '', references: [] } },
      create: (ctx) => ({ call: (n: Node) => { if (n.childForFieldName('function')?.text === 'probe') seen.push(ask(n.childForFieldName('arguments')!.namedChildren[0]!, ctx.semantic)); } }),
    });
    await run(text, [{ rule, severity: 'warning', options: {} }]);
    return seen;
  }

  it('resolves imports, aliases and from-imports to qualified names', async () => {
    const src = 'import numpy as np\nimport torch.nn\nfrom sklearn.ensemble import RandomForestClassifier as RF\nfrom torch import nn\nprobe(np.random.seed)\nprobe(RF)\nprobe(nn.Linear)\nprobe(torch.nn.ReLU)\nprobe(unknown.thing)\n';
    expect(await probe(src, (n, s) => String(s.qualifiedName(n)))).toEqual(['numpy.random.seed', 'sklearn.ensemble.RandomForestClassifier', 'torch.nn.Linear', 'torch.nn.ReLU', 'undefined']);
  });

  it('resolves module-level imports written below their use', async () => {
    expect(await probe('def f():\n    probe(pd.read_csv)\nimport pandas as pd\n', (n, s) => String(s.qualifiedName(n)))).toEqual(['pandas.read_csv']);
  });

  it('tracks the kinds of assigned names, per scope, and forgets rebound ones', async () => {
    const src = [
      'import pandas as pd', 'import torch', 'from torch import nn',
      'df = pd.read_csv("a.csv")', 'probe(df)', 'clean = df.dropna()', 'probe(clean)', 'probe(df["a"])',
      'class Net(nn.Module):', '    def __init__(self):', '        self.head = nn.Linear(2, 2)', '    def go(self):', '        probe(self.head)',
      'model = Net().to("cuda")', 'probe(model)', 'opt = torch.optim.Adam(model.parameters())', 'probe(opt)',
      'def f(df):', '    probe(df)', 'df = 3', 'probe(df)',
    ].join('\n');
    expect(await probe(src, (n, s) => String(s.kindOf(n)))).toEqual(['dataframe', 'dataframe', 'pandas', 'torch-module', 'torch-module', 'optimizer', 'undefined', 'undefined']);
  });

  it('forgets what it knew of attributes, at any depth, when a name they are under is rebound', async () => {
    const src = [
      'import pandas as pd', 'cfg.data.frame = pd.read_csv("a")', 'cfg.other = pd.read_csv("b")', 'probe(cfg.data.frame)',
      'cfg.data = 1', 'probe(cfg.data.frame)', 'probe(cfg.other)',
      'cfg.data.frame = pd.read_csv("c")', 'probe(cfg.data.frame)', 'cfg = 2', 'probe(cfg.data.frame)', 'probe(cfg.other)',
    ].join('\n');
    expect(await probe(src, (n, s) => String(s.kindOf(n)))).toEqual(['dataframe', 'undefined', 'dataframe', 'dataframe', 'undefined', 'undefined']);
  });

  it('spells an import by the first module-level name bound to it, while names are rebound', async () => {
    const src = [
      'import numpy as np', 'import numpy as xp', 'import pandas as pd', 'probe("numpy")', 'np = 1', 'probe("numpy")', 'probe("pandas")',
      'xp = pd', 'probe("numpy")', 'def f():', '    import numpy as local', '    probe("numpy")', 'from numpy import random as rnd', 'probe("numpy.random")',
    ].join('\n');
    expect(await probe(src, (n, s) => String(s.importedNameFor(JSON.parse(n.text) as string)))).toEqual(['np', 'xp', 'pd', 'undefined', 'undefined', 'rnd']);
  });

  it('gives train_test_split outputs the kinds of their inputs', async () => {
    const src = 'import pandas as pd\nfrom sklearn.model_selection import train_test_split\ndf = pd.read_csv("a")\nX_tr, X_te, y_tr, y_te = train_test_split(df, df["y"])\nprobe(X_te)\nprobe(y_tr)\n';
    expect(await probe(src, (n, s) => String(s.kindOf(n)))).toEqual(['dataframe', 'pandas']);
  });
});

describe('suppressions', () => {
  const smelly = 'import pandas as pd\ndf = pd.read_csv("a")\n';
  it('silences a rule on its line by id or code, and in the whole file', async () => {
    const byId = await run(smelly + 'x = df.values  # mldebt: ignore[dataframe-values] exported as is\n', ALL_ACTIVE);
    expect(byId.findings).toEqual([]);
    const byCode = await run(smelly + 'x = df.values  # mldebt: ignore[MLD207]\n', ALL_ACTIVE);
    expect(byCode.findings).toEqual([]);
    const fileWide = await run('# mldebt: ignore-file[dataframe-values]\n' + smelly + 'x = df.values\ny = df.values\n', ALL_ACTIVE);
    expect(fileWide.findings).toEqual([]);
  });

  it('does not silence other rules or other lines', async () => {
    const r = await run(smelly + '# mldebt: ignore[dataframe-values]\nx = df.values  # mldebt: ignore[syntax-error]\n', ALL_ACTIVE);
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['dataframe-values', 'unused-suppression', 'unused-suppression']);
  });
});

describe('fingerprints', () => {
  const body = 'import pandas as pd\ndf = pd.read_csv("a")\n\ndef load():\n    return df.values\n\nx = df.values\n';
  async function prints(text: string) {
    return (await run(text, ALL_ACTIVE)).findings.map((f) => f.fingerprint);
  }

  it('survive lines inserted above and unrelated edits', async () => {
    const before = await prints(body);
    expect(new Set(before).size).toBe(2);
    expect(await prints('"""Docs."""\nimport os\n\n' + body.replace('"a"', '"b.csv"'))).toEqual(before);
  });

  it('survive renaming a variable elsewhere and moving a function', async () => {
    const before = await prints(body);
    expect(await prints(body.replace(/\ndef load\(\):\n    return df.values\n/, '\n') + '\n\ndef load():\n    return df.values\n')).toEqual([before[1], before[0]]);
    const renamed = 'import pandas as pd\ndf = pd.read_csv("a")\nunused = 1\nrenamed_elsewhere = unused\n\ndef load():\n    return df.values\n\nx = df.values\n';
    expect(await prints(renamed)).toEqual(before);
  });

  it('name the definitions a finding is in, in whatever block they are', async () => {
    const head = 'import pandas as pd\ndf = pd.read_csv("a")\n\n';
    const blocks = [
      ['if ready:', ''], ['if ready:\n    pass\nelif later:', ''], ['if ready:\n    pass\nelse:', ''], ['for x in xs:', ''],
      ['while ready:', ''], ['try:', '\nexcept E:\n    pass'], ['try:\n    pass\nexcept E:', ''], ['try:\n    pass\nfinally:', ''],
      ['with ctx:', ''], ['match x:\n    case 1:', ''], ['class Holder:', ''], ['@wraps\ndef holder():', ''],
    ];
    for (const [open, close] of blocks) {
      const depth = open.includes('case') ? '        ' : '    ';
      const text = `${head}${open}\n${depth}def inner():\n${depth}    return df.values\n${close}\n`;
      expect(await prints(text.replace('def inner', 'def other')), open).not.toEqual(await prints(text));
    }
  });

  it('tell identical findings in one scope apart, and change with the scope', async () => {
    const twice = await prints(body + 'y = df.values\n');
    expect(new Set(twice).size).toBe(3);
    const moved = await prints(body.replace('def load', 'def read'));
    expect(moved[0]).not.toBe((await prints(body))[0]);
    expect(moved[1]).toBe((await prints(body))[1]);
  });
});

describe('configuration', () => {
  it('applies select, ignore, severity overrides and "off"', () => {
    const ids = (c: Parameters<typeof activeRules>[1]) => activeRules(RULES, c).map((r) => r.rule.meta.id);
    expect(ids({ select: ['MLD2'] })).toContain('dataframe-values');
    expect(ids({ select: ['MLD2'] })).not.toContain('syntax-error');
    expect(ids({ ignore: ['data'] })).not.toContain('dataframe-values');
    expect(ids({ rules: { 'dataframe-values': { severity: 'off' } } })).not.toContain('dataframe-values');
    const set = activeRules(RULES, { ignore: ['MLD207'], rules: { 'dataframe-values': { severity: 'error' } } });
    expect(set.find((r) => r.rule.meta.id === 'dataframe-values')?.severity).toBe('error');
  });
});

/** `text` with `[start, end)` replaced by `insert`, re-parsed incrementally from `tree` (which is deleted), and parsed afresh. */
function reparsed(engine: Engine, tree: Tree, text: string, start: number, end: number, insert: string): { tree: Tree; text: string; fresh: Tree } {
  applyEdit(tree, text, start, end, insert);
  const next = text.slice(0, start) + insert + text.slice(end);
  const incremental = engine.parser.parse(next, tree);
  tree.delete();
  return { tree: incremental, text: next, fresh: engine.parser.parse(next) };
}

describe('incremental parsing', () => {
  it('gives the same tree as a fresh parse after random edits', async () => {
    const engine = await loadEngine();
    let text = 'import pandas as pd\n\ndef f(df):\n    return df.dropna()\n\nx = [1, 2, 3]\n'.repeat(20);
    let tree = engine.parser.parse(text);
    const rand = seededRandom(7);
    for (let i = 0; i < 50; i++) {
      const start = rand(text.length);
      const end = Math.min(text.length, start + rand(5));
      const insert = ['x', '\n', '(', '', 'pd.', '  '][rand(6)];
      let fresh: Tree;
      ({ tree, text, fresh } = reparsed(engine, tree, text, start, end, insert));
      expect(tree.rootNode.toString()).toBe(fresh.rootNode.toString());
      fresh.delete();
    }
    tree.delete();
  });
});

/** Every node's type, range, flags and field, in order: two copies of one tree have the same shape. */
function shape(root: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node, field: string | null | undefined): void => {
    out.push(`${n.type}:${n.startIndex}-${n.endIndex}:${n.isNamed ? 'n' : ''}${n.isMissing ? 'm' : ''}${n.hasError ? 'e' : ''}:${field ?? ''}`);
    n.children.forEach((c, i) => visit(c, n.fields?.[i]));
  };
  visit(root, null);
  return out;
}

describe('the live document', () => {
  const everyRule = activeRules(RULES, {});
  const example = ['train_model.py', 'features.py', 'train_net.py'].map((f) => readFileSync(join(__dirname, '..', '..', 'examples', f), 'utf8')).join('\n');

  const localRules = everyRule.filter((r) => r.rule.meta.local || r.rule.meta.category === 'meta');

  it.each([
    ['every rule', everyRule],
    ['the local rules alone, so that unchanged chunks are not walked at all', localRules],
  ])('finds after every edit what a fresh analysis finds, re-using the untouched chunks (%s)', async (_, rules) => {
    const everyRule = rules;
    const engine = await loadEngine();
    let text = example;
    const doc = new PythonDocument(engine.parser, text, 1);
    doc.analyze(everyRule);
    const rand = seededRandom(11);
    const snippets = ['x', '\n', '(', ')', '', '"', 'df.values', '  ', '    ', '#', 'import torch\n', '\n    ', 'def g():\n    ', '\"\"\"', ':', 'if x:\n', '\n\n', '\\'];
    for (let i = 0; i < 200; i++) {
      // Sometimes two edits before one analysis, as when typing fast.
      for (let k = 0; k <= rand(2); k++) {
        const lines = text.split('\n');
        const line = rand(lines.length);
        const column = rand(lines[line].length + 1);
        const endColumn = Math.min(lines[line].length, column + rand(3));
        const insert = snippets[rand(snippets.length)];
        doc.update([{ range: { start: { line, column }, end: { line, column: endColumn } }, text: insert }], doc.version + 1);
        lines[line] = lines[line].slice(0, column) + insert + lines[line].slice(endColumn);
        text = lines.join('\n');
      }
      expect(doc.source).toBe(text);
      const live = doc.analyze(everyRule).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
      const fresh = engine.analyzeSource(text, everyRule).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
      expect(live).toEqual(fresh);
      expect(shape(doc.syntax().rootNode)).toEqual(shape(engine.copy(text).rootNode));
    }
  });

  it('finds a leak once a transformer becomes importable, and through sklearn imported whole or in a function', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, { select: ['data-leakage'] });
    const leaks = (text: string) => engine.analyzeSource(text, rules).findings.map((f) => f.message.split('`')[1]);
    expect(leaks('import sklearn\nfrom sklearn.model_selection import train_test_split\nX = sklearn.preprocessing.StandardScaler().fit_transform(X)\na, b = train_test_split(X)\n')).toEqual(['StandardScaler']);
    expect(leaks('from sklearn.model_selection import train_test_split\n\ndef prep(X):\n    y = 1\n    from sklearn.preprocessing import MinMaxScaler\n    X = MinMaxScaler().fit_transform(X)\n    return train_test_split(X)\n')).toEqual(['MinMaxScaler']);

    const body = 'from sklearn.model_selection import train_test_split\n\nscaler = StandardScaler()\nX = scaler.fit_transform(X)\nX_tr, X_te = train_test_split(X)\n';
    const doc = new PythonDocument(engine.parser, body, 1);
    expect(doc.analyze(rules).findings).toEqual([]);
    doc.update([{ range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } }, text: 'from sklearn.preprocessing import StandardScaler\n' }], 2);
    expect(doc.analyze(rules).findings.map((f) => f.ruleId)).toEqual(['data-leakage']);
    doc.update([{ range: { start: { line: 0, column: 0 }, end: { line: 1, column: 0 } }, text: '' }], 3);
    expect(doc.analyze(rules).findings).toEqual([]);
  });

  it('skips the untouched statements, until a module-level fact they read changes', async () => {
    const engine = await loadEngine();
    const seen: string[] = [];
    // A local rule that notes the calls it is shown and asks the kind of their first argument.
    const local = probeRule(() => ({}), []);
    local.meta.local = true;
    local.create = (context) => ({
      call: (n: Node) => {
        seen.push(n.text);
        context.semantic.kindOf(n.childForFieldName('arguments')?.namedChild(0));
      },
    });
    const rules = [...activeRules(RULES, { select: ['meta'] }), { rule: local, severity: 'information' as const, options: {} }];
    const text = 'import pandas as pd\n\n\ndef a():\n    f(1)\n\n\ndef b():\n    g(2)\n\n\ndf = pd.read_csv("x")\n\n\ndef c():\n    h(df)\n';
    const doc = new PythonDocument(engine.parser, text, 1);
    doc.analyze(rules);
    expect(seen).toEqual(['f(1)', 'g(2)', 'pd.read_csv("x")', 'h(df)']);
    // An edit inside b(): the probe reports nothing anywhere, so only b()'s chunk is walked for it
    // again (the statement after b() is in it: see chunks.ts).
    seen.length = 0;
    doc.update([{ range: { start: { line: 8, column: 6 }, end: { line: 8, column: 6 } }, text: '0' }], 2);
    doc.analyze(rules);
    expect(seen).toEqual(['g(02)', 'pd.read_csv("x")']);
    // Rebinding `df` to something else changes what c() read of it (the kind of `df`): c() is walked
    // again, a(), which read nothing of `df`, is not.
    seen.length = 0;
    doc.update([{ range: { start: { line: 11, column: 5 }, end: { line: 11, column: 26 } }, text: '1' }], 3);
    doc.analyze(rules);
    expect(seen).toEqual(['g(02)', 'h(df)']);
  });

  it('keeps what each chunk imports, so an import made twice stands when one of them goes', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const text = 'import numpy as np\n\n\nx = 1\n\n\nimport numpy as np\n\n\nnp.random.rand(3)\n';
    const doc = new PythonDocument(engine.parser, text, 1);
    const legacy = () => doc.analyze(rules).findings.filter((f) => f.ruleId === 'legacy-numpy-random').length;
    expect(legacy()).toBe(1);
    // The first import goes: the second still imports numpy.
    doc.update([{ range: { start: { line: 0, column: 0 }, end: { line: 0, column: 18 } }, text: 'y = 2' }], 2);
    expect(legacy()).toBe(1);
    // The second goes too: `np` is no longer numpy.
    doc.update([{ range: { start: { line: 6, column: 0 }, end: { line: 6, column: 18 } }, text: 'z = 3' }], 3);
    expect(doc.syntax().text).not.toContain('import');
    expect(legacy()).toBe(0);
    // And back, in the chunk that never imported it.
    doc.update([{ range: { start: { line: 3, column: 0 }, end: { line: 3, column: 5 } }, text: 'import numpy as np' }], 4);
    expect(legacy()).toBe(1);
  });

  it('walks every chunk for a rule that is not local, while the local rules skip what they can', async () => {
    const engine = await loadEngine();
    const local: string[] = [];
    const everywhere: string[] = [];
    const localRule = probeRule((s) => ({ call: (n: Node) => s.push(n.text) }), local);
    localRule.meta.local = true;
    const rules = [...activeRules(RULES, { select: ['meta'] }), ...[localRule, probeRule((s) => ({ call: (n: Node) => s.push(n.text) }), everywhere)].map((rule) => ({ rule, severity: 'information' as const, options: {} }))];
    const doc = new PythonDocument(engine.parser, 'import os\n\n\nf(1)\n\n\ndef b():\n    g(2)\n', 1);
    doc.analyze(rules);
    local.length = 0;
    everywhere.length = 0;
    doc.update([{ range: { start: { line: 7, column: 6 }, end: { line: 7, column: 6 } }, text: '0' }], 2);
    doc.analyze(rules);
    expect(local).toEqual(['g(02)']);
    expect(everywhere).toEqual(['f(1)', 'g(02)']);
  });

  it('copies a syntax error without its insides', async () => {
    const engine = await loadEngine();
    const root = engine.copy('x = (1,\ny = 2\n').rootNode;
    const error = root.descendantsOfType('ERROR')[0] ?? root.children.find((c) => c.type === 'ERROR');
    expect(error?.children).toEqual([]);
    expect(root.hasError).toBe(true);
  });

  it('answers namedChildren and firstChild as its children say, without making the others', async () => {
    const engine = await loadEngine();
    const sources = ['data-leakage/cases.py', 'hardcoded-path/cases.py', 'missing-eval-mode/cases.py'].map((f) => readFileSync(join(__dirname, '..', 'fixtures', f), 'utf8'));
    let checked = 0;
    for (const source of [...sources, example]) {
      for (const chunk of engine.copy(source).chunks) {
        for (let i = 0; i < chunk.count; i++) {
          const node = chunk.node(i);
          const named = node.namedChildren;
          const first = node.firstChild;
          const expected = node.children.filter((c) => c.isNamed);
          expect(named.length === expected.length && named.every((n, k) => n === expected[k])).toBe(true);
          expect(first).toBe(node.children[0] ?? null);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('copies the tree as tree-sitter has it', async () => {
    const engine = await loadEngine();
    const tree = engine.parser.parse(example);
    expect(engine.copy(example).rootNode.toString()).toBe(tree.rootNode.toString());
    tree.delete();
  });
});

describe('fixes', () => {
  it('applies non-overlapping fixes, merges identical edits and defers conflicting ones', () => {
    const seed = { start: 0, end: 0, newText: 'SEED = 42\n' };
    const out = applyFixes('a(b)\nc(d)\n', [
      { title: 'one', safety: 'safe', edits: [seed, { start: 3, end: 3, newText: ', s=SEED' }] },
      { title: 'two', safety: 'safe', edits: [seed, { start: 8, end: 8, newText: ', s=SEED' }] },
      { title: 'clash', safety: 'safe', edits: [{ start: 2, end: 4, newText: 'z)' }] },
    ]);
    expect(out.text).toBe('SEED = 42\na(b, s=SEED)\nc(d, s=SEED)\n');
    expect(out.deferred.map((f) => f.title)).toEqual(['clash']);
  });

  it('extract a path into a constant named apart from the module-level names, or into the equal one bound before it', async () => {
    const engine = await loadEngine();
    const text = [
      'import pandas as pd', '', 'TRAIN_CSV_PATH = "other.csv"', '', '',
      'def f():', '    return pd.read_csv("/home/alice/train.csv")', '', '',
      'OUT_CSV_PATH = "/home/alice/out.csv"', '', '',
      'def g():', '    return pd.read_csv("/home/alice/out.csv")', '', '',
      'def h():', '    return pd.read_csv("/home/bob/out.csv")', '',
    ].join('\n');
    // Live, the definitions are chunks of their own: the names are looked for chunk by chunk.
    const doc = new PythonDocument(engine.parser, text, 1);
    const findings = doc.analyze(activeRules(RULES, { select: ['hardcoded-path'] })).findings;
    const fixes = findings.flatMap((f) => f.fixes);
    expect(fixes.map((f) => `${f.title} (${f.edits.length})`)).toEqual([
      'Extract the path into the constant TRAIN_CSV_PATH_2 (2)',
      'Extract the path into the constant OUT_CSV_PATH (1)',
      'Extract the path into the constant OUT_CSV_PATH_2 (2)',
    ]);
    for (const fix of fixes) {
      const fixed = applyFixes(text, [fix]).text;
      expect(engine.copy(fixed).rootNode.hasError, fixed).toBe(false);
    }
    doc.dispose();
  });

  it('appends an argument to empty, trailing-comma and multi-line calls', async () => {
    const engine = await loadEngine();
    const cases: Array<[string, string]> = [
      ['f()', 'f(k=1)'],
      ['f(a)', 'f(a, k=1)'],
      ['f(a,)', 'f(a, k=1)'],
      ['f(\n    a,\n    b\n)', 'f(\n    a,\n    b,\n    k=1\n)'],
      ['f(\n    a,\n    b,\n)', 'f(\n    a,\n    b,\n    k=1,\n)'],
    ];
    for (const [before, after] of cases) {
      const call = engine.copy(before).rootNode.descendantsOfType('call')[0]!;
      const edit = appendArgument(call, 'k=1', before)!;
      expect(before.slice(0, edit.start) + edit.newText + before.slice(edit.end)).toBe(after);
    }
  });
});
