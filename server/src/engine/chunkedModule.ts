import { chunkStarts } from './chunks';
import { SyntaxTree, type ChunkTree, type SyntaxTreeBuilder } from './mirror';
import { applyEdit, type PythonParser, type Tree } from './parser';

/**
 * A module parsed chunk by chunk (see chunks.ts), with the JavaScript copy of each chunk. After an
 * edit only the chunks the edit reached are parsed again (incrementally when the chunk kept its
 * extent) and copied again; the others are moved to their new offsets. How broken the rest of the
 * file is does not matter: an unclosed bracket stays in its chunk.
 */

interface Chunk {
  start: number;
  end: number;
  /** tree-sitter's parse of the chunk's text, kept for an incremental re-parse (live modules only). */
  tree: Tree | undefined;
  /** The chunk's copy. */
  copy: ChunkTree;
}

/** An edit: `start` to `oldEnd` in the previous text became `start` to `newEnd` in this one. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export class ChunkedModule {
  private chunks: Chunk[] = [];
  private text = '';
  private copy: SyntaxTree | undefined;

  /** `keepTrees`: keep each chunk's tree-sitter tree for incremental re-parses (a live document). */
  constructor(
    private readonly parser: PythonParser,
    private readonly keepTrees: boolean,
  ) {}

  /** Parses `text` and copies it: for one analysis, keeping nothing of tree-sitter's. */
  static parse(parser: PythonParser, text: string, forced: readonly number[] = []): SyntaxTree {
    const module = new ChunkedModule(parser, false);
    module.update(text, forced);
    return module.syntax();
  }

  get source(): string {
    return this.text;
  }

  syntax(): SyntaxTree {
    return this.copy!;
  }

  /**
   * Brings the module to `text`. `forced` chunk starts are the notebook's cell starts. With `edit`
   * (where this text differs from the last one), the chunks away from the edit are kept.
   */
  update(text: string, forced: readonly number[], edit?: TextEdit): void {
    const old = this.chunks;
    const builder = SyntaxTree.build(text, this.parser.language);
    if (!edit || old.length === 0) {
      this.release(old);
      const starts = chunkStarts(text, 0, forced);
      this.chunks = starts.map((start, i) => this.parseChunk(builder, text, start, starts[i + 1] ?? text.length));
    } else {
      this.chunks = this.edited(builder, old, text, forced, edit);
    }
    this.text = text;
    this.copy = builder.done();
  }

  dispose(): void {
    this.release(this.chunks);
    this.chunks = [];
    this.copy = undefined;
  }

  private edited(builder: SyntaxTreeBuilder, old: Chunk[], text: string, forced: readonly number[], edit: TextEdit): Chunk[] {
    const delta = edit.newEnd - edit.oldEnd;
    // The chunk holding the edit's start, and the one before it: the edit may join the two.
    let first = 0;
    while (first + 1 < old.length && old[first + 1].start <= edit.start) first++;
    first = Math.max(0, first - 1);
    const oldStarts = new Map<number, number>();
    for (let i = first + 1; i < old.length; i++) if (old[i].start >= edit.oldEnd) oldStarts.set(old[i].start, i);
    // Scan from there until a chunk starts where an old one did, after the edit: the rest is as it was.
    let resume = old.length;
    const starts = chunkStarts(text, old[first].start, forced, (offset) => {
      if (offset < edit.newEnd) return false;
      const index = oldStarts.get(offset - delta);
      if (index === undefined) return false;
      resume = index;
      return true;
    });
    const rescanEnd = resume < old.length ? old[resume].start + delta : text.length;

    const chunks: Chunk[] = [];
    for (let i = 0; i < first; i++) {
      builder.keep(old[i].copy, old[i].start);
      chunks.push(old[i]);
    }
    const replaced = old.slice(first, resume);
    const reused = new Set<Chunk>();
    starts.forEach((start, i) => {
      const end = starts[i + 1] ?? rescanEnd;
      // Wholly before the edit, or wholly after it: the same text as an old chunk, if one had that extent.
      const untouched =
        end <= edit.start ? replaced.find((c) => c.start === start && c.end === end) : start >= edit.newEnd ? replaced.find((c) => c.start === start - delta && c.end === end - delta) : undefined;
      // Holding the edit, with the same extent as the old chunk that held it.
      const previous = untouched ?? (start <= edit.start && end >= edit.newEnd ? replaced.find((c) => c.start === start && c.end === end - delta) : undefined);
      if (untouched) {
        builder.keep(untouched.copy, start);
        chunks.push({ ...untouched, start, end });
        reused.add(untouched);
      } else if (previous?.tree && !previous.tree.rootNode.hasError) {
        // The chunk the edit is in, with the same extent: re-parse it incrementally. Where the result
        // has a syntax error, tree-sitter's recovery may depend on the old tree: parse afresh, so that
        // the tree is what the text alone gives (as in the CLI).
        applyEdit(previous.tree, this.text.slice(previous.start, previous.end), edit.start - start, edit.oldEnd - start, text.slice(edit.start, edit.newEnd));
        const chunkText = text.slice(start, end);
        let tree = this.parser.parse(chunkText, previous.tree);
        if (tree.rootNode.hasError) {
          tree.delete();
          tree = this.parser.parse(chunkText);
        }
        chunks.push({ start, end, tree, copy: builder.copy(this.parser, tree, start) });
      } else {
        chunks.push(this.parseChunk(builder, text, start, end));
      }
    });
    this.release(replaced.filter((c) => !reused.has(c)));
    for (let i = resume; i < old.length; i++) {
      const c = old[i];
      builder.keep(c.copy, c.start + delta);
      chunks.push({ ...c, start: c.start + delta, end: c.end + delta });
    }
    return chunks;
  }

  private parseChunk(builder: SyntaxTreeBuilder, text: string, start: number, end: number): Chunk {
    const tree = this.parser.parse(text.slice(start, end));
    const copy = builder.copy(this.parser, tree, start);
    if (this.keepTrees) return { start, end, tree, copy };
    tree.delete();
    return { start, end, tree: undefined, copy };
  }

  private release(chunks: readonly Chunk[]): void {
    for (const c of chunks) c.tree?.delete();
  }
}
