import type { Fix, TextEdit } from './types';

export interface FixOutcome {
  text: string;
  applied: Fix[];
  /** Fixes left out because their edits overlapped an applied fix; a new pass may apply them. */
  deferred: Fix[];
}

/**
 * Applies as many fixes as can go together: a fix whose edits overlap an edit already taken is
 * deferred, unless the two edits are identical (two fixes inserting the same constant).
 */
export function applyFixes(text: string, fixes: readonly Fix[]): FixOutcome {
  const taken: TextEdit[] = [];
  const applied: Fix[] = [];
  const deferred: Fix[] = [];
  for (const fix of fixes) {
    const fresh = fix.edits.filter((e) => !taken.some((t) => sameEdit(t, e)));
    if (fresh.some((e) => taken.some((t) => overlaps(t, e))) || overlapsItself(fresh)) {
      deferred.push(fix);
      continue;
    }
    taken.push(...fresh);
    applied.push(fix);
  }
  return { text: applyEdits(text, taken), applied, deferred };
}

/** Applies non-overlapping edits (offsets into the original text). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  return out + text.slice(at);
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}

/**
 * Overlapping ranges conflict; an insertion strictly inside a replaced range does too. Insertions
 * at one offset do not: they go in fix order (two constants inserted after the imports, two
 * arguments appended to one call).
 */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return false;
  return a.start < b.end && b.start < a.end || (a.start === a.end && a.start > b.start && a.start < b.end) || (b.start === b.end && b.start > a.start && b.start < a.end);
}

function overlapsItself(edits: readonly TextEdit[]): boolean {
  return edits.some((e, i) => edits.some((f, j) => j > i && overlaps(e, f)));
}
