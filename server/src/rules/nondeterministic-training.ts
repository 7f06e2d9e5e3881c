import type { Node } from '../engine/parser';
import { defineRule, type FixSpec } from '../engine/rule';
import { calledName, calleeOf, insertLinesAfter, insertModuleLines, receiverOf } from '../engine/syntax';
import { moduleAssignment, SEED_NAMES, SEED_OPTIONS, type SeedOptions } from './unseeded-randomness';

/** Calls that seed PyTorch or make it deterministic. */
const TORCH_SEEDERS = new Set([
  'torch.manual_seed', 'torch.random.manual_seed', 'torch.cuda.manual_seed', 'torch.cuda.manual_seed_all',
  'torch.use_deterministic_algorithms',
]);

export default defineRule<SeedOptions>({
  meta: {
    id: 'nondeterministic-training',
    code: 'MLD103',
    category: 'reproducibility',
    severity: 'information',
    local: true,
    fix: 'unsafe',
    requires: ['torch'],
    options: SEED_OPTIONS,
    messages: {
      default: 'PyTorch training runs here but this {container} never calls `torch.manual_seed` or asks for deterministic algorithms; seed it after the imports.',
    },
    docs: {
      summary: 'PyTorch training in a file or notebook that never seeds PyTorch.',
      whatItDoes:
        'Flags the first training step (`loss.backward()`, or `.step()` on a tracked optimizer) of a file or notebook ' +
        'that has no `torch.manual_seed(...)` (or `torch.cuda.manual_seed*`), no `torch.use_deterministic_algorithms(...)`, ' +
        'no `torch.backends.cudnn.deterministic = ...` and no `seed_everything`/`set_seed` helper call anywhere — in any cell ' +
        'of a notebook. Reported once per file.',
      whyIsThisBad:
        'Weight initialisation, dropout, data shuffling and some CUDA kernels all draw random numbers; unseeded, two runs ' +
        'of the same code train different models, so a change in a metric cannot be attributed to a change in the code ' +
        '(Zhang et al., "Code Smells for Machine Learning Applications": randomness uncontrolled).',
      example:
        'import torch\nfrom torch import nn\n\nmodel = nn.Linear(10, 1)\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n' +
        'for x, y in batches:\n    opt.zero_grad()\n    loss = nn.functional.mse_loss(model(x), y)\n    loss.backward()\n    opt.step()\n',
      useInstead:
        'import torch\nfrom torch import nn\n\nSEED = 42\ntorch.manual_seed(SEED)\ntorch.backends.cudnn.deterministic = True\n' +
        'torch.backends.cudnn.benchmark = False\n\nmodel = nn.Linear(10, 1)\nopt = torch.optim.SGD(model.parameters(), lr=0.1)\n' +
        'for x, y in batches:\n    opt.zero_grad()\n    loss = nn.functional.mse_loss(model(x), y)\n    loss.backward()\n    opt.step()\n',
      fixSafety:
        'Unsafe: the inserted block (`torch.manual_seed(SEED)` and the cuDNN determinism flags, after the imports or after ' +
        'an existing `SEED`/`RANDOM_STATE`/`RANDOM_SEED` constant, with `SEED = 42` created when none exists) changes the ' +
        'numbers every run draws and can slow cuDNN convolutions. `torch.use_deterministic_algorithms(True)` is left out ' +
        'because it raises on operations without a deterministic implementation.',
      references: [
        'https://pytorch.org/docs/stable/notes/randomness.html',
        'https://pytorch.org/docs/stable/generated/torch.manual_seed.html',
        'https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html',
        'Zhang et al., "Code Smells for Machine Learning Applications", CAIN 2022',
      ],
    },
  },
  create(context) {
    const { root } = context;
    // What the chunk being walked shows; handed to `module:exit` and reset at its end.
    let chunk: TrainingFacts = { seeded: false };
    const helpers = new Set(context.options.seedHelpers);

    const isTrainingStep = (call: Node): boolean => {
      const name = calledName(call);
      if (name !== 'step' && name !== 'backward') return false;
      const receiver = receiverOf(call);
      if (!receiver) return false;
      if (name === 'step') return context.semantic.kindOf(receiver) === 'optimizer';
      const kind = context.semantic.kindOf(receiver);
      return kind === undefined || kind === 'tensor';
    };

    const seedingFix = (torchName: string | undefined, firstStep: Node | undefined): FixSpec[] => {
      const torch = torchName ?? 'torch';
      const existing = moduleAssignment(root, SEED_NAMES);
      const seed = existing ? existing.namedChild(0)!.childForFieldName('left')!.text : 'SEED';
      const lines = [
        ...(torchName ? [] : ['import torch']),
        ...(existing ? [] : [`${seed} = ${context.options.seedValue}`]),
        `${torch}.manual_seed(${seed})`,
        `${torch}.backends.cudnn.deterministic = True`,
        `${torch}.backends.cudnn.benchmark = False`,
      ].join('\n');
      const edit = existing ? insertLinesAfter(existing, context.text, lines, context.notebook) : insertModuleLines(root, context.text, lines, context.notebook);
      // The training must run after the block; a seed constant defined below the training gets no fix.
      if (firstStep && firstStep.startIndex < edit.start && !inFunction(firstStep)) return [];
      return [{ title: 'Seed PyTorch after the imports', safety: 'unsafe', edits: [edit] }];
    };

    return {
      import_statement(node) {
        if (node.parent?.type !== 'module' || chunk.torchName) return;
        for (const name of node.childrenForFieldName('name')) {
          if (name?.type === 'dotted_name' && (name.text === 'torch' || name.text.startsWith('torch.'))) chunk.torchName = 'torch';
          else if (name?.type === 'aliased_import' && name.childForFieldName('name')?.text === 'torch') chunk.torchName = name.childForFieldName('alias')?.text;
        }
      },
      call(call) {
        const q = context.semantic.qualifiedName(calleeOf(call));
        if ((q && TORCH_SEEDERS.has(q)) || helpers.has(calledName(call) ?? '')) chunk.seeded = true;
        else if (!chunk.firstStep && isTrainingStep(call)) chunk.firstStep = call;
      },
      assignment(node) {
        if (context.semantic.qualifiedName(node.childForFieldName('left')) === 'torch.backends.cudnn.deterministic') chunk.seeded = true;
      },
      'chunk:exit'() {
        const facts = chunk;
        // A chunk that shows nothing gives nothing to keep (most chunks, in a notebook of hundreds of cells).
        if (!facts.seeded && !facts.firstStep && facts.torchName === undefined) return undefined;
        chunk = { seeded: false };
        return facts;
      },
      'module:exit'() {
        const chunks = (context.chunkFacts as Array<TrainingFacts | undefined>).filter((f) => f !== undefined);
        // The first module-level torch import names it; the first training step is reported.
        const torchName = chunks.find((f) => f.torchName)?.torchName;
        const firstStep = chunks.find((f) => f.firstStep)?.firstStep;
        if (chunks.some((f) => f.seeded) || !firstStep) return;
        context.report({
          node: firstStep,
          messageId: 'default',
          data: { container: context.notebook ? 'notebook' : 'file' },
          fixes: seedingFix(torchName, firstStep),
        });
      },
    };
  },
});

/** What a chunk shows: its first torch import name and training step, and whether it seeds PyTorch. */
interface TrainingFacts {
  torchName?: string;
  firstStep?: Node;
  seeded: boolean;
}

function inFunction(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_definition' || n.type === 'lambda') return true;
  return false;
}
