import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { calledName, calleeOf, numericValue, receiverOf } from '../engine/syntax';

/** Estimators whose result depends on the scale of each feature (distances, kernels, penalties, gradients). */
const SENSITIVE = new Set([
  'SVC', 'SVR', 'NuSVC', 'NuSVR', 'LinearSVC', 'LinearSVR', 'KNeighborsClassifier', 'KNeighborsRegressor', 'PCA',
  'LogisticRegression', 'LogisticRegressionCV', 'Ridge', 'RidgeCV', 'RidgeClassifier', 'RidgeClassifierCV', 'Lasso',
  'LassoCV', 'ElasticNet', 'ElasticNetCV', 'MLPClassifier', 'MLPRegressor',
]);
const SENSITIVE_MODULES = ['sklearn.svm.', 'sklearn.neighbors.', 'sklearn.decomposition.', 'sklearn.linear_model.', 'sklearn.neural_network.'];
/** Anything that rescales features: scaler classes and functions, and text vectorizers (their rows are normalised). */
const SCALERS = new Set([
  'StandardScaler', 'MinMaxScaler', 'RobustScaler', 'MaxAbsScaler', 'Normalizer', 'QuantileTransformer',
  'PowerTransformer', 'scale', 'minmax_scale', 'robust_scale', 'maxabs_scale', 'normalize', 'quantile_transform',
  'power_transform',
].map((n) => `sklearn.preprocessing.${n}`).concat(['sklearn.compose.ColumnTransformer', 'sklearn.compose.make_column_transformer']));
const PIPELINES = new Set(['sklearn.pipeline.Pipeline', 'sklearn.pipeline.make_pipeline']);
const FIT_METHODS = new Set(['fit', 'fit_transform', 'fit_predict', 'partial_fit']);
/** Calls whose result divided into features is a manual rescaling (`X / X.std()`, `X / X.max()`). */
const SPREAD_METHODS = new Set(['std', 'max', 'ptp', 'norm']);

