import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { callArguments, calledName, calleeOf, numericValue, receiverOf, stringValue } from '../engine/syntax';

/** Literals that mark "none", "first" or "missing" rather than a particular record. */
const SENTINELS = new Set([-1, 0, 1]);
const PANDAS_KINDS = new Set(['dataframe', 'series', 'pandas']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
/** Operators that let a comparison sit inside a larger condition or pandas mask. */
const CONDITION_GLUE = new Set(['boolean_operator', 'not_operator', 'parenthesized_expression', 'binary_operator', 'unary_operator']);
const ID_NAME = /^(id|idx|uid|pk)$|_(id|idx|uid|pk)$|[a-z0-9](Id|ID)$/i;
const QUERY_COMPARISON = /\b([A-Za-z_]\w*)\s*(==|!=|not\s+in|in)\s*(\[[^\]]*\]|\([^)]*\)|-?\d+|'[^']*'|"[^"]*")/g;

interface Options {
  ignoredIdPrefixes: string[];
}

export default defineRule<Options>({
  meta: {
    id: 'special-case-record',
    code: 'MLD211',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'none',
    requires: ['pandas', 'numpy', 'sklearn', 'polars', 'torch', 'tensorflow'],
    options: {
      ignoredIdPrefixes: {
        type: 'string[]',
        default: [
          'class', 'label', 'cluster', 'device', 'gpu', 'cuda', 'worker', 'rank', 'local_rank', 'process', 'thread',
          'token', 'pad', 'bos', 'eos', 'cls', 'sep', 'unk', 'mask', 'vocab', 'layer', 'head', 'model', 'run',
          'experiment', 'exp', 'seed', 'task', 'job', 'category', 'type', 'channel', 'batch', 'step', 'epoch', 'fold',
          'split', 'version', 'feature', 'col', 'column', 'field', 'lang', 'language', 'stage', 'phase', 'state',
          'status', 'mode', 'level', 'node', 'tag', 'action', 'dim', 'axis',
        ],
        description:
          'Id-like names that number categories, devices or positions rather than records (`class_id`, `gpu_id`, `col_idx`); comparisons on them are not flagged.',
      },
    },
    messages: {
      compare: '`{name}` is compared with the literal id {value}: a hard-coded record special case; keep such records in a data-quality rule or file, with the reason.',
      drop: 'Rows with the index labels {value} are dropped in code; list the excluded records in a data-quality rule or file, with the reason.',
      query: 'The query filters `{name}` on the literal id {value}: a hard-coded record special case; keep such records in a data-quality rule or file, with the reason.',
    },
    docs: {
      summary: 'Hard-coded record exclusions and special cases.',
      whatItDoes:
        'Flags an id-like name (`id`, `idx`, `uid`, `pk`, `*_id`, `*Id`, a column such as `df["customer_id"]` or ' +
        '`row.user_id`) compared with `==`, `!=`, `in` or `not in` to an integer literal, a string literal holding a ' +
        'digit, or a list/tuple/set of them, inside an `if`/`elif`/`while` condition, a conditional expression, a comprehension ' +
        'filter or a pandas mask (`df[df["id"] != 123]`, `df[~df["id"].isin([17, 243])]`); `df.query("id != 123")`; ' +
        'and `df.drop(...)` of integer index labels on a DataFrame or Series. It leaves alone loop counters (`for idx ' +
        'in range(...)`, the index of `enumerate`), the sentinels -1, 0 and 1 (`if idx == 0`), words such as ' +
        '`user_id == "guest"`, and names that number categories or devices (`class_id`, `gpu_id`, `token_id`; see ' +
        'the `ignoredIdPrefixes` option).',
      whyIsThisBad:
        'A record singled out by id in the code is a data-quality decision hidden in the pipeline: nobody can see ' +
        'which records are excluded or why, the list drifts out of date as the data is refreshed, and the same ids ' +
        'end up copied into training and serving code. Sculley et al. (NeurIPS 2015) describe such glue as hidden ' +
        'technical debt; the data-quality rule belongs with the data, in one named, reviewed place.',
      example:
        'import pandas as pd\n\ndf = pd.read_csv("customers.csv")\ndf = df[df["customer_id"] != 48213]\n' +
        'df = df.drop(index=[17, 243])\n',
      useInstead:
        'import pandas as pd\n\nEXCLUDED = pd.read_csv("data_quality/excluded_customers.csv")\n' +
        'df = pd.read_csv("customers.csv")\ndf = df[~df["customer_id"].isin(EXCLUDED["customer_id"])]\n',
      fixSafety: 'No fix: where the excluded records should live, and why each is excluded, is the author\'s call.',
      references: [
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.drop.html',
        'https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.isin.html',
        'Sculley et al., "Hidden Technical Debt in Machine Learning Systems", NeurIPS 2015',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    const ignored = context.options.ignoredIdPrefixes.map((p) => p.toLowerCase());
    const idLike = (name: string): boolean => {
      if (!ID_NAME.test(name)) return false;
      const lower = name.toLowerCase();
      return !ignored.some((p) => lower === p || lower.startsWith(`${p}_`) || lower.startsWith(p) && /^(id|idx)$/i.test(name.slice(p.length)));
    };
    return {
      comparison_operator(node) {
        const operators = node.childrenForFieldName('operators').map((o) => o?.type);
        const operands = node.namedChildren.filter((n): n is Node => n !== null);
        if (operators.length !== 1 || operands.length !== 2) return;
        const op = operators[0];
        const pairs: Array<[Node, Node]> = op === 'in' || op === 'not in' ? [[operands[0], operands[1]]] : op === '==' || op === '!=' ? [[operands[0], operands[1]], [operands[1], operands[0]]] : [];
        for (const [subject, literal] of pairs) {
          const name = idName(subject);
          const value = name && recordLiteral(literal);
          // Where the comparison sits last: finding it walks up the tree, and most comparisons are not of an id.
          if (!name || !value || !idLike(name) || isLoopCounter(subject) || !inCondition(node)) continue;
          context.report({ node, messageId: 'compare', data: { name: subject.text, value } });
          return;
        }
      },
      call(node) {
        const method = calledName(node);
        if (method !== 'isin' && method !== 'drop' && method !== 'query') return;
        const receiver = receiverOf(node);
        if (!receiver) return;
        if (method === 'isin') {
          const name = idName(receiver);
          const value = recordLiteral(callArguments(node).positional[0]);
          if (name && value && idLike(name) && inCondition(node)) context.report({ node, messageId: 'compare', data: { name: receiver.text, value } });
          return;
        }
        if (method !== 'drop' && method !== 'query') return;
        if (!PANDAS_KINDS.has(semantic.kindOf(receiver) ?? '')) return;
        const args = callArguments(node);
        if (method === 'drop') {
          const value = droppedRows(args);
          if (value) context.report({ node, messageId: 'drop', data: { value } });
          return;
        }
        const query = args.positional[0] && stringValue(args.positional[0]);
        if (!query) return;
        for (const m of query.matchAll(QUERY_COMPARISON)) {
          const value = queryLiteral(m[3]);
          if (idLike(m[1]) && value && (m[2] === '==' || m[2] === '!=' || m[3].startsWith('[') || m[3].startsWith('('))) {
            context.report({ node, messageId: 'query', data: { name: m[1], value } });
            return;
          }
        }
      },
    };
  },
});

/** The name an id is read from: `user_id`, `row.user_id`, `df["user_id"]`, `row["user_id"]`. */
function idName(node: Node): string | undefined {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text;
  if (node.type === 'subscript') {
    const keys = node.childrenForFieldName('subscript');
    return keys.length === 1 && keys[0] ? stringValue(keys[0]) : undefined;
  }
  return undefined;
}

/** The literal's text when it names particular records: a non-sentinel integer, a string with a digit, or a collection of them. */
function recordLiteral(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'list' || node.type === 'tuple' || node.type === 'set') {
    const items = node.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
    if (items.length === 0 || !items.every((i) => literalKind(i) !== undefined)) return undefined;
    return items.some((i) => literalKind(i) === 'record') ? node.text : undefined;
  }
  return literalKind(node) === 'record' ? node.text : undefined;
}

function literalKind(node: Node): 'record' | 'sentinel' | undefined {
  const n = numericValue(node);
  if (n !== undefined) return Number.isInteger(n) && node.type !== 'float' ? (SENTINELS.has(n) ? 'sentinel' : 'record') : undefined;
  const s = stringValue(node);
  if (s === undefined) return undefined;
  return /\d/.test(s) ? 'record' : 'sentinel';
}

function queryLiteral(text: string): string | undefined {
  const items = text.startsWith('[') || text.startsWith('(') ? text.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean) : [text];
  const record = (s: string): boolean => (/^-?\d+$/.test(s) ? !SENTINELS.has(Number(s)) : /^(['"]).*\d.*\1$/.test(s));
  return items.length > 0 && items.some(record) ? text : undefined;
}

/** Integer labels passed to `drop` as rows (`drop([17, 243])`, `drop(index=17)`), as text. */
function droppedRows(args: ReturnType<typeof callArguments>): string | undefined {
  if (args.hasSplat || args.keywords.has('columns')) return undefined;
  const axis = args.keywords.get('axis');
  if (axis && !['0', '"index"', "'index'", '"rows"', "'rows'"].includes(axis.text)) return undefined;
  const labels = args.keywords.get('index') ?? args.keywords.get('labels') ?? args.positional[0];
  if (!labels || (args.positional.length > 1)) return undefined;
  const items = labels.type === 'list' || labels.type === 'tuple' ? labels.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : [labels];
  const integers = items.length > 0 && items.every((i) => { const v = numericValue(i); return v !== undefined && Number.isInteger(v) && i.type !== 'float'; });
  return integers ? labels.text : undefined;
}

/** Whether the expression is (part of) the condition of an `if`, a conditional expression, a comprehension filter or a mask. */
function inCondition(node: Node): boolean {
  let n = node;
  while (n.parent && CONDITION_GLUE.has(n.parent.type)) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  switch (p.type) {
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
      return p.childForFieldName('condition')?.equals(n) ?? false;
    case 'conditional_expression':
      return p.namedChild(1)?.equals(n) ?? false;
    case 'if_clause':
      return true;
    case 'subscript':
      return !p.childForFieldName('value')?.equals(n);
    default:
      return false;
  }
}

/** A name bound by an enclosing `for x in range(...)` or as the index of `enumerate(...)`. */
function isLoopCounter(subject: Node): boolean {
  if (subject.type !== 'identifier') return false;
  for (let n = subject.parent; n; n = n.parent) {
    if (n.type !== 'for_statement' && n.type !== 'for_in_clause' && !COMPREHENSIONS.has(n.type)) continue;
    const clauses = n.type === 'for_statement' || n.type === 'for_in_clause' ? [n] : n.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
    for (const loop of clauses) {
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right');
      const fn = right?.type === 'call' ? calleeOf(right)?.text : undefined;
      if (fn === 'range' && left?.text === subject.text) return true;
      if (fn === 'enumerate' && left && (left.type === 'pattern_list' || left.type === 'tuple_pattern') && left.namedChild(0)?.text === subject.text) return true;
    }
    if (n.type === 'function_definition') return false;
  }
  return false;
}
