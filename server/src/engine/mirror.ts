import type { Language, Tree } from 'web-tree-sitter';
import { detached, detachStrings } from './detach';
import { LineIndex } from './lineIndex';
import type { PythonParser } from './parser';
import type { RawCursor } from './wasmCursor';

/**
 * A JavaScript copy of a tree-sitter syntax tree, so that every question a rule asks of a node (its
 * type, fields, children, text) is answered in JavaScript, not by a call into WebAssembly.
 *
 * A module is parsed chunk by chunk (chunks.ts); each chunk is copied once per parse into typed
 * arrays, in document order, with offsets relative to the chunk's start. A node object is made only
 * when something asks for the node (the walk hands it to a listener, a rule reaches it), and the
 * chunk keeps it, so a node is one object for as long as its chunk lives. A chunk an edit did not
 * reach is moved to its new offset by changing one number. ERROR nodes are copied without their
 * insides, which nothing analyses. Nodes offer the part of web-tree-sitter's `Node` interface that
 * the engine and the rules use.
 */

export const ERROR_TYPE_ID = 0xffff;

const NAMED = 1;
/** What `ChunkTree.findNested` does with a node of a type (0: passes it): returns it, or looks into it. */
export const FOUND = 1;
export const OPEN = 2;
const MISSING = 2;
const HAS_ERROR = 4;
/** A node of a class header whose body statements are in other chunks: the body block and what holds it. */
const HOSTS = 8;

let nextId = 1;
let nextChunkId = 1;

/** The children of every leaf: one shared, frozen array. */
const NO_CHILDREN: SyntaxNode[] = Object.freeze([]) as unknown as SyntaxNode[];

/** Nodes in document order, as typed arrays; offsets relative to where the parsed text starts. */
export interface NodeArrays {
  /** The grammar's type id of each node (ERROR_TYPE_ID for a syntax error). */
  types: Uint16Array;
  flags: Uint8Array;
  fieldIds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  /** The parent's index, or -1 for the top-level nodes. */
  parents: Int32Array;
  /** The index after the node's last descendant: its children are `i + 1`, then `after` of each. */
  after: Int32Array;
  count: number;
  /** For a class body statement's copy: how many of the last top-level nodes are comments after the class. */
  trailing?: number;
}

/**
 * One chunk's nodes, in document order. A large class is several chunks (see chunkedModule.ts): its
 * header, whose body block holds no statement, is the host; each piece of the body (a method and the
 * statements after it) is a guest chunk whose top-level nodes are children of the host's block. The nodes of the header that hold the
 * block take their extent and errors from the guests.
 */
export class ChunkTree {
  /** Tells chunks apart without holding them (a live document's analysis cache names headers by it). */
  readonly id = nextChunkId++;
  readonly types: Uint16Array;
  readonly flags: Uint8Array;
  readonly fieldIds: Uint16Array;
  /** Offsets relative to `base`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly parents: Int32Array;
  readonly after: Int32Array;
  readonly count: number;
  /** Indices of the top-level nodes. */
  readonly top: number[] = [];
  private readonly nodes: Array<SyntaxNode | undefined>;
  /** For a class header: the index of its body block, and the chunks of the body's statements. */
  hostIndex = -1;
  guests: ChunkTree[] | undefined;
  /** For a chunk of a class body: the header, and the index of the first top-level node after the class (comments). */
  host: ChunkTree | undefined;
  hostedUntil = 0;
  /** Where the comments after the class start, were this the last statement of a class body. */
  private readonly afterClass: number;
  /** For a class header: what its body's chunks hold, relative to its own start (see `hold`). */
  private hosted: { errors: boolean; start: number | undefined; end: number } | undefined;
  private moduleStatements?: SyntaxNode[];

  constructor(
    /** Where the chunk starts in the module text. */
    public base: number,
    /** The module copy the chunk belongs to now. */
    public tree: SyntaxTree,
    readonly tables: LanguageTables,
    arrays: NodeArrays,
  ) {
    ({ types: this.types, flags: this.flags, fieldIds: this.fieldIds, starts: this.starts, ends: this.ends, parents: this.parents, after: this.after, count: this.count } = arrays);
    for (let i = 0; i < this.count; i = this.after[i]) this.top.push(i);
    this.nodes = new Array(this.count);
    this.afterClass = this.count - topTail(arrays, arrays.trailing ?? 0);
  }

  /**
   * Makes this class header hold `guests`, in order, as the statements of its body. What the nodes
   * holding the body remembered of their descendants is forgotten: the statements may have changed.
   */
  hold(guests: ChunkTree[]): void {
    this.guests = guests;
    let errors = false;
    let start: number | undefined;
    let end = 0;
    guests.forEach((g, k) => {
      g.host = this;
      g.moduleStatements = undefined;
      // Comments after the last statement, outside the class when it is parsed alone, stay outside.
      g.hostedUntil = k === guests.length - 1 ? g.afterClass : g.count;
      for (const i of g.top) {
        if (i >= g.hostedUntil) break;
        if (g.flags[i] & HAS_ERROR) errors = true;
        start ??= g.base + g.starts[i] - this.base;
        end = Math.max(end, g.base + g.ends[i] - this.base);
      }
    });
    // Kept relative to the header: a class moved whole moves its body's chunks with it.
    this.hosted = { errors, start, end };
    for (let i = 0; i < this.count; i++) if (this.flags[i] & HOSTS) this.nodes[i]?.forget();
  }

  /** The node object for an index, made on first use. */
  node(index: number): SyntaxNode {
    return (this.nodes[index] ??= new SyntaxNode(this, index));
  }

