import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { callArguments, calledName, calleeOf, receiverOf } from '../engine/syntax';

const TRANSFORMER_MODULES = [
  'sklearn.preprocessing.', 'sklearn.impute.', 'sklearn.feature_selection.', 'sklearn.decomposition.',
  'sklearn.feature_extraction.text.',
];
/** What a module imports when it can name a transformer (with `sklearn` itself, imported by name). */
const TRANSFORMER_PACKAGES = [...TRANSFORMER_MODULES.map((m) => m.slice(0, -1)), 'sklearn.compose'];
/** Transformers whose fit learns nothing from the rows (or only the label set), so fitting early leaks nothing. */
const STATELESS = new Set([
  'LabelEncoder', 'LabelBinarizer', 'MultiLabelBinarizer', 'FunctionTransformer', 'Normalizer', 'Binarizer',
  'PolynomialFeatures', 'HashingVectorizer',
]);
/** Split and cross-validation functions, with the index of their first data argument. */
const SPLIT_FUNCTIONS = new Map([
  ['train_test_split', 0], ['cross_val_score', 1], ['cross_validate', 1], ['cross_val_predict', 1],
  ['learning_curve', 1], ['validation_curve', 1], ['permutation_test_score', 1],
].map(([n, i]) => [`sklearn.model_selection.${n}`, i as number]));
const CV_SPLITTERS = new Set([
  'KFold', 'StratifiedKFold', 'GroupKFold', 'StratifiedGroupKFold', 'ShuffleSplit', 'StratifiedShuffleSplit',
  'GroupShuffleSplit', 'RepeatedKFold', 'RepeatedStratifiedKFold', 'TimeSeriesSplit', 'LeaveOneOut', 'LeavePOut',
  'LeaveOneGroupOut', 'LeavePGroupsOut',
]);
const SEARCHES = new Set(['GridSearchCV', 'RandomizedSearchCV', 'HalvingGridSearchCV', 'HalvingRandomSearchCV']);
/** Methods that return the same rows as their receiver, so `X.to_numpy()` is still `X`'s data. */
const SAME_ROWS = new Set(['to_numpy', 'astype', 'copy', 'reshape', 'drop', 'fillna', 'select_dtypes', 'filter', 'toarray', 'todense']);
const TRAIN_TEST_SPLIT = 'sklearn.model_selection.train_test_split';

type InstanceKind = 'transformer' | 'splitter' | 'search';

/** What a constructor call makes, if it is a transformer, a CV splitter or a search. */
interface Template {
  kind: InstanceKind;
  cls: string;
}

interface Instance extends Template {
  fitted: boolean;
  /** The fit on whole data this instance carries, if any. */
  event?: FitEvent;
}

interface FitEvent {
  call: Node;
  transformer: string;
  data: string;
  splitter?: string;
}

/** A constructor call as the walk read it: its identity (see `callIdentity`) and what it makes. */
interface Made {
  call: number;
  template?: Template;
}

/**
 * Names are keyed by scope node id and name (`12:X`, `module:X`). Each step is one listener's
 * work with every answer of the semantic model already taken, so the whole file can be replayed.
 */
/**
 * What a chunk's walk kept: its steps in order, and whether it constructs a transformer (in place or
 * bound to a name). Only a transformer's fit can leak, so a module where no chunk constructs one
 * needs no replay.
 */
interface ChunkSteps {
  steps: Step[];
  transformers: boolean;
}

type Step = SplitStep | MethodStep | AssignStep;

/** A split or cross-validation function called on data. */
interface SplitStep {
  type: 'split';
  keys: Array<string | undefined>;
  splitter: string;
  rawCounts: boolean;
}

/** `fit`, `fit_transform` or `split` called on a constructor call in place or on a name. */
interface MethodStep {
  type: 'method';
  call: Node;
  callId: number;
  method: 'fit' | 'fit_transform' | 'split';
  instance: Made | string;
  /** The keys of the positional arguments' rows, and the name of the first one. */
  keys: Array<string | undefined>;
  data?: string;
  /** Where `fit_transform` on a name would become `transform`. */
  fix?: Node;
}

