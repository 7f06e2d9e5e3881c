/**
 * Where a module splits into top-level chunks that tree-sitter can parse one by one: a chunk starts
 * on a line that begins, in column 0, a new top-level statement, and takes the statements after it
 * that are not definitions (see `GROUP_LINES`). Parsing chunk by chunk gives the
 * same tree as parsing the whole module when the code is valid, and keeps a syntax error (an
 * unclosed bracket typed a moment ago) inside its own chunk, so an edit re-parses one chunk however
 * broken the rest of the file is.
 *
 * The split follows Python's tokenizer only as far as it must: brackets, strings (triple-quoted
 * ones span lines, and so does an f-string's replacement field since Python 3.12), comments and
 * backslash continuations. A line in column 0 does not start a
 * chunk inside brackets or a string, after a backslash, when it continues a compound statement
 * (`else`, `elif`, `except`, `finally`), or when it follows a decorator. Inside unclosed brackets a
 * `def` or `class` in column 0 starts a chunk anyway, as no expression can hold one: that is where
 * tree-sitter would recover too.
 *
 * A triple-quoted string may hold such a line (a template of code), so it ends there only where the
 * file is surely broken: where reading it on, as tree-sitter would, meets a syntax error before the
 * statement the string is in ends (see `surelyBroken`). That is a quote typed into a docstring's
 * `"""`, or a docstring being opened: every string after it is read inside out, and without that
 * ending every keystroke there would parse the rest of the class or the file again.
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
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const COLON = 58;
/** The "quote" of a replacement field's format spec, read as the text of a string that a `}` ends. */
const SPEC = -1;

const CONTINUATIONS = ['else', 'elif', 'except', 'finally'];
/** What does not join the chunk before it (see `joins`). */
const RECOVERY = ['def', 'class', 'async'];
/** What a statement that opens a block starts with (see `opensBlock`, which counts a decorator too). */
const COMPOUND = ['def', 'class', 'async', 'if', 'for', 'while', 'with', 'try', 'match'];

/**
 * A definition (`def`, `async def`) starts a chunk, which takes the statements after it that are not
 * definitions, up to this many lines from its start: fewer chunks cost a live document less to keep
 * between keystrokes than one per statement (a notebook of 300 cells has a thousand), and an edit
 * still re-parses about as much. A class, or a decorated definition, is a chunk alone (a large class
 * is parsed in pieces: see chunkedModule.ts), and so is what starts in the file's first two lines,
 * which an analysis reads differently. Where a chunk starts depends only on the text near it, so
 * that the scan after an edit soon finds the chunks it found before (see `ChunkedModule.edited`).
 */
const GROUP_LINES = 40;

/**
 * The offsets at which chunks start, from `from` (itself a chunk start) onwards; the first is
 * `from`. `forced` offsets (sorted; notebook cells) always start a chunk, whatever came before.
 * `stop(offset)` may end the scan early at a chunk start: the caller knows the rest. `reaches`, when
 * given, gets for a chunk (at its index in the result) in which the scan read on past a definition in
 * a triple-quoted string (see `surelyBroken`) how far it read: an edit up to there, though it may be
 * chunks later, may move the chunks after it.
 */
export function chunkStarts(text: string, from = 0, forced: readonly number[] = [], stop?: (offset: number) => boolean, reaches?: number[]): number[] {
  return scan(text, from, text.length, 0, forced, stop, GROUP_LINES, reaches);
}

/** Where each top-level statement starts, by the reading `chunkStarts` groups. */
export function topLevelStarts(text: string, from = 0, forced: readonly number[] = []): number[] {
  return statementStarts(text, from, text.length, 0, forced);
}

/**
 * The offsets in `[from, end)` where a statement starts at `indent` columns (after `from`, which is
 * one), by the same reading as `chunkStarts`: the members of a class body, for one.
 */
