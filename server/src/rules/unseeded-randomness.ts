import type { Notebook } from '../engine/notebook';
import type { Node } from '../engine/parser';
import { defineRule, type FixSpec, type Report } from '../engine/rule';
import { appendArgument, callArguments, calledName, calleeOf, enclosing, insertModuleLines, moduleStatements, stringValue } from '../engine/syntax';
import type { TextEdit } from '../engine/types';
import { LEGACY_NUMPY_RANDOM } from './legacy-numpy-random';

/** sklearn callables whose result depends on `random_state` whatever the other arguments. */
const SKLEARN_RANDOM = new Set([
  'train_test_split', 'ShuffleSplit', 'StratifiedShuffleSplit', 'GroupShuffleSplit', 'RepeatedKFold',
  'RepeatedStratifiedKFold', 'RandomizedSearchCV', 'HalvingRandomSearchCV',
  'RandomForestClassifier', 'RandomForestRegressor', 'ExtraTreesClassifier', 'ExtraTreesRegressor', 'RandomTreesEmbedding',
  'GradientBoostingClassifier', 'GradientBoostingRegressor', 'HistGradientBoostingClassifier',
  'HistGradientBoostingRegressor', 'IsolationForest', 'BaggingClassifier', 'BaggingRegressor', 'AdaBoostClassifier',
  'AdaBoostRegressor', 'DecisionTreeClassifier', 'DecisionTreeRegressor', 'ExtraTreeClassifier', 'ExtraTreeRegressor',
  'KMeans', 'MiniBatchKMeans', 'BisectingKMeans', 'SpectralClustering', 'MLPClassifier', 'MLPRegressor', 'BernoulliRBM',
  'SGDClassifier', 'SGDRegressor', 'SGDOneClassSVM', 'Perceptron', 'PassiveAggressiveClassifier',
  'PassiveAggressiveRegressor', 'RANSACRegressor', 'TruncatedSVD', 'FastICA', 'LatentDirichletAllocation',
  'MiniBatchDictionaryLearning', 'TSNE', 'MDS', 'GaussianMixture', 'BayesianGaussianMixture',
  'GaussianRandomProjection', 'SparseRandomProjection', 'RBFSampler', 'Nystroem', 'SkewedChi2Sampler',
  'permutation_importance', 'shuffle', 'resample', 'make_classification', 'make_regression', 'make_blobs',
  'make_moons', 'make_circles',
]);

/** Random only when called with `shuffle=True`. */
const SHUFFLE_SPLITTERS = new Set(['KFold', 'StratifiedKFold', 'GroupKFold', 'StratifiedGroupKFold']);

/** Random only with one of these literal keyword values. */
const RANDOM_WITH: Record<string, [string, string[]]> = {
  LogisticRegression: ['solver', ['sag', 'saga']],
  PCA: ['svd_solver', ['randomized']],
};

const STDLIB_RANDOM = new Set([
  'random', 'randint', 'randrange', 'choice', 'choices', 'shuffle', 'sample', 'uniform', 'gauss', 'normalvariate',
  'lognormvariate', 'expovariate', 'betavariate', 'gammavariate', 'triangular', 'vonmisesvariate', 'paretovariate',
  'weibullvariate', 'getrandbits', 'randbytes', 'binomialvariate',
]);

const TORCH_RANDOM = new Set([
  ...['rand', 'randn', 'randint', 'randperm', 'rand_like', 'randn_like', 'randint_like', 'normal', 'bernoulli',
    'multinomial', 'poisson'].map((n) => `torch.${n}`),
  'torch.utils.data.random_split',
  ...['uniform_', 'normal_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_', 'kaiming_normal_',
    'trunc_normal_', 'orthogonal_', 'sparse_'].map((n) => `torch.nn.init.${n}`),
]);

/** Global-state seeding calls, by library. */
const SEEDERS: Record<Library, string[]> = {
  numpy: ['numpy.random.seed', 'numpy.random.set_state'],
  random: ['random.seed', 'random.setstate'],
  torch: ['torch.manual_seed', 'torch.random.manual_seed', 'torch.cuda.manual_seed', 'torch.cuda.manual_seed_all'],
};

