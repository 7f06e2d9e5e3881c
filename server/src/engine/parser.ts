import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';
import { copyArrays, type NodeArrays } from './mirror';
import { runtimeMemory, TreeCopy } from './treeCopy';
import { LAYOUT_SAMPLE, memoryLayoutAgrees, RawCursor, rootHasError, treeMemory, type WasmRuntime, wasmRuntime } from './wasmCursor';

export type { Language, Tree } from 'web-tree-sitter';
export type { Node } from './mirror';

export interface WasmPaths {
  /** web-tree-sitter's own runtime, `web-tree-sitter.wasm`. */
  runtime: string;
  /** The grammar, `tree-sitter-python.wasm` from the tree-sitter-python package. */
  python: string;
  /** `tree-copy.wasm`, assembled from treeCopy.wat by the build. */
  treeCopy: string;
}

/** The WebAssembly files in `dir`, where the build puts them beside the server's bundles. */
export function wasmIn(dir: string): WasmPaths {
  return { runtime: join(dir, 'web-tree-sitter.wasm'), python: join(dir, 'tree-sitter-python.wasm'), treeCopy: join(dir, 'tree-copy.wasm') };
}

/**
 * One web-tree-sitter parser for Python. Loading the runtime and grammar is done once per process;
 * every parse after that is synchronous.
 */
let runtime: Promise<{ runtime: WasmRuntime; treeCopy?: TreeCopy }> | undefined;

/**
 * Loads web-tree-sitter's runtime once per process, keeping the module it fills in for `RawCursor`, and
 * the tree copy, given the runtime's memory (none where the runtime did not take the memory it was given).
 */
function loadRuntime(paths: WasmPaths): Promise<{ runtime: WasmRuntime; treeCopy?: TreeCopy }> {
  return (runtime ??= (async () => {
    const memory = runtimeMemory();
    const module: Record<string, unknown> = { locateFile: () => paths.runtime, wasmMemory: memory };
    await Parser.init(module);
    const loaded = wasmRuntime(module);
    if (loaded.HEAPU8.buffer !== memory.buffer) return { runtime: loaded };
    return { runtime: loaded, treeCopy: await TreeCopy.load(await readFile(paths.treeCopy), memory, loaded) };
  })());
}

export class PythonParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
    private readonly runtime: WasmRuntime,
    /** Whether cursors read nodes from tree-sitter's memory (see `memoryLayoutAgrees`). */
    readonly directReads: boolean,
    private readonly treeCopy: TreeCopy | undefined,
  ) {}

  /** Whether trees are copied by walking tree-sitter's memory, without a cursor (see `copyFromMemory`). */
  memoryWalks = false;

  /**
   * `directReads: false` makes cursors ask the runtime for every node instead of reading tree-sitter's
   * memory, even where the layout check passes (for comparing the two).
   */
  static async load(paths: WasmPaths, options: { directReads?: boolean } = {}): Promise<PythonParser> {
    const { runtime, treeCopy } = await loadRuntime(paths);
    // Given the bytes: for a path, web-tree-sitter reads the file through `import()`, which code run from
    // V8's code cache cannot call (see main.ts).
    const language = await Language.load(await readFile(paths.python));
    const parser = new Parser();
    parser.setLanguage(language);
    const sample = parser.parse(LAYOUT_SAMPLE);
    if (!sample) throw new Error('tree-sitter returned no tree');
    const direct = options.directReads !== false && memoryLayoutAgrees(runtime, sample);
    const python = new PythonParser(parser, language, runtime, direct, treeCopy);
    try {
      if (direct && treeCopy) python.memoryWalks = sameCopy(copyArrays(python, sample), python.withMemoryWalks(() => copyArrays(python, sample)));
    } catch {
      python.memoryWalks = false;
    } finally {
      sample.delete();
    }
    return python;
  }

  /**
   * `tree`'s nodes copied by walking tree-sitter's memory (see treeCopy.wat), where such walks copy
   * trees: only once a walk of a sample parse that way gave what the cursor gives, node for node.
   * Undefined where they do not, or where the tree nests deeper than the walk can recurse (a thousand
   * brackets deep): the cursor copies it then. `namedFlags`: by type id, NAMED or 0.
   */
  copyFromMemory(tree: Tree, namedFlags: Uint8Array, withErrors: boolean): NodeArrays | undefined {
    if (!this.memoryWalks || !this.treeCopy) return undefined;
    try {
      return this.treeCopy.copy(treeMemory(this.runtime, tree), namedFlags, withErrors);
    } catch (e) {
      if (e instanceof RangeError) return undefined;
      throw e;
    }
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

  /** Whether `tree` has a syntax error. */
  hasError(tree: Tree): boolean {
    return this.directReads ? rootHasError(this.runtime, tree) : tree.rootNode.hasError;
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
