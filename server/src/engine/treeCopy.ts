import type { NodeArrays } from './mirror';
import type { TreeMemory } from './wasmCursor';

/** The exports of tree-copy.wasm (assembled from treeCopy.wat). */
interface TreeCopyExports {
  output(base: number, cap: number): void;
  language(namedFlags: number, publicSymbolMap: number, aliasSequences: number, maxAliasLength: number, fieldMapSlices: number, fieldMapEntries: number, fieldCount: number): void;
  copy(root: number, withErrors: number): number;
}

/** What the copy needs of web-tree-sitter's Emscripten module: its allocator, in the memory the copy reads. */
export interface Allocator {
  _malloc(size: number): number;
  _free(address: number): void;
}

/** The part of the WebAssembly API used here (TypeScript's ES2022 library does not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }>;
};

/** A memory for web-tree-sitter's runtime to use, and the tree copy to read: Emscripten's own default, 32 MiB growing to 2 GiB. */
export function runtimeMemory(): WasmMemory {
  return new WebAssembly.Memory({ initial: 512, maximum: 32768 });
}

/** Bytes per node in the output: four i32 arrays, two u16 and a u8 (see treeCopy.wat). */
const NODE_BYTES = 4 * 4 + 2 * 2 + 1;

/**
 * Copies trees out of tree-sitter's memory with tree-copy.wasm, which walks them as tree-sitter's cursor
 * does (see treeCopy.wat): a WebAssembly module of its own that imports web-tree-sitter's memory and
 * writes the copy there, in a buffer kept from one copy to the next (grown to the largest tree), from
 * which it is sliced into the arrays a copy owns. One per web-tree-sitter runtime.
 */
export class TreeCopy {
  private base = 0;
  private cap = 1 << 14;
  /** The `TSLanguage` whose tables the module was given last, and where its named-type table is. */
  private language = 0;
  private namedFlags = 0;

  private constructor(
    private readonly exports: TreeCopyExports,
    private readonly memory: WasmMemory,
    private readonly allocator: Allocator,
  ) {}

  static async load(bytes: Uint8Array, memory: WasmMemory, allocator: Allocator): Promise<TreeCopy> {
    const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
    return new TreeCopy(instance.exports as unknown as TreeCopyExports, memory, allocator);
  }

  /**
   * The nodes of the tree `m` is of, as `Copier` would copy them through a cursor. `namedFlags`: by
   * type id, NAMED or 0. Throws a RangeError where the tree nests deeper than WebAssembly's stack.
   */
  copy(m: TreeMemory, namedFlags: Uint8Array, withErrors: boolean): NodeArrays {
    if (m.language !== this.language) this.useLanguage(m, namedFlags);
    for (;;) {
      if (this.base === 0) {
        this.base = this.allocator._malloc(this.cap * NODE_BYTES);
        if (this.base === 0) throw new RangeError(`no memory for copying a tree of more than ${this.cap / 2} nodes`);
        this.exports.output(this.base, this.cap);
      }
      const count = this.exports.copy(m.root, withErrors ? 1 : 0);
      if (count >= 0) return this.arrays(count);
      this.allocator._free(this.base);
      this.base = 0;
      this.cap *= 2;
    }
  }

  private useLanguage(m: TreeMemory, namedFlags: Uint8Array): void {
    if (this.namedFlags !== 0) this.allocator._free(this.namedFlags);
    this.namedFlags = this.allocator._malloc(namedFlags.length);
    new Uint8Array(this.memory.buffer, this.namedFlags, namedFlags.length).set(namedFlags);
    this.exports.language(this.namedFlags, m.publicSymbolMap, m.aliasSequences, m.maxAliasLength, m.fieldMapSlices, m.fieldMapEntries, m.fieldCount);
    this.language = m.language;
  }

  private arrays(count: number): NodeArrays {
    // One block, laid out by the copy (see `compact` in treeCopy.wat), copied out of the runtime's memory
    // (read after the copy: an allocation may have grown the memory, which replaces its buffer).
    const block = this.memory.buffer.slice(this.base, this.base + count * NODE_BYTES);
    return {
      starts: new Int32Array(block, 0, count),
      ends: new Int32Array(block, count * 4, count),
      parents: new Int32Array(block, count * 8, count),
      after: new Int32Array(block, count * 12, count),
      types: new Uint16Array(block, count * 16, count),
      fieldIds: new Uint16Array(block, count * 18, count),
      flags: new Uint8Array(block, count * 20, count),
      count,
    };
  }
}
