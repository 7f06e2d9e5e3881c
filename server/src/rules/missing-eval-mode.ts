import type { Node } from '../engine/parser';
import { defineRule, type FixSpec } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { callArguments, calledName, calleeOf, receiverOf } from '../engine/syntax';

const GRAD_OFF = new Set(['torch.no_grad', 'torch.inference_mode', 'torch.autograd.no_grad', 'torch.autograd.grad_mode.no_grad']);
/** `evaluate`, `eval_model`, `validate`, `predict_proba`, `test`: evaluation by name. Not pytest's `test_*` nor Lightning's `*_step`, which the framework puts in eval mode. */
const EVAL_NAME = /^(?!.*_step$)(?:eval|evaluate|evaluation|validate|validation|predict|prediction|infer|inference)(?:_\w*)?$|^test$/;

interface ModeCall { name: string; eval: boolean; call: Node; scope: number; cls: number }
interface ModelCall { call: Node; name: string; scope: number; cls: number; context: Node; gradOff: boolean; evalFunction?: Node }
/** What one chunk holds for the decisions, which need the whole file. */
interface ChunkFacts {
  modeCalls: ModeCall[];
  modelCalls: ModelCall[];
  /** Names of functions called inside a no_grad block: their bodies run without gradients. */
  calledWithoutGrad: string[];
}