export function statementStarts(text: string, from: number, end: number, indent: number, forced: readonly number[] = [], stop?: (offset: number) => boolean, reaches?: number[]): number[] {
  return scan(text, from, end, indent, forced, stop, 0, reaches);
}

/**
 * Where the pieces of a class body start in `[from, end)` (`from` is the class): its statements at
 * `indent` columns, grouped as `chunkStarts` groups top-level statements. `reaches` and `stop`: as
 * for `chunkStarts`; `state`: see `ScanState`.
 */
export function memberStarts(text: string, from: number, end: number, indent: number, reaches?: number[], state?: ScanState, stop?: (offset: number) => boolean): number[] {
  return scan(text, from, end, indent, [], stop, GROUP_LINES, reaches, state);
}

/** How a scan starts, and what it tells about what it read. */
export interface ScanState {
  /** The scan starts at a statement of a class body after its first (a piece start), not at the class. */
  inBody?: boolean;
  /**
   * Set to where the scan first read a string otherwise than Python would, at a definition at its
   * indentation: it ended there a replacement field left open, or the string (see `surelyBroken`). A
   * scan at another indentation (the module's, or a class body's) would not have.
   */
  recovered?: number;
  /** Set to where the scan first closed brackets left open, at a definition at its indentation. */
  closed?: number;
}

/** Where a file's third line starts (its end when it has fewer lines). */
export function headerEnd(text: string): number {
  const second = text.indexOf('\n', text.indexOf('\n') + 1);
  return second === -1 ? text.length : second + 1;
}

