import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ChunkedModule, classMembers, tokenNeutral } from '../../server/src/engine/chunkedModule';
import { chunkStarts, memberStarts, statementStarts, surelyBroken, topLevelStarts } from '../../server/src/engine/chunks';
import { LineIndex } from '../../server/src/engine/lineIndex';
import { activeRules } from '../../server/src/engine/config';
import { changedSpan, NotebookDocument, PythonDocument, type LiveCell } from '../../server/src/engine/documents';
import { SyntaxTree, type Node } from '../../server/src/engine/mirror';
import { defineRule } from '../../server/src/engine/rule';
import type { Finding } from '../../server/src/engine/types';
import { RULES } from '../../server/src/rules';
import { liveCopy, loadEngine } from '../support/engine';
import { seededRandom } from '../support/random';

/** That a live module holds the pieces and the tree a fresh parse of the same text gives. */
function expectLikeFresh(live: SyntaxTree, fresh: SyntaxTree, label?: string): void {
  expect(live.chunks.map((c) => c.base), label).toEqual(fresh.chunks.map((c) => c.base));
  expect(live.rootNode.toString(), label).toBe(fresh.rootNode.toString());
}

/** The first line at each offset. */
function linesAt(text: string, starts: readonly number[]): string[] {
  return starts.map((s) => text.slice(s, text.indexOf('\n', s) === -1 ? undefined : text.indexOf('\n', s)));
}

/** The first line of every top-level statement, as the scan that chunks group reads them. */
function chunkLines(text: string, forced: number[] = []): string[] {
  return linesAt(text, topLevelStarts(text, 0, forced));
}

describe('top-level statements', () => {
  it('start at each top-level statement in column 0', () => {
    const text = 'import os\nx = 1\n\ndef f():\n    return 1\n\nclass C:\n    pass\n';
    expect(chunkLines(text)).toEqual(['import os', 'x = 1', 'def f():', 'class C:']);
  });

  it('do not start inside brackets, strings, after a backslash or a decorator, or at else/except', () => {
    const text = [
      'x = foo(',
      'a, b)',
      's = """',
      'not code',
      '"""',
      'y = 1 + \\',
      '2',
      '@decorator(',
      '  arg)',
      '@other',
      'def f():',
      '    pass',
      'try:',
      '    pass',
      'except E:',
      '    pass',
      'finally:',
      '    pass',
      'if a:',
      '    pass',
      'elif b:',
      '    pass',
      'else:',
      '    pass',
      "t = 'a # not a comment ('",
      'z = 3',
      '# comment (',
      'w = 4',
      'u = "\\"("',
      'v = 5',
      "r = '''it's'''",
      'q = 6',
    ].join('\n');
    expect(chunkLines(text)).toEqual(['x = foo(', 's = """', 'y = 1 + \\', '@decorator(', 'try:', 'if a:', "t = 'a # not a comment ('", 'z = 3', 'w = 4', 'u = "\\"("', 'v = 5', "r = '''it's'''", 'q = 6']);
  });

  it("read an f-string's replacement field over lines as part of its statement (Python 3.12), quotes and braces in it too", async () => {
    const text = [
      'a = f"{',
      'value',
      '}"',
      "b = f'{ {'k': '}'}['k'] } {{'",
      'c = 1',
      'd = rf"{x:>{',
      'width}}" + f"{{"',
      'e = 2',
      "g = f'{x!r}' '{'",
      'h = 3',
      'i = F"""{',
      'value} "{{"',
      '"""',
      'j = 4',
    ].join('\n');
    expect(chunkLines(text)).toEqual(['a = f"{', "b = f'{ {'k': '}'}['k'] } {{'", 'c = 1', 'd = rf"{x:>{', 'e = 2', "g = f'{x!r}' '{'", 'h = 3', 'i = F"""{', 'j = 4']);
    // Valid code, no syntax error: not in a check, nor in a live document, however the module is chunked.
    const engine = await loadEngine();
    const rules = activeRules(RULES, { select: ['syntax-error'] });
    const valid = 'import os\n\nvalue = 1\nmsg = f"{\n    value\n}"\nprint(msg)\n';
    expect(engine.parser.parse(valid).rootNode.hasError).toBe(false);
    expect(engine.analyzeSource(valid, rules).findings).toEqual([]);
    expect(new PythonDocument(engine.parser, valid, 1).analyze(rules).findings).toEqual([]);
  });

  it("read an f-string field's format spec as text: a `#` or a quote in it, a nested field, the `}` that ends both", () => {
    const text = [
      'a = f"{n:#x} {m:#06b}"',
      'b = 1',
      "c = f'''{x:'>10} {y!r:{w}.{p}}'''",
      'd = 2',
      'e = f"{x:{w:>{v}}}" + f"{(lambda q: q)(1):^5}" + f"{a[1:2]}" + f"{x:=10}"',
      'g = 3',
      'h = f"\\{x} \\{{"',
      'i = 4',
      "j = rf'\\d{{2}}' + Rf'{x:%H:%M}' + b'{' + bf'{'",
      'k = 5',
      // A spec no `}` closes ends with the f-string's quote (a syntax error, kept to its line).
      'm = f"""{x:>10"""',
      'n = 6',
    ].join('\n');
    expect(chunkLines(text)).toEqual(['a = f"{n:#x} {m:#06b}"', 'b = 1', "c = f'''{x:'>10} {y!r:{w}.{p}}'''", 'd = 2', text.split('\n')[4], 'g = 3', 'h = f"\\{x} \\{{"', 'i = 4', text.split('\n')[8], 'k = 5', 'm = f"""{x:>10"""', 'n = 6']);
  });

  it('end an unclosed replacement field where a def or class follows in column 0, as an unclosed bracket', () => {
    const text = 'x = f"{a\ny = 2\ndef f():\n    pass\nclass C:\n    s = f"{{\n    pass\n';
    expect(chunkLines(text)).toEqual(['x = f"{a', 'def f():', 'class C:']);
  });

  it('keep an unclosed bracket in its chunk when a def or class follows in column 0', () => {
    const text = 'x = foo(\ny = 2\ndef f():\n    pass\nclass C:\n    pass\n';
    expect(chunkLines(text)).toEqual(['x = foo(', 'def f():', 'class C:']);
    // An `async for` in column 0 can be inside brackets: an asynchronous comprehension.
    expect(chunkLines('x = [y\nasync for y in z]\nasync def g():\n    pass\n')).toEqual(['x = [y', 'async def g():']);
  });

  it('always start at a forced offset (a notebook cell), whatever came before', () => {
    const text = 'x = foo(\n"""\nstill open\n';
    expect(chunkLines(text, [9, 13])).toEqual(['x = foo(', '"""', 'still open']);
  });

  it('end a triple-quoted string at a definition in it where the code read on is surely broken: a docstring read inside out', () => {
    // A character typed into the `"""` that closes a docstring: each string after it opens where one closed.
    const text = ['def a():', '    """Returns the value.', '    ""_"', '    return 1', '', 'def b():', '    """Returns a copy."""', '    return 2', '', 'def c():', '    """Another one."""', '    return 3', ''].join('\n');
    const reaches: number[] = [];
    expect(linesAt(text, chunkStarts(text, 0, [], undefined, reaches))).toEqual(['def a():', 'def b():', 'def c():']);
    // It read to the end of the line where the string `def b`'s docstring closes meets a name: an edit up to
    // there may move that start.
    expect(reaches[0]).toBe(text.indexOf('\n', text.indexOf('Returns a copy')) + 1);
    // The same in a class body, at its indentation.
    const cls = 'class C:\n' + text.replace(/^(?=.)/gm, '    ');
    expect(linesAt(cls, memberStarts(cls, 0, cls.length, 4))).toEqual(['class C:', '    def a():', '    def b():', '    def c():']);
    // A docstring opened with nothing after it to close it: the string never ends.
    const opened = 'def a():\n    """\n    return 1\n\ndef b():\n    return 2\n';
    expect(chunkLines(opened)).toEqual(['def a():', 'def b():']);
  });

  it('leave whole a triple-quoted string that holds definitions, where the code after it reads as it may', () => {
    const template = ['import os', 'import re', 'TEMPLATE = """', 'def main():', '    pass', '', 'class Config:', '    pass', '"""', 'x = TEMPLATE.format(name) if ready else None', 'def f():', '    """Doc string."""', ''].join('\n');
    const reaches: number[] = [];
    expect(linesAt(template, chunkStarts(template, 0, [], undefined, reaches))).toEqual(['import os', 'TEMPLATE = """', 'def f():']);
    // It read to the end of the statement the string is in, and the line after it.
    expect(reaches[1]).toBe(template.indexOf('\n', template.indexOf('x = TEMPLATE')) + 1);
    const cls = 'class C:\n    SOURCE = """\n    def main(self):\n        pass\n    """\n    def run(self):\n        return 1\n';
    expect(linesAt(cls, memberStarts(cls, 0, cls.length, 4))).toEqual(['class C:', '    SOURCE = """', '    def run(self):']);
  });

});

