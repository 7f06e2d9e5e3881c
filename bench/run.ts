import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { serverExecArgv } from '../client/src/serverEnvironment';
import { TestClient } from '../test/support/lspClient';
import { buildCorpus, ML_HEADER } from './corpus';
import { firstDiagnostics, notebookLatency, stat, summarize, typingLatency, WARM_AFTER, type LatencyResult, type LatencySessions, type Stat } from './latency';

/** `npm run bench`: throughput against the parse floor and Ruff, typing latency, workspace scan. */
const ROOT = join(__dirname, '..', '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const EDITS = Number(process.env.BENCH_EDITS ?? 200);
/** Typing sessions per document, each in a fresh server (see `LatencySessions`). */
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 3);

interface Sample {
  ms: number;
  rssMB: number;
  findings?: number;
}

interface MemoryResult {
  baselineHeapMB: number;
  openHeapMB: number;
  afterCloseHeapMB: number[];
  wasmMB: number[];
  typing: Array<{ document: string; characters: number; openHeapMB: number; typedHeapMB: number }>;
}

function runWorker(mode: string, listFile: string, nodeArgs: string[] = []): Sample {
  const r = spawnSync(process.execPath, [...nodeArgs, join(__dirname, 'worker.js'), mode, listFile], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${mode} worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** The CLI as users run it, in its own process; peak memory from GNU time when it is installed. */
function runCli(dir: string): Sample {
  const cli = join(ROOT, 'server', 'out', 'cli.js');
  const time = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', 'MAXRSS %M'] : [];
  const started = performance.now();
  const r = spawnSync(time[0] ?? process.execPath, [...time.slice(1), ...(time.length ? [process.execPath] : []), cli, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - started;
  if (r.status !== 0 && r.status !== 1) throw new Error(`cli failed: ${r.stderr}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  return { ms, rssMB: rss, findings: (JSON.parse(r.stdout) as unknown[]).length };
}

async function workspaceScan(dir: string): Promise<{ ms: number; files: number; findings: number; serverRssMB: number }> {
  const client = await TestClient.start({ rootUri: pathToFileURL(dir).toString(), settings: {} });
  const started = performance.now();
  const summary = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'mldebt.server.analyzeWorkspace' })) as { files: number; findings: number };
  const ms = performance.now() - started;
  const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
  const rss = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  await client.stop();
  return { ms, files: summary.files, findings: summary.findings, serverRssMB: rss };
}

function firstLines(files: string[], count: number): string {
  const out: string[] = [];
  for (const f of files.filter((x) => x.endsWith('.py'))) {
    out.push(...readFileSync(f, 'utf8').split('\n'));
    if (out.length >= count) break;
  }
  return out.slice(0, count).join('\n');
}

function firstCells(files: string[], count: number): string[] {
  const cells: string[] = [];
  for (const f of files.filter((x) => x.endsWith('.ipynb'))) {
    for (const c of (JSON.parse(readFileSync(f, 'utf8')) as { cells: Array<{ source: string[] }> }).cells) cells.push(c.source.join(''));
    if (cells.length >= count) break;
  }
  return [ML_HEADER, ...cells.slice(0, count - 1)];
}

async function main(): Promise<void> {
  const dir = join(tmpdir(), 'mldebt-bench-corpus');
  const corpus = buildCorpus(dir);
  const listFile = join(tmpdir(), 'mldebt-bench-files.txt');
  writeFileSync(listFile, corpus.files.join('\n'));
  console.log(`corpus: ${corpus.files.length} files, ${corpus.lines} lines (${corpus.notebookLines} in notebooks), in ${dir}`);

  const samples: Record<string, Sample[]> = { floor: [], mldebt: [], floorServer: [], mldebtServer: [], cli: [], ruff: [] };
  // The floor and the check again, each in a process started with the Node options the language server
  // starts with (where the editor runs the engine over a workspace); the CLI runs with Node's defaults.
  const serverOptions = serverExecArgv();
  for (let round = 0; round < ROUNDS; round++) {
    // Interleaved, so that drift in the machine's speed touches every variant alike.
    samples.floor.push(runWorker('floor', listFile));
    samples.mldebt.push(runWorker('mldebt', listFile));
    samples.floorServer.push(runWorker('floor', listFile, serverOptions));
    samples.mldebtServer.push(runWorker('mldebt', listFile, serverOptions));
    samples.ruff.push(runWorker('ruff', listFile));
    samples.cli.push(runCli(dir));
    process.stdout.write(`round ${round + 1}/${ROUNDS}\r`);
  }
  const throughput = Object.fromEntries(
    Object.entries(samples).map(([k, v]) => [k, { ms: stat(v.map((s) => s.ms)), rssMB: stat(v.map((s) => s.rssMB)), findings: v[0].findings, linesPerSecond: Math.round(corpus.lines / (stat(v.map((s) => s.ms)).median / 1000)) }]),
  );
  const ratio = (a: string, b: string) => throughput[a].ms.median / throughput[b].ms.median;
  // Each round's ratio, of runs seconds apart: the machine's speed drifts less within a round than across rounds.
  const paired = (a: string, b: string) => stat(samples[a].map((s, i) => s.ms / samples[b][i].ms));

  const memory = runWorker('memory', listFile, ['--expose-gc']) as unknown as MemoryResult;
  // The first start after an install compiles the bundle; it leaves the code cache every later start
  // runs from (in VS Code, from its second start on): measured once, apart, before the starts that follow.
  const smallText = firstLines(corpus.files, 204);
  const uncached = await firstDiagnostics(smallText, 3, false);
  await firstDiagnostics(smallText, 1);
  const big = firstLines(corpus.files, 10_000);
  const medium = firstLines(corpus.files, 5_000);
  const cells = firstCells(corpus.files, 300);
  const runs: Record<'file10k' | 'file5k' | 'notebook300', LatencyResult[]> = { file10k: [], file5k: [], notebook300: [] };
  // The same edits session after session (the same seed), interleaved like the throughput rounds.
  for (let s = 0; s < SESSIONS; s++) {
    runs.file10k.push(await typingLatency(big, EDITS, 1));
    runs.file5k.push(await typingLatency(medium, EDITS, 2));
    runs.notebook300.push(await notebookLatency(cells, EDITS, 3));
    process.stdout.write(`typing session ${s + 1}/${SESSIONS}\r`);
  }
  const typing10k = summarize(runs.file10k);
  const typing5k = summarize(runs.file5k);
  const notebook = summarize(runs.notebook300);
  // The corpus files start with the ML header: the small file is a script with its imports, once.
  const small = await firstDiagnostics(smallText, 5);
  const scan = await workspaceScan(dir);

  const results = {
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
    corpus: { files: corpus.files.length, lines: corpus.lines, notebookLines: corpus.notebookLines },
    rounds: ROUNDS,
    throughput,
    serverOptions,
    ratios: { checkOverFloor: ratio('mldebt', 'floor'), checkOverRuff: ratio('mldebt', 'ruff'), cliOverFloor: ratio('cli', 'floor'), checkOverFloorServerOptions: ratio('mldebtServer', 'floorServer') },
    pairedRatios: { checkOverFloor: paired('mldebt', 'floor'), checkOverRuff: paired('mldebt', 'ruff'), cliOverFloor: paired('cli', 'floor'), checkOverFloorServerOptions: paired('mldebtServer', 'floorServer') },
    typing: { file10k: typing10k, file5k: typing5k, notebook300: notebook },
    firstDiagnosticsSmallFile: small,
    firstDiagnosticsSmallFileNoCodeCache: uncached,
    workspaceScan: scan,
    memory,
  };
  mkdirSync(join(ROOT, 'bench'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  printTable(results, throughput, typing10k, typing5k, notebook, scan);
  const starts = (r: { median: number; ms: number[] }) => `${r.median.toFixed(0)} ms (median of ${r.ms.length}: ${r.ms.map((m) => m.toFixed(0)).join(' / ')})`;
  console.log(`start → first diagnostics, a ${small.lines}-line file: ${starts(small)}; with no code cache (the first start after an install): ${starts(uncached)}`);
  const mb = (n: number) => n.toFixed(1);
  console.log(
    `\nmemory, every corpus file opened as a live document, analysed, edited and closed, 5 rounds: JS heap ${mb(memory.baselineHeapMB)} MB at rest, ` +
      `${mb(memory.openHeapMB)} MB with all open, after closing ${memory.afterCloseHeapMB.map(mb).join(' / ')} MB; ` +
      `tree-sitter's WebAssembly memory ${memory.wasmMB.map(mb).join(' / ')} MB`,
  );
  for (const t of memory.typing) {
    console.log(`typing 200 characters into ${basename(t.document)} (${t.characters.toLocaleString('en')} characters): JS heap ${mb(t.openHeapMB)} MB open, ${mb(t.typedHeapMB)} MB after`);
  }
}

function printTable(
  results: { serverOptions: string[]; ratios: Record<string, number>; pairedRatios: Record<string, Stat> },
  t: Record<string, { ms: Stat; rssMB: Stat; linesPerSecond: number; findings?: number }>,
  typing10k: LatencySessions,
  typing5k: LatencySessions,
  notebook: LatencySessions,
  scan: { ms: number; files: number; findings: number; serverRssMB: number },
): void {
  const f = (n: number) => n.toFixed(0);
  const row = (name: string, k: string) =>
    `| ${name} | ${f(t[k].ms.median)} (${f(t[k].ms.min)}–${f(t[k].ms.max)}) | ${t[k].linesPerSecond.toLocaleString('en')} | ${f(t[k].rssMB.median)} |`;
  console.log('\n| throughput (median of runs, ms (min–max)) | time | lines/s | peak RSS MB |');
  console.log('|---|---|---|---|');
  console.log(row('parse floor (web-tree-sitter)', 'floor'));
  console.log(row('mldebt, every rule, in process', 'mldebt'));
  console.log(row('mldebt check (CLI process)', 'cli'));
  console.log(row('Ruff WASM (E4,E7,E9,F,PD,NPY,ERA,FIX,TD)', 'ruff'));
  const options = results.serverOptions.map((o) => `\`${o}\``).join(' ');
  console.log(row(`parse floor, with the server's Node options (${options})`, 'floorServer'));
  console.log(row(`mldebt, every rule, in process, with the server's Node options`, 'mldebtServer'));
  const r = results.ratios;
  console.log(`\ncheck / floor = ${r.checkOverFloor.toFixed(2)}, check / Ruff = ${r.checkOverRuff.toFixed(2)}, CLI / floor = ${r.cliOverFloor.toFixed(2)}; with the server's options, check / floor = ${r.checkOverFloorServerOptions.toFixed(2)} (ratios of the medians)`);
  const p = (x: Stat) => `${x.median.toFixed(2)} (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;
  const pr = results.pairedRatios;
  console.log(`round by round, median (min–max): check / floor = ${p(pr.checkOverFloor)}, check / Ruff = ${p(pr.checkOverRuff)}, CLI / floor = ${p(pr.cliOverFloor)}; with the server's options, check / floor = ${p(pr.checkOverFloorServerOptions)}`);
  const one = (x: Stat) => (x.min === x.max ? x.median.toFixed(1) : `${x.median.toFixed(1)} (${x.min.toFixed(1)}–${x.max.toFixed(1)})`);
  const lat = (name: string, l: LatencySessions) =>
    `| ${name} | ${l.edits} | ${one(l.p50)} | ${one(l.p95)} | ${one(l.p95AfterWarmUp)} | ${one(l.max)} | ${f(l.startToFirstDiagnosticsMs.median)} (${f(l.startToFirstDiagnosticsMs.min)}–${f(l.startToFirstDiagnosticsMs.max)}) | ${f(l.serverRssMB.median)} |`;
  console.log(`\n| typing latency, didChange → diagnostics (ms; median of ${typing10k.sessions.length} sessions (min–max)) | edits | p50 | p95 | p95 after the first ${WARM_AFTER} | max | start → first diagnostics | server peak RSS MB |`);
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(lat(`${typing10k.lines.toLocaleString('en')}-line file`, typing10k));
  console.log(lat(`${typing5k.lines.toLocaleString('en')}-line file`, typing5k));
  console.log(lat('300-cell notebook', notebook));
  console.log(`\nworkspace scan: ${scan.files} files, ${scan.findings} findings in ${f(scan.ms)} ms, server peak RSS ${f(scan.serverRssMB)} MB`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
