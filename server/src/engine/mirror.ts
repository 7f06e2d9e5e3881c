import type { Language, Tree } from 'web-tree-sitter';
import { LineIndex } from './lineIndex';
import type { PythonParser } from './parser';
import type { RawCursor } from './wasmCursor';

/**
 * A JavaScript copy of a tree-sitter syntax tree, made once per parse and kept between edits: every
 * question a rule asks of a node (its type, fields, children, text) is then answered in JavaScript,
 * not by a call into WebAssembly. After an edit only the statements the edit touched are copied
 * again; the others are moved to their new offsets and kept. ERROR nodes are copied without their
 * insides, which nothing analyses. The copy offers the part of web-tree-sitter's `Node` interface
 * that the engine and the rules use.
 */

export const ERROR_TYPE_ID = 0xffff;

/**
 * A statement's subtree (top-level, or in a suite) and where it starts in the current text. Node
 * offsets are kept relative to it, so a kept statement moves by changing one number per statement.
 */
interface Block {
  base: number;
  tree: SyntaxTree;
  /** The statements nested in this one, which have blocks of their own. */
  nested: Block[];
  top?: SyntaxNode;
}

let nextId = 1;

/** The children of every leaf: one shared, frozen array, as most nodes are leaves. */
const NO_CHILDREN: SyntaxNode[] = Object.freeze([]) as unknown as SyntaxNode[];

export class SyntaxNode {
  readonly id = nextId++;
  parent: SyntaxNode | null = null;
  children: SyntaxNode[] = NO_CHILDREN;
  /** Field names of the children, by index (only when some child has one). */
  fields: Array<string | null> | null = null;
  hasError = false;
  private named?: SyntaxNode[];

  constructor(
    readonly type: string,
    /** The grammar's id for the type (0xffff for ERROR), for lookups by number. */
    readonly typeId: number,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** Offsets relative to the block's base. */
    private readonly relStart: number,
    private readonly relEnd: number,
    public block: Block,
  ) {}

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get startIndex(): number {
    return this.block.base + this.relStart;
  }

  get endIndex(): number {
    return this.block.base + this.relEnd;
  }

  get tree(): SyntaxTree {
    return this.block.tree;
  }

  get text(): string {
    return this.block.tree.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): { row: number; column: number } {
    const p = this.block.tree.lines.positionAt(this.startIndex);
    return { row: p.line, column: p.column };
  }

  get endPosition(): { row: number; column: number } {
    const p = this.block.tree.lines.positionAt(this.endIndex);
    return { row: p.line, column: p.column };
  }

  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children.length === 0 ? NO_CHILDREN : this.children.filter((c) => c.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
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
    const fields = this.fields;
    if (!fields) return null;
    for (let i = 0; i < fields.length; i++) if (fields[i] === name) return this.children[i];
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const fields = this.fields;
    return fields ? this.children.filter((_, i) => fields[i] === name) : [];
  }

  equals(other: SyntaxNode | null | undefined): boolean {
    return this === other;
  }

  /** Named descendants (not the node itself) of the given types, in document order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const out: SyntaxNode[] = [];
    const visit = (n: SyntaxNode): void => {
      for (const c of n.children) {
        if (c.isNamed && wanted.includes(c.type)) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }

  /** The smallest node that spans `[start, end]`. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (;;) {
      const next = node.children.find((c) => c.startIndex <= start && end <= c.endIndex && (c.endIndex > c.startIndex || start === c.startIndex));
      if (!next) return node;
      node = next;
    }
  }

  /** The S-expression tree-sitter prints for the same tree (fields, MISSING and ERROR nodes included). */
  toString(): string {
    if (this.isMissing) return `(MISSING ${this.isNamed ? this.type : JSON.stringify(this.type)})`;
    const parts: string[] = [];
    this.children.forEach((c, i) => {
      if (!c.isNamed && !c.isMissing) return;
      const field = this.fields?.[i];
      parts.push(` ${field ? `${field}: ` : ''}${c.toString()}`);
    });
    return `(${this.type}${parts.join('')})`;
  }
}