describe('top-level chunks', () => {
  /** The first line of every chunk. */
  const chunks = (text: string, forced: number[] = []) => linesAt(text, chunkStarts(text, 0, forced));
  const header = 'import os\nimport re\n';

  it('group the statements after a definition with it, and start at each definition', () => {
    const text = `${header}x = 1\ny = 2\n\ndef f():\n    return 1\n\nz = f()\nif z:\n    print(z)\nasync def g():\n    pass\n`;
    expect(chunks(text)).toEqual(['import os', 'x = 1', 'def f():', 'async def g():']);
    // Whatever grouping does, its chunks are made of whole statements.
    for (const s of chunkStarts(text)) expect(topLevelStarts(text)).toContain(s);
  });

  it('keep a class, and a decorated definition, alone', () => {
    const text = `${header}x = 1\nclass C:\n    pass\ny = C()\n@cache\ndef f():\n    pass\nz = f()\nw = 2\n`;
    expect(chunks(text)).toEqual(['import os', 'x = 1', 'class C:', 'y = C()', '@cache', 'z = f()']);
  });

  it('keep the first two lines of a file apart, which an analysis reads differently', () => {
    expect(chunks('#!/usr/bin/env python\nimport os\nimport re\nx = 1\n')).toEqual(['#!/usr/bin/env python', 'import re']);
  });

  it('start again once a chunk has run for 40 lines', () => {
    const text = header + Array.from({ length: 100 }, (_, i) => `x${i} = ${i}\n`).join('');
    expect(chunks(text)).toEqual(['import os', 'x0 = 0', 'x40 = 40', 'x80 = 80']);
  });

  it('do not group what follows a line with statements indented under it that opens no block', () => {
    // A line typed in column 0 inside a class: the rest of the class is parsed in pieces under it.
    const text = `${header}x = 1\nbroken\n    def m(self):\n        pass\ny = 2\nz = 3\n`;
    expect(chunks(text)).toEqual(['import os', 'x = 1', 'y = 2']);
    // Under a line that opens a block, it is the block.
    expect(chunks(text.replace('broken', 'if ready:'))).toEqual(['import os', 'x = 1']);
  });

  it('start where a scan that found no unclosed bracket starts, after a definition ends it', () => {
    const text = `${header}x = 1\ny = 2\ndef f():\n    pass\nz = 3\n`;
    const broken = text.replace('x = 1', 'x = (1');
    const at = text.indexOf('x = 1');
    expect(chunkStarts(broken)).toEqual(chunkStarts(text).map((s) => (s > at ? s + 1 : s)));
    expect(chunks(broken.replace('def f', 'class F'))).toEqual(['import os', 'x = (1', 'class F():', 'z = 3']);
  });

  it('always start at a forced offset (a notebook cell)', () => {
    const text = `${header}x = 1\ny = 2\nz = 3\n`;
    expect(chunks(text, [text.indexOf('y = 2')])).toEqual(['import os', 'x = 1', 'y = 2']);
  });

  it('group a class body as the top level is grouped: each definition starts a piece', () => {
    const text = 'class C:\n    a = 1\n    b = 2\n    def f(self):\n        pass\n    c = 3\n    @property\n    def g(self):\n        pass\n    d = 4\n';
    expect(linesAt(text, memberStarts(text, 0, text.length, 4))).toEqual(['class C:', '    a = 1', '    def f(self):', '    @property']);
  });

  it('can resume from a chunk start and stop early', () => {
    const text = 'def a(): 1\ndef b(): 2\ndef c(): 3\ndef d(): 4\n';
    expect(chunkStarts(text, 11)).toEqual([11, 22, 33]);
    expect(chunkStarts(text, 0, [], (offset) => offset === 22)).toEqual([0, 11]);
  });

  it('parse to the same tree as the whole file, for every example and fixture', async () => {
    const engine = await loadEngine();
    const root = join(__dirname, '..', '..');
    const files = [
      ...readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.py')).map((f) => join(root, 'examples', f)),
      ...readdirSync(join(root, 'test', 'fixtures')).flatMap((d) =>
        readdirSync(join(root, 'test', 'fixtures', d)).filter((f) => f.endsWith('.py')).map((f) => join(root, 'test', 'fixtures', d, f)),
      ),
    ];
    expect(files.length).toBeGreaterThan(30);
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const whole = engine.parser.parse(text);
      if (!whole.rootNode.hasError) {
        const builder = SyntaxTree.build(text, engine.parser.language);
        builder.copy(engine.parser, whole, 0);
        expect(liveCopy(engine, text).rootNode.toString(), file).toBe(builder.done().rootNode.toString());
        checked++;
      }
      whole.delete();
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('are not made for a check of a file without syntax errors: one chunk, or one per notebook cell', async () => {
    const engine = await loadEngine();
    const text = 'import numpy as np\n\ndef a():\n    return 1\n\nx = a()\n\nclass B:\n    pass\n';
    expect(liveCopy(engine, text).chunks.length).toBeGreaterThan(2);
    expect(engine.copy(text).chunks.map((c) => c.base)).toEqual([0]);
    expect(engine.copy(text).rootNode.toString()).toBe(liveCopy(engine, text).rootNode.toString());
    const cells = [0, text.indexOf('def a'), text.indexOf('class B')];
    expect(engine.copy(text, cells).chunks.map((c) => c.base)).toEqual(cells);
    // A syntax error, or statements indented under a line in column 0: chunked as a live document is.
    for (const other of [`${text}y = (\n`, `${text}a\n    b = 1\n`]) {
      expect(engine.copy(other).chunks.map((c) => c.base), other).toEqual(liveCopy(engine, other).chunks.map((c) => c.base));
    }
    // A string in single quotes over lines (an f-string's field, since Python 3.12), which the scan ends at
    // its line: chunked as a live document is, so that the editor and the CLI read the file alike.
    const fstring = `${text}msg = f"{\n    x\n}"\ny = 2\n`;
    expect(engine.parser.parse(fstring).rootNode.hasError).toBe(false);
    expect(engine.copy(fstring).chunks.map((c) => c.base)).toEqual(liveCopy(engine, fstring).chunks.map((c) => c.base));
    // Nothing the scan reads differently: still one chunk.
    for (const alike of [`${text}s = 'a\\\nb'\n`, `${text}\fz = 1\n`, `${text.replaceAll('\n', '\r\n')}`, `${text}t = 1; u = 2\n    # indented comment\n`]) {
      expect(engine.copy(alike).chunks.length, JSON.stringify(alike)).toBe(1);
    }
  });

  it('keep analysing the code after an unclosed bracket', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, { select: ['meta', 'dataframe-values'] });
    const text = 'import pandas as pd\n\ndef broken(df):\n    x = foo(df\n\ndef fine():\n    df = pd.read_csv("a.csv")\n    return df.values\n';
    const ids = engine.analyzeSource(text, rules).findings.map((f) => f.ruleId);
    expect(ids).toContain('syntax-error');
    expect(ids).toContain('dataframe-values');
  });
});

/** A class well over the size that is parsed statement by statement, with comments in the awkward places. */
function largeClass(): string {
  const methods = Array.from({ length: 60 }, (_, i) =>
    [
      i % 7 === 0 ? '    # Section comment at the body indentation.\n\n' : '',
      i % 11 === 3 ? '    # Comments\n    # above\n    # a\n    # method.\n' : '',
      i % 5 === 0 ? '    @property\n' : '',
      `    def method_${i}(self, frame=None):`,
      `        """Do step ${i}."""`,
      `        values = [x * ${i} for x in self.items]  # trailing comment`,
      '        if values:',
      `            return pd.DataFrame(values).values`,
      '# a comment in column 0 inside the class',
      '        return None',
      '',
    ].join('\n'),
  );
  return [
    'import pandas as pd',
    '',
    '',
    '@decorator(',
    '    option=True)',
    'class Large(',
    '    Base,',
    '):',
    '    """A large class."""',
    '',
    '    # Comment before the first method.',
    '    items = []',
    '',
    ...methods,
    '    class Inner:',
    '        pass',
    '',
    '# -- end of Large --',
    '',
    '',
    'def after():',
    '    return 1',
    '',
  ].join('\n');
}

