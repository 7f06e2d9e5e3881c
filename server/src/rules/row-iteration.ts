import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import type { SemanticModel, ValueKind } from '../engine/semantic';
import { callArguments, calledName, calleeOf, receiverOf } from '../engine/syntax';

const PANDAS_KINDS = new Set<ValueKind>(['dataframe', 'series', 'pandas']);
const ROW_ACCESSORS = new Set(['loc', 'iloc', 'at', 'iat']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**', '@']);

/** A `for i in range(len(x))` loop being walked, and what its body has shown so far. */
interface IndexLoop {
  node: Node;
  index: string;
  found?: { messageId: 'indexedRows' | 'elementwise'; access: string };
}

export default defineRule({
  meta: {
    id: 'row-iteration',
    code: 'MLD208',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'none',
    requires: ['pandas', 'numpy'],
    messages: {
      iterrows: '`{call}` runs Python code once per row; use vectorised column operations (arithmetic on columns, `np.where`, `merge`, `groupby`) instead.',
      indexedRows: 'This loop over `{range}` reads rows one at a time with `{access}`; use vectorised column operations instead.',
      elementwise: 'This loop over `{range}` does element-wise arithmetic on `{access}` one element at a time; write it as one NumPy array expression.',
    },
    docs: {
      summary: 'Row-by-row Python loops over DataFrames or arrays.',
      whatItDoes:
        'Flags `for` loops and comprehensions over `df.iterrows()` / `df.itertuples()` on a name known to hold a ' +
        'DataFrame; `for i in range(len(x))` (or `range(x.shape[0])`) loops whose body indexes a pandas object with ' +
        '`.loc[i]`, `.iloc[i]`, `.at[i, ...]`, `.iat[i, ...]` or `df[col][i]`; and such loops over a NumPy array whose ' +
        'body uses `a[i]` as an operand of arithmetic (`c[i] = a[i] * b[i]`, `total += a[i]`). Loops over other ' +
        'iterables, and loops whose body does not do arithmetic on array elements, are left alone.',
      whyIsThisBad:
        'pandas and NumPy do their work in compiled loops over whole columns; a Python loop pays interpreter overhead ' +
        'and boxes every value, typically 100x to 1000x slower, and `iterrows` also converts each row to a Series, ' +
        'losing dtypes. Zhang et al. (CAIN 2022) list unnecessary iteration as an ML code smell: the loop hides a ' +
        'column operation that would be both faster and shorter.',
      example:
        'import pandas as pd\n\ndf = pd.read_csv("orders.csv")\ntotals = []\nfor _, row in df.iterrows():\n' +
        '    totals.append(row["price"] * row["quantity"])\ndf["total"] = totals\n',
      useInstead: 'import pandas as pd\n\ndf = pd.read_csv("orders.csv")\ndf["total"] = df["price"] * df["quantity"]\n',
      fixSafety: 'No fix: turning a loop body into column operations needs a reading of what the loop means.',
      references: [
        'https://pandas.pydata.org/docs/user_guide/basics.html#iteration',
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.iterrows.html',
        'https://numpy.org/doc/stable/user/whatisnumpy.html#why-is-numpy-fast',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    const loops: IndexLoop[] = [];

    return {
      call(node) {
        const method = calledName(node);
        if (method !== 'iterrows' && method !== 'itertuples') return;
        const parent = node.parent;
        if (!parent || (parent.type !== 'for_statement' && parent.type !== 'for_in_clause')) return;
        if (!parent.childForFieldName('right')?.equals(node)) return;
        const kind = semantic.kindOf(receiverOf(node));
        if (kind !== 'dataframe' && kind !== 'pandas') return;
        context.report({ node, messageId: 'iterrows', data: { call: node.text } });
      },
      for_statement(node) {
        const index = node.childForFieldName('left');
        const container = rangeOfLength(node.childForFieldName('right'), semantic);
        if (index?.type === 'identifier' && container) loops.push({ node, index: index.text });
      },
      subscript(node) {
        for (let i = loops.length - 1; i >= 0; i--) {
          const loop = loops[i];
          if (loop.found || !indexedBy(node, loop.index)) continue;
          const found = rowAccess(node, semantic) ?? elementArithmetic(node, semantic);
          if (found) loop.found = found;
        }
      },
      'for_statement:exit'(node) {
        const loop = loops[loops.length - 1];
        if (!loop?.node.equals(node)) return;
        loops.pop();
        if (!loop.found) return;
        const end = node.childForFieldName('right')?.endIndex ?? node.endIndex;
        context.report({ start: node.startIndex, end, messageId: loop.found.messageId, data: { range: node.childForFieldName('right')?.text ?? '', access: loop.found.access } });
      },
    };
  },
});

/** For `range(len(x))`, `range(0, len(x))` or `range(x.shape[0])` over a pandas object or array, `x`. */
function rangeOfLength(node: Node | null, semantic: SemanticModel): Node | undefined {
  if (node?.type !== 'call') return undefined;
  const fn = calleeOf(node);
  if (fn?.type !== 'identifier' || fn.text !== 'range' || semantic.qualifiedName(fn)) return undefined;
  const { positional, keywords, hasSplat } = callArguments(node);
  if (hasSplat || keywords.size > 0 || positional.length === 0 || positional.length > 2) return undefined;
  const bound = positional[positional.length - 1];
  let container: Node | null | undefined;
  if (bound.type === 'call' && calleeOf(bound)?.text === 'len') {
    container = callArguments(bound).positional[0];
  } else if (bound.type === 'subscript' && bound.childForFieldName('subscript')?.text === '0') {
    const shape = bound.childForFieldName('value');
    if (shape?.type === 'attribute' && shape.childForFieldName('attribute')?.text === 'shape') container = shape.childForFieldName('object');
  }
  const kind = semantic.kindOf(container);
  return container && kind && (PANDAS_KINDS.has(kind) || kind === 'ndarray') ? container : undefined;
}

/** Whether the subscript's first index is the loop variable (`x[i]`, `x[i, "col"]`). */
function indexedBy(node: Node, index: string): boolean {
  const first = node.childForFieldName('subscript');
  return first?.type === 'identifier' && first.text === index;
}

/** `df.loc[i]`, `df.iloc[i]`, `df.at[i, c]`, `df.iat[i, j]`, `df[col][i]` on a pandas object. */
function rowAccess(node: Node, semantic: SemanticModel): IndexLoop['found'] {
  const value = node.childForFieldName('value');
  if (!value) return undefined;
  let owner: Node | null | undefined;
  if (value.type === 'attribute' && ROW_ACCESSORS.has(value.childForFieldName('attribute')?.text ?? '')) owner = value.childForFieldName('object');
  else if (value.type === 'subscript') owner = value;
  const kind = semantic.kindOf(owner);
  return kind && PANDAS_KINDS.has(kind) ? { messageId: 'indexedRows', access: node.text } : undefined;
}

/** `a[i]` of a NumPy array used as an operand of arithmetic. */
function elementArithmetic(node: Node, semantic: SemanticModel): IndexLoop['found'] {
  if (semantic.kindOf(node.childForFieldName('value')) !== 'ndarray') return undefined;
  const parent = node.parent;
  if (!parent) return undefined;
  const operator = parent.childForFieldName('operator')?.type ?? '';
  const arithmetic =
    (parent.type === 'binary_operator' && ARITHMETIC.has(operator)) ||
    (parent.type === 'augmented_assignment' && ARITHMETIC.has(operator.slice(0, -1)));
  return arithmetic ? { messageId: 'elementwise', access: node.text } : undefined;
}
