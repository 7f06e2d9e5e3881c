import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { calledName, receiverOf } from '../engine/syntax';
import type { TextEdit } from '../engine/types';

const PANDAS_KINDS = new Set(['dataframe', 'series', 'pandas']);

export default defineRule({
  meta: {
    id: 'inplace-argument',
    code: 'MLD205',
    category: 'data',
    severity: 'information',
    local: true,
    chunkFixes: true,
    fix: 'unsafe',
    requires: ['pandas'],
    messages: {
      default: '`inplace=True` on `{method}` hides the data flow and saves no memory; assign the returned object instead.',
      assignedNone:
        '`{method}(..., inplace=True)` returns None, so this assignment stores None; drop `inplace=True` or the assignment.',
    },
    docs: {
      summary: '`inplace=True` in a pandas method call.',
      whatItDoes:
        'Flags `inplace=True` passed to a method of a name known to hold a pandas DataFrame or Series ' +
        '(`df.dropna(inplace=True)`, `df["age"].fillna(0, inplace=True)`), and says so more loudly when the call ' +
        'result, which is None, is assigned.',
      whyIsThisBad:
        'In-place calls mutate an object that other names may share, cannot be chained, and return None, a classic ' +
        'source of `df = df.dropna(inplace=True)` bugs. They rarely save memory: pandas usually builds a copy and swaps ' +
        'it in. On a column selection (`df["a"].fillna(0, inplace=True)`) the call may modify a temporary copy and ' +
        'leave the frame unchanged, and under Copy-on-Write it never reaches the frame. Zhang et al. list it among the ' +
        'ML code smells; SonarQube S6734 and Ruff PD002 flag it.',
      example: 'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf.dropna(subset=["label"], inplace=True)\n',
      useInstead: 'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf = df.dropna(subset=["label"])\n',
      fixSafety:
        'Unsafe: reassigning rebinds the name instead of mutating the object, so other names that refer to the same ' +
        'frame (a caller\'s argument, an alias) no longer see the change. Offered only when the call is a whole ' +
        'statement on a plain name or attribute chain.',
      references: [
        'https://pandas.pydata.org/docs/user_guide/copy_on_write.html',
        'https://docs.astral.sh/ruff/rules/pandas-use-of-inplace-argument/',
        'https://rules.sonarsource.com/python/RSPEC-6734/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    return {
      keyword_argument(keyword) {
        if (keyword.childForFieldName('name')?.text !== 'inplace' || keyword.childForFieldName('value')?.type !== 'true') return;
        const call = keyword.parent?.parent;
        if (call?.type !== 'call') return;
        const method = calledName(call);
        const receiver = receiverOf(call);
        const kind = context.semantic.kindOf(receiver);
        if (!method || !kind || !PANDAS_KINDS.has(kind)) return;
        const parent = call.parent;
        if (parent?.type === 'assignment' && parent.childForFieldName('right')?.equals(call)) {
          context.report({ node: keyword, messageId: 'assignedNone', data: { method } });
          return;
        }
        const name = receiver ? dottedName(receiver) : undefined;
        const removal = parent?.type === 'expression_statement' && name ? removeArgument(keyword, context.text) : undefined;
        context.report({
          node: keyword,
          messageId: 'default',
          data: { method },
          fixes:
            removal && name
              ? [{
                  title: `Rewrite as \`${name} = ${name}.${method}(...)\``,
                  safety: 'unsafe',
                  edits: [{ start: call.startIndex, end: call.startIndex, newText: `${name} = ` }, removal],
                }]
              : [],
        });
      },
    };
  },
});

/** An edit deleting one argument with its comma, or undefined when comments make the layout unclear. */
function removeArgument(argument: Node, text: string): TextEdit | undefined {
  const list = argument.parent;
  if (!list) return undefined;
  const args = list.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
  const i = args.findIndex((a) => a.equals(argument));
  if (i < 0) return undefined;
  const lineStart = text.lastIndexOf('\n', argument.startIndex - 1) + 1;
  const rest = /^[ \t]*,?[ \t]*\n/.exec(text.slice(argument.endIndex));
  // Alone on its line with its comma (or last): take the line.
  if (rest && /^[ \t]*$/.test(text.slice(lineStart, argument.startIndex)) && (rest[0].includes(',') || i === args.length - 1)) {
    return { start: lineStart, end: argument.endIndex + rest[0].length, newText: '' };
  }
  const plainComma = /^\s*,\s*$/;
  if (i < args.length - 1) {
    const next = args[i + 1];
    return plainComma.test(text.slice(argument.endIndex, next.startIndex)) ? { start: argument.startIndex, end: next.startIndex, newText: '' } : undefined;
  }
  if (i > 0) {
    const previous = args[i - 1];
    return plainComma.test(text.slice(previous.endIndex, argument.startIndex)) ? { start: previous.endIndex, end: argument.endIndex, newText: '' } : undefined;
  }
  const close = list.lastChild;
  if (close?.type !== ')' || !/^\s*,?\s*$/.test(text.slice(argument.endIndex, close.startIndex))) return undefined;
  return { start: argument.startIndex, end: close.startIndex, newText: '' };
}