describe('a large class', () => {
  it('is parsed statement by statement into the same tree as the whole class', async () => {
    const engine = await loadEngine();
    const text = largeClass();
    expect(text.length).toBeGreaterThan(8000);
    const start = text.indexOf('@decorator');
    const members = classMembers(text, start, text.indexOf('def after'));
    expect(members?.length).toBeGreaterThan(60);
    // A comment right above a method, at its indentation, starts that method's part.
    expect(members).toContain(text.indexOf('    # Section comment', text.indexOf('method_6(')));
    const whole = engine.parser.parse(text);
    const copy = liveCopy(engine, text);
    expect(copy.rootNode.toString()).toBe(whole.rootNode.toString());
    // Node by node: extent, field, parent and errors, through the node objects rules use.
    const builder = SyntaxTree.build(text, engine.parser.language);
    builder.copy(engine.parser, whole, 0);
    const shape = (n: Node, field: string | null, out: string[]): string[] => {
      out.push(`${n.type} ${field} ${n.startIndex}-${n.endIndex} ${n.parent?.startIndex} ${n.hasError}`);
      const fields = n.fields;
      n.children.forEach((c, i) => shape(c, fields?.[i] ?? null, out));
      return out;
    };
    expect(copy.chunks.length).toBeGreaterThan(60);
    expect(shape(copy.rootNode, null, [])).toEqual(shape(builder.done().rootNode, null, []));
    const calls = (t: SyntaxTree) => t.rootNode.descendantsOfType('call').map((c) => c.startIndex);
    expect(calls(copy)).toEqual(calls(builder.done()));
    whole.delete();
  });

  it('is descended into from the module node, at every offset, as through the list of its children', async () => {
    const engine = await loadEngine();
    const text = `${largeClass()}\n# after the class\n\n\nx = 1  # trailing\n`;
    // Empty cells make chunks without nodes; a comment after a class's last method is outside it.
    const cells = ['', text, '', '# only a comment', 'y = (1 +', ''];
    const joined = cells.join('\n');
    const forced = cells.map((_, i) => cells.slice(0, i).join('\n').length + (i > 0 ? 1 : 0));
    for (const [source, starts] of [[text, []], [joined, forced]] as const) {
      const probed = liveCopy(engine, source, starts);
      const listed = liveCopy(engine, source, starts);
      expect(probed.chunks.some((c) => c.host)).toBe(true);
      // Listing the module node's children makes its descent go through them.
      expect(listed.rootNode.children.length).toBeGreaterThan(3);
      const at = (t: SyntaxTree, start: number, end: number) => {
        const n = t.rootNode.descendantForIndex(start, end);
        return `${n.type} ${n.startIndex}-${n.endIndex}`;
      };
      const rand = seededRandom(7);
      for (let o = 0; o <= source.length; o++) {
        expect(at(probed, o, o), `at ${o}`).toBe(at(listed, o, o));
        const end = Math.min(source.length, o + rand(200));
        expect(at(probed, o, end), `${o}-${end}`).toBe(at(listed, o, end));
      }
    }
  });

  it('is still parsed in pieces after a line typed in column 0 inside it, as tree-sitter reads it', async () => {
    const engine = await loadEngine();
    const original = largeClass();
    const at = original.indexOf('    def method_31(');
    const text = `${original.slice(0, at)}a\n${original.slice(at)}`;
    const copy = liveCopy(engine, text);
    const whole = engine.parser.parse(text);
    expect(copy.rootNode.toString()).toBe(whole.rootNode.toString());
    whole.delete();
    // The class up to the line, then the line, then each statement indented under it, on its own.
    const after = copy.chunks.filter((c) => c.base >= at - 'class _:\n'.length);
    expect(after.length).toBeGreaterThan(30);
    expect(after.every((c) => c.host === undefined)).toBe(true);
  });

  it('stays whole in a check of a file on disk, except the rest of a class after a line in column 0', async () => {
    const engine = await loadEngine();
    const text = largeClass();
    // No edit follows a check: the class is one chunk, with the tree its pieces would have.
    expect(engine.copy(text).chunks.length).toBeLessThan(5);
    expect(liveCopy(engine, text).chunks.length).toBeGreaterThan(60);
    expect(engine.copy(text).rootNode.toString()).toBe(liveCopy(engine, text).rootNode.toString());
    // Statements indented under a line in column 0 are pieces in both, so that both read them alike.
    const at = text.indexOf('    def method_31(');
    const typed = `${text.slice(0, at)}a\n${text.slice(at)}`;
    const after = (t: SyntaxTree) => t.chunks.filter((c) => c.base >= at - 'class _:\n'.length).map((c) => c.base);
    expect(after(engine.copy(typed)).length).toBeGreaterThan(30);
    expect(after(engine.copy(typed))).toEqual(after(liveCopy(engine, typed)));
  });

  it('is taken after a line in column 0 with a syntax error but no colon, which opens no block', async () => {
    const engine = await loadEngine();
    const text = largeClass();
    const at = text.indexOf('    def method_31(');
    const after = (t: SyntaxTree) => t.chunks.filter((c) => c.base >= at - 'class _:\n'.length).map((c) => c.base);
    // A `.` typed in column 0: the statements under it are pieces, in a check as live.
    let typed = `${text.slice(0, at)}.\n${text.slice(at)}`;
    const checked = engine.copy(typed);
    const live = liveCopy(engine, typed);
    expect(after(checked).length).toBeGreaterThan(30);
    expect(after(checked)).toEqual(after(live));
    expect(checked.rootNode.toString()).toBe(live.rootNode.toString());
    // A keystroke in a method after it parses that method again, not the rest of the class.
    const doc = new PythonDocument(engine.parser, typed, 1);
    const parse = vi.spyOn(engine.parser, 'parse');
    const inMethod = typed.indexOf('\n', typed.indexOf('    def method_40(')) + 1;
    const position = new LineIndex(typed).positionAt(inMethod);
    doc.update([{ range: { start: position, end: position }, text: '    x = 1\n' }], 2);
    typed = `${typed.slice(0, inMethod)}    x = 1\n${typed.slice(inMethod)}`;
    expect(parse.mock.calls.reduce((n, [t]) => n + t.length, 0)).toBeLessThan(1000);
    parse.mockRestore();
    expectLikeFresh(doc.syntax(), liveCopy(engine, typed));
    doc.dispose();
    // With a colon, the line may open a block (one typed wrong): it is parsed with what follows.
    typed = `${text.slice(0, at)}iff ready:\n${text.slice(at)}`;
    const withColon = after(liveCopy(engine, typed));
    expect(withColon).toEqual(chunkStarts(typed).filter((s) => s >= at - 'class _:\n'.length));
    expect(withColon[0]).toBe(at);
  });

  it('is not taken for statements indented under a line when that line opens a block', async () => {
    const engine = await loadEngine();
    const body = Array.from({ length: 100 }, (_, i) => `    value_${i} = compute(${i})  # a line of the block\n`).join('');
    for (const head of ['try:\n', 'if ready:\n', 'with open(path) as f:\n', 'def build():\n', 'for item in items:\n']) {
      const text = `${head}${body}${head === 'try:\n' ? 'except ImportError:\n    pass\n' : ''}`;
      expect(text.length).toBeGreaterThan(4096);
      const whole = engine.parser.parse(text);
      expect(liveCopy(engine, text).rootNode.toString(), head).toBe(whole.rootNode.toString());
      whole.delete();
    }
  });

  it('finds its first statement past a header whose lines are inside brackets', () => {
    const header = 'class Model(\n    Base,\n    metaclass=Meta,\n):\n';
    const body = Array.from({ length: 80 }, (_, i) => `    def method_${i}(self):\n        return ${i}\n`).join('');
    const text = `${header}${body}after = 1\n`;
    const members = classMembers(text, 0, text.indexOf('after = 1'));
    expect(members?.[0]).toBe(header.length);
    expect(members).toHaveLength(80);
  });

  it('finds its first statement past a string in its header that holds a definition, live as afresh', async () => {
    const engine = await loadEngine();
    const methods = Array.from({ length: 120 }, (_, i) => `    def m${i}(self):\n        return ${i}\n`).join('\n');
    const text = `class A(Base, doc="""\n    def x():\n    """):\n    y = 1\n${methods}`;
    const doc = new PythonDocument(engine.parser, text, 1);
    doc.update([{ range: { start: { line: 0, column: 12 }, end: { line: 0, column: 12 } }, text: 'x' }], 2);
    const fresh = liveCopy(engine, text.replace('Base', 'Basex'));
    expect(fresh.chunks.length).toBeGreaterThan(10);
    expectLikeFresh(doc.syntax(), fresh);
    doc.dispose();
  });

  it('keeps the statement after a blank line that a backslash continues a line onto in the piece before it, live as afresh', async () => {
    // tree-sitter puts the continuation in the class body; a piece ending with it would have it after the class.
    const engine = await loadEngine();
    const methods = Array.from({ length: 120 }, (_, i) => `    def step_${i}(self):\n        return self.value + ${i}\n`).join('\n');
    const text = `import os\nimport re\n\n\nclass Pipeline:\n${methods}\n\ndef main():\n    return Pipeline()\n`;
    const doc = new PythonDocument(engine.parser, text, 1);
    const at = text.indexOf('return self.value + 3\n') + 'return self.value + 3'.length;
    const position = new LineIndex(text).positionAt(at);
    doc.update([{ range: { start: position, end: position }, text: '\\' }], 2);
    const next = text.slice(0, at) + '\\' + text.slice(at);
    expect(linesAt(next, classMembers(next, next.indexOf('class'), next.indexOf('\ndef main')) ?? [])).not.toContain('    def step_4(self):');
    expectLikeFresh(doc.syntax(), liveCopy(engine, next));
    doc.dispose();
  });

  it('leaves a large literal whole: its indented lines are no statements', async () => {
    const engine = await loadEngine();
    const entries = Array.from({ length: 300 }, (_, i) => `    "key_${i}": [${i}, ${i + 1}],\n`).join('');
    const text = `CONFIG = {\n${entries}}\nx = 1\n`;
    expect(text.length).toBeGreaterThan(4096);
    const whole = engine.parser.parse(text);
    const copy = liveCopy(engine, text);
    expect(copy.rootNode.toString()).toBe(whole.rootNode.toString());
    expect(copy.chunks.map((c) => c.base)).toEqual([0, text.indexOf('x = 1')]);
    whole.delete();
  });

  it('gives live what a fresh analysis gives while typed into', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    let text = largeClass();
    const doc = new PythonDocument(engine.parser, text, 1);
    doc.analyze(rules);
    const rand = seededRandom(9);
    const snippets = ['x', '(', ')', '"', '\n', '    ', '#', ':', '\n    def g(self):\n        ', '"""', ''];
    for (let i = 0; i < 120; i++) {
      const lines = text.split('\n');
      const line = rand(lines.length);
      const column = rand(lines[line].length + 1);
      const endColumn = Math.min(lines[line].length, column + rand(2));
      const insert = snippets[rand(snippets.length)];
      doc.update([{ range: { start: { line, column }, end: { line, column: endColumn } }, text: insert }], doc.version + 1);
      lines[line] = lines[line].slice(0, column) + insert + lines[line].slice(endColumn);
      text = lines.join('\n');
      const live = doc.analyze(rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
      const fresh = engine.analyzeSource(text, rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
      expect(live).toEqual(fresh);
      // The same pieces where they would be made afresh, and the same tree.
      expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    }
  });
});

describe('large classes of ML code, live', () => {
  /** The fixtures' top-level functions, as methods of two large classes, with imports and code after them. */
  function mlClasses(): string {
    const fixtures = join(__dirname, '..', 'fixtures');
    const imports = new Set<string>();
    const methods: string[] = [];
    for (const rule of readdirSync(fixtures).sort()) {
      let text: string;
      try {
        text = readFileSync(join(fixtures, rule, 'cases.py'), 'utf8');
      } catch {
        continue;
      }
      if (rule === 'syntax-error') continue;
      for (const line of text.split('\n')) if (/^(import|from) /.test(line)) imports.add(line);
      for (const def of text.split(/\n(?=def )/).filter((d) => d.startsWith('def '))) {
        const body = def.split(/\n(?=\S)/)[0];
        methods.push(body.replace(/^def (\w+)\(/, 'def $1(self, ').replace(/\(self, \)/, '(self)').split('\n').map((l) => (l ? `    ${l}` : l)).join('\n'));
      }
    }
    const half = Math.ceil(methods.length / 2);
    const init = '    def __init__(self):\n        self.frame = pd.read_csv("train.csv")\n        self.model = nn.Linear(4, 2)\n';
    return [
      ...imports,
      'from torch import nn',
      '',
      `class First:\n${init}\n${methods.slice(0, half).join('\n\n')}\n`,
      `class Second(nn.Module):\n${init}\n${methods.slice(half).join('\n\n')}\n`,
      'first = First()',
      'values = first.frame.values',
      '',
    ].join('\n');
  }

  it('give after every edit what a fresh analysis gives: findings, pieces and tree', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    let text = mlClasses();
    expect(text.length).toBeGreaterThan(8000);
    const doc = new PythonDocument(engine.parser, text, 1);
    const initial = doc.analyze(rules).findings;
    expect(new Set(initial.map((f) => f.ruleId)).size).toBeGreaterThan(10);
    const rand = seededRandom(17);
    const chars = ['x', ' ', '(', ')', '"', "'", '#', ':', '.', '\\', '[', '='];
    const undo: Array<{ at: number; removed: string; inserted: string }> = [];
    for (let i = 0; i < 160; i++) {
      let at: number;
      let removed = '';
      let inserted: string;
      const kind = rand(6);
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
      if (kind === 0 && undo.length > 0) {
        // Undo an earlier edit that nothing after it moved, if it is the last one.
        const last = undo.pop()!;
        at = last.at;
        removed = last.inserted;
        inserted = last.removed;
      } else if (kind === 1) {
        // A whole line inserted, removed or copied.
        const line = rand(lineStarts.length - 1);
        at = lineStarts[line];
        const lineText = text.slice(at, lineStarts[line + 1]);
        const op = rand(3);
        if (op === 0) [removed, inserted] = [lineText, ''];
        else [removed, inserted] = ['', op === 1 ? lineText : 'a\n'];
      } else {
        at = rand(text.length + 1);
        if (rand(4) === 0 && at < text.length) removed = text[at];
        inserted = rand(4) === 0 ? '' : chars[rand(chars.length)];
      }
      const before = new LineIndex(text);
      doc.update([{ range: { start: before.positionAt(at), end: before.positionAt(at + removed.length) }, text: inserted }], doc.version + 1);
      text = text.slice(0, at) + inserted + text.slice(at + removed.length);
      if (kind !== 0) undo.push({ at, removed, inserted });
      const fresh = engine.analyzeSource(text, rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
      expect(doc.analyze(rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes])).toEqual(fresh);
      expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    }
  });
});

describe('a live document replaying recorded edits', () => {
  /** Edits found to make a live document differ from a fresh analysis, each fixed since. */
  const CASES = ['pieces-kept-whole'];

  it.each(CASES)('gives what a fresh analysis gives (%s)', async (name) => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const recorded = JSON.parse(readFileSync(join(__dirname, 'cases', `${name}.json`), 'utf8')) as {
      initial: string;
      updates: Array<{ mode: 'full' | 'ranged'; edits: Array<{ start: number; end: number; text: string }> }>;
    };
    let text = recorded.initial;
    const doc = new PythonDocument(engine.parser, text, 1);
    doc.analyze(rules);
    for (const update of recorded.updates) {
      const changes = update.edits.map((e) => {
        const lines = new LineIndex(text);
        const change = { range: { start: lines.positionAt(e.start), end: lines.positionAt(e.end) }, text: e.text };
        text = text.slice(0, e.start) + e.text + text.slice(e.end);
        return change;
      });
      doc.update(update.mode === 'full' ? [{ text }] : changes, doc.version + 1);
      const key = (f: Finding) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes];
      expect(doc.analyze(rules).findings.map(key)).toEqual(engine.analyzeSource(text, rules).findings.map(key));
      expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    }
  });
});

