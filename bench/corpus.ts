import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { topLevelStarts } from '../server/src/engine/chunks';
import { seededRandom } from '../test/support/random';

/**
 * The benchmark corpus: real Python nobody here wrote — a fixed, sorted selection of the standard
 * library of the machine's python3 — plus notebooks made from some of those files (cells of 5–40
 * lines, some with outputs and execution counts), about a fifth of the lines. Built, never committed.
 */
export interface Corpus {
  dir: string;
  files: string[];
  lines: number;
  pythonLines: number;
  notebookLines: number;
}

const TARGET_LINES = 150_000;
/**
 * Prepended to every file and notebook: library rules run only where their library is imported, and
 * the standard library imports none, so without it most rules would not run at all.
 */
export const ML_HEADER = 'import numpy as np\nimport pandas as pd\nimport torch\nfrom sklearn.model_selection import train_test_split\n';
const SKIPPED_DIRS = new Set(['site-packages', 'test', 'tests', 'idle_test', '__pycache__', 'lib2to3', 'ensurepip']);

export function buildCorpus(dir: string): Corpus {
  const stdlib = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], { encoding: 'utf8' }).trim();
  const sources = listPython(stdlib).sort();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  let pythonLines = 0;
  let notebookLines = 0;
  const rand = seededRandom(20261122);
  for (const [i, source] of sources.entries()) {
    if (pythonLines + notebookLines >= TARGET_LINES) break;
    const text = ML_HEADER + readFileSync(source, 'utf8');
    const lines = text.split('\n').length;
    const name = relative(stdlib, source).split('/').join('__');
    // Every fifth file becomes a notebook.
    if (i % 5 === 4) {
      const path = join(dir, name.replace(/\.py$/, '.ipynb'));
      writeFileSync(path, notebookFrom(text, rand));
      files.push(path);
      notebookLines += lines;
    } else {
      const path = join(dir, name);
      writeFileSync(path, text);
      files.push(path);
      pythonLines += lines;
    }
  }
  return { dir, files, lines: pythonLines + notebookLines, pythonLines, notebookLines };
}

function listPython(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root)) {
    const path = join(root, entry);
    const stat = statSync(path);
    if (stat.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry)) out.push(...listPython(path));
    } else if (entry.endsWith('.py') && stat.size < 400_000) {
      out.push(path);
    }
  }
  return out;
}

/**
 * Cells of 5–40 lines, cut where a top-level statement starts (never inside a docstring, a bracket or
 * between a decorator and its function, so that every cell would run), execution counts in order,
 * some outputs.
 */
function notebookFrom(text: string, rand: (n: number) => number): string {
  const lines = text.split('\n');
  const starts = new Set(topLevelStarts(text));
  const cells: string[][] = [];
  let current: string[] = [];
  let want = 5 + rand(36);
  let offset = 0;
  for (const line of lines) {
    const topLevel = starts.has(offset);
    offset += line.length + 1;
    if (current.length >= want && topLevel) {
      cells.push(current);
      current = [];
      want = 5 + rand(36);
    }
    current.push(line);
  }
  if (current.length) cells.push(current);
  return JSON.stringify({
    cells: cells.map((c, i) => ({
      cell_type: 'code',
      execution_count: i + 1,
      metadata: {},
      outputs: rand(4) === 0 ? [{ output_type: 'stream', name: 'stdout', text: [`cell ${i + 1} ran\n`] }] : [],
      source: c.map((l, j) => (j < c.length - 1 ? l + '\n' : l)),
    })),
    metadata: { language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  }, null, 1);
}
