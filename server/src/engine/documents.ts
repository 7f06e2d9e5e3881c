import { analyze, AnalysisCache, type ActiveRule, type AnalysisResult } from './analyzer';
import { DEFAULT_MAX_FILE_SIZE, TOO_DEEP, tooLarge } from './engine';
import { joinMasked, maskedCell, type CellMap, type MaskedCell, type Notebook, type NotebookCell } from './notebook';
import { ChunkedModule, type TextSpan } from './chunkedModule';
import { LineIndex } from './lineIndex';
import type { SyntaxTree } from './mirror';
import type { PythonParser } from './parser';
import type { Position, Range } from './types';

/**
 * Open documents as the editor holds them: text, version and a syntax tree kept up to date by
 * incremental re-parsing. Nothing here knows the protocol; positions are engine positions.
 */

export interface TextChange {
  /** The replaced range in the text before this change; none means the whole text. */
  range?: Range;
  text: string;
}

/** Applies editor changes in order, each relative to the text the previous one left. */
export function applyChanges(text: string, changes: readonly TextChange[]): string {
  for (const c of changes) {
    if (!c.range) {
      text = c.text;
      continue;
    }
    const start = offsetAt(text, c.range.start);
    const end = offsetAt(text, c.range.end);
    text = text.slice(0, start) + c.text + text.slice(Math.max(start, end));
  }
  return text;
}

/**
 * Offset of a position, clamped to its line. With no index of the text's lines, walks line breaks up
 * to the line (cheaper than indexing the whole text for one position).
 */
function offsetAt(text: string, p: Position, lines?: LineIndex): number {
  let at = 0;
  if (lines) {
    if (p.line >= lines.lineCount) return text.length;
    at = lines.lineStart(p.line);
  } else {
    for (let line = 0; line < p.line; line++) {
      const nl = text.indexOf('\n', at);
      if (nl === -1) return text.length;
      at = nl + 1;
    }
  }
  const nl = text.indexOf('\n', at);
  return Math.min(at + p.column, nl === -1 ? text.length : nl);
}

/**
 * One analysable module with a live tree: a Python file, or a notebook's code cells joined. It is
 * parsed chunk by chunk; an edit re-parses the chunk it is in and copies it again.
 */
abstract class LiveModule {
  private module: ChunkedModule | undefined;
  private tooDeep = false;
  private readonly cache = new AnalysisCache();
  protected text = '';
  private forced: readonly number[] = [];

  constructor(protected readonly parser: PythonParser) {}

  get source(): string {
    return this.text;
  }

  /**
   * Replaces the module text, re-using what the edit did not reach. `forced`: where notebook cells
   * start; `sameLayout`: false when cells were added, removed or moved, which parses afresh.
   */
  protected reparse(next: string, forced: readonly number[] = [], sameLayout = true, span?: TextSpan): void {
    this.forced = forced;
    this.tooDeep = false;
    if (next.length > DEFAULT_MAX_FILE_SIZE) {
      // Too large to analyse: keep the text, parse nothing (the caller reports the skip).
      this.module?.dispose();
      this.module = undefined;
    } else {
      try {
        if (!this.module) {
          this.module = new ChunkedModule(this.parser, true);
          this.module.update(next, forced);
        } else if (next !== this.text || !sameLayout) {
          this.module.update(next, forced, sameLayout ? (span ?? changedSpan(this.text, next)) : undefined);
        }
      } catch (e) {
        // Nested too deeply for the stack: keep the text, parse nothing until an edit changes it.
        if (!(e instanceof RangeError)) throw e;
        this.module?.dispose();
        this.module = undefined;
        this.tooDeep = true;
      }
    }
    this.text = next;
  }

  /** Why the current text is not analysed: too large, or nested too deeply to parse (see `TOO_DEEP`). */
  get skipped(): string | undefined {
    return this.tooDeep ? TOO_DEEP : tooLarge(this.text.length);
  }

  /** The index of the current text's lines, when the tree has one (an oversized text has no tree). */
  lineIndex(): LineIndex | undefined {
    return this.module && this.module.source === this.text ? this.module.syntax().lines : undefined;
  }

  /** The JavaScript copy of the current tree. */
  syntax(): SyntaxTree {
    if (!this.module) {
      this.module = new ChunkedModule(this.parser, true);
      this.module.update(this.text, this.forced);
    }
    return this.module.syntax();
  }

  protected run(rules: readonly ActiveRule[], cells?: CellMap, notebook?: Notebook): AnalysisResult {
    if (this.tooDeep) return { findings: [], ruleErrors: [] };
    return analyze({ text: this.text, tree: this.syntax(), cells, notebook, cache: this.cache }, rules);
  }

  dispose(): void {
    this.module?.dispose();
    this.module = undefined;
    this.cache.clear();
  }
}

export class PythonDocument extends LiveModule {
  constructor(parser: PythonParser, text: string, public version: number) {
    super(parser);
    this.reparse(text);
  }

  update(changes: readonly TextChange[], version: number): void {
    // One ranged change (typing) says where the text changed; otherwise compare the texts.
    const only = changes.length === 1 ? changes[0] : undefined;
    if (only?.range) {
      // Found through the tree's line index (kept up to date edit by edit), not by counting lines.
      const lines = this.lineIndex();
      const start = offsetAt(this.text, only.range.start, lines);
      const oldEnd = Math.max(start, offsetAt(this.text, only.range.end, lines));
      this.reparse(this.text.slice(0, start) + only.text + this.text.slice(oldEnd), [], true, { start, oldEnd, newEnd: start + only.text.length });
    } else {
      this.reparse(applyChanges(this.text, changes));
    }
    this.version = version;
  }