/** `group`: statements grouped as `GROUP_LINES` says, up to that many lines (0: one start per statement). */
function scan(text: string, from: number, end: number, indent: number, forced: readonly number[], stop: ((offset: number) => boolean) | undefined, group: number, reaches?: number[], state?: ScanState): number[] {
  const starts = [from];
  let depth = 0;
  /** The quote of the string the scan is in (0 when in none), and whether it is triple. */
  let quote = 0;
  let triple = false;
  // Where the string the scan is in opened (outside any other), and the last such string the scan
  // looked past for a syntax error, and what it found: whether the string ends at a definition in it.
  let opened = -1;
  let decided = -2;
  let endsAtDefinition = false;
  // Whether that string is an f-string (or a t-string), and how deep the scan is in one of its
  // replacement fields (0: in its text; 1: just inside the field's brace, and so on for the brackets
  // opened in it). A field holds code, strings included: `outer` keeps the strings around such a
  // string, four numbers each (quote, triple, formatted, field). A field's format spec (after a `:`
  // in it, outside brackets) is read as a string of its own, whose "quote" is SPEC: text, where a `#`
  // or a quote is a character, a `{` opens a nested field, and the `}` of the field ends it.
  let formatted = false;
  let field = 0;
  // (No closure may reset these: the scan's variables would live on the heap, and it would run at half speed.)
  const outer: number[] = [];
  const inBody = state?.inBody === true;
  let afterDecorator = (indent === 0 || inBody) && text.charCodeAt(from + (inBody ? indent : 0)) === AT;
  let nextForced = 0;
  while (nextForced < forced.length && forced[nextForced] <= from) nextForced++;

  // For grouping: lines since `from`, and the line, offset and kind of the last chunk start.
  let line = 0;
  let startLine = 0;
  let startAt = from;
  // (Only at the top level: a class's statements are all parsed as its body.)
  const top = group > 0 && indent === 0;
  let afterAlone = top && standsAlone(text, from);
  // Whether the statement the scan is in opens a block; whether, opening none, it has statements indented under it.
  let compound = top && opensBlock(text, from);
  let nestedSimple = false;
  const header = top ? headerEnd(text) : 0;

  let i = from;
  // A line start is looked at when reached after a line break that no backslash escaped.
  let lineStart = false;
  while (i < end) {
    if (lineStart) {
      lineStart = false;
      let start = false;
      let grouped = false;
      if (nextForced < forced.length && forced[nextForced] === i) {
        // A cell starts afresh, as a scan from it would: a decorator in its first line joins the next.
        nextForced++;
        depth = 0;
        quote = field = outer.length = 0;
        triple = formatted = false;
        afterDecorator = indent === 0 && text.charCodeAt(i) === AT;
        start = true;
      } else if (quote === 0) {
        const lead = indentOf(text, i);
        if (lead === indent && startsStatement(text, i + indent)) {
          const at = i + indent;
          if (depth === 0) start = grouped = !afterDecorator && !startsWithWord(text, at, CONTINUATIONS) && !afterContinuedBlank(text, i, from);
          else if (startsDefinitionWord(text, at)) {
            depth = 0;
            start = !afterDecorator && !afterContinuedBlank(text, i, from);
            if (state && state.closed === undefined) state.closed = i;
          }
          if (depth === 0) afterDecorator = text.charCodeAt(at) === AT;
        } else if (top && lead > 0 && depth === 0 && !compound && startsStatement(text, i + lead)) {
          // Indented under a statement that opens no block (a line typed in column 0 inside a class):
          // what follows is not grouped with it (see `ChunkedModule.split`).
          nestedSimple = true;
        }
      } else if (field > 0 && indentOf(text, i) === indent && startsDefinitionWord(text, i + indent)) {
        // No replacement field holds a definition: an unclosed one ends there, as an unclosed bracket does.
        quote = field = outer.length = 0;
        triple = formatted = false;
        depth = 0;
        start = !afterDecorator;
        afterDecorator = false;
        if (state && state.recovered === undefined) state.recovered = i;
      } else if (triple && field === 0 && outer.length === 0 && !formatted && indentOf(text, i) === indent && startsDefinition(text, i + indent)) {
        // A definition in a triple-quoted string: where the file is surely broken, the string ends there.
        if (decided !== opened) {
          decided = opened;
          const limit = nextForced < forced.length && forced[nextForced] < end ? forced[nextForced] : end;
          const found = surelyBroken(text, i, limit, indent, depth, quote);
          endsAtDefinition = found >= 0;
          if (reaches) reaches[starts.length - 1] = Math.max(reaches[starts.length - 1] ?? 0, found >= 0 ? found : ~found);
        }
        if (endsAtDefinition) {
          quote = field = outer.length = 0;
          triple = formatted = false;
          depth = 0;
          start = !afterDecorator;
          afterDecorator = text.charCodeAt(i + indent) === AT;
          if (state && state.recovered === undefined) state.recovered = i;
        }
      }
      // A statement joins the chunk before it unless it is a definition or a class (which start one), that
      // chunk is long enough or stands alone, or the statement is the first after the file's first two lines.
      // (In a class, `from` is its header, unless the scan starts in its body: the first statement of its body starts the first piece.)
      if (start && grouped && group > 0 && joins(text, i + indent) && line - startLine < group && (top ? !(afterAlone || nestedSimple || (startAt < header && i >= header)) : starts.length > 1 || inBody)) start = false;
      if (top && (grouped || start)) {
        compound = opensBlock(text, i);
        nestedSimple = false;
      }
      if (start) {
        if (stop?.(i)) return starts;
        starts.push(i);
        startLine = line;
        startAt = i;
        afterAlone = top && standsAlone(text, i);
      }
    }
    // Past what reads as it reads anywhere (most of the text): names, numbers, spaces, operators in
    // code; a string's text. (A format spec's text is read a character at a time.)
    if (quote === 0 || field > 0) i = skip(text, i, end, IN_CODE);
    else if (quote !== SPEC) i = skip(text, i, end, IN_STRING);
    if (i >= end) break;
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      // A string in single quotes ends with its line (unclosed, it is a syntax error), unless the line
      // ends in a replacement field.
      if (quote !== 0 && field === 0 && !triple) {
        quote = field = outer.length = 0;
        triple = formatted = false;
      }
      lineStart = true;
      line++;
      i++;
      continue;
    }
    if (c === BACKSLASH) {
      // In an f-string's text a backslash does not escape a brace: `\{` opens a field.
      if (formatted && field === 0 && text.charCodeAt(i + 1) === OPEN_BRACE) {
        i++;
        continue;
      }
      // Escapes the next character: in a string, a quote; anywhere, a line break, which joins the lines.
      const next = text.charCodeAt(i + 1);
      if (next === NEWLINE || (next === CARRIAGE && text.charCodeAt(i + 2) === NEWLINE)) line++;
      i += text.charCodeAt(i + 1) === CARRIAGE && text.charCodeAt(i + 2) === NEWLINE ? 3 : 2;
      // A cell boundary is a boundary even after a backslash.
      if (nextForced < forced.length && forced[nextForced] === i) lineStart = true;
      continue;
    }
    if (quote !== 0 && field === 0) {
      const spec = quote === SPEC;
      if (spec && c === outer[outer.length - 4] && (outer[outer.length - 3] === 0 || (text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c))) {
        // The f-string's own quote ends a spec that no `}` closed, and the string with it (read next).
        triple = outer[outer.length - 3] === 1;
        outer.length -= 4;
        quote = c;
        formatted = true;
        field = 0;
        continue;
      }
      if (spec ? c === CLOSE_BRACE : c === quote && (!triple || (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote))) {
        i += triple && !spec ? 3 : 1;
        if (outer.length > 0) {
          field = outer.pop()!;
          formatted = outer.pop() === 1;
          triple = outer.pop() === 1;
          quote = outer.pop()!;
          // The `}` that ends a spec ends its field too.
          if (spec) field--;
        } else {
          quote = field = outer.length = 0;
          triple = formatted = false;
        }
        continue;
      }
      if (formatted && c === OPEN_BRACE) {
        // `{{` is a brace (not in a spec, where `{` opens a nested field); `{` opens a replacement field.
        if (!spec && text.charCodeAt(i + 1) === OPEN_BRACE) i += 2;
        else {
          field = 1;
          i++;
        }
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
      case COLON:
        // A format spec, unless the colon is inside brackets in the field (`:=` too: a walrus needs them).
        if (field === 1) {
          outer.push(quote, triple ? 1 : 0, formatted ? 1 : 0, field);
          quote = SPEC;
          formatted = true;
          field = 0;
        }
        break;
      case QUOTE:
      case APOSTROPHE:
        if (quote !== 0) outer.push(quote, triple ? 1 : 0, formatted ? 1 : 0, field);
        else opened = i;
        quote = c;
        triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
        formatted = isFormatted(text, i);
        field = 0;
        i += triple ? 3 : 1;
        continue;
      case 40: // (
      case 91: // [
      case 123: // {
        if (field > 0) field++;
        else depth++;
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        // In a replacement field, the bracket that closes its brace takes the scan back to the string's text.
        if (field > 0) field--;
        else if (depth > 0) depth--;
        break;
    }
    i++;
  }
  return starts;
}