export default defineRule({
  meta: {
    id: 'unscaled-sensitive-estimator',
    code: 'MLD212',
    category: 'data',
    severity: 'information',
    local: true,
    fix: 'none',
    requires: ['sklearn'],
    messages: {
      default: '`{estimator}` depends on the scale of the features, but nothing in this file scales them; put a `StandardScaler` (or another scaler) before it in a Pipeline.',
    },
    docs: {
      summary: 'A scale-sensitive estimator fitted where no feature is scaled.',
      whatItDoes:
        'Reports, once per instance, a scikit-learn SVM, nearest-neighbours model, `PCA`, regularised linear model ' +
        '(`LogisticRegression`, `Ridge`, `Lasso`, `ElasticNet`) or `MLP*` that is fitted (by `.fit`/`.fit_transform`, or ' +
        'by being a step of `Pipeline`/`make_pipeline`) in a file or notebook where no scaler appears: no ' +
        '`StandardScaler`, `MinMaxScaler`, `RobustScaler`, `MaxAbsScaler`, `Normalizer`, `QuantileTransformer`, ' +
        '`PowerTransformer`, `ColumnTransformer`, scaling function (`scale`, `normalize`, ...), text vectorizer, or manual ' +
        'rescaling (`X / 255.0`, `X / X.std()`). It is a heuristic, hence information level: data scaled elsewhere ' +
        'cannot be seen.',
      whyIsThisBad:
        'Kernels and distances compare features in their raw units, penalties shrink coefficients by their raw size and ' +
        'gradient descent converges slowly on badly scaled inputs: a feature in dollars swamps one in years, and the ' +
        'model is governed by units rather than information. Zhang et al. (CAIN 2022) list the missing scaling before ' +
        'scale-sensitive operations as an ML code smell.',
      example:
        'from sklearn.svm import SVC\n\nmodel = SVC(kernel="rbf")\nmodel.fit(X_train, y_train)\n',
      useInstead:
        'from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\nfrom sklearn.svm import SVC\n\n' +
        'model = make_pipeline(StandardScaler(), SVC(kernel="rbf"))\nmodel.fit(X_train, y_train)\n',
      fixSafety: 'No fix: whether and how the features should be scaled depends on the data.',
      references: [
        'https://scikit-learn.org/stable/modules/preprocessing.html#standardization-or-mean-removal-and-variance-scaling',
        'https://scikit-learn.org/stable/auto_examples/preprocessing/plot_scaling_importance.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    // Which instance a `.fit` reaches and whether anything is scaled may be known only in other chunks: decided at the end.
    let steps: Step[] = [];
    let scaled = false;

    const sensitive = (call: Node): Estimator | undefined => {
      const q = semantic.qualifiedName(calleeOf(call));
      const cls = q?.slice(q.lastIndexOf('.') + 1);
      return q && cls && SENSITIVE.has(cls) && SENSITIVE_MODULES.some((m) => q.startsWith(m)) ? { ctor: call, cls } : undefined;
    };

    return {
      call(node) {
        if (scaled) return;
        const q = semantic.qualifiedName(calleeOf(node));
        if (q && (SCALERS.has(q) || q.startsWith('sklearn.feature_extraction.text.'))) {
          scaled = true;
          return;
        }
        const step = sensitive(node);
        if (step && inPipeline(node, semantic)) steps.push({ fitted: step });
        if (!FIT_METHODS.has(calledName(node) ?? '')) return;
        const receiver = receiverOf(node);
        const fitted = receiver?.type === 'call' ? sensitive(receiver) : undefined;
        if (fitted) steps.push({ fitted });
        const key = receiver && dottedName(receiver);
        if (key) steps.push({ fittedName: key });
      },
      import_from_statement(node) {
        // An imported scaler is used somewhere, even if only by name (`make_pipeline(StandardScaler, ...)` is rare).
        const module = node.childForFieldName('module_name')?.text;
        for (const name of node.childrenForFieldName('name')) {
          const imported = name?.type === 'aliased_import' ? name.childForFieldName('name')?.text : name?.text;
          if (module && imported && SCALERS.has(`${module}.${imported}`)) scaled = true;
        }
      },
      binary_operator(node) {
        if (node.childForFieldName('operator')?.type === '/' && rescales(node.childForFieldName('right'))) scaled = true;
      },
      augmented_assignment(node) {
        if (node.childForFieldName('operator')?.type === '/=' && rescales(node.childForFieldName('right'))) scaled = true;
      },
      'assignment:exit'(node) {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        const key = left && dottedName(left);
        if (!key || !right) return;
        steps.push({ assigned: key, estimator: right.type === 'call' ? sensitive(right) : undefined });
      },
      'chunk:exit'() {
        const facts: ChunkFacts | undefined = scaled || steps.length > 0 ? { scaled, steps, fits: steps.some((s) => !('assigned' in s)) } : undefined;
        steps = [];
        scaled = false;
        return facts;
      },
      'module:exit'() {
        const chunks = (context.chunkFacts as Array<ChunkFacts | undefined>).filter((f) => f !== undefined);
        // Without a fit anywhere, the names' steps need no replay.
        if (chunks.some((f) => f.scaled) || !chunks.some((f) => f.fits)) return;
        for (const { ctor, cls } of fittedEstimators(chunks.flatMap((f) => f.steps))) {
          context.report({ node: ctor, messageId: 'default', data: { estimator: cls } });
        }
      },
    };
  },
});

/** A scale-sensitive constructor call and its class name. */
interface Estimator {
  ctor: Node;
  cls: string;
}

/** In walk order: an estimator fitted where it is built, a `.fit` on a name, or a name (re)bound. */
type Step = { fitted: Estimator } | { fittedName: string } | { assigned: string; estimator?: Estimator };

interface ChunkFacts {
  scaled: boolean;
  steps: Step[];
  /** Whether a step is a fit (of an estimator or of a name). */
  fits: boolean;
}

/** The estimators fitted, once each, following which instance each name holds when its `.fit` runs. */
function fittedEstimators(steps: readonly Step[]): Estimator[] {
  const instances = new Map<string, Estimator>();
  const fitted = new Map<number, Estimator>();
  for (const step of steps) {
    if ('fitted' in step) fitted.set(step.fitted.ctor.id, step.fitted);
    else if ('fittedName' in step) {
      const instance = instances.get(step.fittedName);
      if (instance) fitted.set(instance.ctor.id, instance);
    } else if (step.estimator) instances.set(step.assigned, step.estimator);
    else instances.delete(step.assigned);
  }
  return [...fitted.values()];
}

/** Whether a constructor call is a step of `Pipeline([...])` or `make_pipeline(...)`. */
function inPipeline(call: Node, semantic: { qualifiedName(n: Node | null): string | undefined }): boolean {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'call') return PIPELINES.has(semantic.qualifiedName(calleeOf(n)) ?? '');
    if (!['argument_list', 'list', 'tuple', 'parenthesized_expression', 'keyword_argument'].includes(n.type)) return false;
  }
  return false;
}

/** `255.0`, `X.std()`, `np.max(X)`, `(X.max() - X.min())`: a divisor that rescales. */
function rescales(divisor: Node | null): boolean {
  if (!divisor) return false;
  const n = numericValue(divisor);
  if (n !== undefined) return n >= 2;
  if (divisor.type === 'parenthesized_expression') return rescales(divisor.namedChild(0));
  if (divisor.type === 'binary_operator') return rescales(divisor.childForFieldName('left'));
  return divisor.type === 'call' && SPREAD_METHODS.has(calledName(divisor) ?? '');
}
