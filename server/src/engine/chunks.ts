/**
 * Where a module splits into top-level chunks that tree-sitter can parse one by one: a chunk starts
 * on a line that begins, in column 0, a new top-level statement. Parsing chunk by chunk gives the
 * same tree as parsing the whole module when the code is valid, and keeps a syntax error (an
 * unclosed bracket typed a moment ago) inside its own chunk, so an edit re-parses one chunk however
 * broken the rest of the file is.
 *
 * The split follows Python's tokenizer only as far as it must: brackets, strings (triple-quoted
 * ones span lines), comments and backslash continuations. A line in column 0 does not start a
 * chunk inside brackets or a string, after a backslash, when it continues a compound statement
 * (`else`, `elif`, `except`, `finally`), or when it follows a decorator. Inside unclosed brackets a
 * `def` or `class` in column 0 starts a chunk anyway, as no expression can hold one: that is where
 * tree-sitter would recover too.
 */

const NEWLINE = 10;
const CARRIAGE = 13;
const SPACE = 32;
const TAB = 9;
const FORM_FEED = 12;
const HASH = 35;
const BACKSLASH = 92;
const AT = 64;
const QUOTE = 34;
const APOSTROPHE = 39;

const CONTINUATIONS = ['else', 'elif', 'except', 'finally'];
const RECOVERY = ['def', 'class', 'async'];

/**
 * The offsets at which chunks start, from `from` (itself a chunk start) onwards; the first is
 * `from`. `forced` offsets (sorted; notebook cells) always start a chunk, whatever came before.
 * `stop(offset)` may end the scan early at a chunk start: the caller knows the rest.
 */
export function chunkStarts(text: string, from = 0, forced: readonly number[] = [], stop?: (offset: number) => boolean): number[] {
  return statementStarts(text, from, text.length, 0, forced, stop);
}

/**
 * The offsets in `[from, end)` where a statement starts at `indent` columns (after `from`, which is
 * one), by the same reading as `chunkStarts`: the members of a class body, for one.
 */
export function statementStarts(text: string, from: number, end: number, indent: number, forced: readonly number[] = [], stop?: (offset: number) => boolean): number[] {
  const starts = [from];
  let depth = 0;
  /** The quote of the string the scan is in (0 when in none), and whether it is triple. */
  let quote = 0;
  let triple = false;
  let afterDecorator = indent === 0 && text.charCodeAt(from) === AT;
  let nextForced = 0;
  while (nextForced < forced.length && forced[nextForced] <= from) nextForced++;

  let i = from;
  // A line start is looked at when reached after a line break that no backslash escaped.
  let lineStart = false;
  while (i < end) {
    if (lineStart) {
      lineStart = false;
      let start = false;
      if (nextForced < forced.length && forced[nextForced] === i) {
        // A cell starts afresh, as a scan from it would: a decorator in its first line joins the next.
        nextForced++;
        depth = 0;
        quote = 0;
        afterDecorator = indent === 0 && text.charCodeAt(i) === AT;
        start = true;
      } else if (quote === 0 && indentOf(text, i) === indent && startsStatement(text, i + indent)) {
        const at = i + indent;
        if (depth === 0) start = !afterDecorator && !startsWithWord(text, at, CONTINUATIONS);
        else if (startsWithWord(text, at, RECOVERY)) {
          depth = 0;
          start = !afterDecorator;
        }
        if (depth === 0) afterDecorator = text.charCodeAt(at) === AT;
      }
      if (start) {
        if (stop?.(i)) return starts;
        starts.push(i);
      }
    }
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      // A string in single quotes ends with its line (unclosed, it is a syntax error).
      if (!triple) quote = 0;
      lineStart = true;
      i++;
      continue;
    }
    if (c === BACKSLASH) {
      // Escapes the next character: in a string, a quote; anywhere, a line break, which joins the lines.
      i += text.charCodeAt(i + 1) === CARRIAGE && text.charCodeAt(i + 2) === NEWLINE ? 3 : 2;
      // A cell boundary is a boundary even after a backslash.
      if (nextForced < forced.length && forced[nextForced] === i) lineStart = true;
      continue;
    }
    if (quote !== 0) {
      if (c === quote && (!triple || (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote))) {
        i += triple ? 3 : 1;
        quote = 0;
        triple = false;
        continue;
      }
      i++;
      continue;
    }
    switch (c) {
      case HASH: {
        const nl = text.indexOf('\n', i);
        i = nl === -1 ? end : nl;
        continue;
      }
      case QUOTE:
      case APOSTROPHE:
        quote = c;
        triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
        i += triple ? 3 : 1;
        continue;
      case 40: // (
      case 91: // [
      case 123: // {
        depth++;
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        break;
    }
    i++;
  }
  return starts;
}

/** The number of spaces and tabs a line starts with. */
export function indentOf(text: string, at: number): number {
  let i = at;
  for (let c = text.charCodeAt(i); c === SPACE || c === TAB; c = text.charCodeAt(++i));
  return i - at;
}

/** Whether the text at `at` (a line's first character after its indentation) is neither blank nor a comment. */
export function startsStatement(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c !== SPACE && c !== TAB && c !== FORM_FEED && c !== NEWLINE && c !== CARRIAGE && c !== HASH;
}

function startsWithWord(text: string, at: number, words: readonly string[]): boolean {
  for (const w of words) {
    if (text.startsWith(w, at) && !isIdentifierChar(text.charCodeAt(at + w.length))) return true;
  }
  return false;
}

function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
