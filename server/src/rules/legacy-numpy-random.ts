import type { Node } from '../engine/parser';
import { defineRule, type FixSpec } from '../engine/rule';
import { callArguments, calleeOf, insertModuleLines, moduleStatements, statementOf } from '../engine/syntax';
import type { TextEdit } from '../engine/types';

/** The `Generator` method that replaces each legacy function with the same arguments; null where there is none. */
const GENERATOR_METHOD: Record<string, string | null> = {
  seed: null, get_state: null, set_state: null, random_integers: null, tomaxint: null,
  rand: 'random', randn: 'standard_normal', randint: 'integers', random_sample: 'random', random: 'random',
  ranf: 'random', sample: 'random',
  ...Object.fromEntries(
    [
      'choice', 'bytes', 'shuffle', 'permutation', 'beta', 'binomial', 'chisquare', 'dirichlet', 'exponential', 'f',
      'gamma', 'geometric', 'gumbel', 'hypergeometric', 'laplace', 'logistic', 'lognormal', 'logseries', 'multinomial',
      'multivariate_normal', 'negative_binomial', 'noncentral_chisquare', 'noncentral_f', 'normal', 'pareto', 'poisson',
      'power', 'rayleigh', 'standard_cauchy', 'standard_exponential', 'standard_gamma', 'standard_normal', 'standard_t',
      'triangular', 'uniform', 'vonmises', 'wald', 'weibull', 'zipf',
    ].map((n) => [n, n]),
  ),
};

/** The functions of `numpy.random` that use the hidden global `RandomState`. */
export const LEGACY_NUMPY_RANDOM: ReadonlySet<string> = new Set(Object.keys(GENERATOR_METHOD));

/** Legacy functions taking the shape as separate arguments, where a `Generator` takes one tuple. */
const SHAPE_AS_ARGS = new Set(['rand', 'randn']);

interface LegacyCall {
  call: Node;
  name: string;
  /** The `np.random` part of `np.random.rand`, or undefined for a bare imported name. */
  module?: Node;
}