  /** The chunk's module-level statements (comments left out), found once: the chunk is reused while unchanged. */
  statements(): readonly SyntaxNode[] {
    if (this.moduleStatements) return this.moduleStatements;
    const out: SyntaxNode[] = [];
    for (const i of this.top) {
      if (this.isHosted(i) || !(this.flags[i] & NAMED)) continue;
      const n = this.node(i);
      if (n.type !== 'comment') out.push(n);
    }
    return (this.moduleStatements = out);
  }

  hasError(): boolean {
    for (const i of this.top) if (this.flags[i] & HAS_ERROR) return true;
    return false;
  }

  /**
   * The named nodes outside class bodies, from the top level down, whose type `pick` (by type id) marks
   * `FOUND`, looking into the named children of those it marks `OPEN`: no object is made for the nodes
   * passed on the way.
   */
  findNested(pick: Uint8Array): SyntaxNode[] {
    let found: SyntaxNode[] | undefined;
    const { types, flags, after } = this;
    const visit = (from: number, to: number): void => {
      for (let c = from; c < to; c = after[c]) {
        // (From 0 the loop goes over the top-level nodes, of which a class body's statements are not.)
        if (!(flags[c] & NAMED) || (from === 0 && this.isHosted(c))) continue;
        const p = pick[types[c]];
        if (p === FOUND) (found ??= []).push(this.node(c));
        else if (p === OPEN) visit(c + 1, after[c]);
      }
    };
    visit(0, this.count);
    return found ?? NO_CHILDREN;
  }

  /** Whether the top-level node at `index` is a statement of a class body (not of the module). */
  isHosted(index: number): boolean {
    return this.host !== undefined && index < this.hostedUntil;
  }

  /** For a class header: whether a statement of the body has a syntax error. */
  guestErrors(): boolean {
    return this.hosted?.errors ?? false;
  }

  /** For a class header: where its body starts and ends, from the body's chunks (undefined without statements). */
  hostedRange(): { start: number; end: number } | undefined {
    const h = this.hosted;
    return h && h.start !== undefined ? { start: this.base + h.start, end: this.base + h.end } : undefined;
  }
}

export class SyntaxNode {
  readonly id = nextId++;
  private kids?: SyntaxNode[];
  private named?: SyntaxNode[];
  private memos?: Map<string, unknown>;
  /** What `memo` keeps under the few slots asked of nearly every node of a type (see `slot`). */
  private slots?: unknown[];
  /**
   * The qualified name the semantic model of one analysis (by its number) resolved this node to: asked
   * by many rules of the same node at the same point of the walk. Only for a copy that is not live: a
   * live one's nodes outlive the analysis, and the name may be a view of its text (see detach.ts).
   */
  resolvedBy = 0;
  resolvedAs: string | undefined = undefined;

  constructor(
    /** The node's chunk; for the module node, none. */
    readonly chunk: ChunkTree | null,
    readonly index: number,
    private readonly module?: SyntaxTree,
  ) {}

  get typeId(): number {
    return this.chunk ? this.chunk.types[this.index] : this.module!.moduleTypeId;
  }

  get type(): string {
    if (!this.chunk) return 'module';
    const id = this.chunk.types[this.index];
    return id === ERROR_TYPE_ID ? 'ERROR' : this.chunk.tables.names[id];
  }