export default defineRule({
  meta: {
    id: 'missing-eval-mode',
    code: 'MLD402',
    category: 'api-misuse',
    severity: 'warning',
    local: true,
    fix: 'unsafe',
    requires: ['torch'],
    messages: {
      noEval: '`{name}` is evaluated without `{name}.eval()`, so dropout and batch-norm still behave as in training; call `{name}.eval()` first.',
      trainMode: '`{name}` is evaluated while in training mode (`{name}.train()` was called last); call `{name}.eval()` before evaluating.',
      noGrad: '`{fn}` evaluates `{name}` with gradient tracking on; wrap the evaluation in `with torch.no_grad():` (or `torch.inference_mode()`).',
    },
    docs: {
      summary: 'A torch model evaluated in training mode, or evaluated with gradients on.',
      whatItDoes:
        'Looks at calls `model(x)` of a known torch module (an `nn.*` layer, an `nn.Module` subclass instance, a ' +
        'torchvision model, or `self.<sub>` holding one) in evaluation code: inside `with torch.no_grad():` / ' +
        '`with torch.inference_mode():`, in a function decorated with either, or in a function named ' +
        '`eval*`, `evaluate*`, `validate*`, `validation*`, `predict*`, `infer*`, `inference*` or `test` (not ' +
        'pytest `test_*` functions, not Lightning `*_step` hooks). It reports the model when the last ' +
        '`model.train()`/`model.eval()` before the call in the same function (or at module level) is ' +
        '`train()`, or when there is none there and no `model.eval()` (or `self.eval()` in the same class for ' +
        '`self.<sub>`) comes before it at module level, or, for a call inside a function, anywhere in the file. Separately, it reports an evaluation-named function that calls the model ' +
        'with no `no_grad`/`inference_mode` in it or around its calls. Models passed in as parameters are not ' +
        'tracked, so `evaluate(model, loader)` helpers are left alone.',
      whyIsThisBad:
        'In training mode dropout keeps dropping units and batch normalisation normalises with the statistics ' +
        'of the current batch (and updates its running averages), so validation scores are noisy, depend on ' +
        'the batch size, and can even change the model; without `no_grad` every forward pass keeps its graph ' +
        'in memory (Zhang et al., CAIN 2022; SonarQube S6982).',
      example:
        'import torch\nfrom torch import nn\n\nmodel = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 1))\n' +
        'x_val = torch.randn(16, 4)\nwith torch.no_grad():\n    predictions = model(x_val)\n',
      useInstead:
        'import torch\nfrom torch import nn\n\nmodel = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 1))\n' +
        'x_val = torch.randn(16, 4)\nmodel.eval()\nwith torch.no_grad():\n    predictions = model(x_val)\n',
      fixSafety:
        'Unsafe: `model.eval()` changes what the model computes (that is the point) and leaves it in eval ' +
        'mode, so training code after it may need `model.train()`; wrapping in `torch.no_grad()` breaks code ' +
        'that backpropagates through the evaluation. The fix inserts `model.eval()` before the evaluation ' +
        'block or statement, or wraps the rest of the function body, re-indented, in `with torch.no_grad():` ' +
        '(no wrap when the body holds a multi-line string, whose text re-indenting would change).',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.eval',
        'https://pytorch.org/docs/stable/notes/autograd.html#locally-disabling-gradient-computation',
        'https://rules.sonarsource.com/python/RSPEC-6982',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic, text } = context;
    /** What the chunk being walked has shown so far. */
    let chunk: ChunkFacts = { modeCalls: [], modelCalls: [], calledWithoutGrad: [] };

    const isGradOff = (expr: Node | null | undefined): boolean => {
      if (!expr) return false;
      const target = expr.type === 'call' ? calleeOf(expr) : expr;
      return GRAD_OFF.has(semantic.qualifiedName(target) ?? '');
    };
    const isGradOffWith = (n: Node): boolean =>
      n.type === 'with_statement' &&
      (n.namedChildren.find((c) => c?.type === 'with_clause')?.namedChildren ?? []).some((item) => isGradOff(item?.childForFieldName('value')));
    const isGradOffFunction = (fn: Node): boolean =>
      fn.parent?.type === 'decorated_definition' &&
      fn.parent.namedChildren.some((d) => d?.type === 'decorator' && isGradOff(d.namedChild(0)));

    /** `with` blocks being walked, innermost last (a no_grad block counts only inside its own function). */
    const withBlocks: Node[] = [];

    /** The innermost no_grad block and the enclosing function of the node being walked. */
    const surroundings = (): { gradOffWith?: Node; fn?: Node } => {
      const fn = semantic.currentFunction();
      for (let i = withBlocks.length - 1; i >= 0; i--) {
        const w = withBlocks[i];
        if (fn && w.startIndex < fn.startIndex) break;
        if (isGradOffWith(w)) return { gradOffWith: w, fn };
      }
      return { fn };
    };

    return {
      with_statement(node) {
        withBlocks.push(node);
      },
      'with_statement:exit'() {
        withBlocks.pop();
      },
      call(node) {
        const method = calledName(node);
        const receiver = receiverOf(node);
        const fnNode = calleeOf(node);
        if (receiver && (method === 'eval' || method === 'train')) {
          const name = dottedName(receiver);
          const { positional, keywords } = callArguments(node);
          const flag = positional[0] ?? keywords.get('mode');
          if (name && (method === 'eval' ? !flag : !flag || flag.text === 'True' || flag.text === 'False')) {
            const fn = surroundings().fn;
            chunk.modeCalls.push({ name, eval: method === 'eval' || flag?.text === 'False', call: node, scope: fn?.id ?? 0, cls: classOf(node) });
          }
          return;
        }
        if (!fnNode) return;
        const { gradOffWith, fn } = surroundings();
        if (gradOffWith && fnNode.type === 'identifier') chunk.calledWithoutGrad.push(fnNode.text);
        if ((fnNode.type !== 'identifier' && fnNode.type !== 'attribute') || semantic.kindOf(fnNode) !== 'torch-module') return;
        const fnName = fn?.childForFieldName('name')?.text ?? '';
        const evalFunction = fn && fn.type === 'function_definition' && EVAL_NAME.test(fnName) ? fn : undefined;
        const gradOff = !!gradOffWith || (!!fn && fn.type === 'function_definition' && isGradOffFunction(fn));
        if (!gradOff && !evalFunction) return;
        chunk.modelCalls.push({ call: node, name: fnNode.text, scope: fn?.id ?? 0, cls: classOf(node), context: gradOffWith ?? fn!, gradOff, evalFunction });
      },
      'chunk:exit'() {
        const found = chunk;
        chunk = { modeCalls: [], modelCalls: [], calledWithoutGrad: [] };
        const empty = found.modeCalls.length === 0 && found.modelCalls.length === 0 && found.calledWithoutGrad.length === 0;
        return empty ? undefined : found;
      },
      'module:exit'() {
        // A mode call or a no_grad caller in any chunk can decide a model call in another.
        const chunks = (context.chunkFacts as Array<ChunkFacts | undefined>).filter((f): f is ChunkFacts => !!f);
        const modeCalls = chunks.flatMap((f) => f.modeCalls);
        const modelCalls = chunks.flatMap((f) => f.modelCalls);
        const calledWithoutGrad = new Set(chunks.flatMap((f) => f.calledWithoutGrad));
        const reported = new Set<string>();
        const noGradReported = new Set<number>();
        for (const m of modelCalls) {
          const owner = m.name.startsWith('self.') ? 'self' : undefined;
          // `self.x` is the same object only within one class.
          const sameModel = (c: ModeCall): boolean => (c.name === m.name || c.name === owner) && (!owner || c.cls === m.cls);
          const before = modeCalls.filter((c) => sameModel(c) && c.scope === m.scope && c.call.startIndex < m.call.startIndex);
          const last = before[before.length - 1];
          const key = `${m.context.id}:${m.name}`;
          // With no mode call before it in its scope: at module level, text order is run order; in a function,
          // a caller may set the mode, so only a file that never calls eval() on it is certain.
          const evalElsewhere = modeCalls.some((c) => sameModel(c) && c.eval && (m.scope !== 0 || c.call.startIndex < m.call.startIndex));
          if (!reported.has(key) && (last ? !last.eval : !evalElsewhere)) {
            reported.add(key);
            context.report({ node: m.call, messageId: last ? 'trainMode' : 'noEval', data: { name: m.name }, fixes: evalInsertion(m, text) });
          }
          const fn = m.evalFunction;
          if (fn && !noGradReported.has(fn.id) && !modelCalls.some((o) => o.evalFunction === fn && o.gradOff) && !calledWithoutGrad.has(fn.childForFieldName('name')?.text ?? '')) {
            noGradReported.add(fn.id);
            context.report({ node: m.call, messageId: 'noGrad', data: { name: m.name, fn: fn.childForFieldName('name')?.text ?? '' }, fixes: noGradWrap(fn, m.call, text, semantic.importedNameFor('torch')) });
          }
        }
      },
    };
  },
});

