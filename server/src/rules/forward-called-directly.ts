import { defineRule } from '../engine/rule';
import { calleeOf, receiverOf } from '../engine/syntax';

export default defineRule({
  meta: {
    id: 'forward-called-directly',
    code: 'MLD403',
    category: 'api-misuse',
    severity: 'warning',
    local: true,
    chunkFixes: true,
    fix: 'safe',
    requires: ['torch'],
    messages: {
      default: '`{name}.forward(...)` bypasses the module\'s hooks; call the module itself: `{name}(...)`.',
    },
    docs: {
      summary: '`model.forward(x)` called on an `nn.Module` instead of `model(x)`.',
      whatItDoes:
        'Flags `.forward(...)` called on a name known to hold a torch `nn.Module` (an instance of an `nn.*` layer, ' +
        'of a class derived from `nn.Module`, or of a torchvision model), including `self.<sub>.forward(...)` for ' +
        'submodules assigned in `__init__`. `super().forward(...)` and `Base.forward(self, ...)` are not flagged.',
      whyIsThisBad:
        '`Module.__call__` runs the registered forward pre-hooks and hooks (used by pruning, quantisation, ' +
        'profilers, feature extractors, `torch.compile` and FSDP wrappers) around `forward`; calling `forward` ' +
        'directly skips them silently, so the model computes something different from what its wrappers expect ' +
        '(Zhang et al., CAIN 2022, "Forward pass misused").',
      example:
        'import torch\nfrom torch import nn\n\nmodel = nn.Linear(4, 2)\nx = torch.randn(8, 4)\nlogits = model.forward(x)\n',
      useInstead: 'import torch\nfrom torch import nn\n\nmodel = nn.Linear(4, 2)\nx = torch.randn(8, 4)\nlogits = model(x)\n',
      fixSafety:
        'Safe: `model(x)` calls the same `forward` with the same arguments; it adds only the hooks the module ' +
        'has registered, which is what the module\'s users expect.',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.Module.html#torch.nn.Module.forward',
        'https://pytorch.org/docs/stable/notes/modules.html#module-hooks',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    return {
      call(node) {
        const fn = calleeOf(node);
        if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'forward') return;
        const receiver = receiverOf(node);
        const args = node.childForFieldName('arguments');
        if (!receiver || args?.type !== 'argument_list') return;
        if (receiver.type !== 'identifier' && receiver.type !== 'attribute') return;
        if (context.semantic.kindOf(receiver) !== 'torch-module') return;
        context.report({
          node,
          messageId: 'default',
          data: { name: receiver.text },
          fixes: [
            {
              title: `Call \`${receiver.text}(...)\` instead of \`.forward(...)\``,
              safety: 'safe',
              edits: [{ start: receiver.endIndex, end: args.startIndex, newText: '' }],
            },
          ],
        });
      },
    };
  },
});
