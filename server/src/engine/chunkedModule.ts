import { chunkStarts, headerEnd, indentOf, memberStarts as scanMembers, startsStatement, startsDefinitionWord, statementStarts, type ScanState } from './chunks';
import { detached } from './detach';
import { copyArrays, cutAt, cutClass, errorArrays, hostArrays, scanReadsAlike, simpleStatements, SyntaxTree, type ChunkTree, type NodeArrays, type SyntaxTreeBuilder } from './mirror';
import { applyEdit, type PythonParser, type Tree } from './parser';

/**
 * A module parsed chunk by chunk (see chunks.ts), with the JavaScript copy of each chunk. Made afresh,
 * a module without a syntax error is parsed once and its copy cut at the chunk starts, which is what
 * parsing each chunk gives (for one analysis, cut only at notebook cells: see `parseFresh`). After an
 * edit only the chunks the edit reached are parsed again (incrementally when the chunk kept its extent
 * and its tree) and copied again; the others are moved to their new offsets. How broken the rest of the file is does not matter: an
 * unclosed bracket stays in its chunk. A large chunk is parsed in pieces (see `split`), so that an
 * edit in a class of thousands of lines re-parses one method of its body.
 */

interface Chunk {
  start: number;
  end: number;
  /** tree-sitter's parse of the chunk's text, kept for an incremental re-parse (live modules only). */
  tree: Tree | undefined;
  /** The chunk's copy; for a chunk parsed in pieces, the first piece's (a large class's header, which hosts the others). */
  copy: ChunkTree;
  /**
   * For a large chunk parsed in pieces (see `split`): the copies after `copy`, each a chunk of the
   * module copy: a large class's body statements, or the statements indented under a line in column 0.
   */
  pieces?: ChunkTree[];
  /** For a chunk parsed in pieces: the pieces by their text, to reuse after an edit. */
  parts?: Parts;
  /** For a chunk parsed in pieces: where its statements after the first piece start, and whether it is a class. */
  layout?: Layout;
  /**
   * How far the scan read past a definition in a triple-quoted string in the chunk, to decide whether
   * the string ends there and the next chunk starts (see `surelyBroken` in chunks.ts): an edit up to
   * there is scanned from this chunk, though it may be chunks later, and may move the chunks between.
   */
  reach?: number;
  /**
   * For a large class a live module parsed afresh kept whole (see `parseChunk`): its nodes, from which
   * the first edit that reaches it cuts its pieces (see `splitDeferred`).
   */
  whole?: NodeArrays;
}

interface Layout {
  /** Where the pieces after the first start (a comment right above a statement goes with it). */
  members: number[];
  /** Where their statements start, as the scan found them, and at how many columns. */
  raw: number[];
  indent: number;
  isClass: boolean;
  /** Whether the scan for the members read past a member to decide where the next starts: an edit anywhere may move them. */
  readPast: boolean;
  /** Where the scan first read a string of the body otherwise than a scan of the module would, and first closed brackets (see `ScanState`). */
  recovered?: number;
  closed?: number;
}

/**
 * A piece of a large chunk (a class header, a statement): its text (held as its own string, not a
 * slice of a whole text), its copy's arrays, and the last chunk made of them, which the next version
 * re-uses (with what its analysis found) where the piece is unchanged.
 */
interface Part {
  text: string;
  arrays: NodeArrays;
  /** For a header: the index of its body block. */
  hostIndex?: number;
  copy?: ChunkTree;
}

type Parts = Map<string, Part>;

/** A chunk this large is parsed in pieces where it can be (see `split`), so that an edit re-parses one piece. */
const CLASS_SPLIT = 4096;
/** What a class body statement is parsed after, so that it parses as one (offsets shift back by its length). */
const CLASS_PREFIX = 'class _:\n';

/** Where two versions of a text differ: `start` to `oldEnd` in the first became `start` to `newEnd` in the second. */
export interface TextSpan {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export class ChunkedModule {
  private chunks: Chunk[] = [];
  private text = '';
  private copy: SyntaxTree | undefined;

