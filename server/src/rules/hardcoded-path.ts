import type { ChunkTree } from '../engine/mirror';
import type { Node } from '../engine/parser';
import { defineRule } from '../engine/rule';
import { detached } from '../engine/detach';
import { constantInsertionPoint, insertModuleConstant, stringValue } from '../engine/syntax';

/**
 * Paths that exist on one machine only: home folders, drive letters, Colab's Google Drive, mount points.
 * System paths (`/tmp`, `/dev/null`, `/usr/bin/env`, `/etc/...`) and `/data/...` (a container convention,
 * and a common URL route) are left alone.
 */
const MACHINE_PATHS: RegExp[] = [
  /^\/(home|Users)\/[^/\s]+/,
  /^\/root\/[^/\s]/,
  /^[A-Za-z]:[\\/]/,
  // Colab's Drive folder, but not the mount point itself (`drive.mount("/content/drive")`).
  /^\/content\/(drive|gdrive)\/[^/\s]/,
  // `~/.cache/x` is a per-user location every machine has; `~/Downloads/x.csv` is one person's layout.
  /^~[\\/](?!\.)/,
  /^\/(mnt|media|Volumes)\/[^/\s]+/,
];

interface Options {
  ignorePrefixes: string[];
}

export default defineRule<Options>({
  meta: {
    id: 'hardcoded-path',
    code: 'MLD210',
    category: 'data',
    severity: 'warning',
    local: true,
    fix: 'safe',
    options: {
      ignorePrefixes: {
        type: 'string[]',
        default: [],
        description: 'Path prefixes that are the same on every machine of the team (for example a shared mount such as "/mnt/datasets/").',
      },
    },
    messages: {
      default: '`{path}` only exists on one machine; name it once in a constant, ideally read from configuration or an environment variable.',
    },
    docs: {
      summary: 'Absolute or machine-specific path literals.',
      whatItDoes:
        'Flags string literals (not docstrings or comments) that start like a path on one person\'s machine: ' +
        '`/home/<user>/`, `/Users/<user>/`, `/root/`, `C:\\` or `D:/`, `~/` (but not hidden per-user folders such as `~/.cache`), Colab\'s `/content/drive/`, and mount ' +
        'points `/mnt/<x>`, `/media/<x>`, `/Volumes/<x>`. System paths such as `/tmp`, `/dev/null`, `/usr/bin/env` or ' +
        '`/etc/...`, URLs, `/data/...` and strings in decorators (URL routes) are not flagged. Prefixes shared by the ' +
        'whole team can be listed in the `ignorePrefixes` option.',
      whyIsThisBad:
        'A path to one person\'s home folder or drive breaks the pipeline on every other machine, in CI and in ' +
        'production. Sculley et al. (NeurIPS 2015) count such glue and configuration as hidden technical debt: when the ' +
        'paths are spread through the code, moving data means hunting for literals. One named constant, or better a ' +
        'setting read from the environment, keeps the location in one place.',
      example: 'import pandas as pd\n\n\ndef load():\n    return pd.read_csv("/home/alice/projects/churn/train.csv")\n',
      useInstead:
        'import os\n\nimport pandas as pd\n\nTRAIN_CSV_PATH = os.environ.get("TRAIN_CSV_PATH", "data/train.csv")\n\n\n' +
        'def load():\n    return pd.read_csv(TRAIN_CSV_PATH)\n',
      fixSafety:
        'Safe: the literal moves into a module-level UPPER_CASE constant named after the path\'s last component ' +
        '(`TRAIN_CSV_PATH`), inserted after the imports, and the literal is replaced by the name; the value is the same ' +
        'string. No fix is offered where the literal already is the value of a module-level assignment, in an f-string, ' +
        'or above the place where the constant would go. Reading the constant from an environment variable is left to the user.',
      references: [
        'https://docs.python.org/3/library/pathlib.html',
        'https://docs.python.org/3/library/os.html#os.environ',
        'Sculley et al., "Hidden Technical Debt in Machine Learning Systems", NeurIPS 2015',
      ],
    },
  },
  create(context) {
    const ignored = context.options.ignorePrefixes;
    return {
      string(node) {
        if (!mayStartPath(context.text, node.startIndex)) return;
        const value = stringValue(node) ?? leadingText(node);
        if (!value || value.includes('\n') || !MACHINE_PATHS.some((p) => p.test(value))) return;
        if (ignored.some((prefix) => value.startsWith(prefix))) return;
        if (node.parent?.type === 'concatenated_string' || isDocstring(node) || inDecorator(node)) return;
        const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
        const fix = stringValue(node) !== undefined ? extractConstant(node, value, context.text) : undefined;
        context.report({ node, messageId: 'default', data: { path: shown }, fixes: fix ? [fix] : [] });
      },
    };
  },
});