describe('large classes with the same statements, live', () => {
  it('keep each piece in one place while lines come and go around them', async () => {
    const engine = await loadEngine();
    const member = (i: number) => `    def same(self):\n        """The same in every class."""\n        return self.value + ${i % 3}\n\n`;
    const klass = (name: string) => `class ${name}:\n${Array.from({ length: 40 }, (_, i) => member(i)).join('')}`;
    let text = `${klass('First')}\n${klass('Second')}\nx = 1\n`;
    const doc = new PythonDocument(engine.parser, text, 1);
    const insertLine = (line: number, insert: string): void => {
      doc.update([{ range: { start: { line, column: 0 }, end: { line, column: 0 } }, text: insert }], doc.version + 1);
      const lines = text.split('\n');
      lines.splice(line, 0, insert.slice(0, -1));
      text = lines.join('\n');
      expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    };
    // A line in column 0 halfway through the first class: the rest of it becomes pieces of their own,
    // with the same texts as the class's own pieces; then a line in the class, before it.
    insertLine(80, 'a\n');
    insertLine(6, '    y = 2\n');
    insertLine(3, '    z = 3\n');
    const rand = seededRandom(11);
    const inserts = ['a\n', '    y = 2\n', '\n', 'class Third:\n', '    def same(self):\n'];
    for (let i = 0; i < 150; i++) {
      const lines = text.split('\n');
      const line = rand(lines.length);
      if (rand(2) === 0 && lines.length > 3) {
        doc.update([{ range: { start: { line, column: 0 }, end: { line: line + 1, column: 0 } }, text: '' }], doc.version + 1);
        lines.splice(line, 1);
      } else {
        const insert = inserts[rand(inserts.length)];
        doc.update([{ range: { start: { line, column: 0 }, end: { line, column: 0 } }, text: insert }], doc.version + 1);
        lines.splice(line, 0, insert.slice(0, -1));
      }
      text = lines.join('\n');
      expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    }
  });
});

