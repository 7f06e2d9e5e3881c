import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { callArguments, calleeOf, numericValue } from '../engine/syntax';

/** numpy constructors whose first argument is a shape: 2-D when it is a literal pair. */
const SHAPE_FIRST = new Set(['zeros', 'ones', 'empty', 'full'].map((n) => `numpy.${n}`));
/** numpy constructors taking the dimensions as separate arguments. */
const DIMS_AS_ARGS = new Set(['numpy.random.rand', 'numpy.random.randn']);
/** numpy constructors that always return a square matrix. */
const SQUARE = new Set(['numpy.eye', 'numpy.identity']);
/** Expressions that bind tighter than `@`, so they need no parentheses as its operands. */
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression']);
/** Where `a @ b` can replace a call without parentheses. */
const BARE_RESULT_PARENTS = new Set(['assignment', 'argument_list', 'expression_statement', 'return_statement', 'keyword_argument', 'expression_list']);

export default defineRule({
  meta: {
    id: 'matrix-dot-ambiguity',
    code: 'MLD404',
    category: 'api-misuse',
    severity: 'warning',
    local: true,
    fix: 'unsafe',
    requires: ['numpy'],
    messages: {
      default: '`np.dot({a}, {b})` multiplies two matrices; write `{a} @ {b}` (or `np.matmul`) to say so.',
    },
    docs: {
      summary: '`np.dot` used for a product of two 2-D arrays.',
      whatItDoes:
        'Flags `np.dot(a, b)` when both operands are known to be 2-D: each is either a 2-D constructor ' +
        'written in place or a name last assigned from one in the same scope — `np.zeros/ones/empty/full` ' +
        'with a literal two-element shape, `np.random.rand/randn` with two dimensions, `np.eye`/`np.identity`, ' +
        'or `np.array` of a nested list literal. Operands of unknown shape (parameters, loaded data, results ' +
        'of other calls) are left alone, as are calls with more than two arguments.',
      whyIsThisBad:
        '`np.dot` means different things by dimensionality (inner product for 1-D, matrix product for 2-D, a ' +
        'sum over the last and second-to-last axes for N-D, plain multiplication for scalars), so the reader ' +
        'cannot tell what was meant and code that later receives a batch of matrices silently computes ' +
        'something else. `@`/`np.matmul` state the matrix product, broadcast batches as stacks of matrices, ' +
        'and reject scalars (Zhang et al., CAIN 2022, "Matrix multiplication API misused").',
      example:
        'import numpy as np\n\nweights = np.random.randn(64, 10)\nfeatures = np.ones((32, 64))\nlogits = np.dot(features, weights)\n',
      useInstead:
        'import numpy as np\n\nweights = np.random.randn(64, 10)\nfeatures = np.ones((32, 64))\nlogits = features @ weights\n',
      fixSafety:
        'Unsafe: for two 2-D arrays `@` gives the same result, but the shapes are inferred from the last ' +
        'assignment seen in the text, and a branch or a later reshape the analysis does not follow could make ' +
        'an operand 1-D or N-D, where `@` and `np.dot` differ.',
      references: [
        'https://numpy.org/doc/stable/reference/generated/numpy.dot.html',
        'https://numpy.org/doc/stable/reference/generated/numpy.matmul.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    /** What this chunk did, in order: a name's shape recorded, or an `np.dot` whose operands are known. */
    let steps: Step[] = [];
    // Listeners run while the walk is inside the node's function, so the semantic model knows it.
    const scopeId = (): number => semantic.currentFunction()?.id ?? 0;

    const isTwoDimensionalConstructor = (expr: Node): boolean => {
      if (expr.type !== 'call') return false;
      const q = semantic.qualifiedName(calleeOf(expr));
      if (!q) return false;
      const { positional, keywords, hasSplat } = callArguments(expr);
      if (hasSplat) return false;
      if (SQUARE.has(q)) return positional.length >= 1;
      if (DIMS_AS_ARGS.has(q)) return positional.length === 2 && positional.every((a) => a.type !== 'list_splat');
      const shape = positional[0] ?? keywords.get('shape');
      if (SHAPE_FIRST.has(q)) return !!shape && isLiteralPair(shape);
      if (q === 'numpy.array' || q === 'numpy.asarray') return !!positional[0] && isNestedListLiteral(positional[0]);
      return false;
    };

    /** 2-D or not when the expression alone tells; otherwise the name whose last assignment tells. */
    const operand = (expr: Node): Operand => {
      if (expr.type === 'parenthesized_expression') return !!expr.namedChild(0) && operand(expr.namedChild(0)!);
      if (isTwoDimensionalConstructor(expr)) return true;
      const name = dottedName(expr);
      const kind = semantic.kindOf(expr);
      return !name || (kind !== undefined && kind !== 'ndarray') ? false : name;
    };

    const report = ({ call, fn, a, b }: DotStep): void => {
      context.report({ node: call, messageId: 'default', data: { a: a.text, b: b.text }, fixes: matmulFix(call, fn, a, b) });
    };

    const record = (target: Node, value: Node | null): void => {
      const name = dottedName(target);
      if (name) steps.push({ scope: scopeId(), name, twoDimensional: !!value && isTwoDimensionalConstructor(value) });
    };

    return {
      'assignment:exit'(node) {
        const left = node.childForFieldName('left');
        if (!left) return;
        if (left.type === 'identifier' || left.type === 'attribute') record(left, node.childForFieldName('right'));
        else for (const t of left.namedChildren) if (t) record(t, null);
      },
      for_statement(node) {
        const left = node.childForFieldName('left');
        if (left) for (const t of left.type === 'identifier' ? [left] : left.namedChildren) if (t) record(t, null);
      },
      call(node) {
        const fn = calleeOf(node);
        if (semantic.qualifiedName(fn) !== 'numpy.dot') return;
        const { positional, keywords, hasSplat } = callArguments(node);
        if (hasSplat || keywords.size > 0 || positional.length !== 2) return;
        const [a, b] = positional;
        const operands: [Operand, Operand] = [operand(a), operand(b)];
        if (operands.includes(false)) return;
        steps.push({ scope: scopeId(), call: node, fn: fn!, a, b, operands });
      },
      'chunk:exit'() {
        const facts: ChunkSteps | undefined = steps.length > 0 ? { steps, dots: steps.some((s) => !('name' in s)) } : undefined;
        steps = [];
        return facts;
      },
      'module:exit'() {
        const chunks = context.chunkFacts as ChunkSteps[];
        // Without an `np.dot` anywhere, the names' shapes need no replay.
        if (!chunks.some((c) => c.dots)) return;
        // Names assigned in one cell or statement are read in later ones: replay every chunk's steps in order.
        const shapes = new ShapeTable();
        for (const { steps: chunkSteps } of chunks) {
          for (const step of chunkSteps) {
            if ('name' in step) shapes.set(step.scope, step.name, step.twoDimensional);
            else if (step.operands.every((o) => shapes.isTwoDimensional(step.scope, o))) report(step);
          }
        }
      },
    };
  },
});

/** An `np.dot` operand: 2-D or not as written, or a name to look up where the call is. */
type Operand = boolean | string;

/** A name assigned in a scope (function node id, 0 for the module), from a 2-D constructor or not. */
interface AssignStep {
  scope: number;
  name: string;
  twoDimensional: boolean;
}

interface DotStep {
  scope: number;
  call: Node;
  fn: Node;
  a: Node;
  b: Node;
  operands: [Operand, Operand];
}

type Step = AssignStep | DotStep;

/** What a chunk's walk kept: its steps in order, and whether one is an `np.dot`. */
interface ChunkSteps {
  steps: Step[];
  dots: boolean;
}

/** Per scope: names whose last assignment was a 2-D constructor. */
class ShapeTable {
  private readonly scopes = new Map<number, Map<string, boolean>>();

  set(scope: number, name: string, twoDimensional: boolean): void {
    const names = this.scopes.get(scope) ?? new Map<string, boolean>();
    this.scopes.set(scope, names);
    names.set(name, twoDimensional);
  }

  isTwoDimensional(scope: number, operand: Operand): boolean {
    if (typeof operand === 'boolean') return operand;
    const local = this.scopes.get(scope)?.get(operand);
    return local ?? (this.scopes.get(0)?.get(operand) === true && !this.scopes.get(scope)?.has(operand));
  }
}

function matmulFix(call: Node, fn: Node, a: Node, b: Node) {
  if (PRIMARY.has(a.type) && PRIMARY.has(b.type) && !a.text.includes('\n') && !b.text.includes('\n')) {
    const bare = !!call.parent && BARE_RESULT_PARENTS.has(call.parent.type);
    const product = `${a.text} @ ${b.text}`;
    return [{ title: `Replace with \`${product}\``, safety: 'unsafe' as const, edits: [{ start: call.startIndex, end: call.endIndex, newText: bare ? product : `(${product})` }] }];
  }
  const attr = fn.type === 'attribute' ? fn.childForFieldName('attribute') : null;
  if (!attr) return [];
  return [{ title: 'Replace `np.dot` with `np.matmul`', safety: 'unsafe' as const, edits: [{ start: attr.startIndex, end: attr.endIndex, newText: 'matmul' }] }];
}

function isLiteralPair(shape: Node): boolean {
  if (shape.type !== 'tuple' && shape.type !== 'list') return false;
  const dims = shape.namedChildren.filter((c) => c && c.type !== 'comment');
  return dims.length === 2 && dims.every((d) => !!d && (d.type === 'identifier' || numericValue(d) !== undefined || d.type === 'attribute' || d.type === 'binary_operator'));
}

function isNestedListLiteral(node: Node): boolean {
  if (node.type !== 'list') return false;
  const rows = node.namedChildren.filter((c) => c && c.type !== 'comment');
  return rows.length > 0 && rows.every((r) => r?.type === 'list' && r.namedChildren.every((v) => v && v.type !== 'list' && v.type !== 'list_comprehension'));
}