  analyze(rules: readonly ActiveRule[]): AnalysisResult {
    return this.run(rules);
  }
}

export interface LiveCell {
  /** The editor's identity for the cell (its document URI). */
  id: string;
  kind: 'code' | 'markdown';
  text: string;
  version: number;
  executionOrder: number | null;
  /** Whether the last run failed (the editor's execution summary). */
  failed?: boolean;
}

/**
 * A notebook open in the editor. Cells change one by one; the joined module is rebuilt from
 * them and re-parsed incrementally over the span that changed.
 */
export class NotebookDocument extends LiveModule {
  private cells: LiveCell[] = [];
  private map: CellMap | undefined;
  private masked = new Map<string, { text: string; cell: MaskedCell }>();
  /** The code cells as analysed (magics masked), in order. */
  private code: MaskedCell[] = [];
  /** The cells whose text changed since `takeEdited` was last called. */
  private edited = new Set<string>();

  constructor(parser: PythonParser, cells: LiveCell[], public version: number) {
    super(parser);
    this.setCells(cells);
  }

  get cellList(): readonly LiveCell[] {
    return this.cells;
  }

  cell(id: string): LiveCell | undefined {
    return this.cells.find((c) => c.id === id);
  }

  /** Replaces the cell list (cells added, removed, moved, or their metadata changed). */
  setCells(cells: LiveCell[]): void {
    this.cells = cells;
    this.rebuild(false);
  }

  updateCell(id: string, changes: readonly TextChange[], version: number): void {
    const cell = this.cell(id);
    if (!cell) return;
    cell.text = applyChanges(cell.text, changes);
    cell.version = version;
    this.edited.add(id);
    this.rebuild();
  }

  /** The cells whose text changed since the last call (the editor asks again for their diagnostics itself). */
  takeEdited(): ReadonlySet<string> {
    const edited = this.edited;
    this.edited = new Set();
    return edited;
  }

  get cellMap(): CellMap {
    if (!this.map) this.rebuild();
    return this.map!;
  }

  /** The notebook as the rules see it (cells with execution order; no outputs from the editor). */
  asNotebook(): Notebook {
    return {
      language: 'python',
      cells: this.cells.map((c): NotebookCell => {
        // The cells a keystroke did not change are the objects of the last analysis.
        const known = notebookCells.get(c);
        if (known && known.source === c.text && known.executionCount === c.executionOrder && known.kind === c.kind && known.outputs.length === (c.failed ? 1 : 0)) return known;
        const cell: NotebookCell = { kind: c.kind, source: c.text, executionCount: c.executionOrder, outputs: c.failed ? [{ outputType: 'error' }] : [] };
        notebookCells.set(c, cell);
        return cell;
      }),
    };
  }

  analyze(rules: readonly ActiveRule[]): AnalysisResult {
    return this.run(rules, this.cellMap, this.asNotebook());
  }

  /** The line index of a code cell as analysed, kept while the cell's text is unchanged. */
  cellLineIndex(cell: number): LineIndex | undefined {
    const masked = this.code.find((c) => c.cell === cell);
    if (!masked) return undefined;
    let index = cellLineIndexes.get(masked);
    if (!index) cellLineIndexes.set(masked, (index = new LineIndex(masked.masked)));
    return index;
  }

  /** `sameLayout`: only a cell's text changed, so the chunks away from the change are kept. */
  private rebuild(sameLayout = true): void {
    const code: MaskedCell[] = [];
    // A cell's edit keeps the cells, and so the keys of the map: it is updated in place.
    const masked = sameLayout ? this.masked : new Map<string, { text: string; cell: MaskedCell }>();
    // Where the module changed, when only one cell did: found within that cell, not the whole module.
    let span: TextSpan | undefined;
    let changed = 0;
    let offset = 0;
    this.cells.forEach((c, i) => {
      if (c.kind !== 'code') return;
      // Masking magics reads the whole cell: a cell whose text did not change keeps its masked copy.
      const known = this.masked.get(c.id);
      const cell = known && known.text === c.text ? (known.cell.cell === i ? known.cell : { ...known.cell, cell: i }) : maskedCell(i, c.text);
      if (known && cell.masked !== known.cell.masked) {
        changed++;
        const inCell = changedSpan(known.cell.masked, cell.masked);
        span = { start: offset + inCell.start, oldEnd: offset + inCell.oldEnd, newEnd: offset + inCell.newEnd };
      }
      if (known?.text !== c.text || known.cell !== cell) masked.set(c.id, { text: c.text, cell });
      code.push(cell);
      offset += (known?.cell.masked.length ?? cell.masked.length) + 1;
    });
    this.masked = masked;
    this.code = code;
    const module = joinMasked(code);
    this.map = module.cells;
    this.reparse(module.text, module.cells.segments.map((c) => c.start), sameLayout, changed === 1 ? span : undefined);
  }
}

/** What the rules see of a live cell, as last made for it. */
const notebookCells = new WeakMap<LiveCell, NotebookCell>();

/** Line indexes of masked cells: a cell whose text did not change keeps its masked copy, and so its index. */
const cellLineIndexes = new WeakMap<MaskedCell, LineIndex>();

/** The one span where two texts differ: common prefix and suffix trimmed. */
export function changedSpan(before: string, after: string): TextSpan {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let oldEnd = before.length;
  let newEnd = after.length;
  while (oldEnd > start && newEnd > start && before.charCodeAt(oldEnd - 1) === after.charCodeAt(newEnd - 1)) {
    oldEnd--;
    newEnd--;
  }
  return { start, oldEnd, newEnd };
}
