import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { LineIndex } from './engine/lineIndex';
import type { CellMap } from './engine/notebook';
import type { Finding, Severity, TextEdit as EngineEdit } from './engine/types';
import { ruleDocUrl } from './version';

/** Engine shapes to protocol shapes. */

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries so a code action needs no server-side cache. */
export interface DiagnosticData {
  id: string;
  category: string;
  fingerprint: string;
  /** For a closed notebook (whose diagnostics sit on the file), the cell index. */
  cell?: number;
  /** The document (or notebook) version the fixes were computed for. */
  version: number;
  fixes: Array<{ title: string; safety: 'safe' | 'unsafe'; edits: LocatedEdit[] }>;
}

/** An edit with the document it applies to: a notebook fix may touch another cell (a constant in the first). */
export interface LocatedEdit extends TextEdit {
  uri: string;
}

/**
 * Converts engine offsets to positions in one document: a Python file (whole text) or one cell
 * of a notebook (its slice of the joined module).
 */
export class PositionMapper {
  private readonly cellIndexes = new Map<number, LineIndex>();

  private readonly cells?: CellMap;
  private lines?: LineIndex;
  private readonly cellLines?: (cell: number) => LineIndex | undefined;

  constructor(
    private readonly text: string,
    /** The URI of the file, or of each cell by its index among all cells. */
    private readonly uriOf: (cell: number | undefined) => string,
    /**
     * `cells`: where each cell sits in a notebook's text. `lines`, `cellLines`: the line indexes of the
     * text and of each cell, where the caller keeps them (else made when first needed).
     */
    known: { cells?: CellMap; lines?: LineIndex; cellLines?: (cell: number) => LineIndex | undefined } = {},
  ) {
    ({ cells: this.cells, lines: this.lines, cellLines: this.cellLines } = known);
  }

  private get whole(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }

  /** The cell holding an offset (undefined for a plain file). */
  cellAt(offset: number): number | undefined {
    return this.cells?.segmentAt(offset)?.cell;
  }

  range(start: number, end: number): Range {
    if (!this.cells) return { start: toPosition(this.whole.positionAt(start)), end: toPosition(this.whole.positionAt(end)) };
    const seg = this.cells.segmentAt(start);
    if (!seg) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    let index = this.cellIndexes.get(seg.cell);
    if (!index) {
      index = this.cellLines?.(seg.cell) ?? new LineIndex(this.text.slice(seg.start, seg.start + seg.length));
      this.cellIndexes.set(seg.cell, index);
    }
    const local = (o: number) => toPosition(index.positionAt(Math.min(Math.max(o - seg.start, 0), seg.length)));
    return { start: local(start), end: local(end) };
  }

  edit(e: EngineEdit): LocatedEdit {
    return { uri: this.uriOf(this.cellAt(e.start)), range: this.range(e.start, e.end), newText: e.newText };
  }
}

function toPosition(p: { line: number; column: number }) {
  return { line: p.line, character: p.column };
}

export function toDiagnostic(f: Finding, version: number, mapper: PositionMapper): Diagnostic {
  const data: DiagnosticData = {
    id: f.ruleId,
    category: f.category,
    fingerprint: f.fingerprint,
    version,
    fixes: f.fixes.map((x) => ({ title: x.title, safety: x.safety, edits: x.edits.map((e) => mapper.edit(e)) })),
  };
  const tags = f.tag === 'unnecessary' ? [DiagnosticTag.Unnecessary] : f.tag === 'deprecated' ? [DiagnosticTag.Deprecated] : [];
  return {
    range: { start: { line: f.range.start.line, character: f.range.start.column }, end: { line: f.range.end.line, character: f.range.end.column } },
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    source: 'mldebt',
    message: `${f.message} (${f.ruleId})`,
    tags: tags.length ? tags : undefined,
    data,
  };
}

export function isDiagnosticData(value: unknown): value is DiagnosticData {
  const v = value as DiagnosticData | undefined;
  return typeof v?.id === 'string' && typeof v.version === 'number' && Array.isArray(v.fixes);
}