export type Node = SyntaxNode;

/** A copied tree and the text it was parsed from. */
export class SyntaxTree {
  readonly rootNode: SyntaxNode;
  private lineIndex?: LineIndex;

  private constructor(
    readonly text: string,
    rootType: string,
    /** The grammar, for checking the node types rules listen to. */
    readonly language: Language,
  ) {
    this.rootNode = new SyntaxNode(rootType, language.idForNodeType(rootType, true) ?? 0, true, false, 0, text.length, { base: 0, tree: this, nested: [] });
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** Starts a copy of a module parsed chunk by chunk (see chunks.ts): its top-level nodes are added chunk by chunk. */
  static build(text: string, language: Language): SyntaxTreeBuilder {
    return new SyntaxTreeBuilder(new SyntaxTree(text, 'module', language));
  }
}

export interface ChunkEdit {
  /** The edit, in module offsets: `start` to `oldEnd` in the previous text, `start` to `newEnd` in this one. */
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Adds chunks' top-level nodes to a new module copy, in order. */
export class SyntaxTreeBuilder {
  constructor(private readonly out: SyntaxTree) {}

  /**
   * Copies the top-level nodes of `tree`, the parse of the chunk that starts at `offset`. With the
   * chunk's `previous` nodes and the edit between them, statements the edit did not touch are kept.
   */
  copy(parser: PythonParser, tree: Tree, offset: number, previous?: { nodes: readonly SyntaxNode[]; edit: ChunkEdit }): SyntaxNode[] {
    const root = this.out.rootNode;
    const first = root.children.length;
    const kept = previous ? keptStatements(previous.nodes, previous.edit) : undefined;
    const copier = new Copier(tree, this.out, offset, kept, previous?.edit);
    const withErrors = tree.rootNode.hasError;
    const cursor = parser.cursor(tree);
    try {
      copier.children(cursor, root, root.block, withErrors);
    } finally {
      cursor.close();
    }
    return root.children.slice(first);
  }

  /** Keeps the top-level nodes of an unchanged chunk, moved by `delta`. */
  keep(nodes: readonly SyntaxNode[], delta: number): void {
    const root = this.out.rootNode;
    for (const node of nodes) {
      rebase(node.block, delta, this.out);
      node.parent = root;
      addChild(root, node, null);
      root.block.nested.push(node.block);
    }
  }

  done(): SyntaxTree {
    const root = this.out.rootNode;
    root.hasError = root.children.some((c) => c.hasError);
    return this.out;
  }
}

/** Statements among `nodes` (at any depth) that an edit did not touch, by type and old range. */
function keptStatements(nodes: readonly SyntaxNode[], edit: { start: number; oldEnd: number }): Map<string, SyntaxNode> {
  const kept = new Map<string, SyntaxNode>();
  const visit = (blocks: readonly Block[]): void => {
    for (const inner of blocks) {
      const top = inner.top!;
      if (top.endIndex < edit.start || top.startIndex > edit.oldEnd) kept.set(`${top.type}:${top.startIndex}:${top.endIndex}`, top);
      else visit(inner.nested);
    }
  };
  visit(nodes.map((n) => n.block));
  return kept;
}

/** Moves a kept statement (and the statements nested in it) into the new tree. */
function rebase(block: Block, delta: number, tree: SyntaxTree): void {
  block.base += delta;
  block.tree = tree;
  for (const inner of block.nested) rebase(inner, delta, tree);
}

class Copier {
  private readonly names: string[];
  private readonly named: boolean[];
  private readonly fields: Array<string | null>;
  private readonly delta: number;

