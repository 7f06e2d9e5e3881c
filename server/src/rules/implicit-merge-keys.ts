import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { appendArgument, callArguments, calledName, calleeOf, receiverOf } from '../engine/syntax';

const FRAME_KINDS = new Set(['dataframe', 'pandas']);
const MERGE_KEYS = ['on', 'left_on', 'right_on', 'left_index', 'right_index'];

interface JoinCall {
  method: 'merge' | 'join';
  defaultHow: string;
  /** Positional arguments before `how`: more of them means `how` was passed by position. */
  positionalBeforeHow: number;
  keys: readonly string[];
}

export default defineRule({
  meta: {
    id: 'implicit-merge-keys',
    code: 'MLD206',
    category: 'data',
    severity: 'warning',
    local: true,
    chunkFixes: true,
    fix: 'safe',
    requires: ['pandas'],
    messages: {
      merge:
        '`{label}` states neither its keys nor its join type, so it joins on every shared column with an inner join; ' +
        'name the keys with `on=` and the join with `how=`.',
      join:
        '`{label}` states neither `on` nor `how`, so it is a left join on the index; say which with `on=` and `how=`.',
    },
    docs: {
      summary: '`merge` or `join` that leaves both the keys and the join type implicit.',
      whatItDoes:
        'Flags `pd.merge(a, b)` and `df.merge(other)` with none of `how`, `on`, `left_on`, `right_on`, `left_index`, ' +
        '`right_index`, and `df.join(other)` with neither `how` nor `on`, where `df` is known to hold a DataFrame. ' +
        'A call that states either the keys or the join type is taken as deliberate and not reported; calls with ' +
        '`*args`/`**kwargs` or with `how` passed by position are not reported either.',
      whyIsThisBad:
        'Without `on`, `merge` joins on every column the two frames happen to share, so adding a column to either ' +
        'frame silently changes the keys, and the rows, of the result. Without `how`, the reader has to know that ' +
        '`merge` drops unmatched rows (inner) while `join` keeps them (left): a silent loss or duplication of training ' +
        'rows. Zhang et al. list merge parameters left implicit as an ML code smell, and SonarQube S6735 asks for ' +
        '`how`, `on` and `validate`.',
      example:
        'import pandas as pd\n\nusers = pd.read_csv("users.csv")\norders = pd.read_csv("orders.csv")\n' +
        'data = users.merge(orders)\n',
      useInstead:
        'import pandas as pd\n\nusers = pd.read_csv("users.csv")\norders = pd.read_csv("orders.csv")\n' +
        'data = users.merge(orders, on="user_id", how="inner", validate="one_to_many")\n',
      fixSafety:
        'Safe: the fix adds the default join type (`how="inner"` for `merge`, `how="left"` for `join`), which changes ' +
        'nothing at run time; the keys still need a human, so state them with `on=` as well.',
      references: [
        'https://pandas.pydata.org/docs/reference/api/pandas.merge.html',
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.join.html',
        'https://rules.sonarsource.com/python/RSPEC-6735/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const describe = (call: Node): JoinCall | undefined => {
      if (context.semantic.qualifiedName(calleeOf(call)) === 'pandas.merge') {
        return { method: 'merge', defaultHow: 'inner', positionalBeforeHow: 2, keys: MERGE_KEYS };
      }
      const method = calledName(call);
      if (method !== 'merge' && method !== 'join') return undefined;
      const kind = context.semantic.kindOf(receiverOf(call));
      if (!kind || !FRAME_KINDS.has(kind)) return undefined;
      return method === 'merge'
        ? { method, defaultHow: 'inner', positionalBeforeHow: 1, keys: MERGE_KEYS }
        : { method, defaultHow: 'left', positionalBeforeHow: 1, keys: ['on'] };
    };
    return {
      call(call) {
        const join = describe(call);
        if (!join) return;
        const { positional, keywords, hasSplat } = callArguments(call);
        if (hasSplat || positional.length > join.positionalBeforeHow || keywords.has('how')) return;
        if (join.keys.some((k) => keywords.has(k))) return;
        const edit = appendArgument(call, `how="${join.defaultHow}"`, context.text);
        context.report({
          node: call,
          messageId: join.method,
          data: { label: calleeLabel(call, context.text) },
          fixes: edit ? [{ title: `Make the default \`how="${join.defaultHow}"\` explicit`, safety: 'safe', edits: [edit] }] : [],
        });
      },
    };
  },
});

/** `users.merge(...)` or `pd.merge(...)` as written, shortened when the callee is long. */
function calleeLabel(call: Node, text: string): string {
  const fn = calleeOf(call);
  const callee = fn ? text.slice(fn.startIndex, fn.endIndex) : '';
  return callee.length <= 40 && !callee.includes('\n') ? `${callee}(...)` : `${calledName(call) ?? 'merge'}(...)`;
}
