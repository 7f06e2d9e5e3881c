import type { Notebook } from './notebook';
import type { Node } from './parser';
import type { TextEdit } from './types';

/** Helpers that rules share for reading calls and writing edits that keep the code valid. */

/**
 * Facts of a call that depend only on its own subtree, computed once per node, in the node's slots
 * (see `SyntaxNode.slot`): every rule that listens to `call` asks for the same callee and arguments,
 * and a statement an edit did not touch keeps its nodes, so its facts carry over to the next analysis.
 */
const CALLEE = 0;
const ARGUMENTS = 1;
const CALLED_NAME = 2;

/** The called expression of a call (`f` in `f(x)`, `a.b.m` in `a.b.m(x)`). */
export function calleeOf(call: Node): Node | null {
  const known = call.slot(CALLEE) as Node | null | undefined;
  return known !== undefined ? known : call.remember(CALLEE, call.childForFieldName('function'));
}

export interface CallArguments {
  positional: Node[];
  keywords: Map<string, Node>;
  /** `*args` or `**kwargs` present: the call may pass anything. */
  hasSplat: boolean;
  list: Node | null;
}

export function callArguments(call: Node): CallArguments {
  return (call.slot(ARGUMENTS) as CallArguments | undefined) ?? call.remember(ARGUMENTS, readCallArguments(call));
}

function readCallArguments(call: Node): CallArguments {
  const list = call.childForFieldName('arguments');
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  let hasSplat = false;
  if (list?.type === 'argument_list') {
    for (const a of list.namedChildren) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') {
        const name = a.childForFieldName('name')?.text;
        const value = a.childForFieldName('value');
        if (name && value) keywords.set(name, value);
      } else if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        hasSplat = true;
      } else {
        positional.push(a);
      }
    }
  } else if (list) {
    // A generator expression as the only argument: `sum(x for x in xs)`.
    positional.push(list);
  }
  return { positional, keywords, hasSplat, list };
}

/** The name called: `f` for `f(...)`, `m` for `a.b.m(...)`. */
export function calledName(call: Node): string | undefined {
  const known = call.slot(CALLED_NAME) as string | null | undefined;
  if (known !== undefined) return known ?? undefined;
  return call.remember(CALLED_NAME, readCalledName(call));
}

function readCalledName(call: Node): string | undefined {
  const fn = calleeOf(call);
  if (!fn) return undefined;
  if (fn.type === 'identifier') return fn.text;
  if (fn.type === 'attribute') return fn.childForFieldName('attribute')?.text;
  return undefined;
}

/** For `obj.method(...)`, the `obj` node. */
export function receiverOf(call: Node): Node | undefined {
  const fn = calleeOf(call);
  return fn?.type === 'attribute' ? (fn.childForFieldName('object') ?? undefined) : undefined;
}

/**
 * An edit that appends `name=value` to a call's arguments, after the last argument, respecting a
 * trailing comma and the layout of multi-line calls.
 */
export function appendArgument(call: Node, argument: string, text: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  if (!list || list.type !== 'argument_list') return undefined;
  const close = list.lastChild;
  if (!close || close.type !== ')') return undefined;
  const args = list.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
  if (args.length === 0) return { start: close.startIndex, end: close.startIndex, newText: argument };
  const last = args[args.length - 1];
  const between = text.slice(last.endIndex, close.startIndex);
  const trailingComma = /^\s*,/.test(between);
  if (between.includes('\n')) {
    // Multi-line call: put the argument on its own line with the last argument's indentation.
    const lineStart = text.lastIndexOf('\n', last.startIndex - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
    const at = trailingComma ? last.endIndex + between.indexOf(',') + 1 : last.endIndex;
    return { start: at, end: at, newText: `${trailingComma ? '' : ','}\n${indent}${argument}${trailingComma ? ',' : ''}` };
  }
  if (trailingComma) {
    const comma = last.endIndex + between.indexOf(',');
    return { start: comma + 1, end: close.startIndex, newText: ` ${argument}` };
  }
  return { start: last.endIndex, end: last.endIndex, newText: `, ${argument}` };
}

/** Module-level statements (of all cells, for a notebook), in order. */
export function moduleStatements(root: Node): readonly Node[] {
  // Asked by every fix that adds a module-level line: found once per tree, from what each chunk found once.
  return root.memo('moduleStatements', () => {
    const out: Node[] = [];
    for (const chunk of root.tree.chunks) for (const s of chunk.statements()) out.push(s);
    return out;
  });
}

const IMPORT_TYPES = new Set(['import_statement', 'import_from_statement', 'future_import_statement']);

/**
 * Where a new module-level constant goes: after the last import of the leading block of
 * docstring/imports, else at the top after a docstring. Returns the offset of a line start and
 * whether a blank line should precede the constant.
 */
export function constantInsertionPoint(root: Node, text: string): { offset: number; afterImports: boolean } {
  const anchor = root.memo('constantAnchor', () => {
    let last: Node | undefined;
    // Chunk by chunk, as far as the leading block goes: not every statement of the module.
    for (const chunk of root.tree.chunks) {
      for (const s of chunk.statements()) {
        if (IMPORT_TYPES.has(s.type)) last = s;
        else if (!last && s.type === 'expression_statement' && s.namedChild(0)?.type === 'string') last = s;
        else if (isGuardedImport(s)) last = s;
        else return last;
      }
    }
    return last;
  });
  if (!anchor) return { offset: 0, afterImports: false };
  const nl = text.indexOf('\n', anchor.endIndex);
  return { offset: nl === -1 ? text.length : nl + 1, afterImports: true };
}

/** `try: import x` / `except ImportError:` blocks count as part of the imports. */
function isGuardedImport(s: Node): boolean {
  if (s.type !== 'try_statement') return false;
  const body = s.childForFieldName('body');
  return !!body && body.namedChildren.every((c) => !!c && IMPORT_TYPES.has(c.type));
}

/** A module-level `NAME = <literal>` already present, by name. */
export function moduleConstant(root: Node, names: readonly string[]): string | undefined {
  for (const s of moduleStatements(root)) {
    if (s.type !== 'expression_statement') continue;
    const a = s.namedChild(0);
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && names.includes(left.text)) return left.text;
  }
  return undefined;
}

