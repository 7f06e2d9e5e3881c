import { defineRule, type FixSpec } from '../engine/rule';
import { appendArgument, callArguments, calleeOf } from '../engine/syntax';

/** Loaders that unpickle, and so run whatever code the file names. */
const UNPICKLERS = new Set(['pickle.load', 'pickle.loads', 'joblib.load', 'dill.load', 'dill.loads', 'cloudpickle.load', 'cloudpickle.loads']);

export default defineRule({
  meta: {
    id: 'unsafe-model-load',
    code: 'MLD105',
    category: 'reproducibility',
    severity: 'warning',
    local: true,
    chunkFixes: true,
    fix: 'unsafe',
    requires: ['pickle', 'joblib', 'torch', 'dill', 'cloudpickle'],
    messages: {
      unpickle: '`{name}` unpickles its input, which can run arbitrary code; load only files you produced, or use a format that holds data only.',
      torch: '`torch.load` without `weights_only=True` can run arbitrary code from the file; pass `weights_only=True`.',
    },
    docs: {
      summary: 'Model files loaded with pickle, or `torch.load` without `weights_only=True`.',
      whatItDoes:
        'Flags `pickle.load`/`pickle.loads`, `joblib.load` (and `dill`/`cloudpickle` loads), and `torch.load` called ' +
        'without `weights_only=True` or with `weights_only=False`. A `torch.load` whose `weights_only` is a variable, ' +
        'or that passes `**kwargs`, is left alone.',
      whyIsThisBad:
        'Unpickling executes the constructors and callables the file names, so a tampered or downloaded model file runs ' +
        'code with the permissions of the training or serving job (SonarQube S6985). `torch.load(..., weights_only=True)` ' +
        'restricts loading to tensors and plain containers; before PyTorch 2.6 the default was `False`, so saying it ' +
        'explicitly keeps the code safe on every version.',
      example: 'import torch\n\nstate = torch.load("checkpoint.pt")\nmodel.load_state_dict(state)\n',
      useInstead: 'import torch\n\nstate = torch.load("checkpoint.pt", weights_only=True)\nmodel.load_state_dict(state)\n',
      fixSafety:
        'Unsafe: with `weights_only=True`, files that hold whole pickled modules or custom classes no longer load ' +
        '(they need `torch.serialization.add_safe_globals` or saving a `state_dict` instead). pickle and joblib loads ' +
        'get no fix: there is no safe drop-in (skops, safetensors or ONNX need a different save as well).',
      references: [
        'https://docs.python.org/3/library/pickle.html',
        'https://pytorch.org/docs/stable/generated/torch.load.html',
        'https://joblib.readthedocs.io/en/stable/generated/joblib.load.html',
        'https://rules.sonarsource.com/python/RSPEC-6985/',
        'https://skops.readthedocs.io/en/stable/persistence.html',
      ],
    },
  },
  create(context) {
    return {
      call(call) {
        const fn = calleeOf(call);
        const q = context.semantic.qualifiedName(fn);
        if (!q) return;
        // pickle in general code is another linter's business; here it is about model and data files.
        if (UNPICKLERS.has(q) && (q.startsWith('joblib.') || context.semantic.isMachineLearningCode())) {
          context.report({ node: call, messageId: 'unpickle', data: { name: context.semantic.textOf(fn!) } });
          return;
        }
        if (q !== 'torch.load') return;
        const args = callArguments(call);
        if (args.hasSplat) return;
        const weightsOnly = args.keywords.get('weights_only');
        let fixes: FixSpec[] = [];
        if (!weightsOnly) {
          const edit = appendArgument(call, 'weights_only=True', context.text);
          if (edit) fixes = [{ title: 'Pass `weights_only=True`', safety: 'unsafe', edits: [edit] }];
        } else if (weightsOnly.type === 'false') {
          fixes = [{ title: 'Pass `weights_only=True`', safety: 'unsafe', edits: [{ start: weightsOnly.startIndex, end: weightsOnly.endIndex, newText: 'True' }] }];
        } else {
          return;
        }
        context.report({ node: call, messageId: 'torch', fixes });
      },
    };
  },
});
