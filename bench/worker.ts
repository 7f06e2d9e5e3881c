import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { activeRules } from '../server/src/engine/config';
import { Engine } from '../server/src/engine/engine';
import { notebookModule, readNotebook } from '../server/src/engine/notebook';
import { RULES } from '../server/src/rules';

/**
 * One measured run in its own process, so that its peak memory is its own:
 *   node worker.js floor|mldebt|ruff <file list>
 * prints {"ms": …, "findings": …, "rssMB": …}.
 */
const require = createRequire(__filename);
const [mode, listFile] = process.argv.slice(2);
const files = readFileSync(listFile, 'utf8').trim().split('\n');

/** What each tool is given: the file, or for a notebook its code cells joined (magics masked). */
function sources(): string[] {
  return files.map((f) => {
    const text = readFileSync(f, 'utf8');
    return f.endsWith('.ipynb') ? notebookModule(readNotebook(text)).text : text;
  });
}

async function main(): Promise<void> {
  const wasm = { runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'), python: require.resolve('tree-sitter-python/tree-sitter-python.wasm') };
  let findings = 0;
  let ms = 0;
  if (mode === 'floor') {
    const engine = await Engine.create(wasm);
    const texts = sources();
    const t = performance.now();
    for (const text of texts) engine.parser.parse(text).delete();
    ms = performance.now() - t;
  } else if (mode === 'mldebt') {
    const engine = await Engine.create(wasm);
    const rules = activeRules(RULES, {});
    const contents = files.map((f) => readFileSync(f, 'utf8'));
    const t = performance.now();
    contents.forEach((content, i) => {
      findings += engine.analyzeFile(content, files[i].endsWith('.ipynb') ? 'notebook' : 'python', rules).findings.length;
    });
    ms = performance.now() - t;
  } else if (mode === 'ruff') {
    const ruff = require('@astral-sh/ruff-wasm-nodejs') as typeof import('@astral-sh/ruff-wasm-nodejs');
    const workspace = new ruff.Workspace({ lint: { select: ['E4', 'E7', 'E9', 'F', 'PD', 'NPY', 'ERA', 'FIX', 'TD'] } }, ruff.PositionEncoding.Utf16);
    const texts = sources();
    const t = performance.now();
    for (const text of texts) findings += (workspace.check(text) as unknown[]).length;
    ms = performance.now() - t;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write(JSON.stringify({ ms, findings, rssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

void main();
