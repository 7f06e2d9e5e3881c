import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { documentKind } from './engine';

/** Folders that never hold the user's own code. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn', 'node_modules', '__pycache__', '.ipynb_checkpoints', '.venv', 'venv', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages']);

export interface FileSelection {
  files: string[];
  /** Paths given on the command line that do not exist. */
  missing: string[];
}

/**
 * The Python files and notebooks under `paths`, honouring `.gitignore` files on the way down and
 * the configured exclude globs (relative to `root`). A file named explicitly is always included.
 */
export function collectFiles(paths: readonly string[], root: string, exclude: readonly string[]): FileSelection {
  const excluded = exclude.length > 0 ? picomatch(exclude.map((g) => g.replace(/\/$/, '/**')), { dot: true }) : () => false;
  const isExcluded = (abs: string): boolean => {
    const rel = relative(root, abs).split(sep).join('/');
    return !rel.startsWith('..') && rel !== '' && (excluded(rel) || excluded(rel + '/'));
  };
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      missing.push(p);
      continue;
    }
    if (!isDir) {
      files.add(abs);
      continue;
    }
    walk(abs, ancestorIgnores(abs), isExcluded, files);
  }
  return { files: [...files].sort(), missing };
}

interface ScopedIgnore {
  dir: string;
  rules: Ignore;
}

function walk(dir: string, ignores: ScopedIgnore[], isExcluded: (abs: string) => boolean, out: Set<string>): void {
  const own = readIgnore(dir);
  const scoped = own ? [...ignores, own] : ignores;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = join(dir, entry.name);
    const isDir = entry.isDirectory();
    if (isDir && ALWAYS_SKIPPED.has(entry.name)) continue;
    // Linked files are checked (a dangling link is reported as unreadable); linked folders are not
    // followed, so a link cycle cannot trap the walk.
    if (!isDir && !entry.isFile() && !(entry.isSymbolicLink() && !isDirectory(abs))) continue;
    if (isIgnored(abs, isDir, scoped) || isExcluded(abs)) continue;
    if (isDir) walk(abs, scoped, isExcluded, out);
    else if (documentKind(entry.name)) out.add(abs);
  }
}

function isIgnored(abs: string, isDir: boolean, ignores: ScopedIgnore[]): boolean {
  for (const { dir, rules } of ignores) {
    const rel = relative(dir, abs).split(sep).join('/');
    if (rel && !rel.startsWith('..') && rules.ignores(isDir ? rel + '/' : rel)) return true;
  }
  return false;
}

function readIgnore(dir: string): ScopedIgnore | undefined {
  try {
    return { dir, rules: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined;
  }
}

/** `.gitignore` files above a starting folder, up to the repository root, apply to it too. */
function ancestorIgnores(start: string): ScopedIgnore[] {
  const found: ScopedIgnore[] = [];
  if (existsGit(start)) return found;
  let dir = resolve(start, '..');
  for (;;) {
    const own = readIgnore(dir);
    if (own) found.unshift(own);
    if (existsGit(dir)) break;
    const parent = resolve(dir, '..');
    if (parent === dir) return [];
    dir = parent;
  }
  return found;
}

function existsGit(dir: string): boolean {
  try {
    statSync(join(dir, '.git'));
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
