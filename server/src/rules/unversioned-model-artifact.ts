import type { Node } from '../engine/parser';
import { defineRule, type FixSpec } from '../engine/rule';
import { callArguments, calledName, calleeOf, insertModuleLines, receiverOf, stringValue } from '../engine/syntax';
import { moduleAssignment, runsAfter } from './unseeded-randomness';

/** Serialisers and the keyword that names their destination (the second positional argument). */
const DUMPERS: Record<string, string> = {
  'pickle.dump': 'file',
  'joblib.dump': 'filename',
  'torch.save': 'f',
  'dill.dump': 'file',
  'cloudpickle.dump': 'file',
};

/** Values whose `.save(path)` writes a model. */
const MODEL_KINDS = new Set(['torch-module', 'estimator', 'keras-model']);

const VERSION_NAMES = ['RUN_ID', 'MODEL_VERSION', 'VERSION'];

export default defineRule({
  meta: {
    id: 'unversioned-model-artifact',
    code: 'MLD104',
    category: 'reproducibility',
    severity: 'warning',
    local: true,
    fix: 'unsafe',
    requires: ['pickle', 'joblib', 'torch', 'keras', 'tensorflow', 'dill', 'cloudpickle'],
    messages: {
      default: 'The model is saved to the fixed path "{path}", so every run overwrites the last; build the path from a version or run id.',
    },
    docs: {
      summary: 'A model saved to a fixed literal path.',
      whatItDoes:
        'Flags `pickle.dump`, `joblib.dump`, `torch.save` and `.save(...)` on a tracked PyTorch module, scikit-learn ' +
        'estimator or Keras model whose destination is a plain string literal — directly, through `open("...", "wb")` ' +
        '(also as a `with ... as f` target) or `pathlib.Path("...")`. A hand-written version or date in the literal ' +
        '(`"final_v3.pt"`, `"model_2024_05_01.pkl"`) is still flagged: the literal does not change between runs, so ' +
        'the next run overwrites it and nothing ties it to the code and data that made it. Paths built at run time ' +
        '(f-strings with interpolation, concatenation, `os.path.join` with a variable, a parameter) are left alone, as ' +
        'are buffers and other non-literal destinations.',
      whyIsThisBad:
        'Sculley et al. describe how ML systems accumulate debt when models cannot be traced back to the code, data and ' +
        'configuration that produced them. A fixed artefact path is overwritten by every run, so a regression cannot be ' +
        'rolled back and the model in production cannot be matched to its experiment.',
      example: 'import joblib\n\njoblib.dump(clf, "models/churn.joblib")\n',
      useInstead:
        'import joblib\nimport time\nRUN_ID = time.strftime("%Y%m%d-%H%M%S")\n\njoblib.dump(clf, f"models/churn-{RUN_ID}.joblib")\n',
      fixSafety:
        'Unsafe: the fix inserts `RUN_ID = time.strftime("%Y%m%d-%H%M%S")` (with `import time`) after the imports — or ' +
        'reuses a `RUN_ID`, `MODEL_VERSION` or `VERSION` module constant — and turns the literal into an f-string that ' +
        'puts the run id before the extension. Every run then writes a new file, so code that loads the old fixed name ' +
        'must be pointed at the new one, and old artefacts accumulate. Literals with braces, bytes, f-string or ' +
        'triple-quoted literals get no fix.',
      references: [
        'Sculley et al., "Hidden Technical Debt in Machine Learning Systems", NeurIPS 2015',
        'https://mlflow.org/docs/latest/model-registry.html',
        'https://scikit-learn.org/stable/model_persistence.html',
        'https://pytorch.org/tutorials/beginner/saving_loading_models.html',
      ],
    },
  },
  create(context) {
    const { root } = context;

    /** The literal a destination expression names, following `open(...)`, `Path(...)` and `with open(...) as f`. */
    const literalPath = (node: Node | undefined, call: Node): Node | undefined => {
      if (!node) return undefined;
      if (node.type === 'string') return stringValue(node) ? node : undefined;
      if (node.type === 'call') {
        const fn = calleeOf(node);
        const isOpen = fn?.type === 'identifier' && fn.text === 'open' && !context.semantic.qualifiedName(fn) && context.semantic.kindOf(fn) === undefined;
        if (!isOpen && context.semantic.qualifiedName(fn) !== 'pathlib.Path') return undefined;
        const first = callArguments(node).positional[0];
        return first?.type === 'string' && stringValue(first) ? first : undefined;
      }
      if (node.type === 'identifier') return literalPath(withTarget(node.text, call), call);
      return undefined;
    };

    const versionFix = (literal: Node): FixSpec[] => {
      const quoted = /^([rRuU]?)('|")(.*)\2$/s.exec(literal.text);
      if (!quoted || /[{}\n]/.test(quoted[3]) || quoted[3].startsWith(quoted[2].repeat(2))) return [];
      const existing = moduleAssignment(root, VERSION_NAMES);
      const name = existing ? existing.namedChild(0)!.childForFieldName('left')!.text : 'RUN_ID';
      const edits = [];
      if (existing) {
        if (!runsAfter(literal, existing.endIndex)) return [];
      } else {
        const insert = insertModuleLines(root, context.text, 'import time\nRUN_ID = time.strftime("%Y%m%d-%H%M%S")', context.notebook);
        if (!runsAfter(literal, insert.start)) return [];
        edits.push(insert);
      }
      const path = quoted[3];
      const base = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1;
      const dot = path.indexOf('.', base + 1);
      const at = dot === -1 ? path.length : dot;
      const prefix = quoted[1].toLowerCase() === 'r' ? 'rf' : 'f';
      const versioned = `${prefix}${quoted[2]}${path.slice(0, at)}-{${name}}${path.slice(at)}${quoted[2]}`;
      edits.push({ start: literal.startIndex, end: literal.endIndex, newText: versioned });
      return [{ title: `Put \`${name}\` in the artefact path`, safety: 'unsafe', edits }];
    };

    return {
      call(call) {
        const q = context.semantic.qualifiedName(calleeOf(call));
        // The callee first: it dismisses nearly every call, before its arguments are read.
        const dumper = q !== undefined && Object.hasOwn(DUMPERS, q);
        if (!dumper && (q !== undefined || calledName(call) !== 'save')) return;
        const args = callArguments(call);
        if (args.hasSplat) return;
        let destination: Node | undefined;
        if (dumper) {
          destination = args.positional[1] ?? args.keywords.get(DUMPERS[q!]);
        } else {
          const receiver = receiverOf(call);
          if (!MODEL_KINDS.has(context.semantic.kindOf(receiver) ?? '')) return;
          destination = args.positional[0] ?? args.keywords.get('filepath');
        }
        const literal = literalPath(destination, call);
        if (!literal) return;
        context.report({ node: call, messageId: 'default', data: { path: stringValue(literal)! }, fixes: versionFix(literal) });
      },
    };
  },
});

/** The value bound to `name` by an enclosing `with <value> as name:` of the call. */
function withTarget(name: string, call: Node): Node | undefined {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'class_definition') return undefined;
    if (n.type !== 'with_statement') continue;
    const clause = n.namedChildren.find((c) => c?.type === 'with_clause');
    for (const item of clause?.namedChildren ?? []) {
      const pattern = item?.childForFieldName('value');
      if (pattern?.type !== 'as_pattern') continue;
      const target = pattern.childForFieldName('alias')?.namedChild(0);
      if (target?.type === 'identifier' && target.text === name) return pattern.namedChild(0) ?? undefined;
    }
  }
  return undefined;
}
