import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';

interface Options {
  tags: string[];
  phrases: string[];
}

/** A segment of a comment that is a tool's pragma, not prose (`# noqa: E501`, `# type: ignore`, `# mldebt: ignore[…]`). */
const PRAGMA = /^#\s*(?:noqa\b|NOQA\b|type:|mldebt:|pylint:|pyright:|mypy:|fmt:|isort:|pragma\b|nosec\b)/;
const ENCODING = /^#.*?coding[:=][ \t]*[-\w.]+/;
const DATE = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/;
const HANDLE = /^@?[A-Za-z][\w.-]*$/;
/** Words that turn a phrase into its opposite: "no longer hardcoded", "avoid a workaround". */
const NEGATIONS = new Set(['not', 'no', 'never', 'without', 'avoid', 'avoids', 'avoiding', 'longer', "isn't", "aren't", "don't", "doesn't"]);
const MAX_TEXT = 200;

interface DebtMark {
  tag?: string;
  phrase?: string;
  owner: string[];
  text: string;
}

export default defineRule<Options>({
  meta: {
    id: 'debt-comment',
    code: 'MLD701',
    category: 'self-admitted',
    severity: 'information',
    local: true,
    fix: 'none',
    options: {
      tags: {
        type: 'string[]',
        default: ['TODO', 'FIXME', 'HACK', 'XXX'],
        description:
          'Debt tags, matched as whole words exactly as written anywhere in a comment, and in any case only at the start of a comment when followed by `:` or `(` (`# todo: …`).',
      },
      phrases: {
        type: 'string[]',
        default: [
          'workaround', 'workarounds', 'work around', 'quick fix', 'quick hack', 'quick and dirty', 'for now',
          'hardcoded', 'hard-coded', 'hard coded', 'hardcoding', 'hard-coding', 'hack', 'hacky', 'kludge',
          'temporary fix', 'temporary solution', 'temporary workaround', 'temporary hack',
        ],
        description:
          'Phrases of self-admitted debt, matched case-insensitively as whole words anywhere in a comment unless negated just before ("no longer hardcoded").',
      },
    },
    messages: {
      tag: '{tag}{owner}: {text}',
      phrase: 'Debt phrase "{phrase}": {text}',
    },
    docs: {
      summary: 'A TODO, FIXME, HACK or XXX tag, or a phrase admitting technical debt, in a comment.',
      whatItDoes:
        'Reports every comment that admits technical debt, once, over the whole comment, so that it can be ' +
        'tracked as a backlog item. A tag (`TODO`, `FIXME`, `HACK`, `XXX`; the `tags` option) counts as a whole ' +
        'word written as configured (upper case), or in any case at the very start of the comment when followed ' +
        'by `:` or `(` (`# todo: …`, `# Fixme(bob): …`); `TODOS`, `TODO.md`, `hackathon` or `XXXL` do not count. ' +
        'Without a tag, a debt phrase (`workaround`, `quick fix`, `for now`, `hardcoded`, `hack`, `temporary fix`, ' +
        '…; the `phrases` option) counts in any case as whole words, unless negated right before it (`no longer ' +
        'hardcoded`, `avoid a workaround`). A tag wins over a phrase. Strings and docstrings are not comments and ' +
        'are never read; nor are shebang lines, encoding declarations, and pragma comments (`# noqa`, `# type: ' +
        'ignore`, `# pylint: …`, `# mldebt: ignore[…]`), also when appended to a debt comment. In notebooks only ' +
        'code cells are read.\n\n' +
        'The message has a fixed, parseable form. For a tag: `<TAG>[ (<owner>, …)]: <text>`, where the tag is in ' +
        'upper case, the parenthesis lists the author and date when written in the forms `TODO(alice): …`, ' +
        '`TODO(alice, 2025-01-02): …`, `TODO(2025-01-02): …` or `FIXME @bob …` (a part shaped like a date is the ' +
        'date; `@` is dropped), and the text is what follows the tag, e.g. `TODO (alice, 2025-01-02): move the ' +
        'paths to config`. For a phrase: `Debt phrase "<phrase>": <text>` with the whole comment as the text. ' +
        'An empty text reads `(no description)`.',
      whyIsThisBad:
        'Self-admitted technical debt is a short-term solution or workaround whose author knew it and wrote it ' +
        'down. OBrien et al. ("23 Shades of Self-Admitted Technical Debt", FSE 2022) mined tens of thousands of such ' +
        'comments from ML repositories on GitHub and found ML-specific kinds of debt beside the familiar ones, ' +
        'spread over the stages of the ML pipeline. A comment is easy to forget once the ' +
        'experiment ships; a backlog item with its owner and date is not. Sculley et al. (NeurIPS 2015) describe ' +
        'how such shortcuts compound into hidden debt in ML systems.',
      example:
        'import pandas as pd\n\n' +
        '# TODO(alice, 2025-01-02): move the paths to config\n' +
        'df = pd.read_csv("train.csv")\n' +
        'df = df.fillna(0)  # workaround for the broken export, for now\n',
      useInstead:
        'import pandas as pd\n\n' +
        'from config import TRAIN_PATH\n\n' +
        '# Missing values mean "not measured" in the export.\n' +
        'df = pd.read_csv(TRAIN_PATH)\n' +
        'df = df.fillna(0)\n',
      fixSafety:
        'No text edit: the comment is left as written. The editor integration offers "add to backlog", which ' +
        'records the finding (tag, owner, date and text) in the backlog ledger; the comment is removed by hand ' +
        'once the debt is paid.',
      references: [
        'OBrien et al., "23 Shades of Self-Admitted Technical Debt: An Empirical Study on Machine Learning Software", FSE 2022, https://doi.org/10.1145/3540250.3549088',
        'Sculley et al., "Hidden Technical Debt in Machine Learning Systems", NeurIPS 2015, https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems',
        'https://google.github.io/styleguide/pyguide.html#312-todo-comments',
        'https://marketplace.visualstudio.com/items?itemName=Gruntfuggly.todo-tree',
      ],
    },
  },
  create(context) {
    const { tags, exactTag, leadingTag, phrase, anyWord } = matchers(context.options.tags, context.options.phrases);

    const findTag = (run: string): DebtMark | undefined => {
      const body = run.replace(/^#+\s*/, '');
      const match = leadingTag?.exec(body) ?? exactTag?.exec(body);
      if (!match) return undefined;
      const tag = tags.find((t) => t.toLowerCase() === match[1].toLowerCase()) ?? match[1];
      const rest = body.slice(match.index + match[1].length);
      // A tag inside a sentence ("a HACK, but …") names no owner; the whole comment is its text.
      const inSentence = match.index > 0 && !/^(?:\s*[:(@]|\s+[-–—]\s|\s+\w)/.test(rest);
      if (inSentence) return { tag: tag.toUpperCase(), owner: [], text: body.trim() };
      return { tag: tag.toUpperCase(), ...ownerAndText(rest) };
    };

    const findPhrase = (run: string): DebtMark | undefined => {
      if (!phrase) return undefined;
      const body = run.replace(/^#+\s*/, '');
      phrase.lastIndex = 0;
      for (let m = phrase.exec(body); m; m = phrase.exec(body)) {
        if (!negated(body.slice(0, m.index))) return { phrase: m[0].toLowerCase().replace(/\s+/g, ' '), owner: [], text: body.trim() };
      }
      return undefined;
    };

    return {
      comment(node) {
        const comment = node.text;
        // Most comments name no tag and no phrase: dismissed by one search.
        if (!anyWord?.test(comment) || isFileHeader(node)) return;
        const runs = proseRuns(comment);
        const mark = runs.map(findTag).find((m) => m) ?? runs.map(findPhrase).find((m) => m);
        if (!mark) return;
        const text = clip(mark.text) || '(no description)';
        if (mark.tag) {
          const owner = mark.owner.length > 0 ? ` (${mark.owner.join(', ')})` : '';
          context.report({ node, messageId: 'tag', data: { tag: mark.tag, owner, text } });
        } else {
          context.report({ node, messageId: 'phrase', data: { phrase: mark.phrase ?? '', text } });
        }
      },
    };
  },
});

interface Matchers {
  tags: string[];
  exactTag?: RegExp;
  leadingTag?: RegExp;
  phrase?: RegExp;
  /** Any tag or phrase anywhere, in any case: what a comment must hold to be looked at further. */
  anyWord?: RegExp;
}

/** The expressions for a configuration, compiled once (a check builds the rule for every file). */
const compiled = new Map<string, Matchers>();
/** The same, by the lists themselves: a check hands every file the same options, and needs no key made for each. */
const byLists = new WeakMap<string[], { phrases: string[]; found: Matchers }>();

function matchers(configuredTags: string[], configuredPhrases: string[]): Matchers {
  const last = byLists.get(configuredTags);
  if (last?.phrases === configuredPhrases) return last.found;
  const key = JSON.stringify([configuredTags, configuredPhrases]);
  let found = compiled.get(key);
  if (found) {
    byLists.set(configuredTags, { phrases: configuredPhrases, found });
    return found;
  }
  const tags = configuredTags.filter((t) => t.trim() !== '');
  const phrases = configuredPhrases.filter((p) => p.trim() !== '');
  const words = [...tags, ...phrases];
  found = {
    tags,
    exactTag: tags.length > 0 ? new RegExp(`(?<![\\w./\\\\-])(${alternation(tags)})(?![\\w-]|\\.\\w)`) : undefined,
    leadingTag: tags.length > 0 ? new RegExp(`^(${alternation(tags)})(?=\\s*[:(])`, 'i') : undefined,
    phrase: phrases.length > 0 ? new RegExp(`(?<![\\w-])(?:${alternation(phrases)})(?![\\w-])`, 'gi') : undefined,
    anyWord: words.length > 0 ? new RegExp(alternation(words), 'i') : undefined,
  };
  compiled.set(key, found);
  byLists.set(configuredTags, { phrases: configuredPhrases, found });
  return found;
}

function alternation(words: string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+'))
    .join('|');
}

/** A shebang on the first line or a PEP 263 encoding declaration on the first two. */
function isFileHeader(comment: Node): boolean {
  const row = comment.startPosition.row;
  if (row === 0 && comment.text.startsWith('#!')) return true;
  return row <= 1 && ENCODING.test(comment.text);
}

/**
 * The comment without its pragma segments: split where a `#` follows white space, drop the
 * segments that are pragmas, and join the rest back (so `issue #12` stays whole).
 */
function proseRuns(comment: string): string[] {
  const starts = [0];
  for (const m of comment.matchAll(/\s#/g)) starts.push(m.index + 1);
  const runs: string[] = [];
  let current = '';
  for (let i = 0; i < starts.length; i++) {
    const segment = comment.slice(starts[i], starts[i + 1] ?? comment.length);
    if (PRAGMA.test(segment)) {
      if (current.trim()) runs.push(current.trim());
      current = '';
    } else {
      current += segment;
    }
  }
  if (current.trim()) runs.push(current.trim());
  return runs;
}

/** `(alice, 2025-01-02)` or `@bob` right after the tag, then the text after an optional `:` or dash. */
function ownerAndText(rest: string): { owner: string[]; text: string } {
  let owner: string[] = [];
  const paren = /^\s*\(([^()]*)\)/.exec(rest);
  const parts = paren?.[1].split(',').map((p) => p.trim()).filter((p) => p !== '') ?? [];
  if (paren && parts.length > 0 && parts.every((p) => DATE.test(p) || HANDLE.test(p))) {
    owner = orderOwner(parts);
    rest = rest.slice(paren[0].length);
  } else {
    const handle = /^\s*@([A-Za-z][\w.-]*)(?:\s+\(?(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})\)?)?/.exec(rest);
    if (handle) {
      owner = handle[2] ? [handle[1], handle[2]] : [handle[1]];
      rest = rest.slice(handle[0].length);
    }
  }
  return { owner, text: rest.replace(/^\s*[:\-–—]?\s*/, '').trim() };
}

/** Authors first, then dates, `@` dropped: a stable order whatever the comment's. */
function orderOwner(parts: string[]): string[] {
  const names = parts.filter((p) => !DATE.test(p)).map((p) => p.replace(/^@/, ''));
  return [...names, ...parts.filter((p) => DATE.test(p))];
}

/** True when one of the two words right before the phrase (within its clause) negates it. */
function negated(before: string): boolean {
  const clause = before.split(/[,.;:!?()]/).pop() ?? '';
  return clause
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(-2)
    .some((w) => NEGATIONS.has(w));
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT - 1).trimEnd() + '…' : text;
}