/**
 * Whether the text from `at`, a line start inside a triple-quoted string (its quote `quote`, at bracket
 * depth `depth`), read as tree-sitter reads it, surely has a syntax error before the statement the
 * string is in ends (at the next line that starts a statement at `indent` columns or fewer, outside
 * brackets) or at `limit` (where the text the scan reads ends: its chunk's, or a notebook cell's):
 * the string never ends; or, after it, a string in single quotes meets a line break; or a definition
 * comes inside brackets; or two operands follow one another (a name, a string or a closing bracket,
 * then a name that is no keyword), which is what prose read as code gives. Returns how far it read
 * (to the end of the line it decided on): that offset where it found an error, `~` of it where it
 * found none or stopped unsure (at an f-string, whose fields it does not follow).
 */
export function surelyBroken(text: string, at: number, limit: number, indent: number, depth: number, quote: number): number {
  let i = at;
  // The rest of the string.
  for (;;) {
    if (i >= limit) return limit;
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 2;
    else if (c === quote && text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) break;
    else i++;
  }
  i += 3;
  let operand = true;
  let lineStart = false;
  while (i < limit) {
    if (lineStart) {
      lineStart = false;
      const lead = indentOf(text, i);
      const first = i + lead;
      if (lead <= indent && startsStatement(text, first)) {
        if (depth === 0) return ~pastLine(text, first, limit);
        if (startsDefinitionWord(text, first)) return pastLine(text, first, limit);
      }
      i = first;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      if (depth === 0) operand = false;
      lineStart = true;
      i++;
    } else if (c === SPACE || c === TAB || c === FORM_FEED || c === CARRIAGE) {
      i++;
    } else if (c === HASH) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 || nl > limit ? limit : nl;
    } else if (c === BACKSLASH) {
      // A line continued: the statement goes on.
      i += text.charCodeAt(i + 1) === CARRIAGE ? 3 : 2;
      operand = false;
    } else if (c === QUOTE || c === APOSTROPHE) {
      const after = stringEnd(text, i, limit);
      if (after < 0) return pastLine(text, ~after, limit);
      i = after;
      operand = true;
    } else if (isIdentifierStart(c)) {
      const wordStart = i;
      while (i < limit && isIdentifierChar(text.charCodeAt(i))) i++;
      const next = text.charCodeAt(i);
      const word = text.slice(wordStart, i);
      if ((next === QUOTE || next === APOSTROPHE) && STRING_PREFIX.test(word)) {
        // An f-string (or a t-string): its fields are code, which this reading does not follow.
        if (/[ft]/i.test(word)) return ~pastLine(text, i, limit);
        const after = stringEnd(text, i, limit);
        if (after < 0) return pastLine(text, ~after, limit);
        i = after;
        operand = true;
      } else if (KEYWORDS.has(word)) {
        operand = false;
      } else {
        if (operand) return pastLine(text, i, limit);
        operand = true;
      }
    } else if (c >= 48 && c <= 57) {
      // A number, with what may follow its digits (a base, an exponent, a `j`, underscores, a point).
      while (i < limit && (isIdentifierChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      operand = false;
    } else {
      if (c === 40 || c === 91 || c === OPEN_BRACE) depth++;
      else if ((c === 41 || c === 93 || c === CLOSE_BRACE) && depth > 0) depth--;
      operand = c === 41 || c === 93 || c === CLOSE_BRACE;
      i++;
    }
  }
  return ~limit;
}

/** Past the end of the line `at` is on (its line break included), or `limit`. */
function pastLine(text: string, at: number, limit: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 || nl >= limit ? limit : nl + 1;
}

/**
 * Where the string whose quote (after any prefix) is at `at` ends, or, when it surely has a syntax
 * error (a string in single quotes that meets a line break, a triple-quoted one that meets `limit`),
 * `~offset` of where that is. (A carriage return alone ends no string for tree-sitter.)
 */
function stringEnd(text: string, at: number, limit: number): number {
  const q = text.charCodeAt(at);
  const triple = text.charCodeAt(at + 1) === q && text.charCodeAt(at + 2) === q;
  let i = at + (triple ? 3 : 1);
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += text.charCodeAt(i + 1) === CARRIAGE ? 3 : 2;
    else if (c === q && (!triple || (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q))) return i + (triple ? 3 : 1);
    else if (!triple && c === NEWLINE) return ~i;
    else i++;
  }
  return ~Math.min(i, limit);
}