describe('a large class, live', () => {
  /** Replaces the first `from` in `text` with `to` in `doc`, as the editor would; returns the new text. */
  function replaceFirst(doc: PythonDocument, text: string, from: string, to: string): string {
    const lines = new LineIndex(text);
    const at = text.indexOf(from);
    doc.update([{ range: { start: lines.positionAt(at), end: lines.positionAt(at + from.length) }, text: to }], doc.version + 1);
    return text.slice(0, at) + to + text.slice(at + from.length);
  }

  /** A class whose methods share `self.frame`, padded past the size at which a class is split. */
  function sharedState(): string {
    const filler = Array.from({ length: 40 }, (_, i) => `    def helper_${i}(self):\n        """Step ${i} of the pipeline."""\n        return ${i}\n`).join('\n');
    return [
      'import pandas as pd',
      '',
      '',
      'class Pipeline:',
      '    def load(self):',
      '        self.frame = pd.read_csv("train.csv")',
      '',
      filler,
      '    def features(self):',
      '        return self.frame.values',
      '',
      filler.replaceAll('helper_', 'other_'),
      '',
      'def after():',
      '    pass',
      '',
    ].join('\n');
  }

  it('is kept whole on opening, and cut into its pieces by the first edit that reaches it', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const second = sharedState().replace('import pandas as pd\n', '').replaceAll('Pipeline', 'Other').replace('def after():\n    pass\n', '');
    let text = `${sharedState()}\n\n${second}`;
    const doc = new PythonDocument(engine.parser, text, 1);
    const hosts = () => doc.syntax().chunks.filter((c) => c.host).length;
    const headers = () => doc.syntax().chunks.filter((c) => c.hostIndex !== -1).length;
    // Two large classes, each one chunk: no class hosts its body's statements yet.
    expect(doc.syntax().chunks.length).toBeLessThan(6);
    expect(headers()).toBe(0);
    const analyzed = () => doc.analyze(rules).findings.map((f) => `${f.ruleId} ${f.start}`);
    const fresh = () => engine.analyzeSource(text, rules).findings.map((f) => `${f.ruleId} ${f.start}`);
    expect(analyzed()).toEqual(fresh());
    const parse = vi.spyOn(engine.parser, 'parse');

    // An edit in the first class: the class is cut from the nodes it had, and only the method edited is
    // parsed again. The second class stays one chunk.
    text = replaceFirst(doc, text, 'return 7\n', 'return 77\n');
    expect(Math.max(...parse.mock.calls.map((call) => call[0].length))).toBeLessThan(200);
    expect(headers()).toBe(1);
    expect(hosts()).toBeGreaterThan(80);
    expect(doc.syntax().rootNode.toString()).toBe(engine.copy(text).rootNode.toString());
    expect(analyzed()).toEqual(fresh());

    // Then in the second: both are now as a live module that made their pieces on opening has them.
    parse.mockClear();
    const at = text.indexOf('class Other');
    text = `${text.slice(0, at)}${text.slice(at).replace('return 9\n', 'return 99\n')}`;
    const lines = new LineIndex(doc.source);
    const from = doc.source.indexOf('return 9\n', at);
    doc.update([{ range: { start: lines.positionAt(from), end: lines.positionAt(from + 'return 9\n'.length) }, text: 'return 99\n' }], doc.version + 1);
    expect(doc.source).toBe(text);
    expect(Math.max(...parse.mock.calls.map((call) => call[0].length))).toBeLessThan(200);
    expect(headers()).toBe(2);
    expectLikeFresh(doc.syntax(), liveCopy(engine, text));
    expect(analyzed()).toEqual(fresh());
    parse.mockRestore();
    doc.dispose();
  });

  it('notices a space typed inside a triple quote, or after a backslash, though the space itself is neutral', async () => {
    const engine = await loadEngine();
    for (const [needle, offset] of [['."""\n', 2], ['\\n', 1]] as const) {
      let text = sharedState().replace('def helper_3(self):\n        """Step 3 of the pipeline."""', 'def helper_3(self):\n        """Step 3 of the pipeline.\\n"""');
      const doc = new PythonDocument(engine.parser, text, 1);
      doc.analyze(activeRules(RULES, {}));
      const at = text.indexOf(needle, text.indexOf('helper_3')) + offset;
      const position = new LineIndex(text).positionAt(at);
      doc.update([{ range: { start: position, end: position }, text: ' ' }], 2);
      text = text.slice(0, at) + ' ' + text.slice(at);
      expectLikeFresh(doc.syntax(), liveCopy(engine, text), needle);
    }
  });

  it('finds the pieces after an edit in its body by scanning from the statement before it, to the chunks a fresh parse makes', async () => {
    const engine = await loadEngine();
    const scanned = vi.spyOn(ChunkedModule.prototype as unknown as { bodyEdit: () => unknown }, 'bodyEdit');
    // Each edit, and whether the body's scan alone found the pieces: after the class a definition, or a
    // statement that, after a bracket left open in the class, the module's scan reads as part of it.
    const edits: Array<[string, string, boolean, boolean]> = [
      ['return self.frame.values', 'return self.frame.values()', true, true],
      ['return 3\n', 'return (3\n', true, false],
      ['return 5\n', 'return (5\n', true, false],
      ['return (3\n', 'return 3\n', true, false],
      ['return (5\n', 'return 5\n', true, false],
      ['    def helper_7(self):', '    # The seventh.\n    @property\n    def helper_7(self):', true, true],
      // A line in column 0 ends the class; a string left open could hold what follows the class.
      ['    def helper_9(self):', 'y = 2\n    def helper_9(self):', false, false],
      ['    def other_2(self):', '    x = """\n    def other_2(self):', false, false],
    ];
    for (const [after, then] of [['def after():', 'after'], ['x = 1\n\ndef after():', 'after a statement']] as const) {
      let text = sharedState().replace('def after():', after);
      const doc = new PythonDocument(engine.parser, text, 1);
      for (const [from, to, alone, aloneAfterStatement] of edits) {
        const at = text.indexOf(from);
        const lines = new LineIndex(text);
        scanned.mockClear();
        doc.update([{ range: { start: lines.positionAt(at), end: lines.positionAt(at + from.length) }, text: to }], doc.version + 1);
        expect(scanned.mock.results.map((r) => r.value !== undefined), `${to} (${then})`).toEqual([then === 'after' ? alone : aloneAfterStatement]);
        text = text.slice(0, at) + to + text.slice(at + from.length);
        expectLikeFresh(doc.syntax(), liveCopy(engine, text), `${to} (${then})`);
      }
      doc.dispose();
    }
    scanned.mockRestore();
  });

  it('gives what a fresh parse gives where what the module reads after the class depends on lines in it', async () => {
    const engine = await loadEngine();
    const methods = (n: number, name = 'm') => Array.from({ length: n }, (_, i) => `    def ${name}${i}(self):\n        return ${i}\n`).join('\n');
    const decorated = `class C:\n${methods(60)}        y = 2 \\\n\n@dec\n    def mid(self):\n        return 0\n${methods(60, 'n')}\nx = 1\n\ndef after():\n    pass\n`;
    const headed = `class A(Base, doc="""\n  def x():\n    """):\n    y = 1\n${methods(120)}\ndef after():\n    pass\n`;
    const cases: Array<[string, string]> = [
      // A bracket closed, before a class that ends with a line a backslash continues onto a blank line.
      [`class C:\n    def a(self):\n        return (3\n\n${methods(120)}        x = 1 \\\n\ndef after():\n    pass\n`, 'return 3'],
      // A decorator in column 0 inside the class (after which the statement after the class starts no chunk), removed or indented.
      [decorated, ''],
      [decorated, '    @dec\n'],
      // What a string in the class's header holds is its first statement or not, as code far below reads.
      [headed, ''],
    ];
    for (const [text, to] of cases) {
      const from = text === headed ? '        return 50\n' : text === decorated ? '@dec\n' : 'return (3';
      const next = text.replace(from, text === headed ? '        return "a" b\n' : to);
      const module = new ChunkedModule(engine.parser, true);
      module.update(text, []);
      module.update(next, [], changedSpan(text, next));
      expectLikeFresh(module.syntax(), liveCopy(engine, next), JSON.stringify(next.slice(0, 40)));
      module.dispose();
    }
  });

  it('walks again only the statement of the body that changed, and those that read what it changed', async () => {
    const engine = await loadEngine();
    const walked: string[] = [];
    const probe = {
      rule: defineRule({
        meta: {
          id: 'probe', code: 'MLD999', category: 'meta', severity: 'warning', fix: 'none', local: true,
          messages: { default: 'probe' },
          docs: { summary: '', whatItDoes: '', whyIsThisBad: '', example: '', useInstead: '', fixSafety: '', references: [] },
        },
        create: () => ({ function_definition: (n) => void walked.push(n.childForFieldName('name')!.text) }),
      }),
      severity: 'information' as const,
      options: {},
    };
    const rules = [...activeRules(RULES, { select: ['meta', 'dataframe-values'] }), probe];
    let text = sharedState();
    expect(text.length).toBeGreaterThan(4096);
    const doc = new PythonDocument(engine.parser, text, 1);
    const findings = () => doc.analyze(rules).findings.filter((f) => f.ruleId === 'dataframe-values').map((f) => text.slice(f.start, f.end));
    expect(findings()).toEqual(['self.frame.values']);
    expect(walked).toHaveLength(83);
    const edit = (from: string, to: string): void => {
      text = replaceFirst(doc, text, from, to);
      walked.length = 0;
    };

    // Opened, the class is one chunk. The first keystroke in it cuts it into its pieces, each a chunk of
    // its own, which are all walked once: every method of the class, and not the function after it.
    edit('return 3\n', 'return 33\n');
    expect(findings()).toEqual(['self.frame.values']);
    expect(walked).toHaveLength(82);
    expect(walked).not.toContain('after');

    // A keystroke in one helper: that method is walked again, and no other. The one with a finding
    // keeps it with its fix, moved with the method (dataframe-values' fixes are `chunkFixes`).
    const fixBefore = doc.analyze(rules).findings.find((f) => f.ruleId === 'dataframe-values')!.fixes;
    walked.length = 0;
    edit('return 7\n', 'return 77\n');
    expect(findings()).toEqual(['self.frame.values']);
    expect(walked).toEqual(['helper_7']);
    const fixAfter = doc.analyze(rules).findings.find((f) => f.ruleId === 'dataframe-values')!.fixes;
    expect(fixAfter[0].edits[0].start).toBe(fixBefore[0].edits[0].start + 1);
    expect(fixAfter).toEqual(engine.analyzeSource(text, rules).findings.find((f) => f.ruleId === 'dataframe-values')!.fixes);
    walked.length = 0;

    // `self.frame` is no longer a data frame: the method that read it is walked again, and its finding goes.
    edit('pd.read_csv("train.csv")', 'list()');
    expect(findings()).toEqual([]);
    expect(walked).toEqual(['load', 'features']);
    expect(findings()).toEqual(engine.analyzeSource(text, rules).findings.filter((f) => f.ruleId === 'dataframe-values').map((f) => text.slice(f.start, f.end)));

    // And back.
    edit('list()', 'pd.read_csv("train.csv")');
    expect(findings()).toEqual(['self.frame.values']);
  });

  it('tells the code after it when its header changes what its instances are', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, { select: ['forward-called-directly'] });
    const filler = Array.from({ length: 90 }, (_, i) => `    def block_${i}(self, x):\n        return x * ${i}\n`).join('\n');
    let text = ['import torch', 'from torch import nn', '', '', 'class Net(nn.Module):', filler, '', 'net = Net()', 'out = net.forward(torch.ones(3))', ''].join('\n');
    expect(text.length).toBeGreaterThan(4096);
    const doc = new PythonDocument(engine.parser, text, 1);
    const found = () => doc.analyze(rules).findings.map((f) => f.ruleId);
    expect(found()).toEqual(['forward-called-directly']);
    const edit = (from: string, to: string): void => {
      text = replaceFirst(doc, text, from, to);
    };
    // The class is no module now, and its body's statements are as they were.
    edit('class Net(nn.Module):', 'class Net(object):');
    expect(found()).toEqual([]);
    expect(found()).toEqual(engine.analyzeSource(text, rules).findings.map((f) => f.ruleId));
    edit('class Net(object):', 'class Net(nn.Module):');
    expect(found()).toEqual(['forward-called-directly']);
  });
});

