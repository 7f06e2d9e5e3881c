import type { Language, Tree } from 'web-tree-sitter';
import { LineIndex } from './lineIndex';

/**
 * A JavaScript copy of a tree-sitter syntax tree, made once per parse and kept between edits: every
 * question a rule asks of a node (its type, fields, children, text) is then answered in JavaScript,
 * not by a call into WebAssembly. After an edit only the top-level statements the edit touched are
 * copied again; the others are moved to their new offsets and kept. The copy offers the part of
 * web-tree-sitter's `Node` interface that the engine and the rules use.
 */

const ERROR_TYPE_ID = 0xffff;

/** A top-level statement's subtree and where it starts in the current text. */
interface Block {
  base: number;
  tree: SyntaxTree;
}

let nextId = 1;

export class SyntaxNode {
  readonly id = nextId++;
  parent: SyntaxNode | null = null;
  readonly children: SyntaxNode[] = [];
  /** Field names of the children, by index (only when some child has one). */
  fields: Array<string | null> | null = null;
  hasError = false;
  private named?: SyntaxNode[];

  constructor(
    readonly type: string,
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
    return (this.named ??= this.children.filter((c) => c.isNamed));
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
    this.rootNode = new SyntaxNode(rootType, true, false, 0, text.length, { base: 0, tree: this });
  }

  get lines(): LineIndex {
    return (this.lineIndex ??= new LineIndex(this.text));
  }

  /** Copies a whole tree. */
  static copy(tree: Tree, text: string): SyntaxTree {
    return SyntaxTree.update(tree, text);
  }

  /**
   * Copies `tree`, re-using the top-level statements of `previous` that lie wholly outside the
   * edited span (`start` to `oldEnd` in the previous text, `start` to `newEnd` in this one).
   */
  static update(tree: Tree, text: string, previous?: SyntaxTree, edit?: { start: number; oldEnd: number; newEnd: number }): SyntaxTree {
    const names = typeNames(tree.language);
    const fields = fieldNames(tree.language);
    const out = new SyntaxTree(text, 'module', tree.language);
    const root = out.rootNode;
    const reusable = new Map<string, SyntaxNode>();
    if (previous && edit) {
      for (const top of previous.rootNode.children) {
        if (top.endIndex < edit.start || top.startIndex > edit.oldEnd) reusable.set(`${top.type}:${top.startIndex}:${top.endIndex}`, top);
      }
    }
    const delta = edit ? edit.newEnd - edit.oldEnd : 0;
    const cursor = tree.walk();
    try {
      root.hasError = tree.rootNode.hasError;
      if (!cursor.gotoFirstChild()) return out;
      do {
        const start = cursor.startIndex;
        const end = cursor.endIndex;
        const type = names[cursor.nodeTypeId] ?? cursor.nodeType;
        const field = fields[cursor.currentFieldId] ?? null;
        const oldStart = edit && start > edit.newEnd ? start - delta : start;
        const oldEnd = edit && start > edit.newEnd ? end - delta : end;
        const kept = edit && (end < edit.start || start > edit.newEnd) ? reusable.get(`${type}:${oldStart}:${oldEnd}`) : undefined;
        let top: SyntaxNode;
        if (kept) {
          kept.block.base = start;
          kept.block.tree = out;
          kept.parent = root;
          top = kept;
        } else {
          top = copyBlock(cursor, out, start, names, fields);
          top.parent = root;
        }
        addChild(root, top, field);
      } while (cursor.gotoNextSibling());
    } finally {
      cursor.delete();
    }
    return out;
  }
}

function addChild(parent: SyntaxNode, child: SyntaxNode, field: string | null): void {
  if (field !== null && !parent.fields) parent.fields = parent.children.map(() => null);
  parent.children.push(child);
  parent.fields?.push(field);
}

/** Copies the subtree at the cursor (a top-level statement) into a new block. */
function copyBlock(cursor: ReturnType<Tree['walk']>, tree: SyntaxTree, base: number, names: string[], fields: Array<string | null>): SyntaxNode {
  const block: Block = { base, tree };
  const withErrors = cursor.currentNode.hasError;
  const make = (): SyntaxNode => {
    const typeId = cursor.nodeTypeId;
    const node = new SyntaxNode(
      typeId === ERROR_TYPE_ID ? 'ERROR' : (names[typeId] ?? cursor.nodeType),
      cursor.nodeIsNamed,
      withErrors && cursor.nodeIsMissing,
      cursor.startIndex - base,
      cursor.endIndex - base,
      block,
    );
    if (withErrors && (node.isError || node.isMissing)) node.hasError = true;
    return node;
  };
  const top = make();
  top.hasError = withErrors;
  const stack: SyntaxNode[] = [top];
  if (cursor.gotoFirstChild()) {
    for (;;) {
      const node = make();
      const parent = stack[stack.length - 1];
      node.parent = parent;
      addChild(parent, node, fields[cursor.currentFieldId] ?? null);
      if (cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        cursor.gotoParent();
        const closed = stack.pop()!;
        if (closed.hasError && closed.parent) closed.parent.hasError = true;
        if (stack.length === 0) {
          done = true;
          break;
        }
      }
      if (done) break;
    }
  }
  if (top.hasError) tree.rootNode.hasError = true;
  return top;
}

const typeNameCache = new WeakMap<Language, string[]>();
const fieldNameCache = new WeakMap<Language, Array<string | null>>();

function typeNames(language: Language): string[] {
  let names = typeNameCache.get(language);
  if (!names) {
    names = [];
    for (let id = 0; id < language.nodeTypeCount; id++) names.push(language.nodeTypeForId(id) ?? '');
    typeNameCache.set(language, names);
  }
  return names;
}

function fieldNames(language: Language): Array<string | null> {
  let names = fieldNameCache.get(language);
  if (!names) {
    names = [null];
    for (let id = 1; id <= language.fieldCount; id++) names.push(language.fieldNameForId(id));
    fieldNameCache.set(language, names);
  }
  return names;
}
