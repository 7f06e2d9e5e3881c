/**
 * Jupyter notebooks (nbformat 4) as one Python module: the code cells, with IPython magics and shell
 * lines masked, joined in order, plus the map from every offset back to its cell.
 */

export type CellKind = 'code' | 'markdown' | 'raw';

export interface NotebookOutput {
  outputType: string;
  /** For error outputs: the exception name and value. */
  ename?: string;
  evalue?: string;
}

export interface NotebookCell {
  kind: CellKind;
  source: string;
  executionCount: number | null;
  outputs: NotebookOutput[];
}

export interface Notebook {
  cells: NotebookCell[];
  /** The kernel's language, from the notebook metadata (`python` when absent). */
  language: string;
}

export class NotebookFormatError extends Error {}

/** Reads an `.ipynb` document. Throws NotebookFormatError with a message a user can act on. */
export function readNotebook(json: string): Notebook {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new NotebookFormatError(`not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(data)) throw new NotebookFormatError('the top level is not a JSON object');
  if (typeof data.nbformat === 'number' && data.nbformat < 4) {
    throw new NotebookFormatError(`nbformat ${data.nbformat} is not supported (save it as nbformat 4)`);
  }
  if (!Array.isArray(data.cells)) throw new NotebookFormatError('it has no "cells" array');
  const cells = data.cells.map((raw, index): NotebookCell => {
    if (!isObject(raw)) throw new NotebookFormatError(`cell ${index} is not an object`);
    const kind = raw.cell_type;
    if (kind !== 'code' && kind !== 'markdown' && kind !== 'raw') {
      throw new NotebookFormatError(`cell ${index} has an unknown cell_type ${JSON.stringify(kind)}`);
    }
    return {
      kind,
      source: joinSource(raw.source, index),
      executionCount: typeof raw.execution_count === 'number' ? raw.execution_count : null,
      outputs: Array.isArray(raw.outputs) ? raw.outputs.filter(isObject).map(readOutput) : [],
    };
  });
  const metadata = isObject(data.metadata) ? data.metadata : {};
  const languageInfo = isObject(metadata.language_info) ? metadata.language_info : {};
  const language = typeof languageInfo.name === 'string' ? languageInfo.name : 'python';
  return { cells, language };
}

function readOutput(raw: Record<string, unknown>): NotebookOutput {
  return {
    outputType: typeof raw.output_type === 'string' ? raw.output_type : 'unknown',
    ename: typeof raw.ename === 'string' ? raw.ename : undefined,
    evalue: typeof raw.evalue === 'string' ? raw.evalue : undefined,
  };
}

function joinSource(source: unknown, index: number): string {
  if (typeof source === 'string') return source;
  if (Array.isArray(source) && source.every((s) => typeof s === 'string')) return source.join('');
  if (source === undefined) return '';
  throw new NotebookFormatError(`cell ${index} has a "source" that is neither a string nor a list of strings`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where one code cell sits in the joined module. */
export interface CellSegment {
  /** Index among all cells of the notebook (markdown included). */
  cell: number;
  /** Offset and line of the cell's first character in the joined text. */
  start: number;
  line: number;
  length: number;
}

export class CellMap {
  constructor(readonly segments: CellSegment[]) {}

  /** The segment holding `offset`; an offset on a separator belongs to the cell before it. */
  segmentAt(offset: number): CellSegment | undefined {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo];
  }

  segmentOfCell(cell: number): CellSegment | undefined {
    return this.segments.find((s) => s.cell === cell);
  }
}

export interface NotebookModule {
  text: string;
  cells: CellMap;
}

/**
 * Joins the code cells (given as `[cellIndex, source]`) into one module. Magics are masked without
 * changing any offset, so an edit computed on the module maps to the same offsets in the cell.
 */
export function joinCells(codeCells: ReadonlyArray<readonly [number, string]>): NotebookModule {
  return joinMasked(codeCells.map(([cell, source]) => maskedCell(cell, source)));
}

/** A code cell ready to join: its magics masked, its lines counted. */
export interface MaskedCell {
  cell: number;
  masked: string;
  lines: number;
}

export function maskedCell(cell: number, source: string): MaskedCell {
  const masked = maskMagics(source);
  return { cell, masked, lines: countLines(masked) };
}

/** Joins masked cells (a live notebook masks only the cell that changed). */
export function joinMasked(cells: readonly MaskedCell[]): NotebookModule {
  const segments: CellSegment[] = [];
  const parts: string[] = [];
  let offset = 0;
  let line = 0;
  for (const { cell, masked, lines } of cells) {
    segments.push({ cell, start: offset, line, length: masked.length });
    parts.push(masked);
    offset += masked.length + 1;
    line += lines;
  }
  return { text: parts.join('\n'), cells: new CellMap(segments) };
}

export function notebookModule(notebook: Notebook): NotebookModule {
  const code: Array<[number, string]> = [];
  notebook.cells.forEach((c, i) => {
    if (c.kind === 'code') code.push([i, c.source]);
  });
  return joinCells(code);
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Cell magics whose body is still Python. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit']);
const LINE_MAGIC = /^(\s*)([%!?].*)$/;
const ASSIGNED_MAGIC = /^(\s*[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*)([%!].*)$/;
const HELP_SUFFIX = /^\s*[A-Za-z_][\w.]*\?\??\s*$/;
/** A line that may be one of the three above: starting with a magic character, assigning one, or ending in `?`. */
const MAYBE_MAGIC = /^[^\S\n]*[%!?]|=[^\S\n]*[%!]|\?[^\S\n]*$/m;

/**
 * Replaces IPython syntax by same-length Python: a magic or shell line becomes `0` padded with spaces
 * (an expression statement is valid at any indentation), `x = !ls` becomes `x = 0  `, and a cell magic
 * whose body is not Python blanks the whole cell.
 */
export function maskMagics(source: string): string {
  // Only a line one of the three expressions above reads can be masked: without one, nothing is.
  if (!MAYBE_MAGIC.test(source)) return source;
  const lines = source.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first !== -1) {
    const cellMagic = /^\s*%%(\w+)/.exec(lines[first]);
    if (cellMagic && !PYTHON_CELL_MAGICS.has(cellMagic[1])) return lines.map(blank).join('\n');
  }
  const open = new BracketTracker();
  return lines
    .map((line) => {
      // A line that continues an open bracket or string is Python (`% b` may be a modulo).
      if (open.isOpen()) {
        open.scan(line);
        return line;
      }
      // Masked text is not Python: its brackets do not count.
      const assigned = ASSIGNED_MAGIC.exec(line);
      if (assigned) return assigned[1] + pad('0', line.length - assigned[1].length);
      const magic = LINE_MAGIC.exec(line);
      if (magic) return magic[1] + pad('0', line.length - magic[1].length);
      if (HELP_SUFFIX.test(line)) return pad('0', line.length);
      open.scan(line);
      return line;
    })
    .join('\n');
}

function pad(head: string, length: number): string {
  return length <= 0 ? '' : head + ' '.repeat(Math.max(0, length - head.length));
}

function blank(line: string): string {
  return line.endsWith('\r') ? ' '.repeat(line.length - 1) + '\r' : ' '.repeat(line.length);
}

/** Tracks, line by line, whether a bracket or a triple-quoted string is still open. */
class BracketTracker {
  private depth = 0;
  private triple: string | null = null;

  isOpen(): boolean {
    return this.depth > 0 || this.triple !== null;
  }

  scan(line: string): void {
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (this.triple) {
        if (line.startsWith(this.triple, i)) {
          i += 2;
          this.triple = null;
        } else if (ch === '\\') i++;
        continue;
      }
      if (ch === '#') return;
      if (ch === '"' || ch === "'") {
        if (line.startsWith(ch.repeat(3), i)) {
          this.triple = ch.repeat(3);
          i += 2;
          continue;
        }
        for (i++; i < line.length && line[i] !== ch; i++) if (line[i] === '\\') i++;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') this.depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && this.depth > 0) this.depth--;
    }
  }
}

/**
 * Maps edits on the joined module back to per-cell edits, then returns each changed cell's new
 * source. Edits never cross a cell boundary (the separators belong to no cell); one that does is an error.
 */
export function cellSourcesAfterEdits(
  notebook: Notebook,
  module: NotebookModule,
  edits: ReadonlyArray<{ start: number; end: number; newText: string }>,
): Map<number, string> {
  const byCell = new Map<number, Array<{ start: number; end: number; newText: string }>>();
  for (const e of edits) {
    const seg = module.cells.segmentAt(e.start);
    if (!seg || e.end > seg.start + seg.length) throw new Error('an edit crosses a notebook cell boundary');
    const list = byCell.get(seg.cell) ?? [];
    const start = e.start - seg.start;
    const end = e.end - seg.start;
    // Fixes applied together may share an edit (one constant inserted for all): apply it once.
    if (list.some((x) => x.start === start && x.end === end && x.newText === e.newText)) continue;
    list.push({ start, end, newText: e.newText });
    byCell.set(seg.cell, list);
  }
  const out = new Map<number, string>();
  for (const [cell, list] of byCell) {
    list.sort((a, b) => a.start - b.start);
    const source = notebook.cells[cell].source;
    let text = '';
    let at = 0;
    for (const e of list) {
      text += source.slice(at, e.start) + e.newText;
      at = e.end;
    }
    out.set(cell, text + source.slice(at));
  }
  return out;
}

/** Replaces cell sources in notebook JSON, keeping every other field, the key order and the indentation. */
export function writeCellSources(json: string, sources: ReadonlyMap<number, string>): string {
  const data = JSON.parse(json) as { cells: Array<{ source: unknown }> };
  for (const [cell, source] of sources) {
    const asList = Array.isArray(data.cells[cell].source);
    data.cells[cell].source = asList ? splitLinesKeepEnds(source) : source;
  }
  const indent = /^\{\r?\n([ \t]+)"/.exec(json)?.[1] ?? (json.startsWith('{\n') ? 1 : 0);
  const eol = json.includes('\r\n') ? '\r\n' : '\n';
  let out = JSON.stringify(data, null, indent);
  if (eol === '\r\n') out = out.replace(/\n/g, '\r\n');
  return json.endsWith('\n') ? out + eol : out;
}

function splitLinesKeepEnds(text: string): string[] {
  return text === '' ? [] : (text.match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

/** Minimal nbformat 4 JSON for a notebook held in memory (an editor's cells), so file-level tools can run on it. */
export function notebookJson(notebook: Notebook): string {
  return JSON.stringify({
    cells: notebook.cells.map((c) => ({
      cell_type: c.kind,
      metadata: {},
      source: c.source,
      ...(c.kind === 'code' ? { execution_count: c.executionCount, outputs: [] } : {}),
    })),
    metadata: { language_info: { name: notebook.language } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}