describe('the live module', () => {
  it('re-parses a chunk incrementally while it has no syntax error, and afresh once it has one, to the tree a fresh parse gives', async () => {
    const engine = await loadEngine();
    const text = 'import os\n\ndef f(a):\n    x = a\n    return x\n\ndef g():\n    return 1\n';
    const module = new ChunkedModule(engine.parser, true);
    module.update(text, []);
    const parse = vi.spyOn(engine.parser, 'parse');
    let now = text;
    // Each key, and whether its parses reuse the old tree: none for the first (the chunk was cut from a
    // parse of the whole file), then valid, broken by the bracket, still broken.
    for (const [key, incrementally] of [['b', [false]], ['c', [true]], ['(', [true, false]], ['d', [false]], [' ', [false]]] as const) {
      const at = now.indexOf('= a') + 3;
      const next = now.slice(0, at) + key + now.slice(at);
      parse.mockClear();
      module.update(next, [], { start: at, oldEnd: at, newEnd: at + 1 });
      now = next;
      expect(parse.mock.calls.map((call) => call[1] !== undefined), key).toEqual(incrementally);
      expectLikeFresh(module.syntax(), liveCopy(engine, now), key);
    }
    parse.mockRestore();
    module.dispose();
  });

  it('lets go of the text of the copy an edit superseded, and only once live', async () => {
    // The chunks an edit drops still point to the copy they came from; without its text, they hold little.
    const engine = await loadEngine();
    const text = 'import os\n\ndef f(a):\n    return a\n';
    for (const live of [true, false]) {
      const module = new ChunkedModule(engine.parser, live);
      module.update(text, []);
      const before = module.syntax();
      const at = text.indexOf('return a') + 8;
      const next = text.slice(0, at) + 'b' + text.slice(at);
      module.update(next, [], { start: at, oldEnd: at, newEnd: at + 1 });
      expect(module.syntax().text).toBe(next);
      if (live) expect(() => before.text, 'live').toThrow(/superseded/);
      else expect(before.text, 'not live').toBe(text);
      module.dispose();
    }
  });

  it('gives the tree a fresh parse gives when the quote that closes a broken docstring is typed', async () => {
    // An incremental parse of the broken chunk recovers from its error otherwise.
    const engine = await loadEngine();
    const text = 'class C:\n [\n]\n """f=0\nd\n';
    const module = new ChunkedModule(engine.parser, true);
    module.update(text, []);
    module.update(text + '"""', [], { start: text.length, oldEnd: text.length, newEnd: text.length + 3 });
    expectLikeFresh(module.syntax(), liveCopy(engine, text + '"""'));
    module.dispose();
  });

  it('scans again from a string it ended at a definition when an edit reaches the code that told it to', async () => {
    const engine = await loadEngine();
    // `a`'s docstring is broken: read on, its string ends at `c`'s docstring, and `Returns copies` is no code.
    const text = ['import os', 'import re', '', 'def a():', '    """Doc.', '    ""_"', '    return 1', '', 'def b():', '    return 2', '', 'def c():', '    """', '    Returns copies', '    """', '    return 3', '    """', '', 'def d():', '    return 4', ''].join('\n');
    const starts = (module: ChunkedModule) => linesAt(module.source, module.syntax().chunks.map((c) => c.base));
    const edits: Array<[string, string, string[]]> = [
      // A `.` (which the tokenizer does not notice) makes that an attribute: the code after the string may be valid.
      [' copies', ' .copies', ['import os', 'def a():', 'def d():']],
      [' .copies', ' copies', ['import os', 'def a():', 'def b():', 'def c():', 'def d():']],
      // So does a call, which the tokenizer notices: scanned from where it is, it would not be from `a`.
      [' copies', '(copies)', ['import os', 'def a():', 'def d():']],
    ];
    const module = new ChunkedModule(engine.parser, true);
    module.update(text, []);
    expect(starts(module)).toEqual(['import os', 'def a():', 'def b():', 'def c():', 'def d():']);
    for (const [from, to, expected] of edits) {
      const at = module.source.indexOf(from);
      const next = module.source.slice(0, at) + to + module.source.slice(at + from.length);
      const common = [...from].findIndex((ch, k) => ch !== to[k]);
      module.update(next, [], { start: at + common, oldEnd: at + from.length, newEnd: at + to.length });
      expect(starts(module), to).toEqual(expected);
      expectLikeFresh(module.syntax(), liveCopy(engine, next), to);
    }
    module.dispose();
  });

  it('scans again from a string it ended at a definition when an edit changes the word that told it to, chunks later', async () => {
    const engine = await loadEngine();
    // Each: a text, and an edit in the word the reading after a string decided on. Deleting the `x` of
    // `inx` makes it the keyword `in` (and the edit neutral); a quote after `f` makes it an f-string, which
    // the reading does not follow.
    const cases: Array<[string, string, string]> = [
      ['x = """\ndef f():\n    pass\n\n\ndef g():\n    pass\n\n\ndef h():\n    """ inx\n    return 1\n"""\n', ' inx', ' in'],
      ['def a():\n    """Doc.\n    ""_"\n    return 1\n\ndef b():\n    return 2\n\ndef c():\n    """f more"""\n    return 3\n', '"f more', '"f" more'],
    ];
    for (const [text, from, to] of cases) {
      const module = new ChunkedModule(engine.parser, true);
      module.update(text, []);
      const next = text.replace(from, to);
      module.update(next, [], changedSpan(text, next));
      expectLikeFresh(module.syntax(), liveCopy(engine, next), to);
      // The edit changed where chunks start.
      expect(module.syntax().chunks.length, to).not.toBe(liveCopy(engine, text).chunks.length);
      module.dispose();
    }
  });

  it('re-parses only the definition a docstring is typed into, quote by quote, however large the class', async () => {
    const engine = await loadEngine();
    const methods = Array.from({ length: 60 }, (_, i) => `    def step_${i}(self):\n        """Step ${i} of the pipeline."""\n        return self.value + ${i}\n`).join('\n');
    let text = `import os\nimport re\n\n\nclass Pipeline:\n${methods}\n\ndef main():\n    return Pipeline()\n`;
    const doc = new PythonDocument(engine.parser, text, 1);
    const parse = vi.spyOn(engine.parser, 'parse');
    let at = text.indexOf('return self.value + 20');
    for (const key of ['"', '"', '"', 'D', 'o', 'c', '"', '"', '"']) {
      parse.mockClear();
      const position = new LineIndex(text).positionAt(at);
      doc.update([{ range: { start: position, end: position }, text: key }], doc.version + 1);
      text = text.slice(0, at) + key + text.slice(at);
      at++;
      // Each parse is of one method or two, not of the class after it (over 5,000 characters).
      expect(Math.max(...parse.mock.calls.map((call) => call[0].length)), key).toBeLessThan(400);
      expectLikeFresh(doc.syntax(), liveCopy(engine, text), key);
    }
    parse.mockRestore();
    doc.dispose();
  });

  it('gives what a fresh analysis gives after whole lines are inserted, replaced and removed, at the top too', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const base = ['train_model.py', 'features.py', 'train_net.py'].map((f) => readFileSync(join(__dirname, '..', '..', 'examples', f), 'utf8')).join('\n');
    const pool = base.split('\n');
    const rand = seededRandom(3);
    for (let run = 0; run < 6; run++) {
      const lines = base.split('\n');
      const doc = new PythonDocument(engine.parser, base, 1);
      doc.analyze(rules);
      for (let i = 0; i < 50; i++) {
        const at = rand(3) === 0 ? rand(3) : rand(lines.length - 1);
        const line = pool[rand(pool.length)];
        const op = rand(3);
        if (op === 0) {
          doc.update([{ range: { start: { line: at, column: 0 }, end: { line: at, column: 0 } }, text: line + '\n' }], doc.version + 1);
          lines.splice(at, 0, line);
        } else if (op === 1) {
          doc.update([{ range: { start: { line: at, column: 0 }, end: { line: at + 1, column: 0 } }, text: '' }], doc.version + 1);
          lines.splice(at, 1);
        } else {
          doc.update([{ range: { start: { line: at, column: 0 }, end: { line: at, column: lines[at].length } }, text: line }], doc.version + 1);
          lines[at] = line;
        }
        const text = lines.join('\n');
        const live = doc.analyze(rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
        const fresh = engine.analyzeSource(text, rules).findings.map((f) => [f.ruleId, f.start, f.end, f.message, f.fingerprint, f.fixes]);
        expect(live).toEqual(fresh);
      }
    }
  });
});