/** The library each seeding function seeds. */
const SEEDER_LIBRARY = new Map<string, Library>((Object.keys(SEEDERS) as Library[]).flatMap((library) => SEEDERS[library].map((q) => [q, library] as const)));

/** Helpers that seed every library at once (Lightning, transformers, Keras, accelerate, or a project's own). */
export const SEED_EVERYTHING = ['seed_everything', 'set_seed', 'set_random_seed', 'set_seeds', 'seed_all', 'fix_seed', 'fix_seeds'];

export interface SeedOptions {
  seedHelpers: string[];
  seedValue: number;
}

/** The options of the rules that insert a seed constant. */
export const SEED_OPTIONS = {
  seedHelpers: {
    type: 'string[]',
    default: SEED_EVERYTHING,
    description: 'Functions whose call seeds every library (a call by this name anywhere in the file counts as a seed).',
  },
  seedValue: { type: 'number', default: 42, description: 'The value of the `SEED` constant a fix creates.' },
} as const;

/** Generators seeded from the operating system when called without a seed. */
const GENERATOR_FACTORIES = new Set(['numpy.random.default_rng', 'numpy.random.RandomState', 'random.Random']);

type Library = 'numpy' | 'random' | 'torch';

/** Legacy NumPy functions that seed or read the state rather than draw from it. */
const NOT_DRAWS = new Set(['seed', 'get_state', 'set_state']);

export const SEED_NAMES = ['SEED', 'RANDOM_STATE', 'RANDOM_SEED'];

const FUNCTION_SCOPES = new Set(['function_definition', 'lambda']);

/** The top-level assignment `NAME = ...` of one of `names`, if any. */
export function moduleAssignment(root: Node, names: readonly string[]): Node | undefined {
  for (const s of moduleStatements(root)) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    if (left?.type === 'identifier' && names.includes(left.text)) return s;
  }
  return undefined;
}

/** Whether code at `node` runs after offset `at` of the module: later in the text, or inside a function. */
export function runsAfter(node: Node, at: number): boolean {
  return node.startIndex >= at || enclosing(node, FUNCTION_SCOPES) !== undefined;
}

/**
 * The seed constant a fix at `node` can use: an existing module constant defined before it, or a new
 * `SEED = <seedValue>` inserted after the imports. Undefined when neither would be defined in time.
 */
export function seedConstant(root: Node, text: string, node: Node, seedValue: number, notebook?: Notebook): { name: string; edits: TextEdit[] } | undefined {
  const existing = moduleAssignment(root, SEED_NAMES);
  if (existing) {
    const name = existing.namedChild(0)!.childForFieldName('left')!.text;
    return runsAfter(node, existing.endIndex) ? { name, edits: [] } : undefined;
  }
  const insert = insertModuleLines(root, text, `SEED = ${seedValue}`, notebook);
  return runsAfter(node, insert.start) ? { name: 'SEED', edits: [insert] } : undefined;
}

