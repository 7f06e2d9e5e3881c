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
 */

/** The exports of web-tree-sitter's Emscripten module this cursor uses. */
export interface WasmRuntime {
  HEAP32: Int32Array;
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
];

/** Checks that the module `Parser.init` filled in has every export the cursor calls. */
export function wasmRuntime(module: Record<string, unknown>): WasmRuntime {
  const missing = REQUIRED.filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0 || !(module.HEAP32 instanceof Int32Array)) {
    throw new Error(`this web-tree-sitter build does not export ${missing.join(', ') || 'HEAP32'}; mldebt needs the version in its package.json`);
  }
  return module as unknown as WasmRuntime;
}

/** web-tree-sitter keeps a tree's and a cursor's WebAssembly addresses at index 0 (and 0–3). */
type Addressed = Record<number, number>;

export class RawCursor {
  private readonly tree: number;
  private readonly buffer: number;
  private readonly cursor: ReturnType<Tree['walk']>;

  constructor(
    private readonly runtime: WasmRuntime,
    tree: Tree,
  ) {
    this.cursor = tree.walk();
    this.tree = (tree as unknown as Addressed)[0];
    this.buffer = runtime._ts_init() >> 2;
    this.store(this.cursor as unknown as Addressed);
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

  /** Ends the walk: the cursor's state (its stack may have moved) goes back to web-tree-sitter, which frees it. */
  close(): void {
    const state = this.load();
    const cursor = this.cursor as unknown as Addressed;
    for (let i = 0; i < 4; i++) cursor[i] = state[i];
    this.cursor.delete();
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
