import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { dottedName } from '../engine/semantic';
import { appendArgument, callArguments, calleeOf, stringValue } from '../engine/syntax';

const DATALOADERS = new Set(['torch.utils.data.DataLoader', 'torch.utils.data.dataloader.DataLoader']);
/** `train_ds`, `trainset`, `x_train`, `self.train_data`: a name part that starts with "train". */
const TRAINING_NAME = /(?:^|_)train/i;

export default defineRule({
  meta: {
    id: 'dataloader-defaults',
    code: 'MLD406',
    category: 'api-misuse',
    severity: 'information',
    local: true,
    chunkFixes: true,
    fix: 'safe',
    requires: ['torch'],
    messages: {
      default: '`DataLoader` leaves {missing} implicit; state {them} so the loading behaviour is a visible choice.',
    },
    docs: {
      summary: '`DataLoader` without `num_workers`, or a training loader without `shuffle`.',
      whatItDoes:
        'Flags `torch.utils.data.DataLoader(...)` calls that do not pass `num_workers`, and calls whose dataset ' +
        '(first argument or `dataset=`) is named like training data (`train_ds`, `trainset`, `x_train`, ' +
        '`datasets["train"]`) that do not pass `shuffle` (nor a `sampler`/`batch_sampler`, which replace it). ' +
        'Calls with `*args`/`**kwargs` are left alone.',
      whyIsThisBad:
        'With the default `num_workers=0` every batch is loaded and transformed in the training process, so ' +
        'the GPU waits on data loading; with the default `shuffle=False` a training loader yields batches in ' +
        'dataset order every epoch, which often means sorted labels and biased gradient steps. Both defaults ' +
        'are easy to miss when reading the code; writing them out makes the choice reviewable.',
      example:
        'import torch\nfrom torch.utils.data import DataLoader, TensorDataset\n\n' +
        'train_ds = TensorDataset(torch.randn(100, 4), torch.randint(0, 2, (100,)))\n' +
        'train_loader = DataLoader(train_ds, batch_size=32)\n',
      useInstead:
        'import torch\nfrom torch.utils.data import DataLoader, TensorDataset\n\n' +
        'train_ds = TensorDataset(torch.randn(100, 4), torch.randint(0, 2, (100,)))\n' +
        'train_loader = DataLoader(train_ds, batch_size=32, shuffle=True, num_workers=4)\n',
      fixSafety:
        'Safe: the fix writes out the current defaults, `num_workers=0` and `shuffle=False`, so behaviour does ' +
        'not change; choosing better values (more workers, `shuffle=True` for training) is left to the author.',
      references: [
        'https://pytorch.org/docs/stable/data.html#torch.utils.data.DataLoader',
        'https://pytorch.org/docs/stable/data.html#single-and-multi-process-data-loading',
        'https://rules.sonarsource.com/python/RSPEC-6983',
      ],
    },
  },
  create(context) {
    return {
      call(node) {
        if (!DATALOADERS.has(context.semantic.qualifiedName(calleeOf(node)) ?? '')) return;
        const { positional, keywords, hasSplat } = callArguments(node);
        if (hasSplat) return;
        const missing: string[] = [];
        if (!keywords.has('num_workers') && positional.length < 6) missing.push('num_workers=0');
        const dataset = positional[0] ?? keywords.get('dataset');
        const sampled = keywords.has('sampler') || keywords.has('batch_sampler') || positional.length >= 3;
        if (dataset && isTrainingData(dataset) && !keywords.has('shuffle') && !sampled) missing.push('shuffle=False');
        if (missing.length === 0) return;
        const edit = appendArgument(node, missing.join(', '), context.text);
        const names = missing.map((m) => `\`${m.split('=')[0]}\``);
        context.report({
          node,
          messageId: 'default',
          data: { missing: names.join(' and '), them: missing.length > 1 ? 'them' : 'it' },
          fixes: edit ? [{ title: `Write out the defaults: ${missing.join(', ')}`, safety: 'safe', edits: [edit] }] : [],
        });
      },
    };
  },
});

function isTrainingData(dataset: Node): boolean {
  if (dataset.type === 'subscript') {
    const key = dataset.childForFieldName('subscript');
    const value = key ? stringValue(key) : undefined;
    return value !== undefined && TRAINING_NAME.test(value);
  }
  const name = dottedName(dataset);
  return !!name && TRAINING_NAME.test(name.slice(name.lastIndexOf('.') + 1));
}
