import { defineRule } from '../engine/rule';
import { calleeOf } from '../engine/syntax';

const PANDAS_KINDS = new Set(['dataframe', 'series', 'pandas']);

export default defineRule({
  meta: {
    id: 'dataframe-values',
    code: 'MLD207',
    category: 'data',
    severity: 'warning',
    local: true,
    chunkFixes: true,
    fix: 'safe',
    requires: ['pandas'],
    messages: { default: 'Use `.to_numpy()` instead of `.values` on a pandas object.' },
    docs: {
      summary: '`.values` on a DataFrame or Series.',
      whatItDoes: 'Flags `.values` read from a name known to hold a pandas DataFrame or Series.',
      whyIsThisBad:
        '`.values` returns a NumPy array for some dtypes and an ExtensionArray for others (categoricals, ' +
        'nullable integers, timezone-aware dates), so code that works on one dataset breaks on the next. ' +
        '`.to_numpy()` always returns a NumPy array and takes `dtype`, `copy` and `na_value` to say what is wanted.',
      example: 'import pandas as pd\n\ndf = pd.read_csv("train.csv")\nX = df.values\n',
      useInstead: 'import pandas as pd\n\ndf = pd.read_csv("train.csv")\nX = df.to_numpy()\n',
      fixSafety: 'Safe: `.to_numpy()` returns the same array for NumPy dtypes, and a NumPy array where `.values` did not.',
      references: [
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.values.html',
        'https://docs.astral.sh/ruff/rules/pandas-use-of-dot-values/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    return {
      attribute(node) {
        const attr = node.childForFieldName('attribute');
        if (attr?.text !== 'values') return;
        // `d.values()` is a dict method call; an assignment target is not a read.
        const parent = node.parent;
        if (parent?.type === 'call' && calleeOf(parent)?.equals(node)) return;
        if (parent?.type === 'assignment' && parent.childForFieldName('left')?.equals(node)) return;
        const kind = context.semantic.kindOf(node.childForFieldName('object'));
        if (!kind || !PANDAS_KINDS.has(kind)) return;
        context.report({
          node,
          messageId: 'default',
          fixes: [{ title: 'Replace `.values` with `.to_numpy()`', safety: 'safe', edits: [{ start: attr.startIndex, end: attr.endIndex, newText: 'to_numpy()' }] }],
        });
      },
    };
  },
});
