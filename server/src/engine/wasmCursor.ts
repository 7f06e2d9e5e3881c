import type { Tree } from 'web-tree-sitter';

/**
 * A tree cursor that calls web-tree-sitter's WebAssembly exports directly. web-tree-sitter's own
 * `TreeCursor` copies the cursor into the transfer buffer before, and out of it after, every call
 * (eight `setValue`/`getValue` calls around one step); copying a tree node by node spent most of its
 * time there. This cursor leaves its state in the transfer buffer for the whole walk, so a step or a
 * question is one call. Measured on the benchmark corpus: a walk asking every node its type, range
 * and field takes 150 ms, against 500 ms through `TreeCursor`.
 *
 * Only one `RawCursor` may walk at a time (there is one transfer buffer), and nothing else may call
 * into web-tree-sitter while it walks: the walk is synchronous, and `close()` ends it.
 *
 * Faster still, a whole tree is copied with no call per node, by walking tree-sitter's memory the way
 * its cursor does (`TreeMemory`; treeCopy.wat). Copying the benchmark corpus's 812k nodes took 122 ms
 * with this cursor reading nodes directly, 47 ms walked that way in JavaScript (warm). Walked in
 * WebAssembly, a first copy of its 999k nodes (as it is now) takes 41–73 ms, against 65–106 ms in
 * JavaScript in the same sitting. The cursor copies what that walk cannot: a class body, nesting too
 * deep for it.
 */

/** The exports of web-tree-sitter's Emscripten module this cursor uses. */
export interface WasmRuntime {
  HEAP32: Int32Array;
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_node_wasm(tree: number): void;
  _ts_node_has_error_wasm(tree: number): number;
  _malloc(size: number): number;
  _free(address: number): void;
}

const REQUIRED: Array<keyof WasmRuntime> = [
  '_ts_init',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_node_wasm',
  '_ts_node_has_error_wasm',
  '_malloc',
  '_free',
];

/** Checks that the module `Parser.init` filled in has every export the cursor calls. */
export function wasmRuntime(module: Record<string, unknown>): WasmRuntime {
  const missing = REQUIRED.filter((name) => typeof module[name] !== 'function');
  const views = !(module.HEAP32 instanceof Int32Array) || !(module.HEAPU8 instanceof Uint8Array) || !(module.HEAPU16 instanceof Uint16Array);
  if (missing.length > 0 || views) {
    throw new Error(`this web-tree-sitter build does not export ${missing.join(', ') || 'its heap views'}; mldebt needs the version in its package.json`);
  }
  return module as unknown as WasmRuntime;
}

/** web-tree-sitter keeps a tree's and a cursor's WebAssembly addresses at index 0 (and 0–3). */
type Addressed = Record<number, number>;

/** tree-sitter's `ts_builtin_sym_error`. */
const ERROR_SYMBOL = 0xffff;

/**
 * What the node at a cursor is, as `RawCursor.current` reads it. Offsets are in UTF-16 code units, as
 * web-tree-sitter reports them.
 */
export interface CurrentNode {
  typeId: number;
  start: number;
  end: number;
  missing: boolean;
  /** Whether the node has a syntax error in it (tree-sitter's `ts_node_has_error`). */
  hasError: boolean;
}

/**
 * Where a node's facts sit in tree-sitter's memory: the layout of `Subtree` in tree-sitter's
 * `lib/src/subtree.h` on a little-endian 32-bit target. A `Subtree` is 8 bytes: either inline data
 * for small leaves (lowest bit set) or a pointer to heap data. Reads rely on it only after
 * `memoryLayoutAgrees` found them giving the runtime's own answers on a sample parse.
 */
const INLINE = { flags: 0, symbol: 1, sizeBytes: 7 } as const;
const HEAP = { sizeBytes: 16, errorCost: 32, symbol: 40, flagsHigh: 45 } as const;
const INLINE_MISSING = 1 << 5;
const HEAP_MISSING = 1 << 1; // bit 9 of the bit fields, in their second byte

export class RawCursor {
  private readonly tree: number;
  private readonly buffer: number;
  private readonly cursor: ReturnType<Tree['walk']>;
  /** The public type id of each internal symbol (or alias) seen so far; 0 where not asked yet. */
  private readonly publicTypes: Uint16Array;
  readonly node: CurrentNode = { typeId: 0, start: 0, end: 0, missing: false, hasError: false };

  /** `direct`: read nodes from tree-sitter's memory (only once `memoryLayoutAgrees` said it may). */
  constructor(
    private readonly runtime: WasmRuntime,
    tree: Tree,
    private readonly direct = false,
  ) {
    this.cursor = tree.walk();
    this.tree = (tree as unknown as Addressed)[0];
    this.buffer = runtime._ts_init() >> 2;
    this.store(this.cursor as unknown as Addressed);
    this.publicTypes = publicTypesOf(tree.language);
  }