  /**
   * `live`: a live document, which edits follow. Each chunk keeps its tree-sitter tree for incremental
   * re-parses, and a large class is parsed in pieces (see `split`): by the first edit that reaches it,
   * or with `piecesAtOpen` when the module is parsed afresh. A module parsed for one analysis keeps no
   * tree; without a syntax error it is one chunk (one per notebook cell; see `parseFresh`).
   */
  constructor(
    private readonly parser: PythonParser,
    private readonly live: boolean,
    private readonly piecesAtOpen = false,
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
  update(text: string, forced: readonly number[], edit?: TextSpan): void {
    const old = this.chunks;
    const builder = SyntaxTree.build(text, this.parser.language, this.live);
    if (!edit || old.length === 0) {
      this.release(old);
      this.chunks = this.parseFresh(builder, text, forced);
    } else {
      this.chunks = this.edited(builder, old, text, forced, edit);
    }
    this.text = text;
    const previous = this.copy;
    this.copy = builder.done();
    if (previous && edit) this.copy.followLines(previous, edit);
    if (this.live) previous?.retire();
  }

  dispose(): void {
    this.release(this.chunks);
    this.chunks = [];
    this.copy = undefined;
  }

  private edited(builder: SyntaxTreeBuilder, old: Chunk[], text: string, forced: readonly number[], edit: TextSpan): Chunk[] {
    this.splitDeferred(old, edit);
    const delta = edit.newEnd - edit.oldEnd;
    // The chunk holding the edit's start, and the one before it: the edit may join the two.
    const holding = lastStartingBy(old, edit.start, 0);
    let first = Math.max(0, holding - 1);
    // Or a chunk before them whose scan read as far as the edit, and may read it differently now.
    let readPast = false;
    for (let k = 0; k <= holding; k++) {
      const reach = old[k].reach;
      if (reach === undefined || reach < edit.start) continue;
      readPast = true;
      first = Math.min(first, k);
      break;
    }
    // Scan from there until a chunk starts where an old one did, after the edit: the rest is as it was.
    // An edit the tokenizer cannot notice needs no scan: every chunk starts where it did.
    let resume = old.length;
    const neutral = !readPast && tokenNeutral(this.text, text, edit);
    // Nor does an edit inside a large class's body, once the scan of the body finds its statements as
    // they were after the edit and nothing that a scan of the module would read otherwise.
    const body = neutral || readPast ? undefined : this.bodyEdit(old[holding], old[holding + 1], text, edit);
    let starts: number[];
    const reaches: number[] = [];
    if (neutral || body) {
      let holding = first;
      while (holding < old.length && old[holding].end < edit.oldEnd) holding++;
      resume = Math.min(holding + 1, old.length);
      starts = old.slice(first, resume).map((c) => c.start);
      // (Those before the edit read no further than its start, or it would not be neutral.)
      old.slice(first, resume).forEach((c, i) => {
        if (c.reach !== undefined) reaches[i] = c.reach >= edit.oldEnd ? c.reach + delta : c.reach;
      });
    } else {
      // A chunk start in a file's first two lines is read differently (see chunks.ts): no resuming there.
      const header = Math.max(headerEnd(text), headerEnd(this.text) + delta);
      starts = chunkStarts(text, old[first].start, forced, (offset) => {
        if (offset < edit.newEnd || offset < header) return false;
        const index = lastStartingBy(old, offset - delta, first + 1);
        if (index <= first || old[index].start !== offset - delta || old[index].start < edit.oldEnd) return false;
        resume = index;
        return true;
      }, reaches);
    }
    const rescanEnd = resume < old.length ? old[resume].start + delta : text.length;

    const chunks: Chunk[] = [];
    for (let i = 0; i < first; i++) {
      keep(builder, old[i], old[i].start);
      chunks.push(old[i]);
    }
    const replaced = old.slice(first, resume);
    // Wholly before the edit, or wholly after it: the same text as an old chunk, if one had that extent.
    const untouchedAt = starts.map((start, i) => {
      const end = starts[i + 1] ?? rescanEnd;
      return end <= edit.start ? replaced.find((c) => c.start === start && c.end === end) : start >= edit.newEnd ? replaced.find((c) => c.start === start - delta && c.end === end - delta) : undefined;
    });
    // Holding the edit, with the same extent as the old chunk that held it (found before any chunk is moved).
    const previousAt = starts.map((start, i) => {
      const end = starts[i + 1] ?? rescanEnd;
      return start <= edit.start && end >= edit.newEnd ? replaced.find((c) => c.start === start && c.end === end - delta) : undefined;
    });
    const reused = new Set(untouchedAt.filter((c) => c !== undefined));
    // The pieces of the large chunks the edit reached, by text: most of their statements are unchanged.
    // (Not those of a chunk kept whole: its pieces stay its own.)
    const known: Parts = new Map();
    for (const c of replaced) if (!reused.has(c)) for (const [key, part] of c.parts ?? []) known.set(key, part);
    // The copies of the chunks kept whole: a piece of the same text elsewhere must not take them.
    // (Only a piece of a chunk the edit reached can: without such pieces there is nothing to keep apart.)
    const kept = new Set<ChunkTree>();
    if (known.size > 0) for (const c of [...old.slice(0, first), ...reused, ...old.slice(resume)]) for (const copy of [c.copy, ...(c.pieces ?? [])]) kept.add(copy);
    starts.forEach((start, i) => {
      const end = starts[i + 1] ?? rescanEnd;
      const untouched = untouchedAt[i];
      const previous = previousAt[i];
      if (untouched) {
        keep(builder, untouched, start);
        chunks.push(moved(untouched, start, end));
      } else {
        // After an edit the tokenizer cannot notice, the pieces start where they did (moved by the edit).
        const layout = body && previous === old[holding] ? body : neutral && previous?.layout && !previous.layout.readPast ? shifted(previous.layout, edit.oldEnd, delta) : undefined;
        const split = end - start >= CLASS_SPLIT ? this.split(builder, text, start, end, { known, kept, layout }) : undefined;
        if (split) chunks.push(split);
        else if (previous?.tree) chunks.push(this.reparse(builder, previous, text, start, end, edit));
        else chunks.push(this.parseWhole(builder, text, start, end));
      }
      const chunk = chunks[chunks.length - 1];
      if (reaches[i] === undefined) delete chunk.reach;
      else chunk.reach = reaches[i];
    });
    this.release(replaced.filter((c) => !reused.has(c)));
    for (let i = resume; i < old.length; i++) {
      const c = old[i];
      keep(builder, c, c.start + delta);
      chunks.push(moved(c, c.start + delta, c.end + delta));
    }
    return chunks;
  }

  /**
   * Where the pieces of `chunk`, a large class, start after an edit inside its body, found by scanning
   * the body from the statement before the edit's line until a statement starts where one did after
   * the edit: the chunks of the module start where they did. Undefined when a scan of the module could
   * read them otherwise: the edit reaches the class's first statement or its end, the scan finds a
   * line in column 0 where the module's scan looks, or reads a string otherwise than the module's
   * would (see `ScanState`), or read past a definition in one (see `surelyBroken`).
   */
  private bodyEdit(chunk: Chunk, next: Chunk | undefined, text: string, edit: TextSpan): Layout | undefined {
    const layout = chunk.layout;
    if (!layout?.isClass || layout.readPast || chunk.reach !== undefined || edit.start < chunk.start || edit.oldEnd >= chunk.end) return undefined;
    const line = this.text.lastIndexOf('\n', edit.start - 1) + 1;
    if (layout.recovered !== undefined && layout.recovered < line) return undefined;
    const { raw, indent } = layout;
    const from = lastBelow(raw, line);
    if (from < 0) return undefined;
    const delta = edit.newEnd - edit.oldEnd;
    let resume = -1;
    const reaches: number[] = [];
    const state: ScanState = { inBody: true };
    const end = chunk.end + delta;
    const found = scanMembers(text, raw[from], end, indent, reaches, state, (offset) => {
      if (offset < edit.newEnd) return false;
      const k = lastBelow(raw, offset - delta + 1);
      if (k < 0 || raw[k] !== offset - delta || raw[k] < edit.oldEnd) return false;
      resume = k;
      return true;
    });
    if (resume < 0 || reaches.length > 0 || state.recovered !== undefined) return undefined;
    if (layout.recovered !== undefined && layout.recovered < raw[resume]) return undefined;
    // The module's scan looks at lines in column 0 only (a class body is indented), and after brackets the
    // body's scan closed it reads the rest at another depth: then none of the class's lines may be in
    // column 0, and what follows the class must start a chunk at any depth (a definition).
    // The text before the edit counts as much as the text after it: a line in column 0 it held (a
    // decorator) may have told the module's scan what follows the class.
    const closed = layout.closed ?? state.closed;
    const inColumn0 = (source: string, after: number, until: number): boolean => {
      for (let nl = source.indexOf('\n', after); nl !== -1 && nl + 1 < until; nl = source.indexOf('\n', nl + 1)) if (startsStatement(source, nl + 1)) return true;
      return false;
    };
    if (inColumn0(text, raw[from], closed === undefined ? raw[resume] + delta : end) || inColumn0(this.text, raw[from], closed === undefined ? raw[resume] : chunk.end)) return undefined;
    if (closed !== undefined && next && !startsDefinitionWord(text, next.start + delta)) return undefined;
    const starts = [...raw.slice(0, from), ...found, ...raw.slice(resume).map((r) => r + delta)];
    const move = (at: number | undefined): number | undefined => (at === undefined ? undefined : at >= edit.oldEnd ? at + delta : at);
    return { ...layout, raw: starts, members: withComments(text, starts, indent), recovered: move(layout.recovered), closed: layout.closed !== undefined ? move(layout.closed) : state.closed };
  }

  /**
   * Cuts the large classes kept whole (see `parseChunk`) that hold the edit into their pieces, as of the
   * text before it, which parsed without an error: the edit then finds the class as if it had been in
   * pieces from the start, and re-parses the piece it is in.
   */
  private splitDeferred(old: Chunk[], edit: TextSpan): void {
    let before: SyntaxTreeBuilder | undefined;
    for (let k = Math.max(0, lastStartingBy(old, edit.start, 0)); k < old.length && old[k].start <= edit.oldEnd; k++) {
      const { whole, start, end, reach } = old[k];
      if (!whole) continue;
      // The pieces' copies are made in a copy of the text before the edit, as an earlier version's are.
      before ??= SyntaxTree.build(this.text, this.parser.language, true);
      const split = this.split(before, this.text, start, end, { whole });
      if (split) old[k] = reach === undefined ? split : { ...split, reach };
      else delete old[k].whole;
    }
  }

  /**
   * The chunk the edit is in, with the same extent: re-parsed incrementally where its tree has no
   * syntax error, and afresh where the result has one (or the old tree had one). tree-sitter does not
   * promise that an incremental parse of broken code recovers from the error as a parse of the text
   * alone does (as in the CLI), and it does not always: a `"""` typed at the start of a line in a
   * class, for one, is recovered from differently.
   */
  private reparse(builder: SyntaxTreeBuilder, previous: Chunk, text: string, start: number, end: number, edit: TextSpan): Chunk {
    const old = previous.tree!;
    if (this.parser.hasError(old)) return this.parseWhole(builder, text, start, end);
    applyEdit(old, this.text.slice(previous.start, previous.end), edit.start - start, edit.oldEnd - start, text.slice(edit.start, edit.newEnd));
    // The tree keeps the text it was parsed from: a slice would keep this version of the whole text.
    const chunkText = detached(text.slice(start, end));
    let tree = this.parser.parse(chunkText, old);
    if (this.parser.hasError(tree)) {
      tree.delete();
      tree = this.parser.parse(chunkText);
    }
    return { start, end, tree, copy: builder.copy(this.parser, tree, start) };
  }

  /** `whole`: the chunk's nodes, cut from a parse of the module (see `parseFresh`). */
  private parseChunk(builder: SyntaxTreeBuilder, text: string, start: number, end: number, whole?: NodeArrays): Chunk {
    // Pieces serve the edits of a live document. For one analysis, a class cut from a parse of the module
    // without errors stays whole: its pieces would hold the same trees. So does a live document's until
    // an edit reaches it (see `splitDeferred`): most classes of a file just opened are never edited, and
    // cutting each into pieces, and then analysing each piece, costs its first diagnostics. Any other
    // large chunk is parsed as a live document's is (the rest of a class after a line in column 0 reads
    // differently in pieces).
    const large = end - start >= CLASS_SPLIT;
    const isClass = large && whole !== undefined && chunkHead(text, start, end)?.isClass === true;
    if (isClass && this.live && !this.piecesAtOpen) return { start, end, tree: undefined, copy: builder.adopt(whole, start), whole };
    const split = large && (this.live || !isClass) ? this.split(builder, text, start, end, { whole }) : undefined;
    if (split) return split;
    return whole ? { start, end, tree: undefined, copy: builder.adopt(whole, start) } : this.parseWhole(builder, text, start, end);
  }

  /**
   * A module parsed afresh. Without a syntax error it parses, whole, to the trees its chunks parse to
   * one by one: parsed once and cut at the chunk starts, its chunks cost one parse instead of one each.
   * Where the parse has an error, or a top-level node crosses a chunk start, the chunks are parsed alone.
   * For one analysis, no edit will follow: a module without an error is cut only where `forced` (a
   * notebook's cells) says, so that its text needs no scan for where its statements start, unless the
   * scan would read it differently (see `scanReadsAlike`): it is then chunked as a live document is.
   */
  private parseFresh(builder: SyntaxTreeBuilder, text: string, forced: readonly number[]): Chunk[] {
    const cells = [0, ...forced.filter((f, i) => f > 0 && f < text.length && f !== forced[i - 1])];
    if (!this.live) {
      const whole = this.parseClean(text);
      if (whole && scanReadsAlike(whole, text, this.parser.language)) {
        const cut = cutAt(whole, cells, text.length);
        if (cut) return cut.map((arrays, i) => ({ start: cells[i], end: cells[i + 1] ?? text.length, tree: undefined, copy: builder.adopt(arrays, cells[i]) }));
      }
      return this.parseChunks(builder, text, chunkStarts(text, 0, forced), text.length, whole, 0, []);
    }
    // Live, a notebook is parsed cell by cell (no chunk crosses a cell): a cell with a syntax error then
    // has only its own chunks parsed alone, and the parser's loop, called once per cell, runs in
    // optimized code after the first few cells instead of in baseline code for the whole notebook.
    const reaches: number[] = [];
    const starts = chunkStarts(text, 0, forced, undefined, reaches);
    const chunks: Chunk[] = [];
    for (let k = 0, c = 1; k < starts.length; ) {
      // The chunks from `starts[k]` up to the next cell.
      while (c < cells.length && cells[c] <= starts[k]) c++;
      const next = c < cells.length ? cells[c] : text.length + 1;
      const first = k;
      do k++;
      while (k < starts.length && starts[k] < next);
      const from = starts[first];
      const to = starts[k] ?? text.length;
      const cell = from === 0 && to === text.length ? text : text.slice(from, to);
      chunks.push(...this.parseChunks(builder, text, starts.slice(first, k), to, this.parseClean(cell), from, reaches.slice(first, k)));
    }
    return chunks;
  }

  /** The copy of a parse of `text`, when it has no syntax error. */
  private parseClean(text: string): NodeArrays | undefined {
    const tree = this.parser.parse(text);
    try {
      return this.parser.hasError(tree) ? undefined : copyArrays(this.parser, tree);
    } finally {
      tree.delete();
    }
  }

  /**
   * The chunks at `starts`, the last up to `end`: cut from `whole`, the copy of a parse of the text from
   * `from` to `end`, where no top-level node of it crosses a start; else each parsed alone. `reaches`:
   * what the scan noted of them (see `Chunk.reach`), by their index in `starts`.
   */
  private parseChunks(builder: SyntaxTreeBuilder, text: string, starts: readonly number[], end: number, whole: NodeArrays | undefined, from: number, reaches: readonly number[]): Chunk[] {
    const cut = whole && cutAt(whole, from === 0 ? starts : starts.map((s) => s - from), end - from);
    return starts.map((start, i) => {
      const chunk = this.parseChunk(builder, text, start, starts[i + 1] ?? end, cut?.[i]);
      if (this.live && reaches[i] !== undefined) chunk.reach = reaches[i];
      return chunk;
    });
  }

  private parseWhole(builder: SyntaxTreeBuilder, text: string, start: number, end: number): Chunk {
    // A live chunk's tree keeps the text it was parsed from (see `reparse`).
    const tree = this.parser.parse(this.live ? detached(text.slice(start, end)) : text.slice(start, end));
    const copy = builder.copy(this.parser, tree, start);
    if (this.live) return { start, end, tree, copy };
    tree.delete();
    return { start, end, tree: undefined, copy };
  }

  /**
   * A large chunk parsed in pieces, so that an edit in it re-parses one piece and the other pieces
   * keep their chunks (and what their analysis found). Two shapes have pieces, each parsed, for valid
   * code, to the tree tree-sitter gives the whole chunk:
   * - a class: its header (with `pass` for a body) hosts a chunk for each piece of its body (a
   *   definition and the statements after it: see `memberStarts`);
   * - simple statements in column 0 (no block), with statements indented under them (the rest of a
   *   class after a line typed in column 0 inside it): tree-sitter reads those statements as top-level
   *   ones, and so does the copy.
   * Undefined when the chunk is neither, or its first piece does not parse as expected. After an edit:
   * `known`, the pieces of the chunks it reached; `kept`, the copies of the chunks it left whole (which
   * no piece may take); `layout`, where the pieces start when the edit moved nothing.
   */
  private split(builder: SyntaxTreeBuilder, text: string, start: number, end: number, after: { known?: Parts; kept?: ReadonlySet<ChunkTree>; layout?: Layout; whole?: NodeArrays } = {}): Chunk | undefined {
    const { known, kept } = after;
    let members = after.layout?.members;
    let raw = after.layout?.raw;
    let hosted = after.layout?.isClass ?? false;
    let first = members?.[0];
    let indent = after.layout?.indent ?? 0;
    let headReadPast = false;
    if (first === undefined) {
      const heading = chunkHead(text, start, end);
      const found = heading && firstBodyStatement(text, heading.line, start, end);
      if (!found) return undefined;
      ({ at: first, indent, readPast: headReadPast } = found);
      hosted = heading!.isClass;
    }
    // Where the statements after the first start is scanned for once it is needed: for simple statements,
    // only once the first piece parses as such.
    let readPast = after.layout?.readPast ?? false;
    let recovered = after.layout?.recovered;
    let closed = after.layout?.closed;
    const memberStarts = (): number[] => {
      if (!members) {
        const reaches: number[] = [];
        const state: ScanState = {};
        ({ members, raw } = bodyStarts(text, start, end, indent, reaches, state));
        readPast = headReadPast || reaches.length > 0;
        recovered = state.recovered;
        closed = state.closed;
      }
      return members;
    };
    const parts: Parts = new Map();
    const part = (key: string, make: () => Omit<Part, 'text'> | undefined): Part | undefined => {
      let found = known?.get(key) ?? parts.get(key);
      if (!found) {
        const made = make();
        if (!made) return undefined;
        // A slice would keep the whole text of this version alive for as long as the part is kept.
        found = { text: this.live ? Buffer.from(key, 'utf16le').toString('utf16le') : key, ...made };
      }
      parts.set(found.text, found);
      return found;
    };
    // Made afresh, a class is parsed once and cut into its pieces, which is what parsing each piece
    // gives when the class has no syntax error; a class with one is parsed piece by piece.
    const cut = hosted && !known?.size ? this.cutWhole(text, start, end, memberStarts(), after.whole) : undefined;
    const headText = hosted ? text.slice(start, first) + text.slice(first, first + indentOf(text, first)) + 'pass\n' : text.slice(start, first);
    const head = part(`${hosted ? 'header' : 'head'}\n${headText}`, () => {
      if (cut) return cut.header;
      const parsed = this.parseArrays(headText, 'module');
      if (!parsed) return undefined;
      if (hosted) return hostArrays(parsed, this.parser.language);
      // A line with a syntax error counts too when it has no colon (a `.` typed in column 0 inside a
      // class): no block opens without one, so what is indented under it is not its body. Parsed whole
      // instead, the rest of the class would be parsed again at every keystroke.
      return simpleStatements(parsed, this.parser.language, !headText.includes(':')) ? { arrays: parsed } : undefined;
    });
    if (!head) return undefined;
    const body = memberStarts().map((m, i, all) => {
      const memberText = text.slice(m, all[i + 1] ?? end);
      const found = part(memberText, () => ({ arrays: cut?.pieces[i] ?? this.parseArrays(CLASS_PREFIX + memberText, 'classBody') ?? brokenStatement(memberText) }))!;
      return { part: found, base: m - CLASS_PREFIX.length };
    });

    // The first piece's chunk is re-used when its text is unchanged; for a class, so are the chunks of
    // the statements it held that are unchanged (a statement's analysis may name its class).
    const reusable = (copy: ChunkTree | undefined): copy is ChunkTree => copy !== undefined && copy.tree !== builder.tree && !kept?.has(copy);
    const headCopy = reusable(head.copy) ? head.copy : undefined;
    let firstCopy: ChunkTree;
    if (headCopy) builder.keep((firstCopy = headCopy), start);
    else {
      firstCopy = head.copy = builder.adopt(head.arrays, start);
      if (hosted) firstCopy.hostIndex = head.hostIndex!;
    }
    const host = hosted ? firstCopy : undefined;
    const pieces = body.map(({ part: p, base }) => {
      if (reusable(p.copy) && p.copy.host === host && (!hosted || headCopy)) {
        builder.keep(p.copy, base);
        return p.copy;
      }
      return (p.copy = builder.adopt(p.arrays, base));
    });
    if (host) builder.host(host, pieces);
    return { start, end, tree: undefined, copy: firstCopy, pieces, parts: this.live ? parts : undefined, layout: this.live ? { members: memberStarts(), raw: raw!, indent, isClass: hosted, readPast, recovered, closed } : undefined };
  }

  /**
   * The pieces of a class cut from one parse of it (see `cutClass`), when that parse has no syntax
   * error; `whole`, the class's nodes from a parse of the module, saves parsing it again.
   */
  private cutWhole(text: string, start: number, end: number, members: readonly number[], whole?: NodeArrays): ReturnType<typeof cutClass> {
    const first = members[0];
    const cut = (arrays: NodeArrays) => cutClass(arrays, members.map((m) => m - start), first + indentOf(text, first) - start, CLASS_PREFIX.length, this.parser.language);
    if (whole) return cut(whole);
    const tree = this.parser.parse(text.slice(start, end));
    try {
      return this.parser.hasError(tree) ? undefined : cut(copyArrays(this.parser, tree)!);
    } finally {
      tree.delete();
    }
  }

  private parseArrays(text: string, part: 'module' | 'classBody'): NodeArrays | undefined {
    const tree = this.parser.parse(text);
    try {
      return copyArrays(this.parser, tree, part);
    } finally {
      tree.delete();
    }
  }

  private release(chunks: readonly Chunk[]): void {
    for (const c of chunks) c.tree?.delete();
  }
}

/**
 * The index of the last chunk from `from` on that starts at or before `offset` (`from - 1` when none
 * does), found by halving: a notebook has thousands of chunks.
 */
function lastStartingBy(chunks: readonly Chunk[], offset: number, from: number): number {
  let lo = from - 1;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** An unchanged chunk, now at `[start, end)` (moved in place: the old list of chunks is dropped). */
function moved(chunk: Chunk, start: number, end: number): Chunk {
  const shift = start - chunk.start;
  if (shift !== 0 && chunk.layout) chunk.layout = shifted(chunk.layout, -Infinity, shift);
  if (chunk.reach !== undefined) chunk.reach += shift;
  chunk.start = start;
  chunk.end = end;
  return chunk;
}

/**
 * Whether the tokenizer (chunks.ts) reads the text after `edit` as before: the edit stays on one line,
 * after that line's first word (so the line's indentation and first word are as they were), and adds
 * or removes no quote, bracket, backslash, `#` or `:`.
 */
export function tokenNeutral(before: string, after: string, edit: TextSpan): boolean {
  if (TOKEN_CHANGING.test(before.slice(edit.start, edit.oldEnd)) || TOKEN_CHANGING.test(after.slice(edit.start, edit.newEnd))) return false;
  // Nor between two characters that read together. A backslash escapes the character after it, which
  // the edit changes; a quote before the edit starts a triple quote only with two quotes after it, so
  // only a quote after the edit can join or part three. A line break, a bracket or a `#` after the
  // edit reads as it did: typing at the end of a line, or before a bracket, is neutral. Nor after a
  // `{` (a second one makes `{{`, a brace in an f-string), nor before a string's prefix: a letter typed
  // there may make the string an f-string, or make it one no more.
  if (ESCAPING.test(before.charAt(edit.start - 1)) || QUOTE_OR_CR.test(before.slice(edit.oldEnd, edit.oldEnd + 3))) return false;
  const lineStart = before.lastIndexOf('\n', edit.start - 1) + 1;
  const firstWordEnd = before.slice(lineStart, edit.start).search(/\S\s/);
  return firstWordEnd !== -1;
}

/** What changes the scan's reading where it is typed or deleted: a `:` starts an f-string field's format spec. */
const TOKEN_CHANGING = /[\n\r"'\\#()[\]{}:]/;
/** What reads together with the character after it: a backslash escapes it, and `{{` is a brace in an f-string. */
const ESCAPING = /[\n\r\\{]/;
/** A quote, or a string prefix and its quote, or a carriage return. */
const QUOTE_OR_CR = /^(?:[rRbBuUfFtT]{0,2}["']|\r)/;

/** `layout` with what it holds from `from` on moved by `delta`. */
function shifted(layout: Layout, from: number, delta: number): Layout {
  const move = (m: number): number => (m >= from ? m + delta : m);
  return { ...layout, members: layout.members.map(move), raw: layout.raw.map(move), recovered: layout.recovered === undefined ? undefined : move(layout.recovered), closed: layout.closed === undefined ? undefined : move(layout.closed) };
}

/** The index of the last of the sorted `offsets` below `limit`, or -1. */
function lastBelow(offsets: readonly number[], limit: number): number {
  let lo = -1;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] < limit) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Keeps an unchanged chunk, now at `start`: for a large class, its header and its body's chunks. */
function keep(builder: SyntaxTreeBuilder, chunk: Chunk, start: number): void {
  const shift = start - chunk.start;
  builder.keep(chunk.copy, chunk.copy.base + shift);
  for (const g of chunk.pieces ?? []) builder.keep(g, g.base + shift);
}

/**
 * Where the statements of a class body start, when the chunk `[start, end)` is a class (decorated or
 * not) with its body on lines of their own; undefined otherwise.
 */
export function classMembers(text: string, start: number, end: number): number[] | undefined {
  const head = chunkHead(text, start, end);
  const first = head?.isClass ? firstBodyStatement(text, head.line, start, end) : undefined;
  return first && bodyStarts(text, start, end, first.indent).members;
}

/**
 * The line that heads the chunk `[start, end)`, after its decorators, and whether it is a class's.
 * Undefined for decorators of something else.
 */
function chunkHead(text: string, start: number, end: number): { line: number; isClass: boolean } | undefined {
  let line = start;
  while (text.charCodeAt(line) === 64 /* @ */ || (line > start && indentOf(text, line) > 0)) {
    const next = text.indexOf('\n', line);
    if (next === -1 || next >= end) return undefined;
    line = next + 1;
  }
  const isClass = /^class\b/.test(text.slice(line, line + 6));
  return isClass || line === start ? { line, isClass } : undefined;
}

/**
 * The first of the statements indented under the line at `line`, in `[start, end)`, and their
 * indentation: that of the first line after it that starts a statement (a line of a multi-line header
 * is inside brackets and does not). Undefined when there is none near.
 */
function firstBodyStatement(text: string, line: number, start: number, end: number): { at: number; indent: number; readPast: boolean } | undefined {
  let candidate = text.indexOf('\n', line) + 1;
  // Whether a scan read past a definition in a string (see `surelyBroken`), for this line or one turned
  // down before it: an edit anywhere in the chunk may then change which line it is.
  const reaches: number[] = [];
  for (let tries = 0; tries < 8 && candidate > 0 && candidate < end; tries++, candidate = text.indexOf('\n', candidate) + 1) {
    const indent = indentOf(text, candidate);
    if (indent > 0 && startsStatement(text, candidate + indent)) {
      // The line is the first statement at its indentation when a scan finds no other before it. (The scan
      // reads to the chunk's end: a string still open where it stopped short would seem never to close.)
      let found = -1;
      statementStarts(text, start, end, indent, [], (offset) => ((found = offset), true), reaches);
      if (found === candidate) return { at: candidate, indent, readPast: reaches.length > 0 };
    }
  }
  return undefined;
}

/**
 * Where the statements indented under a line start in `[start, end)`, at `indent` (see
 * `firstBodyStatement`): as the scan finds them, and the pieces they start. `reaches` and `state`:
 * as for `memberStarts`.
 */
function bodyStarts(text: string, start: number, end: number, indent: number, reaches?: number[], state?: ScanState): { members: number[]; raw: number[] } {
  const raw = scanMembers(text, start, end, indent, reaches, state).slice(1);
  return { members: withComments(text, raw, indent), raw };
}

/** The pieces that statements at `raw` start: a comment right above a statement, at its indentation, goes with it (as the whole class has it). */
function withComments(text: string, raw: readonly number[], indent: number): number[] {
  return raw.map((s, i) => (i === 0 ? s : withCommentsAbove(text, s, indent, raw[i - 1])));
}

/**
 * `at`, moved up to the first of the comment lines above it that have its indentation (blank lines
 * between them allowed), not above `floor`.
 */
function withCommentsAbove(text: string, at: number, indent: number, floor: number): number {
  let start = at;
  for (let line = at; line > floor; ) {
    const above = line >= 2 ? text.lastIndexOf('\n', line - 2) + 1 : 0;
    if (above < floor) break;
    const first = text.charCodeAt(above + indentOf(text, above));
    const blank = first === 10 || first === 13;
    if (!blank && (indentOf(text, above) !== indent || first !== 35 /* # */)) break;
    if (!blank) start = above;
    line = above;
  }
  return start;
}

/** A body statement whose parse is not a class body: one ERROR node over it, as for an error at top level. */
function brokenStatement(memberText: string): NodeArrays {
  const from = CLASS_PREFIX.length + indentOf(memberText, 0);
  return errorArrays(from, Math.max(from, CLASS_PREFIX.length + memberText.trimEnd().length));
}
