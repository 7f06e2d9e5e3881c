import { defineRule } from '../engine/rule';
import { appendArgument, callArguments, calleeOf } from '../engine/syntax';

const READERS = new Set(['pandas.read_csv', 'pandas.read_table']);

/** Arguments that already decide column types. */
const TYPING_KEYWORDS = ['dtype', 'converters'];

export default defineRule({
  meta: {
    id: 'untyped-read',
    code: 'MLD209',
    category: 'data',
    severity: 'information',
    local: true,
    chunkFixes: true,
    fix: 'unsafe',
    requires: ['pandas'],
    messages: {
      default: '`{reader}` without `dtype` leaves every column type to inference; declare the types with `dtype={...}`.',
    },
    docs: {
      summary: '`pd.read_csv` or `pd.read_table` without `dtype`.',
      whatItDoes:
        'Flags calls of `pandas.read_csv` and `pandas.read_table` that pass neither `dtype` nor `converters` (nor ' +
        '`**kwargs`, which may carry them). Selecting columns with `usecols` does not exempt a call: the selected ' +
        'columns are still typed by inference. Any `dtype` value, even an empty mapping, counts as a decision.',
      whyIsThisBad:
        'Without `dtype`, pandas guesses each column\'s type from the data in the file: an id column of digits becomes ' +
        'an integer and loses its leading zeros, a single missing value turns an integer column into floats, and a new ' +
        'data drop with one stray string turns a numeric feature into `object`. The schema of the training data then ' +
        'depends on the file, not on the code. Declared types make such drift fail loudly and also cut memory use. ' +
        'Zhang et al. list it as an ML code smell; SonarQube S6740 asks for `dtype`.',
      example: 'import pandas as pd\n\ndf = pd.read_csv("customers.csv")\n',
      useInstead:
        'import pandas as pd\n\ndf = pd.read_csv("customers.csv", dtype={"customer_id": "string", "age": "Int64"})\n',
      fixSafety:
        'Unsafe: the fix inserts an empty `dtype={}` for you to fill in; it changes nothing at run time, but once ' +
        'inserted the rule stops reporting the call, whether or not the mapping was filled.',
      references: [
        'https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html',
        'https://pandas.pydata.org/docs/user_guide/io.html#specifying-column-data-types',
        'https://rules.sonarsource.com/python/RSPEC-6740/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    return {
      call(call) {
        const fn = calleeOf(call);
        const q = context.semantic.qualifiedName(fn);
        if (!fn || !q || !READERS.has(q)) return;
        const { keywords, hasSplat } = callArguments(call);
        if (hasSplat || TYPING_KEYWORDS.some((k) => keywords.has(k))) return;
        const edit = appendArgument(call, 'dtype={}', context.text);
        context.report({
          node: call,
          messageId: 'default',
          data: { reader: fn.text },
          fixes: edit ? [{ title: 'Add a `dtype={}` mapping to fill in', safety: 'unsafe', edits: [edit] }] : [],
        });
      },
    };
  },
});