/** Python's keywords, soft ones included, and the statements tree-sitter-python reads of Python 2. */
const KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type print exec'.split(' '),
);
/** A string's prefix, as tree-sitter reads one: any run of these letters right before a quote (Python 2's `ur` too). */
const STRING_PREFIX = /^[rRuUbBfFtT]+$/;

/**
 * Whether the text at `at` starts a definition, `def`, `async def` or `class`, which no expression can
 * hold (an `async for` can be in a comprehension): a chunk starts there inside brackets too.
 */
export function startsDefinitionWord(text: string, at: number): boolean {
  if (startsWithWord(text, at, DEFINITIONS)) return true;
  if (!startsWithWord(text, at, ['async'])) return false;
  let next = at + 5;
  while (text.charCodeAt(next) === SPACE || text.charCodeAt(next) === TAB) next++;
  return next > at + 5 && startsWithWord(text, next, ['def']);
}

const DEFINITIONS = ['def', 'class'];

/** Whether a line's text at `at` starts a definition or a decorator. */
function startsDefinition(text: string, at: number): boolean {
  return (text.charCodeAt(at) === AT && isIdentifierStart(text.charCodeAt(at + 1))) || startsDefinitionWord(text, at);
}

/** The characters that the scan looks at, in code and in a string's text (it passes the others by). */
const IN_CODE = marks('\n\\#:"\'()[]{}');
const IN_STRING = marks('\n\\"\'{}');