  get isNamed(): boolean {
    return !this.chunk || (this.chunk.flags[this.index] & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return !!this.chunk && (this.chunk.flags[this.index] & MISSING) !== 0;
  }

  get hasError(): boolean {
    if (!this.chunk) return this.module!.chunks.some((c) => c.hasError());
    const f = this.chunk.flags[this.index];
    return (f & HAS_ERROR) !== 0 || (f & HOSTS && this.chunk.guestErrors()) === true;
  }

  get isError(): boolean {
    return !!this.chunk && this.chunk.types[this.index] === ERROR_TYPE_ID;
  }

  get startIndex(): number {
    const chunk = this.chunk;
    if (!chunk) return 0;
    // A body block starts where its first statement does.
    if (this.index === chunk.hostIndex) {
      const hosted = chunk.hostedRange();
      if (hosted) return hosted.start;
    }
    return chunk.base + chunk.starts[this.index];
  }

  get endIndex(): number {
    const chunk = this.chunk;
    if (!chunk) return this.module!.text.length;
    if (chunk.flags[this.index] & HOSTS) {
      const hosted = chunk.hostedRange();
      if (hosted) return hosted.end;
    }
    return chunk.base + chunk.ends[this.index];
  }

  get tree(): SyntaxTree {
    return this.chunk ? this.chunk.tree : this.module!;
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): { row: number; column: number } {
    const p = this.tree.lines.positionAt(this.startIndex);
    return { row: p.line, column: p.column };
  }

  get endPosition(): { row: number; column: number } {
    const p = this.tree.lines.positionAt(this.endIndex);
    return { row: p.line, column: p.column };
  }

  get parent(): SyntaxNode | null {
    const chunk = this.chunk;
    if (!chunk) return null;
    const p = chunk.parents[this.index];
    if (p !== -1) return chunk.node(p);
    return chunk.isHosted(this.index) ? chunk.host!.node(chunk.host!.hostIndex) : chunk.tree.rootNode;
  }

  get children(): SyntaxNode[] {
    if (this.kids) return this.kids;
    if (!this.chunk) {
      const kids: SyntaxNode[] = [];
      for (const c of this.module!.chunks) for (const i of c.top) if (!c.isHosted(i)) kids.push(c.node(i));
      return (this.kids = kids);
    }
    const { chunk, index } = this;
    const end = chunk.after[index];
    const guests = index === chunk.hostIndex ? chunk.guests : undefined;
    if (end === index + 1 && !guests?.length) return (this.kids = NO_CHILDREN);
    const kids: SyntaxNode[] = [];
    for (let c = index + 1; c < end; c = chunk.after[c]) kids.push(chunk.node(c));
    for (const g of guests ?? []) for (const i of g.top) if (g.isHosted(i)) kids.push(g.node(i));
    return (this.kids = kids);
  }

  /** Field names of the children, by index, or null when no child has one. */
  get fields(): Array<string | null> | null {
    const chunk = this.chunk;
    if (!chunk) return null;
    // A class body's children may be in other chunks (see `ChunkTree.hold`).
    const kids = this.children;
    if (!kids.some((k) => k.chunk!.fieldIds[k.index] !== 0)) return null;
    return kids.map((k) => chunk.tables.fields[k.chunk!.fieldIds[k.index]] ?? null);
  }

  get namedChildren(): SyntaxNode[] {
    if (this.named) return this.named;
    const chunk = this.chunk;
    if (this.kids || !chunk || this.index === chunk.hostIndex) {
      const kids = this.children;
      return (this.named = kids.length === 0 ? NO_CHILDREN : kids.filter((c) => c.isNamed));
    }
    // Without making objects for the anonymous children (punctuation, keywords) on the way.
    let named: SyntaxNode[] | undefined;
    const end = chunk.after[this.index];
    for (let c = this.index + 1; c < end; c = chunk.after[c]) if (chunk.flags[c] & NAMED) (named ??= []).push(chunk.node(c));
    return (this.named = named ?? NO_CHILDREN);
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstChild(): SyntaxNode | null {
    const chunk = this.chunk;
    if (this.kids || !chunk || this.index === chunk.hostIndex) return this.children[0] ?? null;
    // The first child, if any, follows its parent in the arrays.
    return this.index + 1 < chunk.after[this.index] ? chunk.node(this.index + 1) : null;
  }

  get lastChild(): SyntaxNode | null {
    const kids = this.children;
    return kids[kids.length - 1] ?? null;
  }

  get nextNamedSibling(): SyntaxNode | null {
    const siblings = this.parent?.children;
    if (!siblings) return null;
    for (let i = siblings.indexOf(this) + 1; i < siblings.length; i++) if (siblings[i].isNamed) return siblings[i];
    return null;
  }

  child(index: number): SyntaxNode | null {
    return this.children[index] ?? null;
  }

  namedChild(index: number): SyntaxNode | null {
    return this.namedChildren[index] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const chunk = this.chunk;
    if (!chunk) return null;
    const field = chunk.tables.fieldIds.get(name);
    if (field === undefined) return null;
    const { index } = this;
    const end = chunk.after[index];
    for (let c = index + 1; c < end; c = chunk.after[c]) if (chunk.fieldIds[c] === field) return chunk.node(c);
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const chunk = this.chunk;
    const field = chunk?.tables.fieldIds.get(name);
    if (!chunk || field === undefined) return [];
    const out: SyntaxNode[] = [];
    const end = chunk.after[this.index];
    for (let c = this.index + 1; c < end; c = chunk.after[c]) if (chunk.fieldIds[c] === field) out.push(chunk.node(c));
    return out;
  }

  /** Drops what the node remembered of its descendants (see `ChunkTree.hold`). */
  forget(): void {
    this.kids = undefined;
    this.named = undefined;
    this.memos = undefined;
    this.slots = undefined;
  }

  /**
   * `memo` for a numbered slot, kept in a list instead of a map and without a function to call: for
   * the facts every rule listening to a type asks first (a call's callee, arguments, name). Undefined
   * until `remember` sets it (which keeps undefined as null).
   */
  slot(index: number): unknown {
    return this.slots?.[index];
  }

  remember<T>(index: number, value: T): T {
    const kept = this.tree.live ? detachStrings(value) : value;
    (this.slots ??= [])[index] = kept === undefined ? null : kept;
    return kept;
  }

  /** A value derived from the node alone, computed once: the node lives as long as its chunk. */
  memo<T>(slot: string, compute: () => T): T {
    const memos = (this.memos ??= new Map());
    if (memos.has(slot)) return memos.get(slot) as T;
    // Kept with the node, which a live document's unchanged chunk keeps from one version of the text to the next.
    const live = this.tree.live;
    const value = live ? detachStrings(compute()) : compute();
    memos.set(live ? detached(slot) : slot, value);
    return value;
  }

  equals(other: SyntaxNode | null | undefined): boolean {
    return this === other;
  }

  /** Named descendants (not the node itself) of the given types, in document order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const out: SyntaxNode[] = [];
    const scan = (chunk: ChunkTree, from: number, to: number): void => {
      const { names } = chunk.tables;
      for (let i = from; i < to; i++) {
        const id = chunk.types[i];
        if (chunk.flags[i] & NAMED && wanted.includes(id === ERROR_TYPE_ID ? 'ERROR' : names[id])) out.push(chunk.node(i));
      }
    };
    const chunk = this.chunk;
    if (!chunk) for (const c of this.module!.chunks) scan(c, 0, c.count);
    else {
      scan(chunk, this.index + 1, chunk.after[this.index]);
      // The body block is the last node of a class header: its statements come after the header's nodes.
      if (chunk.flags[this.index] & HOSTS) for (const g of chunk.guests ?? []) scan(g, 0, g.hostedUntil);
    }
    return out;
  }

  /** The smallest node that spans `[start, end]`. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (;;) {
      // The module node's children are every chunk's top-level nodes: found among the chunks near the range instead.
      const next = !node.chunk && !node.kids ? node.module!.topLevelSpanning(start, end) : firstSpanning(node.children, start, end);
      if (!next) return node;
      node = next;
    }
  }

  /** The S-expression tree-sitter prints for the same tree (fields, MISSING and ERROR nodes included). */
  toString(): string {
    if (this.isMissing) return `(MISSING ${this.isNamed ? this.type : JSON.stringify(this.type)})`;
    const parts: string[] = [];
    const fields = this.fields;
    this.children.forEach((c, i) => {
      if (!c.isNamed && !c.isMissing) return;
      const field = fields?.[i];
      parts.push(` ${field ? `${field}: ` : ''}${c.toString()}`);
    });
    return `(${this.type}${parts.join('')})`;
  }
}

export type Node = SyntaxNode;

/**
 * Settles the types of a node's fields before any code that reads them is optimized. V8 keeps, with
 * the shape of an object, the type each field has held; the first time a field holds a value of
 * another type (a list where it held undefined), the optimized code that relied on the old type is
 * thrown away and compiled again. A node's lists, memos and qualified name are filled only once a rule
 * asks, so each first fill came after the walk and the node accessors were optimized: in a check of the
 * benchmark's corpus, 12–13 of 136–138 optimizing compilations (the walk compiled five times instead
 * of twice), and 100–150 ms of compiling on the second core while the walk waited in slower code.
 * Filled here once, on nodes that are then dropped, the fields hold every type they will from the start.
 */
function settleFieldTypes(): void {
  const [one, other] = [new SyntaxNode(null, -1), new SyntaxNode(null, -1)] as unknown as Array<Record<string, unknown>>;
  one.kids = NO_CHILDREN;
  other.kids = [one];
  one.named = NO_CHILDREN;
  other.named = [one];
  one.memos = new Map();
  one.slots = [null];
  one.resolvedBy = 1;
  one.resolvedAs = 'module';
}
settleFieldTypes();

/**
 * The first of `children` (in order, not overlapping) that spans `[start, end]`: found by binary
 * search, as the module node has a child per top-level statement.
 */
function firstSpanning(children: readonly SyntaxNode[], start: number, end: number): SyntaxNode | undefined {
  // The first child that ends at or after `end`: no child before it can span the range.
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (children[mid].endIndex < end) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < children.length && children[i].startIndex <= start; i++) {
    const c = children[i];
    if (end <= c.endIndex && (c.endIndex > c.startIndex || start === c.startIndex)) return c;
  }
  return undefined;
}

/** A module's copy: its chunks, in order, and the text they were parsed from. */
export class SyntaxTree {
  readonly rootNode: SyntaxNode;
  readonly chunks: ChunkTree[] = [];
  readonly moduleTypeId: number;
  private lineIndex?: LineIndex;
  private source: string | undefined;