  gotoFirstChild(): boolean {
    return this.runtime._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }

  gotoNextSibling(): boolean {
    return this.runtime._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }

  gotoParent(): boolean {
    return this.runtime._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }

  typeId(): number {
    return this.runtime._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }

  fieldId(): number {
    return this.runtime._ts_tree_cursor_current_field_id_wasm(this.tree);
  }

  isMissing(): boolean {
    return this.runtime._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }

  /** Offsets in UTF-16 code units, as web-tree-sitter reports them. */
  startIndex(): number {
    return this.runtime._ts_tree_cursor_start_index_wasm(this.tree);
  }

  endIndex(): number {
    return this.runtime._ts_tree_cursor_end_index_wasm(this.tree);
  }

  /** Whether the current node has a syntax error in it. Asking needs the node in the transfer buffer. */
  hasError(): boolean {
    const saved = this.load();
    this.runtime._ts_tree_cursor_current_node_wasm(this.tree);
    const result = this.runtime._ts_node_has_error_wasm(this.tree) === 1;
    this.store(saved);
    return result;
  }

  /**
   * Fills `node` with the current node's type, range and error state. Read directly, that is one call
   * (the node into the transfer buffer) and a few loads, where asking is five or six calls.
   */
  current(): CurrentNode {
    const node = this.node;
    if (!this.direct) {
      node.typeId = this.typeId();
      node.start = this.startIndex();
      node.end = this.endIndex();
      node.missing = this.isMissing();
      node.hasError = this.hasError();
      return node;
    }
    const { runtime, buffer } = this;
    const heap32 = runtime.HEAP32;
    const c0 = heap32[buffer];
    const c1 = heap32[buffer + 1];
    const c2 = heap32[buffer + 2];
    const c3 = heap32[buffer + 3];
    runtime._ts_tree_cursor_current_node_wasm(this.tree);
    // The transfer buffer now holds the node: the address of its `Subtree`, start, row, column, alias.
    const address = heap32[buffer];
    const start = heap32[buffer + 1];
    const alias = heap32[buffer + 4];
    heap32[buffer] = c0;
    heap32[buffer + 1] = c1;
    heap32[buffer + 2] = c2;
    heap32[buffer + 3] = c3;
    const heap8 = runtime.HEAPU8;
    let symbol: number;
    let sizeBytes: number;
    let errorCost: number;
    let missing: boolean;
    if (heap8[address + INLINE.flags] & 1) {
      symbol = heap8[address + INLINE.symbol];
      sizeBytes = heap8[address + INLINE.sizeBytes];
      missing = (heap8[address + INLINE.flags] & INLINE_MISSING) !== 0;
      errorCost = 0;
    } else {
      const data = heap32[address >> 2];
      symbol = runtime.HEAPU16[(data + HEAP.symbol) >> 1];
      sizeBytes = heap32[(data + HEAP.sizeBytes) >> 2];
      missing = (heap8[data + HEAP.flagsHigh] & HEAP_MISSING) !== 0;
      errorCost = heap32[(data + HEAP.errorCost) >> 2];
    }
    const internal = alias || symbol;
    node.typeId = internal === ERROR_SYMBOL ? ERROR_SYMBOL : this.publicTypes[internal] || this.learnType(internal);
    node.start = start;
    // web-tree-sitter parses UTF-16, two bytes per code unit.
    node.end = start + (sizeBytes >> 1);
    node.missing = missing;
    node.hasError = missing || errorCost > 0;
    return node;
  }

  /** Ends the walk: the cursor's state (its stack may have moved) goes back to web-tree-sitter, which frees it. */
  close(): void {
    const state = this.load();
    const cursor = this.cursor as unknown as Addressed;
    for (let i = 0; i < 4; i++) cursor[i] = state[i];
    this.cursor.delete();
  }

  /** Asks the runtime the current node's public type (grammars may map several symbols to one). */
  private learnType(internal: number): number {
    const typeId = this.typeId();
    if (internal < this.publicTypes.length) this.publicTypes[internal] = typeId;
    return typeId;
  }

  private load(): number[] {
    // The heap view is fetched each time: the memory may have grown (and the old view emptied) since.
    const heap = this.runtime.HEAP32;
    return [heap[this.buffer], heap[this.buffer + 1], heap[this.buffer + 2], heap[this.buffer + 3]];
  }

  private store(state: Addressed): void {
    const heap = this.runtime.HEAP32;
    for (let i = 0; i < 4; i++) heap[this.buffer + i] = state[i];
  }
}

const publicTypeTables = new WeakMap<Tree['language'], Uint16Array>();

