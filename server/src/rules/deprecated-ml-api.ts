import type { Node } from '../engine/parser';
import { defineRule, type FixSpec, type Report } from '../engine/rule';
import { callArguments, calleeOf } from '../engine/syntax';

/** NumPy aliases of builtins, deprecated in 1.20 and removed in 1.24. `np.bool` and `np.long` came back in 2.0 as NumPy types, so they are not listed. */
const NUMPY_ALIASES: Record<string, string> = {
  'numpy.float': 'float', 'numpy.int': 'int', 'numpy.object': 'object', 'numpy.str': 'str', 'numpy.unicode': 'str', 'numpy.complex': 'complex',
};
const REMOVED_TF1 = new Set(['Session', 'InteractiveSession', 'placeholder', 'global_variables_initializer'].map((n) => `tensorflow.${n}`));
const VARIABLE = new Set(['torch.autograd.Variable', 'torch.autograd.variable.Variable']);
const PANDAS_KINDS = new Set(['dataframe', 'series', 'pandas']);
/** `append` keywords that `pd.concat` takes with the same meaning. */
const CONCAT_KEYWORDS = new Set(['ignore_index', 'verify_integrity', 'sort']);
const PRIMARY = new Set(['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'list', 'dictionary', 'tuple', 'string', 'integer', 'float']);

export default defineRule({
  meta: {
    id: 'deprecated-ml-api',
    code: 'MLD405',
    category: 'api-misuse',
    severity: 'warning',
    local: true,
    fix: 'safe',
    requires: ['sklearn', 'pandas', 'numpy', 'torch', 'tensorflow'],
    messages: {
      crossValidation: '`sklearn.cross_validation` was removed in scikit-learn 0.20; import from `sklearn.model_selection`.',
      externalsJoblib: '`sklearn.externals.joblib` was removed in scikit-learn 0.23; import the `joblib` package directly.',
      utilsTesting: '`sklearn.utils.testing` was removed in scikit-learn 0.24; use `numpy.testing` or pytest assertions.',
      numpyAlias: '`{name}` was removed in NumPy 1.24 (deprecated since 1.20); use the builtin `{builtin}`.',
      pandasNp: '`pd.np` was deprecated in pandas 1.0 and removed in 2.0; import numpy directly.',
      append: '`{kind}.append` was removed in pandas 2.0 (deprecated since 1.4); use `pd.concat`.',
      ix: '`.ix` was removed in pandas 1.0 (deprecated since 0.20); use `.loc` for labels or `.iloc` for positions.',
      variable: '`Variable` has been deprecated since PyTorch 0.4; tensors track gradients themselves, so use the tensor.',
      tfRemoved: '`{name}` is TensorFlow 1 API, gone from the top level since TensorFlow 2.0; port to eager code and `tf.function`.',
      tfCompat: '`tensorflow.compat.v1` keeps TensorFlow 1 code running on 2.x only as a migration aid; port to the TensorFlow 2 API.',
    },
    docs: {
      summary: 'ML library APIs that current releases have removed or deprecated.',
      whatItDoes:
        'Flags, by resolving imports: `sklearn.cross_validation` (removed in 0.20), `sklearn.externals.joblib` ' +
        '(removed in 0.23) and `sklearn.utils.testing` (removed in 0.24) imports; `np.float`, `np.int`, ' +
        '`np.object`, `np.str`, `np.unicode`, `np.complex` (removed in NumPy 1.24; `np.bool` and `np.long` are ' +
        'not flagged because NumPy 2.0 reintroduced them as NumPy types); `pd.np` (removed in pandas 2.0); ' +
        '`.append` on a known DataFrame or Series (removed in pandas 2.0) and `.ix` on one (removed in 1.0); ' +
        '`torch.autograd.Variable(...)` (deprecated since PyTorch 0.4); `tf.Session`, `tf.InteractiveSession`, ' +
        '`tf.placeholder`, `tf.global_variables_initializer` (gone in TensorFlow 2.0) and uses of `tf.compat.v1`.',
      whyIsThisBad:
        'Code on removed APIs fails on the first upgrade (`AttributeError`, `ModuleNotFoundError`), usually in ' +
        'someone else\'s environment, and pins the project to old, unpatched releases; deprecated spellings ' +
        'often also behave subtly differently from their replacements (`.ix` guesses between labels and ' +
        'positions). SonarQube S6730/S6979 and Ruff NPY001 flag the same APIs.',
      example:
        'import numpy as np\nimport pandas as pd\nfrom sklearn.externals import joblib\n\n' +
        'df = pd.read_csv("train.csv")\nlabels = df["label"].to_numpy().astype(np.int)\njoblib.dump(labels, "labels.pkl")\n',
      useInstead:
        'import numpy as np\nimport pandas as pd\nimport joblib\n\n' +
        'df = pd.read_csv("train.csv")\nlabels = df["label"].to_numpy().astype(int)\njoblib.dump(labels, "labels.pkl")\n',
      fixSafety:
        'Safe where the replacement is the same object or code path: NumPy aliases to their builtins, `pd.np` to ' +
        'the imported numpy name, `sklearn.externals.joblib` to `joblib`, and `df.append(other)` of two known ' +
        'frames (or two series) to `pd.concat([df, other])` with the same keywords, which is what `append` ran. ' +
        'Unsafe: `sklearn.cross_validation` to `sklearn.model_selection` (several classes changed their ' +
        'signatures), `.ix` to `.loc` (`.ix` fell back to positions for integer keys on a non-integer index) and ' +
        '`Variable(x)` to `x` (`Variable` returned a detached tensor). No fix for `sklearn.utils.testing` or ' +
        'TensorFlow 1 code, which need porting by hand.',
      references: [
        'https://scikit-learn.org/stable/whats_new/v0.20.html',
        'https://scikit-learn.org/stable/whats_new/v0.21.html',
        'https://numpy.org/devdocs/release/1.20.0-notes.html#using-the-aliases-of-builtin-types-like-np-int-is-deprecated',
        'https://pandas.pydata.org/docs/whatsnew/v2.0.0.html#removal-of-prior-version-deprecations-changes',
        'https://pandas.pydata.org/docs/whatsnew/v1.0.0.html',
        'https://pytorch.org/docs/stable/autograd.html#variable-deprecated',
        'https://www.tensorflow.org/guide/migrate',
        'https://rules.sonarsource.com/python/RSPEC-6730',
        'https://docs.astral.sh/ruff/rules/numpy-deprecated-type-alias/',
      ],
    },
  },
  create(context) {
    const { semantic } = context;

    const checkModule = (module: string, node: Node, statement: Node): void => {
      if (module === 'sklearn.cross_validation' || module.startsWith('sklearn.cross_validation.')) {
        context.report({ node, messageId: 'crossValidation', fixes: renameModule(node, 'sklearn.cross_validation', 'sklearn.model_selection', statement, 'unsafe') });
      } else if (module === 'sklearn.externals.joblib' || module.startsWith('sklearn.externals.joblib.')) {
        context.report({ node, messageId: 'externalsJoblib', fixes: renameModule(node, 'sklearn.externals.joblib', 'joblib', statement, 'safe') });
      } else if (module === 'sklearn.utils.testing') {
        context.report({ node, messageId: 'utilsTesting' });
      } else if (module === 'tensorflow.compat.v1' || module.startsWith('tensorflow.compat.v1.')) {
        context.report({ node, messageId: 'tfCompat' });
      }
    };

    /** What an attribute read (not assigned to) is reported for: a removed alias or API, or `.ix` on a frame. */
    const attributeReport = (node: Node): Report | undefined => {
      const q = semantic.qualifiedName(node);
      if (q !== undefined && Object.hasOwn(NUMPY_ALIASES, q)) {
        const builtin = NUMPY_ALIASES[q];
        return { node, messageId: 'numpyAlias', data: { name: node.text, builtin }, fixes: [{ title: `Replace with \`${builtin}\``, safety: 'safe', edits: [edit(node, builtin)] }] };
      }
      if (q === 'pandas.np') {
        const numpy = semantic.importedNameFor('numpy');
        return { node, messageId: 'pandasNp', fixes: numpy ? [{ title: `Replace with \`${numpy}\``, safety: 'safe', edits: [edit(node, numpy)] }] : [] };
      }
      if (q !== undefined && REMOVED_TF1.has(q)) return { node, messageId: 'tfRemoved', data: { name: node.text } };
      if (q === 'tensorflow.compat.v1') return { node, messageId: 'tfCompat' };
      const attr = node.childForFieldName('attribute');
      if (!attr || attr.endIndex - attr.startIndex !== 2 || attr.text !== 'ix') return undefined;
      if (!PANDAS_KINDS.has(semantic.kindOf(node.childForFieldName('object')) ?? '')) return undefined;
      return { node, messageId: 'ix', fixes: [{ title: 'Replace `.ix` with `.loc`', safety: 'unsafe', edits: [edit(attr, 'loc')] }] };
    };

    return {
      import_statement(node) {
        for (const name of node.childrenForFieldName('name')) {
          const dotted = name?.type === 'aliased_import' ? name.childForFieldName('name') : name;
          if (dotted) checkModule(dotted.text, dotted, node);
        }
      },
      import_from_statement(node) {
        const moduleNode = node.childForFieldName('module_name');
        if (!moduleNode || moduleNode.type === 'relative_import') return;
        checkModule(moduleNode.text, moduleNode, node);
        // `from sklearn import cross_validation`, `from sklearn.externals import joblib`
        const names = node.childrenForFieldName('name').filter((n): n is Node => n !== null);
        for (const name of names) {
          const imported = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
          if (!imported) continue;
          const full = `${moduleNode.text}.${imported.text}`;
          if (full === 'sklearn.cross_validation') {
            const fix = name.type === 'aliased_import' ? edit(imported, 'model_selection') : edit(imported, 'model_selection as cross_validation');
            context.report({ node: imported, messageId: 'crossValidation', fixes: [{ title: 'Import `sklearn.model_selection` instead', safety: 'unsafe', edits: [fix] }] });
          } else if (full === 'sklearn.externals.joblib') {
            const alias = name.type === 'aliased_import' ? name.childForFieldName('alias')?.text : undefined;
            const whole = names.length === 1 ? [{ title: 'Import `joblib` directly', safety: 'safe' as const, edits: [edit(node, alias && alias !== 'joblib' ? `import joblib as ${alias}` : 'import joblib')] }] : [];
            context.report({ node: imported, messageId: 'externalsJoblib', fixes: whole });
          } else if (full === 'sklearn.utils.testing') {
            context.report({ node: imported, messageId: 'utilsTesting' });
          } else if (full === 'tensorflow.compat.v1') {
            context.report({ node: imported, messageId: 'tfCompat' });
          }
        }
      },
      attribute(node) {
        // What the attribute names first: nearly every attribute is none of these, and is dismissed
        // before its parent is looked at.
        const report = attributeReport(node);
        if (!report) return;
        const parent = node.parent;
        if (parent?.type === 'assignment' && parent.childForFieldName('left')?.equals(node)) return;
        context.report(report);
      },
      call(node) {
        const fn = calleeOf(node);
        if (VARIABLE.has(semantic.qualifiedName(fn) ?? '')) {
          context.report({ node, messageId: 'variable', fixes: unwrapVariable(node) });
          return;
        }
        if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'append') return;
        const receiver = fn.childForFieldName('object');
        const kind = semantic.kindOf(receiver);
        if (!receiver || (kind !== 'dataframe' && kind !== 'series')) return;
        context.report({ node, messageId: 'append', data: { kind: kind === 'dataframe' ? 'DataFrame' : 'Series' }, fixes: concatFix(node, receiver, kind) });
      },
    };

    function concatFix(call: Node, receiver: Node, kind: string): FixSpec[] {
      const pandas = semantic.importedNameFor('pandas');
      const { positional, keywords, hasSplat } = callArguments(call);
      if (!pandas || hasSplat || positional.length !== 1 || semantic.kindOf(positional[0]) !== kind) return [];
      if ([...keywords.keys()].some((k) => !CONCAT_KEYWORDS.has(k))) return [];
      if (call.text.includes('\n')) return [];
      const kw = [...keywords.entries()].map(([k, v]) => `, ${k}=${v.text}`).join('');
      return [{ title: `Replace with \`${pandas}.concat\``, safety: 'safe', edits: [edit(call, `${pandas}.concat([${receiver.text}, ${positional[0].text}]${kw})`)] }];
    }
  },
});

function edit(node: Node, newText: string) {
  return { start: node.startIndex, end: node.endIndex, newText };
}

/** Rewrites the deprecated module prefix in an import's module name; plain `import a.b.c` (used as `a.b.c.x`) gets no fix. */
function renameModule(moduleNode: Node, from: string, to: string, statement: Node, safety: 'safe' | 'unsafe'): FixSpec[] {
  const aliased = moduleNode.parent?.type === 'aliased_import';
  if (statement.type === 'import_statement' && !aliased) return [];
  return [{ title: `Import \`${to}\` instead`, safety, edits: [edit(moduleNode, to + moduleNode.text.slice(from.length))] }];
}

function unwrapVariable(call: Node): FixSpec[] {
  const { positional, keywords, hasSplat } = callArguments(call);
  if (hasSplat || keywords.size > 0 || positional.length !== 1) return [];
  const inner = positional[0];
  const text = PRIMARY.has(inner.type) ? inner.text : `(${inner.text})`;
  return [{ title: `Use \`${inner.text}\` directly`, safety: 'unsafe', edits: [edit(call, text)] }];
}