  private constructor(
    text: string,
    /** The grammar, for checking the node types rules listen to. */
    readonly language: Language,
    /** Whether it is a live document's: its chunks, and what their nodes remember, outlive this text (see detach.ts). */
    readonly live: boolean,
  ) {
    this.source = text;
    this.moduleTypeId = languageTables(language).moduleTypeId;
    this.rootNode = new SyntaxNode(null, -1, this);
  }

  get text(): string {
    if (this.source === undefined) throw new Error('this copy of the module was superseded by an edit: its text is gone');
    return this.source;
  }

  /**
   * Lets go of the text and the line index, once a live document's edit made the next copy. The
   * chunks the edit dropped still point to this copy, and V8's young-generation collection counts
   * what an old object points to, dead or not, and the values of weak maps whose keys died, as live
   * until the next full collection: held from there, every keystroke's whole text would be copied out
   * of the young generation (in a 670,000-character notebook, 14 MB a collection, which then takes
   * milliseconds).
   */
  retire(): void {
    this.source = undefined;
    this.lineIndex = undefined;
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /**
   * The top-level node `descendantForIndex` descends into from the module node (the first of its
   * children that spans `[start, end]`), found without listing them: by binary search for the last
   * chunk starting by `start`, then back from there through the chunks' top-level nodes (a class
   * body's statements are not, and the class that holds them starts in a chunk before theirs).
   */
  topLevelSpanning(start: number, end: number): SyntaxNode | undefined {
    const chunks = this.chunks;
    // Where each chunk's first node starts (an empty chunk: where its text does) is in document order.
    const startOf = (c: ChunkTree): number => (c.top.length > 0 ? c.base + c.starts[c.top[0]] : c.base);
    let lo = -1;
    let hi = chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (startOf(chunks[mid]) <= start) lo = mid;
      else hi = mid - 1;
    }
    // The top-level nodes that start by `start` and end at or after `end`, last first: in document
    // order, without overlapping, they are the last ones to start by `start`.
    const spanning: SyntaxNode[] = [];
    scan: for (let k = lo; k >= 0; k--) {
      const c = chunks[k];
      for (let t = c.top.length - 1; t >= 0; t--) {
        const i = c.top[t];
        if (c.isHosted(i)) break;
        const n = c.node(i);
        if (n.startIndex > start) continue;
        if (n.endIndex < end) break scan;
        spanning.push(n);
      }
    }
    for (let j = spanning.length - 1; j >= 0; j--) {
      const n = spanning[j];
      if (n.endIndex > n.startIndex || start === n.startIndex) return n;
    }
    return undefined;
  }

  /** Derives the line index from the previous copy's, when it has one: the text changed only in `span`. */
  followLines(previous: SyntaxTree, span: { start: number; oldEnd: number; newEnd: number }): void {
    if (previous.lineIndex) this.lineIndex = previous.lineIndex.edited(this.text, span);
  }