function publicTypesOf(language: Tree['language']): Uint16Array {
  let table = publicTypeTables.get(language);
  if (!table) publicTypeTables.set(language, (table = new Uint16Array(language.nodeTypeCount + 1)));
  return table;
}

/**
 * Whether `tree` has a syntax error (`ts_node_has_error` of its root), read from its root `Subtree`:
 * only once `memoryLayoutAgrees` said reads may be. (`tree.rootNode` makes a node object to ask.)
 */
export function rootHasError(runtime: WasmRuntime, tree: Tree): boolean {
  // `TSTree` starts with its root `Subtree`.
  const address = (tree as unknown as Addressed)[0];
  const heap8 = runtime.HEAPU8;
  if (heap8[address + INLINE.flags] & 1) return (heap8[address + INLINE.flags] & INLINE_MISSING) !== 0;
  const data = runtime.HEAP32[address >> 2];
  return (heap8[data + HEAP.flagsHigh] & HEAP_MISSING) !== 0 || runtime.HEAP32[(data + HEAP.errorCost) >> 2] > 0;
}

/**
 * Whether reading nodes from memory gives what the runtime answers, for every node of `tree`: checked
 * once per process on a sample that has inline and heap leaves, aliases, keywords, a missing node, an
 * error, and characters outside the BMP. A runtime with another layout falls back to asking.
 */
export function memoryLayoutAgrees(runtime: WasmRuntime, tree: Tree): boolean {
  // One cursor at a time: they share the transfer buffer.
  const walk = (direct: boolean): string[] => {
    const cursor = new RawCursor(runtime, tree, direct);
    const out: string[] = [];
    try {
      const visit = (): void => {
        do {
          const n = cursor.current();
          out.push(`${n.typeId} ${n.start} ${n.end} ${n.missing} ${n.hasError}`);
          if (cursor.gotoFirstChild()) {
            visit();
            cursor.gotoParent();
          }
        } while (cursor.gotoNextSibling());
      };
      visit();
    } finally {
      cursor.close();
    }
    return out;
  };
  try {
    const asked = walk(false);
    const read = walk(true);
    return read.length === asked.length && read.every((line, i) => line === asked[i]);
  } catch {
    return false;
  }
}

/** The sample `memoryLayoutAgrees` is checked on. */
export const LAYOUT_SAMPLE = [
  'import os.path as osp',
  'from . import x',
  'print "legacy"',
  'def f(a, *, b=1) -> int:',
  '    """doc \u{1F600} é"""',
  '    match a:',
  '        case [1, *rest]: pass',
  '    return lambda y: y ** 2',
  'x = f(1',
  'class C(Base, metaclass=M):',
  '    @property',
  '    def g(self): return self.h[1:2, ...]',
  'y = 1 +',
  'z = $',
  '',
].join('\n');

/**
 * What a walk of a whole tree in tree-sitter's memory needs, without a cursor (treeCopy.wat): where the
 * tree's root is, and the grammar's tables that tree-sitter's cursor consults (aliases, fields, public
 * symbols) where the `TSLanguage` in memory holds them (`tree_sitter/parser.h`, ABI 15, 32-bit
 * pointers). Used only where a walk this way gave the cursor's nodes on a sample parse (`PythonParser.load`).
 */
export interface TreeMemory {
  /** The address of the tree's root `Subtree`. */
  root: number;
  /** The address of its `TSLanguage`. */
  language: number;
  maxAliasLength: number;
  aliasSequences: number;
  fieldCount: number;
  fieldMapSlices: number;
  fieldMapEntries: number;
  publicSymbolMap: number;
}

const LANGUAGE = { fieldCount: 32, maxAliasLength: 36, fieldMapSlices: 64, fieldMapEntries: 68, publicSymbolMap: 76, aliasSequences: 84 } as const;

export function treeMemory(runtime: WasmRuntime, tree: Tree): TreeMemory {
  const i32 = runtime.HEAP32;
  const u16 = runtime.HEAPU16;
  const language = (tree.language as unknown as Addressed)[0];
  return {
    // `TSTree` starts with its root `Subtree`.
    root: (tree as unknown as Addressed)[0],
    language,
    maxAliasLength: u16[(language + LANGUAGE.maxAliasLength) >> 1],
    aliasSequences: i32[(language + LANGUAGE.aliasSequences) >> 2],
    fieldCount: i32[(language + LANGUAGE.fieldCount) >> 2],
    fieldMapSlices: i32[(language + LANGUAGE.fieldMapSlices) >> 2],
    fieldMapEntries: i32[(language + LANGUAGE.fieldMapEntries) >> 2],
    publicSymbolMap: i32[(language + LANGUAGE.publicSymbolMap) >> 2],
  };
}