export default defineRule({
  meta: {
    id: 'legacy-numpy-random',
    code: 'MLD102',
    category: 'reproducibility',
    severity: 'information',
    local: true,
    fix: 'unsafe',
    requires: ['numpy'],
    messages: {
      default: '`{name}` uses NumPy\'s legacy global random state; draw from a `Generator` made by `np.random.default_rng(seed)` instead.',
    },
    docs: {
      summary: 'NumPy\'s legacy global random API (`np.random.seed`, `rand`, `randn`, `randint`, …).',
      whatItDoes:
        'Flags calls of the `numpy.random` module functions that draw from or reset the hidden global `RandomState` ' +
        '(`seed`, `rand`, `randn`, `randint`, `random`, `choice`, `shuffle`, `permutation`, `normal`, `uniform`, and the ' +
        'other distributions). `default_rng`, `Generator`, `SeedSequence`, the bit generators and methods of an ' +
        'explicit `RandomState` object are not flagged.',
      whyIsThisBad:
        'The global state is shared by every library in the process: any import or helper that draws from it shifts ' +
        'all later numbers, so a seed at the top does not pin results once the code changes. NumPy calls this API ' +
        'legacy and recommends passing `Generator` objects around instead (Ruff NPY002, SonarQube S6711).',
      example: 'import numpy as np\n\nnp.random.seed(42)\nnoise = np.random.randn(100, 3)\nidx = np.random.randint(0, 10, size=5)\n',
      useInstead: 'import numpy as np\n\nrng = np.random.default_rng(42)\nnoise = rng.standard_normal((100, 3))\nidx = rng.integers(0, 10, size=5)\n',
      fixSafety:
        'Unsafe: a `Generator` draws different numbers than the legacy state for the same seed, so every value ' +
        'changes. `np.random.seed(s)` at module level becomes `rng = np.random.default_rng(s)`; other calls become ' +
        '`rng.<method>` (`rand(a, b)` → `rng.random((a, b))`, `randn` → `rng.standard_normal`, `randint` → ' +
        '`rng.integers`, same-named distributions kept) when an `rng` made by `default_rng` is defined before them, ' +
        'when a module-level seed call before them is rewritten in the same fix, or, in a file that never seeds NumPy, ' +
        'by inserting an unseeded `rng = np.random.default_rng()` after the imports. Functions with no 1:1 ' +
        'counterpart (`random_integers`, `get_state`, `set_state`), names imported bare, seeds inside functions and ' +
        'files where `rng` already names something else get no fix.',
      references: [
        'https://numpy.org/doc/stable/reference/random/legacy.html',
        'https://numpy.org/doc/stable/reference/random/generator.html',
        'https://docs.astral.sh/ruff/rules/numpy-legacy-random/',
        'https://rules.sonarsource.com/python/RSPEC-6711/',
      ],
    },
  },
  create(context) {
    const { root } = context;
    // The legacy calls of the chunk being walked; each fix depends on seeds and `rng` anywhere in the module.
    let chunkCalls: LegacyCall[] = [];
    const textOf = (node: Node): string => context.text.slice(node.startIndex, node.endIndex);

    const rewrite = ({ call, name, module }: LegacyCall): TextEdit[] | undefined => {
      const method = GENERATOR_METHOD[name];
      const fn = calleeOf(call);
      const list = call.childForFieldName('arguments');
      if (!method || !module || !fn || list?.type !== 'argument_list') return undefined;
      const edits: TextEdit[] = [{ start: fn.startIndex, end: fn.endIndex, newText: `rng.${method}` }];
      if (SHAPE_AS_ARGS.has(name)) {
        const args = callArguments(call);
        if (args.hasSplat || args.keywords.size > 0) return undefined;
        if (args.positional.length > 1) {
          edits.push({ start: list.startIndex + 1, end: list.startIndex + 1, newText: '(' });
          edits.push({ start: list.endIndex - 1, end: list.endIndex - 1, newText: ')' });
        }
      }
      return edits;
    };

    /** `np.random.seed(s)` alone on a module-level line becomes `rng = np.random.default_rng(s)`. */
    const seedRewrite = ({ call, module }: LegacyCall): TextEdit | undefined => {
      const statement = statementOf(call);
      const list = call.childForFieldName('arguments');
      const alone = statement.type === 'expression_statement' && statement.text === call.text;
      if (!module || !alone || statement.parent?.type !== 'module' || list?.type !== 'argument_list') return undefined;
      return { start: call.startIndex, end: call.endIndex, newText: `rng = ${textOf(module)}.default_rng${textOf(list)}` };
    };

    const report = (c: LegacyCall, edits: TextEdit[] | undefined): void => {
      const fixes: FixSpec[] = edits ? [{ title: 'Use a NumPy `Generator`', safety: 'unsafe', edits }] : [];
      context.report({ node: c.call, messageId: 'default', data: { name: textOf(calleeOf(c.call)!) }, fixes });
    };

    return {
      call(call) {
        const fn = calleeOf(call);
        const q = context.semantic.qualifiedName(fn);
        const parts = q?.split('.');
        if (!parts || parts.length !== 3 || parts[0] !== 'numpy' || parts[1] !== 'random' || !LEGACY_NUMPY_RANDOM.has(parts[2])) return;
        const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
        const module = object && context.semantic.qualifiedName(object) === 'numpy.random' ? object : undefined;
        chunkCalls.push({ call, name: parts[2], module });
      },
      'chunk:exit'() {
        const facts = chunkCalls.length > 0 ? chunkCalls : undefined;
        chunkCalls = [];
        return facts;
      },
      'module:exit'() {
        const calls = (context.chunkFacts as Array<LegacyCall[] | undefined>).flatMap((f) => f ?? []);
        // The module-level `rng` is looked for only where there is something to rewrite with it.
        if (calls.length === 0) return;
        const seeds = calls.filter((c) => c.name === 'seed');
        const seedEdits = new Map(seeds.map((c) => [c, seedRewrite(c)]));
        const rngStatement = moduleRng(root);
        const rngIsGenerator = rngStatement !== undefined && /\.default_rng\(/.test(textOf(rngStatement));
        for (const c of calls) {
          if (c.name === 'seed') {
            report(c, wrap(seedEdits.get(c)));
            continue;
          }
          const edits = rewrite(c);
          if (!edits) {
            report(c, undefined);
          } else if (rngIsGenerator && runsAfter(c.call, rngStatement!.endIndex)) {
            report(c, edits);
          } else if (rngStatement) {
            report(c, undefined);
          } else if (seeds.length > 0) {
            // Use the nearest module-level seed before the call, rewritten by the same fix.
            const before = seeds.filter((s) => seedEdits.get(s) && runsAfter(c.call, s.call.endIndex) && (s.call.startIndex < c.call.startIndex || !inFunction(c.call)));
            const seed = before.length > 0 ? (inFunction(c.call) ? before[0] : before[before.length - 1]) : undefined;
            report(c, seed ? [seedEdits.get(seed)!, ...edits] : undefined);
          } else {
            const insert = insertModuleLines(root, context.text, `rng = ${textOf(c.module!)}.default_rng()`, context.notebook);
            report(c, runsAfter(c.call, insert.start) ? [insert, ...edits] : undefined);
          }
        }
      },
    };
  },
});

function wrap(edit: TextEdit | undefined): TextEdit[] | undefined {
  return edit ? [edit] : undefined;
}

function inFunction(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition' || n.type === 'lambda') return true;
  return false;
}

function runsAfter(node: Node, at: number): boolean {
  return node.startIndex >= at || inFunction(node);
}

/** The module-level statement `rng = ...`, if any. */
function moduleRng(root: Node): Node | undefined {
  for (const s of moduleStatements(root)) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.text === 'rng') return s;
  }
  return undefined;
}