  /** Starts a copy of a module parsed chunk by chunk (see chunks.ts): its chunks are added in order. */
  static build(text: string, language: Language, live = false): SyntaxTreeBuilder {
    return new SyntaxTreeBuilder(new SyntaxTree(text, language, live));
  }
}

/** Adds chunks to a new module copy, in order. */
export class SyntaxTreeBuilder {
  constructor(private readonly out: SyntaxTree) {}

  /** The copy being built (a chunk already added to it has it as its `tree`). */
  get tree(): SyntaxTree {
    return this.out;
  }

  /** Copies `tree`, the parse of the chunk that starts at `offset`. */
  copy(parser: PythonParser, tree: Tree, offset: number): ChunkTree {
    return this.adopt(copyArrays(parser, tree)!, offset);
  }

  /** Adds a chunk already copied into arrays (a piece of a large chunk: see chunkedModule.ts). */
  adopt(arrays: NodeArrays, offset: number): ChunkTree {
    const chunk = new ChunkTree(offset, this.out, languageTables(this.out.language), arrays);
    this.out.chunks.push(chunk);
    return chunk;
  }

  /** Keeps an unchanged chunk, now starting at `offset`. */
  keep(chunk: ChunkTree, offset: number): void {
    chunk.base = offset;
    chunk.tree = this.out;
    this.out.chunks.push(chunk);
  }

  /** Makes `header`, already added, hold `guests` (added after it) as its class body's statements. */
  host(header: ChunkTree, guests: ChunkTree[]): void {
    header.hold(guests);
  }

