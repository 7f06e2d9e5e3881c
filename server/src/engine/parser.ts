import { Edit, Language, Parser, type Tree } from 'web-tree-sitter';


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
export class PythonParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
  ) {}

  static async load(paths: WasmPaths): Promise<PythonParser> {
    await Parser.init({ locateFile: () => paths.runtime });
    const language = await Language.load(paths.python);
    const parser = new Parser();
    parser.setLanguage(language);
    return new PythonParser(parser, language);
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
