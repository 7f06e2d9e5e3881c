import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { calleeOf } from '../engine/syntax';
import { dottedName, type SemanticModel } from '../engine/semantic';

/** Methods that return a boolean mask, for `df[df.x.isna()]["y"] = v`. */
const MASK_METHODS = new Set(['isin', 'isna', 'isnull', 'notna', 'notnull', 'between', 'duplicated']);

/** An exact rewrite `<frame>.loc[<row>, <column>]` of the assignment target, when one exists. */
interface LocTarget {
  frame: string;
  row: Node;
  column: Node;
}

export default defineRule({
  meta: {
    id: 'chained-indexing',
    code: 'MLD202',
    category: 'data',
    severity: 'warning',
    local: true,
    chunkFixes: true,
    fix: 'safe',
    requires: ['pandas'],
    messages: {
      default: 'Assigning through chained indexing `{target}` may write to a temporary copy and leave `{frame}` unchanged; use one `.loc[row, column]`.',
      iloc: 'Assigning through chained indexing `{target}` may write to a temporary copy and leave `{frame}` unchanged; index once with `.iloc[row, column]` or `.loc`.',
    },
    docs: {
      summary: 'Assignment through chained indexing on a DataFrame (`df[col][row] = v`).',
      whatItDoes:
        'Flags assignments (including `+=`) whose target indexes a DataFrame twice: `df[a][b] = v`, `df.loc[x][y] = v` ' +
        'and `df.iloc[x][y] = v`, where `df` is known to hold a DataFrame (and `df[mask][b] = v` on a Series). Reads ' +
        'such as `v = df["a"][0]` return the right value and are not reported.',
      whyIsThisBad:
        'The first indexing may return a copy, and the assignment then changes that temporary object and is lost: ' +
        'the notorious `SettingWithCopyWarning`. Under Copy-on-Write, the default from pandas 3.0, a chained assignment ' +
        'never modifies the frame. Labels set for training, imputed values or corrected outliers silently vanish. Zhang ' +
        'et al. list chained indexing among the ML code smells; Ruff and the pandas documentation advise one `.loc` ' +
        'call instead.',
      example:
        'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf["label"][df["score"] > 0.5] = 1\n' +
        'df[df["age"] < 0]["age"] = 0\n',
      useInstead:
        'import pandas as pd\n\ndf = pd.read_csv("train.csv")\ndf.loc[df["score"] > 0.5, "label"] = 1\n' +
        'df.loc[df["age"] < 0, "age"] = 0\n',
      fixSafety:
        'Safe where the shape is exact: `df["col"][rows]` (a column label, then a row label, list or mask, not a slice), ' +
        '`df[mask]["col"]` and `df.loc[rows]["col"]` become one `.loc[rows, "col"]`, which writes to the frame as the ' +
        'statement intended. Other shapes (a column given by a variable, `.iloc` then a label, slices) are reported ' +
        'without a fix.',
      references: [
        'https://pandas.pydata.org/docs/user_guide/indexing.html#returning-a-view-versus-a-copy',
        'https://pandas.pydata.org/docs/user_guide/copy_on_write.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic, text } = context;
    const check = (statement: Node): void => {
      const target = statement.childForFieldName('left');
      if (target?.type !== 'subscript') return;
      const inner = target.childForFieldName('value');
      if (inner?.type !== 'subscript') return;
      const outerKey = singleKey(target);
      const innerKey = singleKey(inner);
      const base = inner.childForFieldName('value');
      if (!base) return;
      const shown = text.slice(target.startIndex, target.endIndex);
      const data = { target: shown.length > 60 ? shown.slice(0, 57) + '...' : shown };
      let loc: LocTarget | undefined;
      let messageId = 'default';
      let frameNode: Node;
      const accessor = base.type === 'attribute' ? base.childForFieldName('attribute')?.text : undefined;
      if (accessor === 'loc' || accessor === 'iloc') {
        // df.loc[x][y] = v / df.iloc[x][y] = v
        const frame = base.childForFieldName('object');
        if (!frame || semantic.kindOf(frame) !== 'dataframe') return;
        // `df.loc[row, col][k] = v` writes into one cell's value (a dict, a list), not through a copy of the frame.
        const rowKeys = inner.childrenForFieldName('subscript');
        if (rowKeys.length !== 1 || rowKeys[0]?.type === 'tuple') return;
        frameNode = frame;
        if (accessor === 'iloc') messageId = 'iloc';
        else if (innerKey && innerKey.type !== 'tuple' && outerKey?.type === 'string' && dottedName(frame)) {
          loc = { frame: dottedName(frame)!, row: innerKey, column: outerKey };
        }
      } else {
        const kind = semantic.kindOf(base);
        const mask = innerKey !== undefined && isMask(innerKey, semantic);
        if (kind !== 'dataframe' && !(mask && (kind === 'series' || kind === 'pandas'))) return;
        frameNode = base;
        const frame = kind === 'dataframe' ? dottedName(base) : undefined;
        if (frame && innerKey?.type === 'string' && outerKey && !NOT_LOC_ROWS.has(outerKey.type)) {
          loc = { frame, row: outerKey, column: innerKey };
        } else if (frame && mask && outerKey?.type === 'string') {
          loc = { frame, row: innerKey!, column: outerKey };
        }
      }
      const replacement = loc ? `${loc.frame}.loc[${text.slice(loc.row.startIndex, loc.row.endIndex)}, ${text.slice(loc.column.startIndex, loc.column.endIndex)}]` : undefined;
      context.report({
        node: target,
        messageId,
        data: { ...data, frame: text.slice(frameNode.startIndex, frameNode.endIndex) },
        fixes: replacement
          ? [{ title: `Assign through \`${loc!.frame}.loc[...]\``, safety: 'safe', edits: [{ start: target.startIndex, end: target.endIndex, newText: replacement }] }]
          : [],
      });
    };
    return { assignment: check, augmented_assignment: check };
  },
});

/** Row keys whose meaning changes between `[]` and `.loc` (slices are positional in `[]`, tuples are MultiIndex keys). */
const NOT_LOC_ROWS = new Set(['slice', 'tuple', 'ellipsis', 'comment']);

/** The only key of a subscript, or undefined for `x[a, b]` and `x[1:2]`-style multi-part keys. */
function singleKey(subscript: Node): Node | undefined {
  const keys = subscript.childrenForFieldName('subscript').filter((k): k is Node => k !== null);
  return keys.length === 1 && keys[0].type !== 'slice' ? keys[0] : undefined;
}

/** A boolean row mask: a comparison, `~`, `&`, `|` of masks, or a pandas mask method call. */
function isMask(node: Node, semantic: SemanticModel): boolean {
  switch (node.type) {
    case 'comparison_operator':
      return true;
    case 'parenthesized_expression':
      return !!node.namedChild(0) && isMask(node.namedChild(0)!, semantic);
    case 'unary_operator':
      return node.child(0)?.type === '~';
    case 'binary_operator': {
      const op = node.childForFieldName('operator')?.type;
      return op === '&' || op === '|';
    }
    case 'call': {
      const fn = calleeOf(node);
      return fn?.type === 'attribute' && MASK_METHODS.has(fn.childForFieldName('attribute')?.text ?? '') && semantic.qualifiedName(fn) === undefined;
    }
    default:
      return false;
  }
}