  done(): SyntaxTree {
    return this.out;
  }
}

/** Growable typed arrays a copy is written into before it is sliced to size. */
type Scratch = Omit<NodeArrays, 'count'>;

function scratchOf(size: number): Scratch {
  return {
    types: new Uint16Array(size),
    flags: new Uint8Array(size),
    fieldIds: new Uint16Array(size),
    starts: new Int32Array(size),
    ends: new Int32Array(size),
    parents: new Int32Array(size),
    after: new Int32Array(size),
  };
}

/** One set of scratch arrays per process, grown when a chunk needs more. */
let shared = scratchOf(1 << 14);

/**
 * Copies a parse into arrays: the whole module, or (`classBody`) only the statements in the body of
 * the class the text starts with — none when the parse is not that shape.
 */
export function copyArrays(parser: PythonParser, tree: Tree, part: 'module' | 'classBody' = 'module'): NodeArrays | undefined {
  const tables = languageTables(tree.language);
  const withErrors = parser.hasError(tree);
  const copied = part === 'module' ? parser.copyFromMemory(tree, tables.namedFlags, withErrors) : undefined;
  if (copied) return copied;
  const copier = new Copier(tables);
  const cursor = parser.cursor(tree);
  let trailing: number | undefined;
  try {
    if (part === 'module') copier.children(cursor, -1, withErrors);
    else if ((trailing = copyClassBody(cursor, copier, tables, withErrors)) === undefined) return undefined;
  } finally {
    cursor.close();
  }
  const { scratch, count } = copier;
  return {
    types: scratch.types.slice(0, count),
    flags: scratch.flags.slice(0, count),
    fieldIds: scratch.fieldIds.slice(0, count),
    starts: scratch.starts.slice(0, count),
    ends: scratch.ends.slice(0, count),
    parents: scratch.parents.slice(0, count),
    after: scratch.after.slice(0, count),
    count,
    trailing,
  };
}

/**
 * Copies, as top-level nodes, what a class body statement parsed after `class _:` gives: the comments
 * before the body, the body's statements, and the comments after the class. Returns how many of the
 * last are, or undefined when the parse is not that shape.
 */
function copyClassBody(cursor: RawCursor, copier: Copier, tables: LanguageTables, withErrors: boolean): number | undefined {
  if (!cursor.gotoFirstChild() || tables.names[cursor.typeId()] !== 'class_definition') return undefined;
  if (!cursor.gotoFirstChild()) return undefined;
  let body = false;
  do {
    const name = tables.names[cursor.typeId()];
    if (tables.fields[cursor.fieldId()] === 'body' && name === 'block') {
      copier.children(cursor, -1, withErrors);
      body = true;
    } else if (name === 'comment') {
      copier.one(cursor, -1, withErrors);
    }
  } while (cursor.gotoNextSibling());
  cursor.gotoParent();
  if (!body) return undefined;
  let trailing = 0;
  while (cursor.gotoNextSibling()) {
    if (tables.names[cursor.typeId()] !== 'comment') return undefined;
    copier.one(cursor, -1, withErrors);
    trailing++;
  }
  return trailing;
}

/** How many nodes the last `n` top-level nodes take, with their descendants. */
function topTail(arrays: NodeArrays, n: number): number {
  let index = arrays.count;
  for (let seen = 0; seen < n; seen++) {
    index--;
    while (arrays.parents[index] !== -1) index--;
  }
  return arrays.count - index;
}

/**
 * A module's copy cut at `starts` (the first is 0), each chunk's nodes relative to its start; undefined
 * where a top-level node crosses a start. The chunks are views of `whole`, which is made relative to
 * them in place (so it is theirs from then on).
 */
export function cutAt(whole: NodeArrays, starts: readonly number[], end: number): NodeArrays[] | undefined {
  const bounds: number[] = [0];
  let c = 0;
  for (let k = 0; k < starts.length; k++) {
    const from = starts[k];
    const to = starts[k + 1] ?? end;
    while (c < whole.count && whole.starts[c] < to) {
      if (whole.starts[c] < from || whole.ends[c] > to) return undefined;
      c = whole.after[c];
    }
    bounds.push(c);
  }
  if (c !== whole.count) return undefined;
  return starts.map((from, k) => {
    const lo = bounds[k];
    const hi = bounds[k + 1];
    const { types, flags, fieldIds, starts: nodeStarts, ends, parents, after } = whole;
    // (The first chunk is most often the whole module: nothing then moves.)
    if (from !== 0 || lo !== 0)
      for (let i = lo; i < hi; i++) {
        nodeStarts[i] -= from;
        ends[i] -= from;
        if (parents[i] !== -1) parents[i] -= lo;
        after[i] -= lo;
      }
    return {
      types: types.subarray(lo, hi),
      flags: flags.subarray(lo, hi),
      fieldIds: fieldIds.subarray(lo, hi),
      starts: nodeStarts.subarray(lo, hi),
      ends: ends.subarray(lo, hi),
      parents: parents.subarray(lo, hi),
      after: after.subarray(lo, hi),
      count: hi - lo,
    };
  });
}

/**
 * The pieces `ChunkedModule` parses a large class in, cut from the copy of one parse of the whole
 * class instead (which is what parsing each piece gives, for a class without syntax errors): the
 * header, made to host the body as `hostArrays` makes it, and the nodes of each body statement from
 * `members[k]` on (offsets in the chunk), moved to be relative to `members[k] - prefix` as if parsed
 * after a prefix of that length. `bodyAt`: where the first statement's text starts. Undefined when the
 * copy is not one class with its body last, and comments after it.
 */
export function cutClass(whole: NodeArrays, members: readonly number[], bodyAt: number, prefix: number, language: Language): { header: { arrays: NodeArrays; hostIndex: number }; pieces: NodeArrays[] } | undefined {
  const { names } = languageTables(language);
  const { types, after } = whole;
  if (whole.count === 0) return undefined;
  let owner = names[types[0]] === 'class_definition' ? 0 : -1;
  if (names[types[0]] === 'decorated_definition') for (let c = 1; c < after[0]; c = after[c]) if (names[types[c]] === 'class_definition') owner = c;
  if (owner === -1) return undefined;
  let block = -1;
  for (let c = owner + 1; c < after[owner]; c = after[c]) block = c;
  const classEnd = after[0];
  if (block === -1 || names[types[block]] !== 'block' || after[block] !== classEnd || block + 1 >= classEnd) return undefined;
  let trailing = 0;
  for (let c = classEnd; c < whole.count; c = after[c], trailing++) if (names[types[c]] !== 'comment') return undefined;

  const header = sliceArrays(whole, 0, block + 1, 0, -2);
  markHost(header, block, bodyAt);

  const pieces: NodeArrays[] = [];
  let c = block + 1;
  for (let k = 0; k < members.length; k++) {
    const last = k === members.length - 1;
    const lo = c;
    while (c < classEnd && (last || whole.starts[c] < members[k + 1])) {
      if (whole.starts[c] < members[k]) return undefined;
      c = after[c];
    }
    if (c === lo || (last && c !== classEnd)) return undefined;
    const piece = sliceArrays(whole, lo, last ? whole.count : c, prefix - members[k], block);
    if (last) piece.trailing = trailing;
    pieces.push(piece);
  }
  return { header: { arrays: header, hostIndex: block }, pieces };
}

/** Nodes `[lo, hi)` of a copy as a copy of their own: offsets moved by `shift`, children of `top` made top-level. */
function sliceArrays(from: NodeArrays, lo: number, hi: number, shift: number, top: number): NodeArrays {
  const count = hi - lo;
  const out: NodeArrays = {
    types: from.types.slice(lo, hi),
    flags: from.flags.slice(lo, hi),
    fieldIds: from.fieldIds.slice(lo, hi),
    starts: from.starts.slice(lo, hi),
    ends: from.ends.slice(lo, hi),
    parents: from.parents.slice(lo, hi),
    after: from.after.slice(lo, hi),
    count,
  };
  for (let i = 0; i < count; i++) {
    out.starts[i] += shift;
    out.ends[i] += shift;
    const p = out.parents[i];
    out.parents[i] = p === -1 || p === top ? -1 : p - lo;
    out.after[i] -= lo;
  }
  return out;
}

/** Whether a copy has a syntax error in it. */
export function arraysHaveError(arrays: NodeArrays): boolean {
  for (let i = 0; i < arrays.count; i = arrays.after[i]) if (arrays.flags[i] & HAS_ERROR) return true;
  return false;
}

/**
 * Whether a copy is of simple statements only, without a syntax error (unless `broken` allows one):
 * no block anywhere in it, so that lines indented after it cannot be its body.
 */
export function simpleStatements(arrays: NodeArrays, language: Language, broken = false): boolean {
  const { names } = languageTables(language);
  if (!broken && arraysHaveError(arrays)) return false;
  for (let i = 0; i < arrays.count; i++) if (names[arrays.types[i]] === 'block') return false;
  return true;
}

/**
 * Whether the chunk scan (chunks.ts) surely reads `text` as tree-sitter parsed it (`arrays`, without a
 * syntax error), so that a check may skip the scan; where it may not, cutting the parse at the scan's
 * chunk starts could fail or give pieces that read differently. Not where a top-level statement is
 * indented (tree-sitter reads the statements indented under a simple statement in column 0 as
 * top-level ones, and a large chunk of them is parsed in pieces), nor where a string in single quotes
 * holds a line break no backslash escapes (an f-string's replacement field over lines, since Python
 * 3.12: the scan follows those, but such rare files are left to it rather than trusted to agree).
 */
export function scanReadsAlike(arrays: NodeArrays, text: string, language: Language): boolean {
  const { comment, string } = languageTables(language).typeIds;
  const lineStart = (k: number): boolean => k === 0 || text.charCodeAt(k - 1) === 10 || text.charCodeAt(k - 1) === 13;
  for (let i = 0; i < arrays.count; i = arrays.after[i]) {
    let k = arrays.starts[i];
    if (lineStart(k) || arrays.types[i] === comment) continue;
    // Form feeds at a line's start reset its indentation; a space or a tab after them indents it.
    let indented = false;
    for (let c = text.charCodeAt(k - 1); k > 0 && (c === 32 || c === 9 || c === 12); c = text.charCodeAt(--k - 1)) if (c !== 12) indented = true;
    if (indented && lineStart(k)) return false;
  }
  const { types } = arrays;
  for (let i = 0; i < arrays.count; i++) {
    if (types[i] !== string) continue;
    const start = arrays.starts[i];
    const end = arrays.ends[i];
    let q = start;
    while (q < end && text.charCodeAt(q) !== 34 && text.charCodeAt(q) !== 39) q++;
    const quote = text.charCodeAt(q);
    if (text.charCodeAt(q + 1) === quote && text.charCodeAt(q + 2) === quote && end - q >= 6) continue;
    for (let nl = text.indexOf('\n', q); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) {
      const before = text.charCodeAt(nl - 1) === 13 ? nl - 2 : nl - 1;
      if (text.charCodeAt(before) !== 92) return false;
    }
  }
  return true;
}

/** One ERROR node from `start` to `end`. */
export function errorArrays(start: number, end: number): NodeArrays {
  const of = <T extends Uint8Array | Uint16Array | Int32Array>(a: T, v: number): T => ((a[0] = v), a);
  return {
    types: of(new Uint16Array(1), ERROR_TYPE_ID),
    flags: of(new Uint8Array(1), NAMED | HAS_ERROR),
    fieldIds: new Uint16Array(1),
    starts: of(new Int32Array(1), start),
    ends: of(new Int32Array(1), end),
    parents: of(new Int32Array(1), -1),
    after: of(new Int32Array(1), 1),
    count: 1,
  };
}

/**
 * A class header's copy made to host its body's statements (see `ChunkTree.hold`): `header` is the
 * parse of the header with `pass` for a body; the `pass` is dropped and the body block and what holds
 * it are marked. Undefined when the parse is not a class with that `pass` ending its body.
 */
export function hostArrays(header: NodeArrays, language: Language): { arrays: NodeArrays; hostIndex: number } | undefined {
  const { names } = languageTables(language);
  // The placeholder: the last statement, ending the header's nodes (its keyword is its child).
  let pass = header.count - 1;
  while (pass >= 0 && names[header.types[pass]] !== 'pass_statement') pass--;
  if (pass < 0 || header.after[pass] !== header.count) return undefined;
  const block = header.parents[pass];
  if (block === -1 || names[header.types[block]] !== 'block' || header.after[block] !== header.count) return undefined;
  const owner = header.parents[block];
  if (owner === -1 || names[header.types[owner]] !== 'class_definition') return undefined;
  const arrays = sliceArrays(header, 0, pass, 0, -2);
  markHost(arrays, block, header.starts[pass]);
  return { arrays, hostIndex: block };
}

/**
 * Marks a header copy whose last node is its class's body `block` (without statements) as the host
 * of the body's chunks: the block and what holds it end the copy, and extend, until the chunks say
 * more, to `bodyAt`, where the body's first statement starts.
 */
function markHost(arrays: NodeArrays, block: number, bodyAt: number): void {
  for (let a = block; a !== -1; a = arrays.parents[a]) {
    arrays.after[a] = arrays.count;
    arrays.flags[a] |= HOSTS;
    arrays.ends[a] = bodyAt;
  }
  arrays.starts[block] = bodyAt;
}

class Copier {
  count = 0;
  scratch = shared;