describe('the live module, grouped', () => {
  it('holds the chunks a fresh parse makes while statements and definitions come, go and break', async () => {
    const engine = await loadEngine();
    const pool = ['x = 1', 'y = f(x)', 'def f(a):', '    return a', 'class C:', '    z = 2', '@wraps', 'if x:', 'import os', '', 'w = (', ')', '"""', '# note'];
    const rand = seededRandom(11);
    const lines = Array.from({ length: 120 }, (_, i) => pool[i % 10]);
    const doc = new PythonDocument(engine.parser, lines.join('\n'), 1);
    for (let i = 0; i < 150; i++) {
      // A third of the edits in the first lines, which start chunks of their own.
      const at = rand(3) === 0 ? rand(3) : rand(lines.length - 1);
      const op = rand(3);
      if (op === 0) {
        const line = pool[rand(pool.length)];
        doc.update([{ range: { start: { line: at, column: 0 }, end: { line: at, column: 0 } }, text: line + '\n' }], doc.version + 1);
        lines.splice(at, 0, line);
      } else if (op === 1 && lines.length > 10) {
        doc.update([{ range: { start: { line: at, column: 0 }, end: { line: at + 1, column: 0 } }, text: '' }], doc.version + 1);
        lines.splice(at, 1);
      } else {
        // A character typed at the start of a line or after its first word: `def` and `class` come and go.
        const column = rand(2) === 0 ? 0 : Math.min(lines[at].length, lines[at].indexOf(' ') + 1);
        const ch = ['d', ' ', '(', '@', 'x', '"'][rand(6)];
        doc.update([{ range: { start: { line: at, column }, end: { line: at, column } }, text: ch }], doc.version + 1);
        lines[at] = lines[at].slice(0, column) + ch + lines[at].slice(column);
      }
      expectLikeFresh(doc.syntax(), liveCopy(engine, lines.join('\n')), `edit ${i}`);
    }
    doc.dispose();
  });
});

describe('the live notebook', () => {
  it('finds after every cell edit what a fresh analysis of the notebook finds', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const sources = ['import pandas as pd\nimport numpy as np', 'df = pd.read_csv("data.csv")\nx = df.values', '# Notes\n', 'def f(a):\n    return a == np.nan', '%matplotlib inline\nprint(df.head())', 'for i in range(3):\n    y = np.random.rand(3)'];
    const cells: LiveCell[] = sources.map((text, i) => ({ id: `cell${i}`, kind: i === 2 ? 'markdown' : 'code', text, version: 1, executionOrder: i === 2 ? null : i + 1 }));
    const doc = new NotebookDocument(engine.parser, cells, 1);
    const rand = seededRandom(5);
    const snippets = ['x', '\n', '(', ')', '', '"', '.values', '  ', '#', '"""', ':', '\n    ', '\\', '%', '!ls\n'];
    for (let i = 0; i < 200; i++) {
      const cell = doc.cellList[rand(sources.length)];
      const lines = cell.text.split('\n');
      const line = rand(lines.length);
      const column = rand(lines[line].length + 1);
      // Some edits replace up to 3 characters after the cursor.
      const removed = rand(3) === 0 ? Math.min(lines[line].length - column, 1 + rand(3)) : 0;
      const insert = snippets[rand(snippets.length)];
      doc.updateCell(cell.id, [{ range: { start: { line, column }, end: { line, column: column + removed } }, text: insert }], cell.version + 1);
      const live = doc.analyze(rules).findings.map((f) => [f.ruleId, f.cell, f.start, f.end, f.range, f.message, f.fixes]);
      const analysis = engine.analyzeNotebook(doc.asNotebook(), rules);
      const fresh = analysis.findings.map((f) => [f.ruleId, f.cell, f.start, f.end, f.range, f.message, f.fixes]);
      expect(live).toEqual(fresh);
      // The module a keystroke splices together is the one joining the cells makes.
      expect(doc.source).toBe(analysis.module!.text);
      expect(doc.cellMap.segments).toEqual(analysis.module!.cells.segments);
    }
  });
});

describe('a live notebook opened', () => {
  it('is parsed cell by cell: only the chunks of a cell with a syntax error are parsed alone', async () => {
    const engine = await loadEngine();
    // Each cell long enough to make several chunks.
    const statements = (name: string) => Array.from({ length: 60 }, (_, i) => `${name}_${i} = compute(${i})\n`).join('');
    const sources = [`import numpy as np\n${statements('a')}`, `${statements('b')}broken = (1,\n${statements('c')}`, statements('d')];
    const cells: LiveCell[] = sources.map((text, i) => ({ id: `cell${i}`, kind: 'code', text, version: 1, executionOrder: i + 1 }));
    const parse = vi.spyOn(engine.parser, 'parse');
    const doc = new NotebookDocument(engine.parser, cells, 1);
    doc.syntax();
    const texts = parse.mock.calls.map((call) => call[0]);
    parse.mockRestore();
    const module = engine.analyzeNotebook(doc.asNotebook(), []).module!;
    const { chunks } = doc.syntax();
    const [second, third] = module.cells.segments.slice(1).map((c) => c.start);
    const inBroken = chunks.filter((c) => c.base >= second && c.base < third).length;
    expect(chunks.length).toBeGreaterThan(6);
    expect(inBroken).toBe(2);
    // One parse per cell, then one per chunk of the broken cell; the whole notebook is never parsed.
    expect(texts).toHaveLength(sources.length + inBroken);
    expect(texts.slice(0, 2)).toEqual(sources.slice(0, 2).map((t) => `${t}\n`));
    expect(texts.every((t) => t.length < module.text.length)).toBe(true);
    // The trees are those of each chunk parsed alone, which a check of the notebook on disk gives.
    expect(doc.syntax().rootNode.toString()).toBe(engine.copy(module.text, module.cells.segments.map((c) => c.start)).rootNode.toString());
    doc.dispose();
  });
});