/** The id of the class whose body holds `node`, or 0. */
function classOf(node: Node): number {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'class_definition') return n.id;
  return 0;
}

/** The statement of `block` that holds `node`. */
function statementIn(block: Node, node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) if (n.parent?.id === block.id) return n;
  return undefined;
}

function lineIndent(node: Node, text: string): string | undefined {
  const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
  const indent = text.slice(lineStart, node.startIndex);
  return /^[ \t]*$/.test(indent) ? indent : undefined;
}

/** `model.eval()` on its own line before the no_grad block, or before the function-body statement holding the call. */
function evalInsertion(m: ModelCall, text: string): FixSpec[] {
  let anchor: Node | undefined = m.context.type === 'with_statement' ? m.context : undefined;
  if (!anchor) {
    const body = m.context.childForFieldName('body');
    anchor = body ? statementIn(body, m.call) : undefined;
  }
  const indent = anchor ? lineIndent(anchor, text) : undefined;
  if (!anchor || indent === undefined) return [];
  return [{ title: `Call \`${m.name}.eval()\` before evaluating`, safety: 'unsafe', edits: [{ start: anchor.startIndex, end: anchor.startIndex, newText: `${m.name}.eval()\n${indent}` }] }];
}

/** Wraps the function body from the statement holding the first model call to its end in `with torch.no_grad():`. */
function noGradWrap(fn: Node, call: Node, text: string, torch: string | undefined): FixSpec[] {
  const body = fn.childForFieldName('body');
  const first = body ? statementIn(body, call) : undefined;
  const last = body?.namedChildren.filter((c) => c && c.type !== 'comment').pop();
  const indent = first ? lineIndent(first, text) : undefined;
  const fnIndent = lineIndent(fn.parent?.type === 'decorated_definition' ? fn.parent : fn, text);
  if (!torch || !first || !last || indent === undefined || fnIndent === undefined || !indent.startsWith(fnIndent)) return [];
  const unit = indent.slice(fnIndent.length);
  const start = first.startIndex - indent.length;
  const region = text.slice(start, last.endIndex);
  if (!unit || region.includes('"""') || region.includes("'''")) return [];
  const shifted = region.split('\n').map((line) => (line.trim() ? unit + line : line)).join('\n');
  return [{ title: `Wrap the evaluation in \`with ${torch}.no_grad():\``, safety: 'unsafe', edits: [{ start, end: last.endIndex, newText: `${indent}with ${torch}.no_grad():\n${shifted}` }] }];
}