/** An edit inserting `NAME = value` at module top (see constantInsertionPoint), or undefined at offset 0 of an empty text. */
export function insertModuleConstant(root: Node, text: string, line: string): TextEdit {
  const { offset } = constantInsertionPoint(root, text);
  const needsBreak = offset === text.length && text.length > 0 && !text.endsWith('\n');
  return { start: offset, end: offset, newText: `${needsBreak ? '\n' : ''}${line}\n` };
}

/** The innermost enclosing node of one of `types`, stopping at function and class boundaries when asked. */
export function enclosing(node: Node, types: ReadonlySet<string>, stopAt?: ReadonlySet<string>): Node | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (types.has(n.type)) return n;
    if (stopAt?.has(n.type)) return undefined;
  }
  return undefined;
}

/** The statement that holds `node` (its ancestor whose parent is a block or the module). */
export function statementOf(node: Node): Node {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.type !== 'module') n = n.parent;
  return n;
}

/** Whether the literal is a Python number (int or float, possibly negative). */
export function numericValue(node: Node): number | undefined {
  if (node.type === 'integer' || node.type === 'float') {
    const v = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (node.type === 'unary_operator' && node.child(0)?.type === '-') {
    const inner = node.childForFieldName('argument');
    const v = inner ? numericValue(inner) : undefined;
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** The text of a plain string literal (no f-string interpolation), or undefined. */
export function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  let value = '';
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'interpolation') return undefined;
    if (c.type === 'string_content' || c.type === 'escape_sequence') value += c.text;
  }
  return value;
}

/**
 * An edit inserting whole lines at module top, like insertModuleConstant; in a notebook the lines go
 * inside the first code cell that has imports, after them, so they never fall between two cells.
 */
export function insertModuleLines(root: Node, text: string, lines: string, notebook?: Notebook): TextEdit {
  if (!notebook) return insertModuleConstant(root, text, lines);
  const cells = codeCellRanges(notebook);
  const statements = moduleStatements(root);
  const first = statements.find((s) => IMPORT_TYPES.has(s.type));
  const cell = first && cells.find((c) => first.startIndex >= c.start && first.startIndex <= c.end);
  if (!first || !cell) return { start: cells[0]?.start ?? 0, end: cells[0]?.start ?? 0, newText: `${lines}\n` };
  let anchor = first;
  for (const s of statements.slice(statements.indexOf(first) + 1)) {
    if (s.startIndex > cell.end || !(IMPORT_TYPES.has(s.type) || isGuardedImport(s))) break;
    anchor = s;
  }
  return insertLinesAfter(anchor, text, lines, notebook);
}

/** An edit inserting whole lines after a module-level statement (in a notebook, inside its cell). */
export function insertLinesAfter(statement: Node, text: string, lines: string, notebook?: Notebook): TextEdit {
  const end = notebook ? codeCellRanges(notebook).find((c) => statement.startIndex >= c.start && statement.startIndex <= c.end)?.end : undefined;
  const nl = text.indexOf('\n', statement.endIndex);
  // The last line of a cell has no newline of its own: the joining newline belongs to no cell.
  if (end !== undefined && (nl === -1 || nl >= end)) return { start: end, end, newText: `\n${lines}` };
  if (nl === -1) return { start: text.length, end: text.length, newText: `\n${lines}\n` };
  return { start: nl + 1, end: nl + 1, newText: `${lines}\n` };
}

/** Offsets of the code cells in the joined module (masking keeps every cell's length). */
function codeCellRanges(notebook: Notebook): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  let offset = 0;
  for (const c of notebook.cells) {
    if (c.kind !== 'code') continue;
    out.push({ start: offset, end: offset + c.source.length });
    offset += c.source.length + 1;
  }
  return out;
}