  constructor(private readonly tables: LanguageTables) {}

  private grow(): void {
    const bigger = scratchOf(this.scratch.types.length * 2);
    for (const key of Object.keys(bigger) as Array<keyof Scratch>) (bigger[key] as Int32Array).set(this.scratch[key] as Int32Array);
    shared = this.scratch = bigger;
  }

  /**
   * Copies the children of the node at the cursor, whose index is `parent`; leaves the cursor where
   * it was. Returns whether any child has an error.
   */
  children(cursor: RawCursor, parent: number, withErrors: boolean): boolean {
    if (!cursor.gotoFirstChild()) return false;
    let anyError = false;
    do if (this.one(cursor, parent, withErrors)) anyError = true;
    while (cursor.gotoNextSibling());
    cursor.gotoParent();
    return anyError;
  }

  /** Copies the node at the cursor and its subtree under `parent`. Returns whether it has an error. */
  one(cursor: RawCursor, parent: number, withErrors: boolean): boolean {
    if (this.count === this.scratch.types.length) this.grow();
    const s = this.scratch;
    const i = this.count++;
    const node = cursor.current();
    const typeId = node.typeId;
    const isError = typeId === ERROR_TYPE_ID;
    let flags = isError || this.tables.named[typeId] ? NAMED : 0;
    if (withErrors && node.missing) flags |= MISSING;
    s.types[i] = typeId;
    s.starts[i] = node.start;
    s.ends[i] = node.end;
    s.fieldIds[i] = cursor.fieldId();
    s.parents[i] = parent;
    // The inside of a syntax error is never analysed: an unclosed bracket can make it most of the chunk.
    // Only a subtree that holds an error needs its nodes asked whether they are missing.
    const childErrors = !isError && this.children(cursor, i, withErrors && node.hasError);
    if (isError || flags & MISSING || childErrors) flags |= HAS_ERROR;
    // `children` may have grown the scratch arrays.
    this.scratch.flags[i] = flags;
    this.scratch.after[i] = this.count;
    return (flags & HAS_ERROR) !== 0;
  }
}

export interface LanguageTables {
  names: string[];
  named: boolean[];
  /** By type id: `NAMED` for a named type, else 0. */
  namedFlags: Uint8Array;
  fields: Array<string | null>;
  fieldIds: Map<string, number>;
  moduleTypeId: number;
  /** Of the types with one id, for loops over every node. */
  typeIds: { comment: number; string: number };
  /** The ids of every named type, by name (some names have more than one). */
  namedIds: Map<string, number[]>;
}

const tableCache = new WeakMap<Language, LanguageTables>();

export function languageTables(language: Language): LanguageTables {
  let tables = tableCache.get(language);
  if (!tables) {
    const names: string[] = [];
    const named: boolean[] = [];
    for (let id = 0; id < language.nodeTypeCount; id++) {
      names.push(language.nodeTypeForId(id) ?? '');
      named.push(language.nodeTypeIsNamed(id));
    }
    const fields: Array<string | null> = [null];
    const fieldIds = new Map<string, number>();
    for (let id = 1; id <= language.fieldCount; id++) {
      const name = language.fieldNameForId(id);
      fields.push(name);
      if (name) fieldIds.set(name, id);
    }
    const namedIds = new Map<string, number[]>();
    names.forEach((name, id) => {
      if (name && named[id]) namedIds.set(name, [...(namedIds.get(name) ?? []), id]);
    });
    const only = (name: string): number => namedIds.get(name)?.[0] ?? -1;
    tables = { names, named, namedFlags: Uint8Array.from(named, (n) => (n ? NAMED : 0)), fields, fieldIds, moduleTypeId: only('module'), typeIds: { comment: only('comment'), string: only('string') }, namedIds };
    tableCache.set(language, tables);
  }
  return tables;
}

type Visit = (node: SyntaxNode) => void;

/** Listeners by type id. */
export interface Listeners {
  readonly enter: ReadonlyArray<Visit[] | undefined>;
  readonly exit: ReadonlyArray<Visit[] | undefined>;
  /** A listener threw: the walk goes on with the others (and with this one, unless it is replaced). */
  failed(listener: Visit, error: unknown): void;
}

/** Hands `node` to each listener in turn; one that throws is reported, and the rest still run. */
export function dispatch(fns: readonly Visit[], node: SyntaxNode, listeners: Listeners): void {
  for (let k = 0; k < fns.length; k++) {
    try {
      fns[k](node);
    } catch (e) {
      listeners.failed(fns[k], e);
    }
  }
}

/**
 * The one walk: every named node in document order goes to the `enter` listeners of its type id,
 * and to the `exit` ones after its descendants. Only nodes with listeners become objects. Each chunk
 * is walked with the listeners `chunkStart` picks for it (none: it is skipped); `chunkEnd` hears when
 * it is done, with the outermost ERROR and MISSING nodes in it, which are not walked into.
 */
export function walkNamed(
  tree: SyntaxTree,
  chunkStart: (chunk: ChunkTree) => Listeners | undefined,
  chunkEnd: (chunk: ChunkTree, used: Listeners | undefined, errors: SyntaxNode[]) => void,
): void {
  const open: number[] = [];
  // A class header's nodes that hold its body: exited after the body's last chunk.
  let held: { header: ChunkTree; listeners: Listeners; open: number[] } | undefined;
  const release = (): void => {
    if (!held) return;
    const { header, listeners, open: nodes } = held;
    held = undefined;
    while (nodes.length > 0) {
      const j = nodes.pop()!;
      dispatch(listeners.exit[header.types[j]]!, header.node(j), listeners);
    }
  };
  const { chunks } = tree;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c];
    const listeners = chunkStart(chunk);
    const last = chunk.host !== undefined && chunk.host.guests![chunk.host.guests!.length - 1] === chunk;
    if (!listeners) {
      chunkEnd(chunk, undefined, NO_CHILDREN);
      if (last) release();
      continue;
    }
    const errors: SyntaxNode[] = [];
    const { enter, exit } = listeners;
    const { types, flags, after, count } = chunk;
    const until = last ? chunk.hostedUntil : -1;
    for (let i = 0; i < count; ) {
      while (open.length > 0 && after[open[open.length - 1]] <= i) {
        const j = open.pop()!;
        dispatch(exit[types[j]]!, chunk.node(j), listeners);
      }
      if (i === until) release();
      const f = flags[i];
      const type = types[i];
      if (f & MISSING || type === ERROR_TYPE_ID) {
        errors.push(chunk.node(i));
        i = after[i];
        continue;
      }
      // Anonymous nodes (punctuation, keywords) have no listeners and no named descendants.
      if (!(f & NAMED)) {
        i = after[i];
        continue;
      }
      const onEnter = enter[type];
      if (onEnter) dispatch(onEnter, chunk.node(i), listeners);
      if (exit[type]) open.push(i);
      i++;
    }
    // A class stays open while its body's chunks are walked: what is open now holds the body (it is
    // the header's last node).
    if (chunk.guests?.length) held = { header: chunk, listeners, open: open.splice(0) };
    while (open.length > 0) {
      const j = open.pop()!;
      dispatch(exit[types[j]]!, chunk.node(j), listeners);
    }
    chunkEnd(chunk, listeners, errors);
    if (last) release();
  }
  release();
}