  constructor(
    tree: Tree,
    private readonly out: SyntaxTree,
    /** Where the parsed chunk starts in the module. */
    private readonly offset: number,
    private readonly kept: Map<string, SyntaxNode> | undefined,
    private readonly edit: ChunkEdit | undefined,
  ) {
    const tables = languageTables(tree.language);
    this.names = tables.names;
    this.named = tables.named;
    this.fields = tables.fields;
    this.delta = edit ? edit.newEnd - edit.oldEnd : 0;
  }

  /** Copies the children of the node at the cursor into `parent`; leaves the cursor where it was. */
  children(cursor: RawCursor, parent: SyntaxNode, block: Block, withErrors: boolean): void {
    if (!cursor.gotoFirstChild()) return;
    const statements = parent.type === 'module' || parent.type === 'block';
    const topLevel = parent === this.out.rootNode;
    do {
      const typeId = cursor.typeId();
      const type = typeId === ERROR_TYPE_ID ? 'ERROR' : this.names[typeId];
      const isNamed = typeId === ERROR_TYPE_ID || this.named[typeId];
      const start = cursor.startIndex() + this.offset;
      const end = cursor.endIndex() + this.offset;
      const field = this.fields[cursor.fieldId()] ?? null;
      if (statements && isNamed) {
        const reused = this.reusable(type, start, end);
        if (reused) {
          rebase(reused.block, start - reused.startIndex, this.out);
          reused.parent = parent;
          addChild(parent, reused, field);
          block.nested.push(reused.block);
          continue;
        }
      }
      let own = block;
      let errors = withErrors;
      // Every top-level node has a block of its own, so that a kept chunk moves by its blocks alone.
      if (statements && (isNamed || topLevel)) {
        own = { base: start, tree: this.out, nested: [] };
        block.nested.push(own);
        // Only a statement that holds an error needs its nodes asked whether they are missing.
        if (withErrors) errors = cursor.hasError();
      }
      const node = new SyntaxNode(type, typeId, isNamed, errors && cursor.isMissing(), start - own.base, end - own.base, own);
      if (own !== block) own.top = node;
      node.parent = parent;
      addChild(parent, node, field);
      // The inside of a syntax error is never analysed: an unclosed bracket can make it most of the file.
      if (type !== 'ERROR') this.children(cursor, node, own, errors);
      node.hasError = type === 'ERROR' || node.isMissing || node.children.some((c) => c.hasError);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }

  /** The previous copy of a statement at this place, if the edit cannot have changed it. */
  private reusable(type: string, start: number, end: number): SyntaxNode | undefined {
    const { kept, edit } = this;
    if (!kept || !edit) return undefined;
    if (end < edit.start) return kept.get(`${type}:${start}:${end}`);
    // After the edit, and on a later line: its indentation is its own.
    if (start > edit.newEnd && this.out.text.lastIndexOf('\n', start - 1) >= edit.newEnd) {
      return kept.get(`${type}:${start - this.delta}:${end - this.delta}`);
    }
    return undefined;
  }
}

function addChild(parent: SyntaxNode, child: SyntaxNode, field: string | null): void {
  if (field !== null && !parent.fields) parent.fields = parent.children.map(() => null);
  if (parent.children === NO_CHILDREN) parent.children = [child];
  else parent.children.push(child);
  parent.fields?.push(field);
}

interface LanguageTables {
  names: string[];
  named: boolean[];
  fields: Array<string | null>;
}

const tableCache = new WeakMap<Language, LanguageTables>();

function languageTables(language: Language): LanguageTables {
  let tables = tableCache.get(language);
  if (!tables) {
    const names: string[] = [];
    const named: boolean[] = [];
    for (let id = 0; id < language.nodeTypeCount; id++) {
      names.push(language.nodeTypeForId(id) ?? '');
      named.push(language.nodeTypeIsNamed(id));
    }
    const fields: Array<string | null> = [null];
    for (let id = 1; id <= language.fieldCount; id++) fields.push(language.fieldNameForId(id));
    tables = { names, named, fields };
    tableCache.set(language, tables);
  }
  return tables;
}
