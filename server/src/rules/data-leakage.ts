import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { callArguments, calledName, calleeOf, receiverOf } from '../engine/syntax';

const TRANSFORMER_MODULES = [
  'sklearn.preprocessing.', 'sklearn.impute.', 'sklearn.feature_selection.', 'sklearn.decomposition.',
  'sklearn.feature_extraction.text.',
];
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

interface Instance {
  kind: InstanceKind;
  cls: string;
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

export default defineRule({
  meta: {
    id: 'data-leakage',
    code: 'MLD201',
    category: 'data',
    severity: 'warning',
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
      return scope ? `${scope.startIndex}:${name}` : `module:${name}`;
    };
    const keyOf = (node: Node): string | undefined => {
      const name = dottedName(node);
      return name ? scopedKey(name) : undefined;
    };

    const instances = new Map<string, Instance>();
    const raw = new Map<string, FitEvent>();
    const derived = new Map<string, FitEvent>();
    const testParts = new Set<string>();
    const eventsByCall = new Map<number, FitEvent>();
    const onTest: Array<{ call: Node; transformer: string; data: string; fix?: Node }> = [];
    const leaks: FitEvent[] = [];

    const instanceOf = (receiver: Node | undefined): Instance | undefined => {
      if (!receiver) return undefined;
      if (receiver.type === 'call') return constructed(receiver);
      const k = keyOf(receiver);
      return k ? instances.get(k) : undefined;
    };
    const byCall = new Map<number, Instance | undefined>();
    // One Instance per constructor call, so `sc = StandardScaler().fit(X)` binds the instance the fit marked.
    const constructed = (call: Node): Instance | undefined => {
      if (!byCall.has(call.startIndex)) byCall.set(call.startIndex, construct(call));
      return byCall.get(call.startIndex);
    };
    const construct = (call: Node): Instance | undefined => {
      const q = semantic.qualifiedName(calleeOf(call));
      if (!q) return undefined;
      const cls = q.slice(q.lastIndexOf('.') + 1);
      if (!/^[A-Z]/.test(cls)) return undefined;
      if (q.startsWith('sklearn.model_selection.')) {
        if (CV_SPLITTERS.has(cls)) return { kind: 'splitter', cls, fitted: false };
        if (SEARCHES.has(cls)) return { kind: 'search', cls, fitted: false };
        return undefined;
      }
      const transformer = TRANSFORMER_MODULES.some((m) => q.startsWith(m)) || q === 'sklearn.compose.ColumnTransformer';
      return transformer && !STATELESS.has(cls) ? { kind: 'transformer', cls, fitted: false } : undefined;
    };

    const recordFit = (call: Node, transformer: Instance, receiver: Node): void => {
      const dataNode = callArguments(call).positional[0];
      const data = dataNode && rootName(dataNode);
      const alreadyFitted = transformer.fitted;
      transformer.fitted = true;
      if (!data) return;
      const key = scopedKey(data);
      if (testParts.has(key)) {
        const fixable = calledName(call) === 'fit_transform' && alreadyFitted && receiver.type !== 'call';
        onTest.push({ call, transformer: transformer.cls, data, fix: fixable ? calleeOf(call)?.childForFieldName('attribute') ?? undefined : undefined });
        return;
      }
      const event: FitEvent = { call, transformer: transformer.cls, data };
      transformer.event = event;
      eventsByCall.set(call.startIndex, event);
      raw.set(key, event);
    };

    const checkSplit = (dataArgs: Node[], splitter: string, rawCounts: boolean): void => {
      for (const arg of dataArgs) {
        const name = rootName(arg);
        if (!name) continue;
        const key = scopedKey(name);
        const event = derived.get(key) ?? (rawCounts ? raw.get(key) : undefined);
        if (event && !event.splitter) {
          event.splitter = splitter;
          leaks.push(event);
        }
      }
    };

    /** The fit event an expression carries: a fit in it, or a name holding transformed data or a fitted transformer. */
    const eventIn = (node: Node): FitEvent | undefined => {
      for (const n of node.descendantsOfType(['call', 'identifier', 'attribute'])) {
        if (!n) continue;
        if (n.type === 'call') {
          const e = eventsByCall.get(n.startIndex);
          if (e) return e;
          continue;
        }
        const k = keyOf(n);
        if (!k) continue;
        const e = derived.get(k) ?? instances.get(k)?.event;
        if (e) return e;
      }
      return undefined;
    };

    return {
      call(node) {
        const fn = calleeOf(node);
        const q = semantic.qualifiedName(fn);
        const args = callArguments(node);
        if (q && SPLIT_FUNCTIONS.has(q)) {
          const first = SPLIT_FUNCTIONS.get(q)!;
          const data = [...args.positional.slice(first), ...(args.keywords.has('X') ? [args.keywords.get('X')!] : [])];
          checkSplit(data, q.slice(q.lastIndexOf('.') + 1), q === TRAIN_TEST_SPLIT);
          return;
        }
        const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
        if (!method) return;
        const receiver = receiverOf(node);
        const instance = instanceOf(receiver);
        if (!instance || !receiver) return;
        if (instance.kind === 'transformer' && (method === 'fit' || method === 'fit_transform')) recordFit(node, instance, receiver);
        else if (instance.kind === 'splitter' && method === 'split') checkSplit(args.positional, `${instance.cls}.split`, false);
        else if (instance.kind === 'search' && method === 'fit') checkSplit(args.positional.slice(0, 1), `${instance.cls}.fit`, false);
      },
      'assignment:exit'(node) {
        const right = node.childForFieldName('right');
        if (!right) return;
        // Until a transformer, a fit or a split is seen, only a call can start tracking anything.
        const tracking = instances.size + raw.size + derived.size + testParts.size + eventsByCall.size > 0;
        if (!tracking && right.type !== 'call') return;
        const left = node.childForFieldName('left');
        if (!left) return;
        const targets = targetsOf(left);
        const isSplit = right.type === 'call' && semantic.qualifiedName(calleeOf(right)) === TRAIN_TEST_SPLIT;
        const event = isSplit ? undefined : eventIn(right);
        const mentioned = new Set(right.descendantsOfType(['identifier', 'attribute']).map((n) => (n ? keyOf(n) : undefined)));
        targets.forEach((target, i) => {
          const name = rootName(target);
          if (!name) return;
          const key = scopedKey(name);
          const simple = target.type === 'identifier' || (target.type === 'attribute' && dottedName(target) === name);
          if (simple && !mentioned.has(key)) {
            raw.delete(key);
            derived.delete(key);
            testParts.delete(key);
            instances.delete(key);
          }
          if (event) derived.set(key, event);
          if (isSplit && simple && targets.length > 1) {
            if (i % 2 === 1) testParts.add(key);
            else testParts.delete(key);
          }
        });
        if (right.type === 'call' && targets.length === 1 && (targets[0].type === 'identifier' || targets[0].type === 'attribute')) {
          const receiver = calledName(right) === 'fit' ? receiverOf(right) : undefined;
          const made = constructed(right) ?? (receiver?.type === 'call' ? constructed(receiver) : undefined);
          const key = keyOf(targets[0]);
          if (made && key) instances.set(key, made);
        }
      },
      'module:exit'() {
        for (const e of leaks) {
          context.report({
            node: e.call,
            messageId: 'beforeSplit',
            data: { transformer: e.transformer, data: e.data, splitter: e.splitter ?? 'a split' },
          });
        }
        for (const t of onTest) {
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