interface AssignStep {
  type: 'assign';
  targets: AssignedName[];
  /** In order, what the right side may carry a fit event in: fit calls (by identity) and name keys; none for a split. */
  sources: Array<number | string>;
  /** For `name = Constructor()` (or `Constructor().fit(...)`): the target's key and the calls that may make it. */
  bind?: { key?: string; made: Made[] };
}

interface AssignedName {
  key: string;
  /** Rebound to other data: whatever the name held is forgotten. */
  clears: boolean;
  /** Which part of `train_test_split`'s result the name receives. */
  part?: 'train' | 'test';
}

export default defineRule({
  meta: {
    id: 'data-leakage',
    code: 'MLD201',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'unsafe',
    requires: ['sklearn'],
    messages: {
      beforeSplit:
        '`{transformer}` is fitted on `{data}` before `{splitter}` splits that data, so it learns from the held-out rows; split first and fit it on the training part only (for example in a Pipeline).',
      onTest: '`{transformer}` is fitted on the test part `{data}`; fit it on the training part only and call `transform` on the test part.',
    },
    docs: {
      summary: 'A preprocessing step fitted on data before it is split, or on the test part.',
      whatItDoes:
        'Flags `fit`/`fit_transform` of a scikit-learn scaler, encoder, imputer, feature selector, decomposition or ' +
        'text vectorizer on a name that is later passed to `train_test_split`, to a cross-validation function ' +
        '(`cross_val_score`, `cross_validate`, ...), to a CV splitter\'s `split` or to a search\'s `fit` in the same ' +
        'module (for cross-validation only when the transformed values themselves are passed), and on a name that ' +
        'came out of `train_test_split` as a test part (`X_test`). Stateless transformers (`Normalizer`, ' +
        '`PolynomialFeatures`, `FunctionTransformer`, ...) and label encoders are not flagged. A notebook is read as ' +
        'one module, cells in order.',
      whyIsThisBad:
        'A transformer fitted on every row learns statistics (means, variances, vocabularies, imputed values, selected ' +
        'features) from the rows that later serve as test or validation data. The evaluation then measures a model that ' +
        'has seen its test set and overstates how it will do on new data; Zhang et al. (CAIN 2022) list it as the ' +
        '"data leakage" smell. Fitting on the test part is worse: training and test data are then transformed differently.',
      example:
        'from sklearn.model_selection import train_test_split\nfrom sklearn.preprocessing import StandardScaler\n\n' +
        'scaler = StandardScaler()\nX = scaler.fit_transform(X)\nX_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n',
      useInstead:
        'from sklearn.linear_model import LogisticRegression\nfrom sklearn.model_selection import train_test_split\n' +
        'from sklearn.pipeline import make_pipeline\nfrom sklearn.preprocessing import StandardScaler\n\n' +
        'X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)\n' +
        'model = make_pipeline(StandardScaler(), LogisticRegression())\nmodel.fit(X_train, y_train)\n',
      fixSafety:
        'Moving a fit after the split is a refactor no edit can do blindly, so most findings only explain it: split ' +
        'first, then put the transformer and the model in one `Pipeline` (or `make_pipeline`) and fit that on the ' +
        'training part; cross-validation then refits the transformer inside each fold. The one mechanical case is ' +
        '`fit_transform` on a test part by a transformer already fitted earlier: the fix calls `transform` instead. ' +
        'It is unsafe because it changes the values the model is evaluated on (that is the point).',
      references: [
        'https://scikit-learn.org/stable/common_pitfalls.html#data-leakage',
        'https://scikit-learn.org/stable/modules/compose.html#pipeline',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;

    /**
     * Names are tracked per function (per class for `self.x`), so a name in one function is not
     * another's. Listeners run while the walk is inside the node's scope, which the model knows.
     */
    const scopedKey = (name: string): string => {
      const scope = semantic.enclosing(name.startsWith('self.') ? 'class_definition' : 'function_definition');
      return scope ? `${scope.id}:${name}` : `module:${name}`;
    };
    const keyOf = (node: Node): string | undefined => {
      const name = dottedName(node);
      return name ? scopedKey(name) : undefined;
    };
    const rowsKey = (node: Node): string | undefined => {
      const name = rootName(node);
      return name ? scopedKey(name) : undefined;
    };

    /** This chunk's steps, in walk order. */
    let steps: Step[] = [];
    /** What this chunk's constructor calls make, by identity: the first reading of a call holds. */
    let templates = new Map<number, Template | undefined>();
    /** Identities of this chunk's `fit`/`fit_transform` calls, the only calls that can carry a fit event. */
    let fitCalls = new Set<number>();

    const made = (call: Node): Made => {
      const id = callIdentity(call);
      if (!templates.has(id)) templates.set(id, construct(call));
      return { call: id, template: templates.get(id) };
    };
    const construct = (call: Node): Template | undefined => {
      const q = semantic.qualifiedName(calleeOf(call));
      if (!q) return undefined;
      const cls = q.slice(q.lastIndexOf('.') + 1);
      if (!/^[A-Z]/.test(cls)) return undefined;
      if (q.startsWith('sklearn.model_selection.')) {
        if (CV_SPLITTERS.has(cls)) return { kind: 'splitter', cls };
        if (SEARCHES.has(cls)) return { kind: 'search', cls };
        return undefined;
      }
      const transformer = TRANSFORMER_MODULES.some((m) => q.startsWith(m)) || q === 'sklearn.compose.ColumnTransformer';
      return transformer && !STATELESS.has(cls) ? { kind: 'transformer', cls } : undefined;
    };

    const methodStep = (call: Node, method: string, receiver: Node): MethodStep | undefined => {
      const instance = receiver.type === 'call' ? made(receiver) : keyOf(receiver);
      if (method !== 'fit' && method !== 'fit_transform' && method !== 'split') return undefined;
      if (!instance || (typeof instance !== 'string' && !instance.template)) return undefined;
      const { positional } = callArguments(call);
      const fix = method === 'fit_transform' && receiver.type !== 'call' ? calleeOf(call)?.childForFieldName('attribute') ?? undefined : undefined;
      const callId = callIdentity(call);
      if (method !== 'split') fitCalls.add(callId);
      return { type: 'method', call, callId, method, instance, keys: positional.map(rowsKey), data: positional[0] && rootName(positional[0]), fix };
    };

    const assignStep = (right: Node, left: Node): AssignStep | undefined => {
      const targets = targetsOf(left);
      const isSplit = right.type === 'call' && semantic.qualifiedName(calleeOf(right)) === TRAIN_TEST_SPLIT;
      const inside = right.descendantsOfType(['call', 'identifier', 'attribute']);
      const mentioned = new Set(inside.map((n) => (n.type === 'call' ? undefined : keyOf(n))));
      const named: AssignedName[] = [];
      targets.forEach((target, i) => {
        const name = rootName(target);
        if (!name) return;
        const key = scopedKey(name);
        const simple = target.type === 'identifier' || (target.type === 'attribute' && dottedName(target) === name);
        const part = isSplit && simple && targets.length > 1 ? (i % 2 === 1 ? 'test' : 'train') : undefined;
        named.push({ key, clears: simple && !mentioned.has(key), part });
      });
      const bind = bindOf(right, targets);
      // With no target name and no instance to bind, replaying the step would change nothing.
      if (named.length === 0 && !bind) return undefined;
      return { type: 'assign', targets: named, sources: isSplit ? [] : sourcesIn(inside), bind };
    };

    /** Fit calls and name keys in document order, each once: the first that carries an event wins. */
    const sourcesIn = (inside: Node[]): Array<number | string> => {
      const sources = new Set<number | string>();
      for (const n of inside) {
        const source = n.type === 'call' ? callIdentity(n) : keyOf(n);
        if (source !== undefined && (typeof source === 'string' || fitCalls.has(source))) sources.add(source);
      }
      return [...sources];
    };

    const bindOf = (right: Node, targets: Node[]): AssignStep['bind'] => {
      if (right.type !== 'call' || targets.length !== 1 || (targets[0].type !== 'identifier' && targets[0].type !== 'attribute')) return undefined;
      const receiver = calledName(right) === 'fit' ? receiverOf(right) : undefined;
      const calls = [made(right)];
      if (!calls[0].template && receiver?.type === 'call') calls.push(made(receiver));
      return { key: keyOf(targets[0]), made: calls };
    };

    /**
     * Whether code here can construct a transformer: without one nothing can leak, so a module that
     * imports none does no bookkeeping. Asked of the model in each chunk (so a cached chunk is walked
     * again when an import changes the answer), and again after an import inside the chunk.
     */
    let constructible: boolean | undefined;
    const canConstruct = (): boolean =>
      (constructible ??= TRANSFORMER_PACKAGES.some((m) => semantic.isImported(m)) || semantic.importedNameFor('sklearn') !== undefined);
    const imported = (): void => {
      constructible = undefined;
    };

    return {
      import_statement: imported,
      import_from_statement: imported,
      call(node) {
        if (!canConstruct()) return;
        const fn = calleeOf(node);
        const q = semantic.qualifiedName(fn);
        if (q && SPLIT_FUNCTIONS.has(q)) {
          const args = callArguments(node);
          const first = SPLIT_FUNCTIONS.get(q)!;
          const data = [...args.positional.slice(first), ...(args.keywords.has('X') ? [args.keywords.get('X')!] : [])];
          steps.push({ type: 'split', keys: data.map(rowsKey), splitter: q.slice(q.lastIndexOf('.') + 1), rawCounts: q === TRAIN_TEST_SPLIT });
          return;
        }
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        const receiver = receiverOf(node);
        if (!method || !receiver) return;
        const step = methodStep(node, method, receiver);
        if (step) steps.push(step);
      },
      'assignment:exit'(node) {
        if (!canConstruct()) return;
        const right = node.childForFieldName('right');
        const left = node.childForFieldName('left');
        const step = right && left ? assignStep(right, left) : undefined;
        if (step) steps.push(step);
      },
      'chunk:exit'() {
        let transformers = false;
        for (const t of templates.values()) if (t?.kind === 'transformer') transformers = true;
        const facts: ChunkSteps | undefined = steps.length > 0 ? { steps, transformers } : undefined;
        steps = [];
        templates = new Map();
        fitCalls = new Set();
        constructible = undefined;
        return facts;
      },
      'module:exit'() {
        // A fit in one cell or statement leaks through a split in a later one: replay the file's steps in order.
        const chunks = context.chunkFacts as ChunkSteps[];
        // Only a transformer's fit can leak: without one, no replay can report.
        if (!chunks.some((c) => c.transformers)) return;
        const leakage = new Leakage();
        for (const { steps: chunkSteps } of chunks) for (const step of chunkSteps) leakage.replay(step);
        for (const e of leakage.leaks) {
          context.report({
            node: e.call,
            messageId: 'beforeSplit',
            data: { transformer: e.transformer, data: e.data, splitter: e.splitter ?? 'a split' },
          });
        }
        for (const t of leakage.onTest) {
          context.report({
            node: t.call,
            messageId: 'onTest',
            data: { transformer: t.transformer, data: t.data },
            fixes: t.fix
              ? [{ title: 'Call `transform` on the test part', safety: 'unsafe', edits: [{ start: t.fix.startIndex, end: t.fix.endIndex, newText: 'transform' }] }]
              : [],
          });
        }
      },
    };
  },
});

/** The file's transformer instances, fits and splits, followed step by step. */
class Leakage {
  readonly leaks: FitEvent[] = [];
  readonly onTest: Array<{ call: Node; transformer: string; data: string; fix?: Node }> = [];
  private readonly instances = new Map<string, Instance>();
  private readonly raw = new Map<string, FitEvent>();
  private readonly derived = new Map<string, FitEvent>();
  private readonly testParts = new Set<string>();
  private readonly eventsByCall = new Map<number, FitEvent>();
  /** One Instance per constructor call, so `sc = StandardScaler().fit(X)` binds the instance the fit marked. */
  private readonly byCall = new Map<number, Instance>();

  replay(step: Step): void {
    if (step.type === 'split') this.checkSplit(step.keys, step.splitter, step.rawCounts);
    else if (step.type === 'method') this.method(step);
    else this.assign(step);
  }

  private method(step: MethodStep): void {
    const instance = typeof step.instance === 'string' ? this.instances.get(step.instance) : this.constructed(step.instance);
    if (!instance) return;
    if (instance.kind === 'transformer' && step.method !== 'split') this.recordFit(step, instance);
    else if (instance.kind === 'splitter' && step.method === 'split') this.checkSplit(step.keys, `${instance.cls}.split`, false);
    else if (instance.kind === 'search' && step.method === 'fit') this.checkSplit(step.keys.slice(0, 1), `${instance.cls}.fit`, false);
  }

  private constructed(made: Made): Instance | undefined {
    if (!made.template) return undefined;
    let instance = this.byCall.get(made.call);
    if (!instance) this.byCall.set(made.call, (instance = { ...made.template, fitted: false }));
    return instance;
  }

  private recordFit(step: MethodStep, transformer: Instance): void {
    const alreadyFitted = transformer.fitted;
    transformer.fitted = true;
    const key = step.keys[0];
    if (!step.data || !key) return;
    if (this.testParts.has(key)) {
      this.onTest.push({ call: step.call, transformer: transformer.cls, data: step.data, fix: alreadyFitted ? step.fix : undefined });
      return;
    }
    const event: FitEvent = { call: step.call, transformer: transformer.cls, data: step.data };
    transformer.event = event;
    this.eventsByCall.set(step.callId, event);
    this.raw.set(key, event);
  }

  private checkSplit(keys: Array<string | undefined>, splitter: string, rawCounts: boolean): void {
    for (const key of keys) {
      if (!key) continue;
      const event = this.derived.get(key) ?? (rawCounts ? this.raw.get(key) : undefined);
      if (event && !event.splitter) {
        event.splitter = splitter;
        this.leaks.push(event);
      }
    }
  }

  private assign(step: AssignStep): void {
    const event = this.eventIn(step.sources);
    for (const { key, clears, part } of step.targets) {
      if (clears) {
        this.raw.delete(key);
        this.derived.delete(key);
        this.testParts.delete(key);
        this.instances.delete(key);
      }
      if (event) this.derived.set(key, event);
      if (part === 'test') this.testParts.add(key);
      else if (part === 'train') this.testParts.delete(key);
    }
    if (!step.bind) return;
    let made: Instance | undefined;
    for (const call of step.bind.made) made ??= this.constructed(call);
    if (made && step.bind.key) this.instances.set(step.bind.key, made);
  }

  /** The fit event an expression carries: a fit in it, or a name holding transformed data or a fitted transformer. */
  private eventIn(sources: Array<number | string>): FitEvent | undefined {
    for (const source of sources) {
      const e = typeof source === 'number' ? this.eventsByCall.get(source) : this.derived.get(source) ?? this.instances.get(source)?.event;
      if (e) return e;
    }
    return undefined;
  }
}

/**
 * Calls that start at the same place (`StandardScaler().fit(X)` and its `StandardScaler()`) are one
 * call for the instances and fits they carry: the innermost.
 */
function callIdentity(call: Node): number {
  let identity = call;
  for (let n = call.firstChild; n; n = n.firstChild) if (n.type === 'call') identity = n;
  return identity.id;
}

/** The name whose rows an expression holds: `X` for `X`, `X[cols]`, `X.values`, `X.to_numpy()`. */
function rootName(node: Node): string | undefined {
  switch (node.type) {
    case 'identifier':
      return node.text;
    case 'parenthesized_expression':
      return node.namedChild(0) ? rootName(node.namedChild(0)!) : undefined;
    case 'subscript': {
      const value = node.childForFieldName('value');
      return value ? rootName(value) : undefined;
    }
    case 'attribute': {
      const attr = node.childForFieldName('attribute')?.text;
      const object = node.childForFieldName('object');
      if ((attr === 'values' || attr === 'T') && object) return rootName(object);
      return dottedName(node);
    }
    case 'call': {
      const receiver = receiverOf(node);
      return receiver && SAME_ROWS.has(calledName(node) ?? '') ? rootName(receiver) : undefined;
    }
    default:
      return undefined;
  }
}

function targetsOf(left: Node): Node[] {
  if (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'list_pattern') {
    return left.namedChildren.filter((n): n is Node => n !== null);
  }
  return [left];
}