describe('a cell that starts with a decorator', () => {
  it('is split live as a fresh parse splits it, whether the scan starts at the cell or passes through it', async () => {
    const engine = await loadEngine();
    const cells: LiveCell[] = ['', '@"dataclass(\n\'import os\n    frozen=Fal:)'].map((text, i) => ({ id: `cell${i}`, kind: 'code', text, version: 1, executionOrder: i + 1 }));
    const doc = new NotebookDocument(engine.parser, cells, 1);
    doc.updateCell('cell1', [{ range: { start: { line: 2, column: 14 }, end: { line: 2, column: 14 } }, text: '"' }], 2);
    const module = engine.analyzeNotebook(doc.asNotebook(), []).module!;
    expectLikeFresh(doc.syntax(), liveCopy(engine, module.text, module.cells.segments.map((c) => c.start)));
  });
});

describe('the line index', () => {
  it('follows an edit to the same lines as one built afresh', () => {
    let text = 'a = 1\nb = 2\r\n\nc = [\n  3,\n]\n';
    let index = new LineIndex(text);
    const rand = seededRandom(4);
    for (let i = 0; i < 300; i++) {
      const start = rand(text.length + 1);
      const oldEnd = Math.min(text.length, start + rand(4));
      const insert = ['', 'x', '\n', '\r\n', 'y\nz\n', '\n\n'][rand(6)];
      text = text.slice(0, start) + insert + text.slice(oldEnd);
      index = index.edited(text, { start, oldEnd, newEnd: start + insert.length });
      const fresh = new LineIndex(text);
      expect(index.lineCount).toBe(fresh.lineCount);
      for (let line = 0; line < fresh.lineCount; line++) expect(index.lineStart(line)).toBe(fresh.lineStart(line));
    }
  });
});

describe('tokenNeutral', () => {
  const span = (start: number, oldEnd: number, inserted: string) => ({ start, oldEnd, newEnd: start + inserted.length });
  const edit = (text: string, at: number, removed: number, inserted: string) => {
    const after = text.slice(0, at) + inserted + text.slice(at + removed);
    return tokenNeutral(text, after, span(at, at + removed, inserted));
  };

  it('takes typing at the end of a line, or before a bracket or a `#`, as neutral', () => {
    const text = '    value = compute(x)  # note\n';
    expect(edit(text, text.indexOf('\n'), 0, 'a')).toBe(true);
    expect(edit(text, text.indexOf('('), 0, 'a')).toBe(true);
    expect(edit(text, text.indexOf('#'), 0, 'a')).toBe(true);
    expect(edit(text, text.indexOf('x)') + 1, 0, 'a')).toBe(true);
  });

  it('does not where the characters around the edit read with it, or the first word changes', () => {
    // After a backslash, which escaped what now follows the edit.
    expect(edit('x = "a\\"b"\n', 7, 0, 'c')).toBe(false);
    expect(edit('x = 1 + \\\n    2\n', 9, 0, 'c')).toBe(false);
    // Before a quote: `""` and `"` may join into a triple quote, or a triple quote part.
    expect(edit('x = ""y"\n', 6, 1, '')).toBe(false);
    expect(edit('x = """doc"""\n', 5, 0, 'a')).toBe(false);
    // Before a string's prefix: an `f` typed there turns braces into replacement fields, which span lines.
    expect(edit('x = r"{\ny}"\n', 4, 0, 'f')).toBe(false);
    expect(edit('x = fr"{\ny}"\n', 4, 1, '')).toBe(false);
    // After a `{`: a second makes `{{`, a brace in an f-string, and parting two makes a field.
    expect(edit(`x = f"""{{\nDon't\n}}"""\n`, 9, 0, 'a')).toBe(false);
    expect(edit('s = f"{ {1:\n2} }"\n', 7, 1, '')).toBe(false);
    // A `:` starts a field's format spec, where a `#` is no comment.
    expect(edit('x = f"{n#x}"\ny = 1\n', 8, 0, ':')).toBe(false);
    // The first word of the line, or its indentation.
    expect(edit('    pass\n', 8, 0, 'a')).toBe(false);
    expect(edit('    value = 1\n', 2, 0, 'a')).toBe(false);
    // What the edit adds or removes.
    expect(edit('    value = 1\n', 13, 0, '(')).toBe(false);
    expect(edit('    value = (1)\n', 12, 1, '')).toBe(false);
  });

  it('promises only what the tokenizer keeps: chunk and member starts where they were, moved by the edit', () => {
    const pieces = [
      'class A:\n', '    """Doc with ( and \\" and # inside."""\n', '    @property\n', '    def f(self):\n', '        return (1 +\n', '    2)\n',
      '    x = "a\\\\"  # c\n', "    s = '''multi\n", "line ''' + 'b'\n", 'y = [\n', '    1]\n', 'z = 1 + \\\n', '    2\n', '@decorator\n',
      'def g():\n', '    """"\n', '    q = ""\n', '    # comment (\n', 'else_value = 3\n', '    t = f"{a}" "b"\n',
      '    u = r"{"\n', 'v = r"{\n', 'w}"\n', '    k = f"{\n', '}" "c"\n', 'm = urf"{\n', '    n = f"{n:#x}"\n', 'o = f\'\'\'{{\n', '{ {1:\n',
    ];
    const rand = seededRandom(5);
    const chars = ['a', ' ', '_', '1', '.', ',', '=', ':', '"', "'", '\\', '(', ')', '#', '\n', 'f'];
    let neutral = 0;
    for (let round = 0; round < 4000; round++) {
      const text = Array.from({ length: 12 }, () => pieces[rand(pieces.length)]).join('');
      // Half the edits next to a character the tokenizer reads.
      const specials = [...text.matchAll(/["'\\()#\n]/g)].map((m) => m.index! + rand(2));
      const at = rand(2) === 0 ? specials[rand(specials.length)] : rand(text.length + 1);
      const removed = rand(3) === 0 ? Math.min(1, text.length - at) : 0;
      const inserted = rand(3) === 0 ? '' : chars[rand(chars.length)];
      const after = text.slice(0, at) + inserted + text.slice(at + removed);
      const e = span(at, at + removed, inserted);
      if (!tokenNeutral(text, after, e)) continue;
      neutral++;
      const delta = inserted.length - removed;
      const moved = (starts: number[]) => starts.map((s) => (s > at ? s + delta : s));
      for (const indent of [0, 4]) expect(statementStarts(after, 0, after.length, indent), `${JSON.stringify(text)} at ${at}`).toEqual(moved(statementStarts(text, 0, text.length, indent)));
    }
    expect(neutral).toBeGreaterThan(500);
  });
});

describe('surelyBroken', () => {
  /** What reading `code` on, after a string closed by its first `"""`, read up to an error: its last line, or undefined. */
  const broken = (code: string, depth = 0): string | undefined => {
    const found = surelyBroken(code, 0, code.length, 0, depth, 34);
    return found >= 0 ? code.slice(0, found).replace(/\n$/, '').split('\n').pop() : undefined;
  };

  it('finds what prose read as code gives: an operand and a name after it, a string that meets a line break', () => {
    expect(broken('"""Returns a copy.\n')).toBe('"""Returns a copy.');
    expect(broken('"""\n    Returns the value.\n    More.\n')).toBe('    Returns the value.');
    expect(broken('"""\n    f(x) y\n')).toBe('    f(x) y');
    expect(broken('"""\n    don\'t\n')).toBe("    don't");
    // A definition inside brackets, or the string that never closes.
    expect(broken('""" + f(\n\ndef g():\n    pass\n')).toBe('def g():');
    expect(broken('""" + f(\n\nasync  def g():\n    pass\n')).toBe('async  def g():');
    expect(broken('never closed\n')).toBe('never closed');
  });

  it('finds nothing in code that may be valid: keywords, soft ones and Python 2 statements, strings joined, attributes, numbers', () => {
    for (const code of [
      '""" if ready else None\n',
      '""" in names and x is not None\n',
      '""".format(name) % args\n',
      '""" "more" rb"bytes" u"text" ur"old" bU\'x\'\n',
      '""" + \'a\\rb\'\n'.replace('\\r', '\r'),
      '"""\n    print x\n    exec code in scope\n    match command:\n        case [a, b] if a:\n            pass\n',
      '"""\n    type Vector = list[float]\n    x = 1if y else 2\n    z = 0x1F + 1e-5j\n',
      '"""\n    await task\n    async with a as b:\n        yield from c\n',
      '"""\n    # a comment with words in it\n    x = (a,\n         b)\n',
      // An asynchronous comprehension's `async for`, in column 0 inside its brackets.
      '"""\n    r = [y\nasync for y in z]\n',
    ]) {
      expect(broken(code), code).toBeUndefined();
    }
  });

  it('stops, unsure, at the next statement at its indentation, and at an f-string, whose fields it does not follow', () => {
    const code = '"""\n    x = 1\ndef f():\n    Returns a copy\n';
    expect(~surelyBroken(code, 0, code.length, 0, 0, 34)).toBe(code.indexOf('\n', code.indexOf('def f')) + 1);
    expect(broken('"""\n    msg = f"{a["key one"]}"\n    Returns a copy\n')).toBeUndefined();
  });
});