export default defineRule<SeedOptions>({
  meta: {
    id: 'unseeded-randomness',
    code: 'MLD101',
    category: 'reproducibility',
    severity: 'warning',
    local: true,
    fix: 'safe',
    requires: ['sklearn', 'numpy', 'random', 'torch'],
    options: SEED_OPTIONS,
    messages: {
      sklearn: '`{name}` is called without `random_state`, so its result changes from run to run; pass a seed constant as `random_state`.',
      global: '{library} draws random numbers here but this {container} never seeds it; {advice}.',
      generator: '`{name}()` without a seed draws its state from the operating system; pass a seed constant.',
    },
    docs: {
      summary: 'Random splits, estimators and draws that are not seeded.',
      whatItDoes:
        'Flags scikit-learn splitters and estimators that use randomness (`train_test_split`, `KFold(shuffle=True)`, ' +
        'random forests, gradient boosting, `KMeans`, `MLP*`, `SGD*`, `TSNE`, …) called without `random_state`; ' +
        'NumPy, `random` or PyTorch global random numbers drawn in a file or notebook that never seeds that library ' +
        '(reported once per library, at the first draw; a seed in any cell counts, as does a `seed_everything`/`set_seed` helper); ' +
        'and `np.random.default_rng()`, `RandomState()` or `random.Random()` created without a seed. ' +
        'An explicit `random_state=None` and calls passing `**kwargs` are left alone.',
      whyIsThisBad:
        'An unseeded split or model gives different data partitions, weights and scores on every run, so a change in a ' +
        'metric cannot be told apart from noise and a result cannot be reproduced or reviewed (Zhang et al. list ' +
        'unseeded randomness among the ML-specific code smells; SonarQube S6709 asks for `random_state`). A global ' +
        '`np.random.seed` makes scikit-learn deterministic only as long as nothing changes the order of draws, so an ' +
        'explicit `random_state` is still wanted.',
      example:
        'from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.model_selection import train_test_split\n\n' +
        'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)\nclf = RandomForestClassifier(n_estimators=200)\n',
      useInstead:
        'from sklearn.ensemble import RandomForestClassifier\nfrom sklearn.model_selection import train_test_split\n\nSEED = 42\n\n' +
        'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=SEED)\n' +
        'clf = RandomForestClassifier(n_estimators=200, random_state=SEED)\n',
      fixSafety:
        'Safe: the fix passes a module constant (`SEED`, `RANDOM_STATE` or `RANDOM_SEED` when one exists, else a new ' +
        '`SEED = 42` after the imports — in a notebook, inside the first cell with imports). The code computes what it ' +
        'did before, with one fixed draw of the randomness. Global draws get no automatic fix: whether to seed the global ' +
        'state or move to a `Generator` (see legacy-numpy-random) is a choice for the author.',
      references: [
        'https://scikit-learn.org/stable/common_pitfalls.html#controlling-randomness',
        'https://scikit-learn.org/stable/glossary.html#term-random_state',
        'https://pytorch.org/docs/stable/notes/randomness.html',
        'https://rules.sonarsource.com/python/RSPEC-6709/',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { root } = context;
    const helpers = new Set(context.options.seedHelpers);
    // What the chunk being walked shows; handed to `module:exit` and reset at its end.
    let chunk = emptyFacts();

    const withSeed = (node: Node, title: string, edit: (name: string) => TextEdit | undefined): FixSpec[] => {
      const seed = seedConstant(root, context.text, node, context.options.seedValue, context.notebook);
      const argEdit = seed && edit(seed.name);
      return seed && argEdit ? [{ title: title.replace('{seed}', seed.name), safety: 'safe', edits: [...seed.edits, argEdit] }] : [];
    };

    /** The report for an unseeded call; its fix needs the seed constant, which any chunk may define. */
    const unseededReport = ({ call, messageId, name }: Unseeded): Report => ({
      node: call,
      messageId,
      data: { name },
      fixes:
        messageId === 'sklearn'
          ? withSeed(call, 'Pass `random_state={seed}`', (seed) => appendArgument(call, `random_state=${seed}`, context.text))
          : withSeed(call, 'Seed it with `{seed}`', (seed) => appendArgument(call, seed, context.text)),
    });

    const checkSklearn = (call: Node, q: string): void => {
      const name = q.slice(q.lastIndexOf('.') + 1);
      const args = callArguments(call);
      if (args.hasSplat || args.keywords.has('random_state')) return;
      if (SHUFFLE_SPLITTERS.has(name)) {
        if (args.keywords.get('shuffle')?.text !== 'True') return;
      } else if (name in RANDOM_WITH) {
        const [keyword, values] = RANDOM_WITH[name];
        const value = args.keywords.get(keyword);
        if (!value || !values.includes(stringValue(value) ?? '')) return;
      } else if (!SKLEARN_RANDOM.has(name)) {
        return;
      }
      if (name === 'train_test_split' && args.keywords.get('shuffle')?.text === 'False') return;
      chunk.unseeded.push({ call, messageId: 'sklearn', name });
    };

    const noteUse = (library: Library, call: Node, advice: string): void => {
      if (!chunk.firstUse.has(library)) chunk.firstUse.set(library, { node: call, advice });
    };

    return {
      call(call) {
        const fn = calleeOf(call);
        const q = context.semantic.qualifiedName(fn);
        if (!q) {
          if (helpers.has(calledName(call) ?? '')) chunk.seededAll = true;
          return;
        }
        const name = q.slice(q.lastIndexOf('.') + 1);
        if (helpers.has(name)) chunk.seededAll = true;
        if (q.startsWith('sklearn.')) return checkSklearn(call, q);
        const seeds = SEEDER_LIBRARY.get(q);
        if (seeds) {
          const args = callArguments(call);
          if (args.positional.length > 0 || args.keywords.size > 0) chunk.seeded.add(seeds);
        }
        if (GENERATOR_FACTORIES.has(q)) {
          const args = callArguments(call);
          if (args.positional.length > 0 || args.keywords.size > 0 || args.hasSplat) return;
          // An unseeded `random.Random()` is normal in general code (temp names, jitter).
          if (q.startsWith('random.') && !context.semantic.isMachineLearningCode()) return;
          chunk.unseeded.push({ call, messageId: 'generator', name: context.semantic.textOf(fn!) });
          return;
        }
        if (q.startsWith('numpy.random.') && LEGACY_NUMPY_RANDOM.has(name) && !NOT_DRAWS.has(name)) noteUse('numpy', call, 'draw from `np.random.default_rng(SEED)` or call `np.random.seed(SEED)` once after the imports');
        else if (q.startsWith('random.') && q.split('.').length === 2 && STDLIB_RANDOM.has(name)) noteUse('random', call, 'call `random.seed(SEED)` once after the imports');
        else if (TORCH_RANDOM.has(q) && !callArguments(call).keywords.has('generator')) noteUse('torch', call, 'call `torch.manual_seed(SEED)` once after the imports');
      },
      'chunk:exit'() {
        const facts = chunk;
        chunk = emptyFacts();
        return facts.unseeded.length > 0 || facts.firstUse.size > 0 || facts.seeded.size > 0 || facts.seededAll ? facts : undefined;
      },
      'module:exit'() {
        const chunks = context.chunkFacts as Array<SeedFacts | undefined>;
        const all = combine(chunks.filter((f) => f !== undefined));
        for (const found of all.unseeded) context.report(unseededReport(found));
        if (all.seededAll) return;
        const container = context.notebook ? 'notebook' : 'file';
        const names: Record<Library, string> = { numpy: 'NumPy', random: 'Python `random`', torch: 'PyTorch' };
        for (const [library, use] of all.firstUse) {
          if (all.seeded.has(library)) continue;
          if (library === 'random' && !context.semantic.isMachineLearningCode()) continue;
          context.report({ node: use.node, messageId: 'global', data: { library: names[library], container, advice: use.advice } });
        }
      },
    };
  },
});

/** A call reported for its missing seed: `sklearn` without `random_state`, or an unseeded `generator`. */
interface Unseeded {
  call: Node;
  messageId: 'sklearn' | 'generator';
  name: string;
}

/** What a chunk (or the whole module, once combined) shows of seeds and draws. */
interface SeedFacts {
  unseeded: Unseeded[];
  /** The first global draw of each library, in the order they appear. */
  firstUse: Map<Library, { node: Node; advice: string }>;
  seeded: Set<Library>;
  seededAll: boolean;
}

function emptyFacts(): SeedFacts {
  return { unseeded: [], firstUse: new Map(), seeded: new Set(), seededAll: false };
}

/** The chunks' facts combined in order: a library's first draw is the one in the earliest chunk that has one. */
function combine(chunks: readonly SeedFacts[]): SeedFacts {
  const all = emptyFacts();
  for (const chunk of chunks) {
    all.unseeded.push(...chunk.unseeded);
    for (const [library, use] of chunk.firstUse) if (!all.firstUse.has(library)) all.firstUse.set(library, use);
    for (const library of chunk.seeded) all.seeded.add(library);
    all.seededAll ||= chunk.seededAll;
  }
  return all;
}
