import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { activeRules } from '../server/src/engine/config';
import { Engine } from '../server/src/engine/engine';
import { NotebookDocument, PythonDocument, type LiveCell } from '../server/src/engine/documents';
import { notebookModule, readNotebook } from '../server/src/engine/notebook';
import { RULES } from '../server/src/rules';

/**
 * One measured run in its own process, so that its peak memory is its own:
 *   node worker.js floor|mldebt|ruff <file list>
 * prints {"ms": …, "findings": …, "rssMB": …}.
 */
const require = createRequire(__filename);
const [mode, listFile] = process.argv.slice(2);
const ROUNDS_MEMORY = Number(process.env.BENCH_MEMORY_ROUNDS ?? 5);
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
  } else if (mode === 'memory') {
    process.stdout.write(JSON.stringify(await memoryCycles()) + '\n');
    return;
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.stdout.write(JSON.stringify({ ms, findings, rssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
}

/**
 * Opens every file of the list as a live document, analyses it, types into it and closes it, five
 * times over; after each round (and before the first) a full garbage collection, then the JavaScript
 * heap in use and the size of tree-sitter's WebAssembly memory. Run with --expose-gc.
 */
async function memoryCycles(): Promise<{ baselineHeapMB: number; afterCloseHeapMB: number[]; wasmMB: number[]; openHeapMB: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const wasm = { runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'), python: require.resolve('tree-sitter-python/tree-sitter-python.wasm') };
  const engine = await Engine.create(wasm);
  const rules = activeRules(RULES, {});
  const contents = files.map((f) => readFileSync(f, 'utf8'));
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
  // Warm up once (code, caches), so that the baseline is the server's resting state.
  new PythonDocument(engine.parser, 'import numpy as np\n', 1).dispose();
  const baselineHeapMB = heap();
  const afterCloseHeapMB: number[] = [];
  const wasmMB: number[] = [];
  let openHeapMB = 0;
  for (let round = 0; round < ROUNDS_MEMORY; round++) {
    const docs = contents.map((text, i) => {
      if (!files[i].endsWith('.ipynb')) return new PythonDocument(engine.parser, text, 1);
      const nb = readNotebook(text);
      const cells: LiveCell[] = nb.cells.map((c, k) => ({ id: `c${k}`, kind: c.kind === 'code' ? 'code' : 'markdown', text: c.source, version: 1, executionOrder: c.executionCount }));
      return new NotebookDocument(engine.parser, cells, 1);
    });
    for (const doc of docs) {
      doc.analyze(rules);
      if (doc instanceof PythonDocument) doc.update([{ range: { start: { line: 3, column: 0 }, end: { line: 3, column: 0 } }, text: 'x = (\n' }], 2);
      doc.analyze(rules);
    }
    if (round === 0) openHeapMB = heap();
    for (const doc of docs) doc.dispose();
    afterCloseHeapMB.push(heap());
    wasmMB.push(engine.parser.wasmMemoryBytes() / 1024 / 1024);
  }
  return { baselineHeapMB, afterCloseHeapMB, wasmMB, openHeapMB };
}

void main();
