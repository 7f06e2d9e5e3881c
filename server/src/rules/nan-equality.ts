import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import type { SemanticModel, ValueKind } from '../engine/semantic';
import { calleeOf, stringValue } from '../engine/syntax';
import type { FixSafety } from '../engine/types';

const MISSING_CONSTANTS = new Set(['numpy.nan', 'numpy.NaN', 'numpy.NAN', 'math.nan', 'pandas.NA', 'pandas.NaT']);
const PANDAS_KINDS = new Set<ValueKind>(['dataframe', 'series', 'pandas']);
/** Kinds on which `== None` compares element-wise instead of testing the object. */
const ELEMENTWISE_KINDS = new Set<ValueKind>(['dataframe', 'series', 'pandas', 'ndarray']);

interface Replacement {
  text: string;
  /** The test without its argument, for the message: `pd.isna(...)`. */
  shape: string;
  safety: FixSafety;
}

export default defineRule({
  meta: {
    id: 'nan-equality',
    code: 'MLD203',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'safe',
    requires: ['pandas', 'numpy'],
    messages: {
      missing: '`{operator} {constant}` never matches a missing value (NaN equals nothing, NA compares to NA); use `{suggestion}`.',
      none: '`{operator} None` on a {kind} compares element-wise and misses NaN; use `{suggestion}`.',
    },
    docs: {
      summary: 'Equality comparison with NaN or NA, or with None on a DataFrame, Series or array.',
      whatItDoes:
        'Flags `==` and `!=` comparisons with `np.nan`, `math.nan`, `float("nan")`, `pd.NA` or `pd.NaT`, whatever the ' +
        'other side is, and `== None` / `!= None` where the other side is known to be a DataFrame, Series or NumPy array. ' +
        'Chained comparisons (`a == b == c`) are left alone.',
      whyIsThisBad:
        'NaN is unequal to everything, itself included, so `x == np.nan` is always False and `x != np.nan` always True: ' +
        'the filter meant to find or drop missing values silently selects nothing or everything, and the model trains on ' +
        'data the code claims to have cleaned. `pd.NA` propagates instead (`x == pd.NA` is NA, and raises in an `if`). ' +
        'On a Series, `== None` compares each value with None and misses the NaN that pandas stores for missing numbers. ' +
        'Zhang et al. list NaN equivalence comparison as an ML code smell; SonarQube S6725 flags it.',
      example:
        'import numpy as np\nimport pandas as pd\n\ndf = pd.read_csv("train.csv")\nmissing = df[df["age"] == np.nan]\n',
      useInstead:
        'import numpy as np\nimport pandas as pd\n\ndf = pd.read_csv("train.csv")\nmissing = df[pd.isna(df["age"])]\n',
      fixSafety:
        'Safe: the comparison is replaced by the test it was meant to be (`pd.isna`/`pd.notna`, or `np.isnan`/`~np.isnan` ' +
        'for NumPy arrays); `pd.notna` is used rather than `~pd.isna` because it is also right for a single value. Where ' +
        'pandas is not imported and the value\'s type is unknown, `np.isnan` is offered as an unsafe fix, since it raises ' +
        'on strings and None. Tensors get no fix.',
      references: [
        'https://pandas.pydata.org/docs/user_guide/missing_data.html',
        'https://numpy.org/doc/stable/reference/generated/numpy.isnan.html',
        'https://rules.sonarsource.com/python/RSPEC-6725/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    return {
      comparison_operator(comparison) {
        const operators = comparison.childrenForFieldName('operators');
        const operands = comparison.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
        if (operators.length !== 1 || operands.length !== 2) return;
        const operator = operators[0]?.type;
        if (operator !== '==' && operator !== '!=') return;
        const [left, right] = operands;
        const constant = missingConstant(left, semantic) ?? missingConstant(right, semantic);
        if (constant !== undefined) {
          const value = missingConstant(left, semantic) !== undefined ? right : left;
          const kind = semantic.kindOf(value);
          const replacement = missingTest(value, kind, operator === '!=', context.text, semantic);
          context.report({
            node: comparison,
            messageId: 'missing',
            data: { operator, constant, suggestion: replacement?.shape ?? suggestionFor(kind) },
            fixes: fixFor(comparison, replacement),
          });
          return;
        }
        const value = left.type === 'none' ? right : right.type === 'none' ? left : undefined;
        if (!value || value.type === 'none') return;
        const kind = semantic.kindOf(value);
        if (!kind || !ELEMENTWISE_KINDS.has(kind)) return;
        // An array may hold None in an object array, which `np.isnan` rejects; pandas handles both.
        const replacement = pandasTest(value, operator === '!=', context.text, semantic);
        context.report({
          node: comparison,
          messageId: 'none',
          data: { operator, kind: kind === 'ndarray' ? 'NumPy array' : 'pandas object', suggestion: replacement?.shape ?? 'pd.isna(...)' },
          fixes: fixFor(comparison, replacement),
        });
      },
    };
  },
});

/** The spelling of a NaN/NA constant as written, or undefined. */
function missingConstant(node: Node, semantic: SemanticModel): string | undefined {
  if (node.type === 'identifier' || node.type === 'attribute') {
    const q = semantic.qualifiedName(node);
    return q && MISSING_CONSTANTS.has(q) ? node.text : undefined;
  }
  if (node.type !== 'call' || calleeOf(node)?.text !== 'float') return undefined;
  const args = node.childForFieldName('arguments')?.namedChildren.filter((a) => a?.type !== 'comment') ?? [];
  const literal = args.length === 1 && args[0] ? stringValue(args[0]) : undefined;
  return literal !== undefined && /^\s*[+-]?nan\s*$/i.test(literal) ? node.text : undefined;
}

function missingTest(value: Node, kind: ValueKind | undefined, negate: boolean, text: string, semantic: SemanticModel): Replacement | undefined {
  if (kind === 'tensor') return undefined;
  if (kind === 'ndarray') return numpyTest(value, negate, text, semantic, 'safe') ?? pandasTest(value, negate, text, semantic);
  return pandasTest(value, negate, text, semantic) ?? (kind ? undefined : numpyTest(value, negate, text, semantic, 'unsafe'));
}

function pandasTest(value: Node, negate: boolean, text: string, semantic: SemanticModel): Replacement | undefined {
  const fn = importedFunction(semantic, 'pandas', negate ? 'notna' : 'isna');
  return fn ? { text: `${fn}(${text.slice(value.startIndex, value.endIndex)})`, shape: `${fn}(...)`, safety: 'safe' } : undefined;
}

function numpyTest(value: Node, negate: boolean, text: string, semantic: SemanticModel, safety: FixSafety): Replacement | undefined {
  const fn = importedFunction(semantic, 'numpy', 'isnan');
  const not = negate ? '~' : '';
  return fn ? { text: `${not}${fn}(${text.slice(value.startIndex, value.endIndex)})`, shape: `${not}${fn}(...)`, safety } : undefined;
}

/** How the code can spell `module.fn`: through the module's alias, or a name imported from it. */
function importedFunction(semantic: SemanticModel, module: string, fn: string): string | undefined {
  const alias = semantic.importedNameFor(module);
  return alias ? `${alias}.${fn}` : semantic.importedNameFor(`${module}.${fn}`);
}

function suggestionFor(kind: ValueKind | undefined): string {
  if (kind === 'tensor') return 'torch.isnan(...)';
  return kind && PANDAS_KINDS.has(kind) ? 'pd.isna(...)' : 'pd.isna(...) or np.isnan(...)';
}

function fixFor(comparison: Node, replacement: Replacement | undefined) {
  if (!replacement) return [];
  return [{
    title: `Replace with \`${replacement.text.length > 50 ? replacement.text.slice(0, 47) + '...' : replacement.text}\``,
    safety: replacement.safety,
    edits: [{ start: comparison.startIndex, end: comparison.endIndex, newText: replacement.text }],
  }];
}
