import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { activeRules } from '../server/src/engine/config';
import { Engine } from '../server/src/engine/engine';
import { NotebookDocument, PythonDocument, type LiveCell } from '../server/src/engine/documents';
import { notebookModule, readNotebook } from '../server/src/engine/notebook';
import { wasmIn } from '../server/src/engine/parser';
import { RULES } from '../server/src/rules';
import { seededRandom } from '../test/support/random';
import { EDIT_CHARS } from './edits';

/**
 * One measured run in its own process, so that its peak memory is its own:
 *   node worker.js floor|mldebt|ruff <file list>
 * prints {"ms": …, "findings": …, "rssMB": …}.
 */
const require = createRequire(__filename);
const [mode, listFile] = process.argv.slice(2);
const ROUNDS_MEMORY = Number(process.env.BENCH_MEMORY_ROUNDS ?? 5);
const files = readFileSync(listFile, 'utf8').trim().split('\n');
/** The build's, beside the server (`npm run bench` builds first). */
const WASM = wasmIn(join(__dirname, '..', '..', 'server', 'out'));

/** What each tool is given: the file, or for a notebook its code cells joined (magics masked). */
function sources(): string[] {
  return files.map((f) => {
    const text = readFileSync(f, 'utf8');
    return f.endsWith('.ipynb') ? notebookModule(readNotebook(text)).text : text;
  });
}

async function main(): Promise<void> {
  const wasm = WASM;
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
async function memoryCycles(): Promise<{ baselineHeapMB: number; afterCloseHeapMB: number[]; wasmMB: number[]; openHeapMB: number; typing: TypingGrowth[] }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const wasm = WASM;
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
  return { baselineHeapMB, afterCloseHeapMB, wasmMB, openHeapMB, typing: typingGrowth(engine, rules, contents, heap) };
}

interface TypingGrowth {
  document: string;
  characters: number;
  openHeapMB: number;
  typedHeapMB: number;
}

/**
 * The heap of the largest file and the largest notebook of the list, open and analysed, then after
 * 200 characters typed at random places (each analysed): what a document keeps from one keystroke to
 * the next must not grow with the keystrokes (see server/src/engine/detach.ts).
 */
function typingGrowth(engine: Engine, rules: ReturnType<typeof activeRules>, contents: string[], heap: () => number): TypingGrowth[] {
  const largest = (notebook: boolean) =>
    contents.reduce((best, text, i) => (files[i].endsWith('.ipynb') === notebook && (best < 0 || text.length > contents[best].length) ? i : best), -1);
  const out: TypingGrowth[] = [];
  for (const i of [largest(false), largest(true)]) {
    if (i < 0) continue;
    const rand = seededRandom(5);
    // Types one character into `lines` at a random place; the range of the edit.
    const type = (lines: string[]) => {
      const line = rand(lines.length);
      const column = rand(lines[line].length + 1);
      const text = EDIT_CHARS[rand(EDIT_CHARS.length)];
      lines[line] = lines[line].slice(0, column) + text + lines[line].slice(column);
      return [{ range: { start: { line, column }, end: { line, column } }, text }];
    };
    let doc: PythonDocument | NotebookDocument;
    let edit: (version: number) => void;
    if (files[i].endsWith('.ipynb')) {
      const cells: LiveCell[] = readNotebook(contents[i]).cells.map((c, k) => ({ id: `c${k}`, kind: c.kind === 'code' ? 'code' : 'markdown', text: c.source, version: 1, executionOrder: c.executionCount }));
      const notebook = (doc = new NotebookDocument(engine.parser, cells, 1));
      const code = cells.filter((c) => c.kind === 'code');
      const texts = code.map((c) => c.text.split('\n'));
      edit = (v) => {
        const k = rand(code.length);
        notebook.updateCell(code[k].id, type(texts[k]), v);
      };
    } else {
      const file = (doc = new PythonDocument(engine.parser, contents[i], 1));
      const lines = contents[i].split('\n');
      edit = (v) => file.update(type(lines), v);
    }
    doc.analyze(rules);
    const openHeapMB = heap();
    for (let v = 2; v < 202; v++) {
      edit(v);
      doc.analyze(rules);
    }
    out.push({ document: files[i], characters: doc.source.length, openHeapMB, typedHeapMB: heap() });
    doc.dispose();
  }
  return out;
}

void main();