/**
 * Whether the literal at `start` may hold a machine path: its value starts with `/`, `~` or a drive
 * letter and a colon (every pattern above does). Read off the source, so that most strings are
 * dismissed without their value being put together.
 */
function mayStartPath(text: string, start: number): boolean {
  // Character codes, not patterns: asked of every string literal, before V8 has compiled any pattern.
  let i = start;
  while (isStringPrefix(text.charCodeAt(i))) i++;
  const quote = text.charCodeAt(i);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return true;
  i += text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote ? 3 : 1;
  const first = text.charCodeAt(i);
  const letter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a;
  return first === SLASH || first === TILDE || (letter && text.charCodeAt(i + 1) === COLON);
}

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const SLASH = 0x2f;
const TILDE = 0x7e;
const COLON = 0x3a;

/** A letter of a string prefix (`r`, `b`, `u`, `f`, either case). */
function isStringPrefix(c: number): boolean {
  const lower = c | 0x20;
  return lower === 0x72 || lower === 0x62 || lower === 0x75 || lower === 0x66;
}

/** The text of an f-string before its first interpolation. */
function leadingText(node: Node): string | undefined {
  const first = node.namedChildren.find((c) => c?.type !== 'string_start');
  return first?.type === 'string_content' ? first.text : undefined;
}

function isDocstring(node: Node): boolean {
  return node.parent?.type === 'expression_statement' && node.parent.namedChildCount === 1;
}

function inDecorator(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'decorator') return true;
    if (n.type === 'block' || n.type === 'module') return false;
  }
  return false;
}

function extractConstant(node: Node, value: string, text: string) {
  const parent = node.parent!;
  const statement = parent.parent;
  // Already named at module level: `DATA_DIR = "/home/..."`.
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.equals(node) && statement?.parent?.type === 'module') return undefined;
  const root = node.tree.rootNode;
  if (node.startIndex < constantInsertionPoint(root, text).offset) return undefined;
  const base = constantName(value);
  // An equal constant is reused only where it is already bound when the literal runs.
  const reusable = (c: Node): boolean => c.childForFieldName('right')?.text === node.text && c.endIndex < node.startIndex;
  let name = base;
  let existing = moduleAssignment(root, name);
  for (let n = 2; existing && !reusable(existing); n++) existing = moduleAssignment(root, (name = `${base}_${n}`));
  const edits = [{ start: node.startIndex, end: node.endIndex, newText: name }];
  if (!existing) edits.unshift(insertModuleConstant(root, text, `${name} = ${node.text}`));
  return { title: `Extract the path into the constant ${name}`, safety: 'safe' as const, edits };
}

/** `TRAIN_CSV_PATH` for `.../train.csv`, `MY_DRIVE_PATH` for `.../MyDrive/`. */
function constantName(value: string): string {
  const parts = value.split(/[\\/]+/).filter((p) => p && p !== '~' && !/^[A-Za-z]:$/.test(p));
  const last = parts[parts.length - 1] ?? '';
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  const stem = words === '' ? 'DATA' : /^[0-9]/.test(words) ? `DATA_${words}` : words;
  return `${stem}_PATH`;
}

/**
 * The first module-level `NAME = ...` assignment to `name`: asked of each chunk's, for the few names a
 * fix tries (a map of every name in the module would be made again at every keystroke).
 */
function moduleAssignment(root: Node, name: string): Node | undefined {
  return root.memo(`hardcoded-path:assignment ${name}`, () => {
    for (const chunk of root.tree.chunks) {
      const a = chunkAssignments(chunk).get(name);
      if (a) return a;
    }
    return undefined;
  });
}

/** A chunk's module-level `NAME = ...` assignments, found once: the chunk is reused while unchanged. */
const assignmentsByChunk = new WeakMap<ChunkTree, ReadonlyMap<string, Node>>();
const NONE: ReadonlyMap<string, Node> = new Map();

function chunkAssignments(chunk: ChunkTree): ReadonlyMap<string, Node> {
  // A statement of a large class's body is not module-level.
  if (chunk.host) return NONE;
  let found = assignmentsByChunk.get(chunk);
  if (found) return found;
  let out: Map<string, Node> | undefined;
  for (const s of chunk.statements()) {
    const a = s.type === 'expression_statement' ? s.namedChild(0) : null;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : null;
    // (Kept with the chunk: the name must not keep this version's text, see detach.ts.)
    if (left?.type === 'identifier' && !out?.has(left.text)) (out ??= new Map()).set(detached(left.text), a!);
  }
  found = out ?? NONE;
  assignmentsByChunk.set(chunk, found);
  return found;
}
