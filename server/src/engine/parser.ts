import { readFile } from 'node:fs/promises';
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { copyArrays, type NodeArrays } from './mirror';
import { LAYOUT_SAMPLE, memoryLayoutAgrees, RawCursor, treeMemory, type TreeMemory, type WasmRuntime, wasmRuntime } from './wasmCursor';

export type { Language, Tree } from 'web-tree-sitter';
export type { Node } from './mirror';

export interface WasmPaths {
  /** web-tree-sitter's own runtime, `web-tree-sitter.wasm`. */
  runtime: string;
  /** The grammar, `tree-sitter-python.wasm` from the tree-sitter-python package. */
  python: string;
}

/**
 * One web-tree-sitter parser for Python. Loading the runtime and grammar is done once per process;
 * every parse after that is synchronous.
 */
let runtime: Promise<WasmRuntime> | undefined;

/** Loads web-tree-sitter's runtime once per process, keeping the module it fills in for `RawCursor`. */
function loadRuntime(path: string): Promise<WasmRuntime> {
  return (runtime ??= (async () => {
    const module: Record<string, unknown> = { locateFile: () => path };
    await Parser.init(module);
    return wasmRuntime(module);
  })());
}

export class PythonParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
    private readonly runtime: WasmRuntime,
    /** Whether cursors read nodes from tree-sitter's memory (see `memoryLayoutAgrees`). */
    readonly directReads: boolean,
  ) {}

  /** Whether trees are copied by walking tree-sitter's memory, without a cursor (see `memory`). */
  memoryWalks = false;

  /**
   * `directReads: false` makes cursors ask the runtime for every node instead of reading tree-sitter's
   * memory, even where the layout check passes (for comparing the two).
   */
  static async load(paths: WasmPaths, options: { directReads?: boolean } = {}): Promise<PythonParser> {
    const runtime = await loadRuntime(paths.runtime);
    // Given the bytes: for a path, web-tree-sitter reads the file through `import()`, which code run from
    // V8's code cache cannot call (see main.ts).
    const language = await Language.load(await readFile(paths.python));
    const parser = new Parser();
    parser.setLanguage(language);
    const sample = parser.parse(LAYOUT_SAMPLE);
    if (!sample) throw new Error('tree-sitter returned no tree');
    const direct = options.directReads !== false && memoryLayoutAgrees(runtime, sample);
    const python = new PythonParser(parser, language, runtime, direct);
    try {
      if (direct) python.memoryWalks = sameCopy(copyArrays(python, sample), python.withMemoryWalks(() => copyArrays(python, sample)));
    } catch {
      python.memoryWalks = false;
    } finally {
      sample.delete();
    }
    return python;
  }

  /**
   * What a walk of `tree` in tree-sitter's memory needs, where such walks copy trees: only once a walk
   * of a sample parse that way gave what the cursor gives, node for node.
   */
  memory(tree: Tree): TreeMemory | undefined {
    return this.memoryWalks ? treeMemory(this.runtime, tree) : undefined;
  }

  private withMemoryWalks<T>(run: () => T): T {
    const before = this.memoryWalks;
    this.memoryWalks = true;
    try {
      return run();
    } finally {
      this.memoryWalks = before;
    }
  }

  /** The size of web-tree-sitter's WebAssembly memory, which grows with the trees alive at once and never shrinks. */
  wasmMemoryBytes(): number {
    return this.runtime.HEAP32.buffer.byteLength;
  }

  /** A cursor over `tree` that calls the runtime directly; `close()` it when done. */
  cursor(tree: Tree): RawCursor {
    return new RawCursor(this.runtime, tree, this.directReads);
  }

  /** Parses `text`; with `oldTree` (already edited with `applyEdit`), re-uses its unchanged parts. */
  parse(text: string, oldTree?: Tree): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}

/** Tells `tree` that `[start, oldEnd)` of `oldText` became `newText`, before an incremental re-parse. */
export function applyEdit(tree: Tree, oldText: string, start: number, oldEnd: number, newText: string): void {
  tree.edit(
    new Edit({
      startIndex: start,
      oldEndIndex: oldEnd,
      newEndIndex: start + newText.length,
      startPosition: pointAt(oldText, start),
      oldEndPosition: pointAt(oldText, oldEnd),
      newEndPosition: advancePoint(pointAt(oldText, start), newText),
    }),
  );
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

function advancePoint(from: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak === -1) return { row: from.row, column: from.column + inserted.length };
  let rows = 0;
  for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) rows++;
  return { row: from.row + rows, column: inserted.length - lastBreak - 1 };
}

function sameCopy(a: NodeArrays | undefined, b: NodeArrays | undefined): boolean {
  if (!a || !b || a.count !== b.count) return false;
  const columns = ['types', 'flags', 'fieldIds', 'starts', 'ends', 'parents', 'after'] as const;
  return columns.every((c) => a[c].every((v, i) => v === b[c][i]));
}
