import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyArrays, type NodeArrays } from '../../server/src/engine/mirror';
import { applyEdit, PythonParser } from '../../server/src/engine/parser';
import { wasmPaths } from '../support/engine';

const FIXTURES = join(__dirname, '..', 'fixtures');

function pythonFixtures(): string[] {
  return readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => join(FIXTURES, f));
}

const KEYS = ['types', 'flags', 'fieldIds', 'starts', 'ends', 'parents', 'after'] as const;

function same(a: NodeArrays, b: NodeArrays): boolean {
  return a.count === b.count && KEYS.every((k) => a[k].every((v, i) => v === b[k][i]));
}

describe('reading nodes from tree-sitter memory', () => {
  it('is used with the web-tree-sitter build in package.json, and walking or reading gives the copy (and whether there is an error) that asking gives', async () => {
    const direct = await PythonParser.load(wasmPaths);
    const asking = await PythonParser.load(wasmPaths, { directReads: false });
    // Fails when web-tree-sitter is upgraded to a build whose Subtree layout differs: see wasmCursor.ts.
    expect(direct.directReads).toBe(true);
    expect(direct.memoryWalks).toBe(true);
    expect(asking.directReads).toBe(false);
    expect(asking.memoryWalks).toBe(false);
    const sources = [
      ...pythonFixtures().map((f) => readFileSync(f, 'utf8')),
      // Syntax errors, missing nodes, non-ASCII text and a long heap-allocated leaf.
      'def f(x:\n    return [1, 2\nclass C(:\n  pass\ns = "é😀' + 'x'.repeat(300) + '"\ny = (1 +\n',
      'print "a"\nexec "b"\nmatch p:\n    case {"k": [1, *r]} if r: pass\n',
      // More nodes than the memory walk's first output buffer holds (16,384): it grows and copies again.
      'x = f(1, "a")\n'.repeat(3000),
    ];
    expect(sources.length).toBeGreaterThan(20);
    const agree = (tree: ReturnType<PythonParser['parse']>, label: string): void => {
      const walked = copyArrays(direct, tree)!;
      const asked = copyArrays(asking, tree)!;
      direct.memoryWalks = false;
      const read = copyArrays(direct, tree)!;
      direct.memoryWalks = true;
      expect(walked.count).toBeGreaterThan(0);
      expect(direct.hasError(tree), label).toBe(tree.rootNode.hasError);
      expect(same(walked, asked), label).toBe(true);
      expect(same(read, asked), label).toBe(true);
    };
    for (const source of sources) {
      const tree = direct.parse(source);
      try {
        agree(tree, source.slice(0, 80));
        // An incremental re-parse shares the old tree's nodes: a bracket typed mid-file, then removed.
        const at = source.indexOf('\n', source.length >> 1) + 1;
        applyEdit(tree, source, at, at, '(');
        const edited = source.slice(0, at) + '(' + source.slice(at);
        const again = direct.parse(edited, tree);
        try {
          agree(again, `${source.slice(0, 40)} with a bracket`);
        } finally {
          again.delete();
        }
      } finally {
        tree.delete();
      }
    }
  });

  it('reads whether a tree has an error as tree-sitter answers it, for an empty module and a lone missing node too', async () => {
    const direct = await PythonParser.load(wasmPaths);
    for (const source of ['', '\n', 'x = (', ')', 'pass']) {
      const tree = direct.parse(source);
      try {
        expect(direct.hasError(tree), JSON.stringify(source)).toBe(tree.rootNode.hasError);
      } finally {
        tree.delete();
      }
    }
  });

  it('falls back to the cursor where nesting is deeper than the memory walk can recurse', async () => {
    const direct = await PythonParser.load(wasmPaths);
    const asking = await PythonParser.load(wasmPaths, { directReads: false });
    // Hidden nodes make each bracket several levels deep for the walk: 4,000 overflow its stack (in
    // WebAssembly, between 1,500 and 3,000 do), not the cursor's (between 6,000 and 12,000 do).
    const source = `x = ${'('.repeat(4000)}1${')'.repeat(4000)}\n`;
    const tree = direct.parse(source);
    try {
      expect(direct.copyFromMemory(tree, new Uint8Array(direct.language.nodeTypeCount), false)).toBeUndefined();
      const walked = copyArrays(direct, tree)!;
      expect(walked.count).toBe(12005);
      expect(same(walked, copyArrays(asking, tree)!)).toBe(true);
    } finally {
      tree.delete();
    }
  });
});
