import type { Position } from './types';

/** Offsets of line starts, for offset ↔ position conversion in O(log lines). */
export class LineIndex {
  private readonly starts: Int32Array;

  constructor(
    readonly text: string,
    starts?: Int32Array,
  ) {
    if (starts) {
      this.starts = starts;
      return;
    }
    const found = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) found.push(i + 1);
    this.starts = Int32Array.from(found);
  }

  /**
   * The index of `text`, which differs from this one's text only where `start` to `oldEnd` became
   * `start` to `newEnd`: the lines around the change are found again, the others moved.
   */
  edited(text: string, span: { start: number; oldEnd: number; newEnd: number }): LineIndex {
    const delta = span.newEnd - span.oldEnd;
    const old = this.starts;
    // Lines starting up to the change's start stay; those in the old span go; the rest move.
    const keep = upperBound(old, span.start);
    const resume = upperBound(old, span.oldEnd);
    const added: number[] = [];
    for (let nl = text.indexOf('\n', span.start); nl !== -1 && nl < span.newEnd; nl = text.indexOf('\n', nl + 1)) added.push(nl + 1);
    const starts = new Int32Array(keep + added.length + old.length - resume);
    starts.set(old.subarray(0, keep));
    starts.set(added, keep);
    for (let i = resume, at = keep + added.length; i < old.length; i++, at++) starts[at] = old[i] + delta;
    return new LineIndex(text, starts);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[Math.min(Math.max(line, 0), this.starts.length - 1)];
  }

  /** End of the line's content, before its line break. */
  lineEnd(line: number): number {
    const next = line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.text.length;
    return next > 0 && this.text[next - 1] === '\r' && next - 1 >= this.lineStart(line) ? next - 1 : next;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }

  positionAt(offset: number): Position {
    // The last line starting at or before the offset (the first line for an offset before it).
    const line = Math.max(0, upperBound(this.starts, offset) - 1);
    return { line, column: offset - this.starts[line] };
  }

  offsetAt(position: Position): number {
    return Math.min(this.lineStart(position.line) + position.column, this.text.length);
  }
}

/** The number of `sorted` values that are at most `value`. */
function upperBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