function marks(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
  return table;
}

/** The first offset from `at` (up to `end`) of a character `table` marks. */
function skip(text: string, at: number, end: number, table: Uint8Array): number {
  let i = at;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && table[c] === 1) break;
  }
  return i;
}

/**
 * Whether the quote at `at` starts an f-string (or a t-string): its prefix is `f` or `t`, alone or with
 * an `r`, in either order and any case, and is a word of its own.
 */
function isFormatted(text: string, at: number): boolean {
  const last = text.charCodeAt(at - 1) | 32;
  const before = text.charCodeAt(at - 2) | 32;
  let start: number;
  if (last === 102 || last === 116) start = before === 114 ? at - 2 : at - 1;
  else if (last === 114 && (before === 102 || before === 116)) start = at - 2;
  else return false;
  return !isIdentifierChar(text.charCodeAt(start - 1));
}

/**
 * Whether the line at `at` comes after blank lines that a backslash continues the line before onto:
 * tree-sitter puts the continuation in the block that the statement after it is in, which a piece
 * ending with it does not have (it parses it after the class). No chunk starts there.
 */
function afterContinuedBlank(text: string, at: number, floor: number): boolean {
  let line = at;
  for (let blank = 0; line > floor; blank++) {
    // (lastIndexOf takes a negative start as 0, which would find a line break at 0 again and again.)
    const above = line >= 2 ? text.lastIndexOf('\n', line - 2) + 1 : 0;
    let k = above;
    while (k < line - 1 && (text.charCodeAt(k) === SPACE || text.charCodeAt(k) === TAB || text.charCodeAt(k) === FORM_FEED || text.charCodeAt(k) === CARRIAGE)) k++;
    if (k < line - 1) {
      const end = text.charCodeAt(line - 2) === CARRIAGE ? line - 3 : line - 2;
      return blank > 0 && text.charCodeAt(end) === BACKSLASH;
    }
    line = above;
  }
  return false;
}

/** Whether the statement at `at` opens a block, by its first word (or is decorated). */
function opensBlock(text: string, at: number): boolean {
  return text.charCodeAt(at) === AT || startsWithWord(text, at, COMPOUND);
}

/**
 * Whether the statement at `at` may join the chunk before it: not a definition, which starts one
 * (so that where a definition in column 0 ends an unclosed bracket, the chunks after it are those a
 * scan that found no bracket makes).
 */
function joins(text: string, at: number): boolean {
  return text.charCodeAt(at) !== AT && !startsWithWord(text, at, RECOVERY);
}

/** Whether the statement at `at` (in column 0) is a chunk alone: a class, or a decorated definition. */
function standsAlone(text: string, at: number): boolean {
  return text.charCodeAt(at) === AT || startsWithWord(text, at, ['class']);
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

function isIdentifierStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

function isIdentifierChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}
