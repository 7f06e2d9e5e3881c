import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { calledName, receiverOf } from '../engine/syntax';

const LOOPS = new Set(['for_statement', 'while_statement']);
const SCOPE_BOUNDARIES = new Set(['function_definition', 'lambda', 'class_definition']);

interface LoopFacts {
  loop: Node;
  backward: boolean;
  /** The optimizer whose `step()` the loop calls, as written. */
  optimizer?: string;
  cleared: boolean;
}

export default defineRule({
  meta: {
    id: 'gradients-not-cleared',
    code: 'MLD401',
    category: 'api-misuse',
    severity: 'warning',
    local: true,
    fix: 'unsafe',
    requires: ['torch'],
    messages: {
      default:
        'This loop calls `backward()` and `{optimizer}.step()` but never clears the gradients, so they add up ' +
        'across iterations; call `{optimizer}.zero_grad()` in every iteration.',
    },
    docs: {
      summary: 'A training loop that steps the optimizer without `zero_grad()`.',
      whatItDoes:
        'Flags a `for` or `while` loop that calls `.backward()` and `step()` on a known torch optimizer ' +
        '(`opt.step()`, or `scaler.step(opt)` with AMP) but clears gradients nowhere in the loop: no ' +
        '`.zero_grad()` on any object (optimizer or model) and no `p.grad = None`. A `zero_grad()` under an ' +
        '`if` (gradient accumulation) counts as clearing. Of nested loops, only the innermost one that does ' +
        'both is reported. Optimizers of unknown origin (parameters, factory results) are not tracked.',
      whyIsThisBad:
        'PyTorch accumulates gradients into `.grad` on every `backward()`; without clearing, each step ' +
        'uses the sum of all gradients since the start, so updates grow and training diverges or silently ' +
        'converges to something else (Zhang et al., CAIN 2022, "Gradients not cleared before backward propagation").',
      example:
        'import torch\nfrom torch import nn\n\nmodel = nn.Linear(4, 1)\n' +
        'optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n' +
        'for x, y in [(torch.randn(8, 4), torch.randn(8, 1))]:\n' +
        '    loss = nn.functional.mse_loss(model(x), y)\n    loss.backward()\n    optimizer.step()\n',
      useInstead:
        'import torch\nfrom torch import nn\n\nmodel = nn.Linear(4, 1)\n' +
        'optimizer = torch.optim.SGD(model.parameters(), lr=0.1)\n' +
        'for x, y in [(torch.randn(8, 4), torch.randn(8, 1))]:\n    optimizer.zero_grad()\n' +
        '    loss = nn.functional.mse_loss(model(x), y)\n    loss.backward()\n    optimizer.step()\n',
      fixSafety:
        'Unsafe: it inserts `<optimizer>.zero_grad()` as the first statement of the loop body, which changes ' +
        'the training result (that is the point); where accumulation across iterations was intended, the ' +
        'clearing belongs elsewhere.',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.optim.Optimizer.zero_grad.html',
        'https://pytorch.org/tutorials/recipes/recipes/zeroing_out_gradients.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { semantic } = context;
    /** What each loop of the chunk being walked has shown so far, by loop id. */
    const facts = new Map<number, LoopFacts>();
    /** Loops of the chunk being walked, already left, that step without clearing. */
    const uncleared: Node[] = [];

    /** The loops around `node` up to the enclosing function, innermost first. */
    const loopsAround = (node: Node): LoopFacts[] => {
      const out: LoopFacts[] = [];
      for (let n = node.parent; n && !SCOPE_BOUNDARIES.has(n.type); n = n.parent) {
        if (!LOOPS.has(n.type)) continue;
        // The iterable or condition runs once per loop, not in the body.
        const body = n.childForFieldName('body');
        if (!body || node.startIndex < body.startIndex) continue;
        let f = facts.get(n.id);
        if (!f) {
          f = { loop: n, backward: false, cleared: false };
          facts.set(n.id, f);
        }
        out.push(f);
      }
      return out;
    };

    const steppedOptimizer = (call: Node): string | undefined => {
      if (calledName(call) !== 'step') return undefined;
      const receiver = receiverOf(call);
      if (receiver && semantic.kindOf(receiver) === 'optimizer') return receiver.text;
      const first = call.childForFieldName('arguments')?.namedChild(0);
      if (first && (first.type === 'identifier' || first.type === 'attribute') && semantic.kindOf(first) === 'optimizer') return first.text;
      return undefined;
    };

    /** A loop is decided when the walk leaves it: every loop inside it has been left before. */
    const leaveLoop = (node: Node): void => {
      const f = facts.get(node.id);
      if (!f || !f.backward || !f.optimizer || f.cleared) return;
      // Report the innermost loop only: an outer loop holding a reported one says nothing new.
      const holdsUncleared = uncleared.some((g) => g.startIndex >= node.startIndex && g.endIndex <= node.endIndex);
      uncleared.push(node);
      if (!holdsUncleared) reportLoop(f);
    };

    const reportLoop = (f: LoopFacts): void => {
      const lineEnd = context.text.indexOf('\n', f.loop.startIndex);
      const edit = zeroGradInsertion(f.loop, f.optimizer!, context.text);
      context.report({
        start: f.loop.startIndex,
        end: lineEnd === -1 ? f.loop.endIndex : lineEnd,
        messageId: 'default',
        data: { optimizer: f.optimizer! },
        fixes: edit ? [{ title: `Call \`${f.optimizer}.zero_grad()\` at the start of each iteration`, safety: 'unsafe', edits: [edit] }] : [],
      });
    };

    return {
      call(node) {
        const name = calledName(node);
        if (name !== 'backward' && name !== 'step' && name !== 'zero_grad') return;
        if (name === 'zero_grad') {
          for (const f of loopsAround(node)) f.cleared = true;
        } else if (name === 'backward') {
          for (const f of loopsAround(node)) f.backward = true;
        } else {
          const optimizer = steppedOptimizer(node);
          if (optimizer) for (const f of loopsAround(node)) f.optimizer ??= optimizer;
        }
      },
      assignment(node) {
        // `p.grad = None` clears by hand.
        const left = node.childForFieldName('left');
        if (left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'grad') {
          for (const f of loopsAround(node)) f.cleared = true;
        }
      },
      'for_statement:exit': leaveLoop,
      'while_statement:exit': leaveLoop,
      'chunk:exit'() {
        facts.clear();
        uncleared.length = 0;
      },
    };
  },
});

/** `<optimizer>.zero_grad()` before the loop body's first statement, on its own line with the body's indentation. */
function zeroGradInsertion(loop: Node, optimizer: string, text: string) {
  const body = loop.childForFieldName('body');
  const first = body?.namedChild(0);
  if (!first) return undefined;
  const lineStart = text.lastIndexOf('\n', first.startIndex - 1) + 1;
  const indent = text.slice(lineStart, first.startIndex);
  // A body on the loop's own line (`for x in xs: step()`) has no line to insert before.
  if (!/^[ \t]+$/.test(indent)) return undefined;
  return { start: first.startIndex, end: first.startIndex, newText: `${optimizer}.zero_grad()\n${indent}` };
}
