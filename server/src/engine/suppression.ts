/**
 * `# mldebt: ignore[<id or code>, …] <reason>` silences the named rules on its line;
 * `# mldebt: ignore-file[…]` in the whole file. Without brackets, every rule.
 */
export interface Suppression {
  scope: 'line' | 'file';
  /** Rule ids or codes as written; empty means every rule. */
  rules: string[];
  /** Offsets of the comment and of the directive within the text. */
  commentStart: number;
  commentEnd: number;
  line: number;
  /** Which of `rules` matched a finding (by index), or whether a bare directive did. */
  used: boolean[];
  usedBare: boolean;
}

const DIRECTIVE = /mldebt:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?/;

/**
 * Whether a comment may be a directive. Asked of every comment: a plain search is much cheaper than the
 * pattern, which runs in V8's regular expression interpreter until it has run often, and almost no
 * comment holds the word.
 */
export function mayHoldSuppression(comment: string): boolean {
  return comment.includes('mldebt');
}

export function parseSuppression(comment: string, commentStart: number, line: number): Suppression | undefined {
  if (!mayHoldSuppression(comment)) return undefined;
  const m = DIRECTIVE.exec(comment);
  if (!m) return undefined;
  const rules = (m[2] ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  return {
    scope: m[1] === 'ignore-file' ? 'file' : 'line',
    rules,
    commentStart,
    commentEnd: commentStart + comment.length,
    line,
    used: rules.map(() => false),
    usedBare: false,
  };
}

/** True, and marks the suppression used, when it silences a finding of the rule `id`/`code`. */
export function suppresses(s: Suppression, id: string, code: string): boolean {
  if (s.rules.length === 0) {
    s.usedBare = true;
    return true;
  }
  const i = s.rules.findIndex((r) => r === id || r.toUpperCase() === code);
  if (i === -1) return false;
  s.used[i] = true;
  return true;
}
