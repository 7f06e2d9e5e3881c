import { readFileSync } from 'node:fs';
import { TestClient } from '../test/support/lspClient';
import { seededRandom } from '../test/support/random';
import { EDIT_CHARS } from './edits';

/**
 * Typing latency through the real server over stdio, debounce 0: the time from a didChange to the
 * diagnostics for that version (pulled, as VS Code does), for single-character edits at random places.
 */
export interface LatencyResult {
  lines: number;
  edits: number;
  p50: number;
  p95: number;
  max: number;
  /**
   * p95 of the edits after the first `WARM_AFTER`: the first keystrokes after opening run code V8 has not
   * optimized yet (the open walked every chunk; an edit re-uses them). Set beside the p95, it tells the
   * warm-up's share from the steady cost.
   */
  p95AfterWarmUp: number;
  startToFirstDiagnosticsMs: number;
  serverRssMB: number;
}

export const WARM_AFTER = 20;

export async function typingLatency(text: string, edits: number, seed: number): Promise<LatencyResult> {
  const uri = 'file:///bench/typing.py';
  const started = performance.now();
  const client = await TestClient.start({ pull: true, settings: { debounce: 0 } });
  await client.open(uri, text);
  await client.pull(uri);
  const startToFirst = performance.now() - started;
  const lines = text.split('\n');
  const rand = seededRandom(seed);
  const times: number[] = [];
  for (let v = 2; v < edits + 2; v++) {
    const line = rand(lines.length);
    const character = rand(lines[line].length + 1);
    const ch = EDIT_CHARS[rand(EDIT_CHARS.length)];
    lines[line] = lines[line].slice(0, character) + ch + lines[line].slice(character);
    const t = performance.now();
    await client.change(uri, v, [{ range: { start: { line, character }, end: { line, character } }, text: ch }]);
    await client.pull(uri);
    times.push(performance.now() - t);
  }
  const rss = serverRss(client);
  await client.stop();
  return { lines: lines.length, edits, ...percentiles(times), startToFirstDiagnosticsMs: startToFirst, serverRssMB: rss };
}

export async function notebookLatency(cells: string[], edits: number, seed: number): Promise<LatencyResult> {
  const nb = 'file:///bench/typing.ipynb';
  const started = performance.now();
  const client = await TestClient.start({ pull: true, settings: { debounce: 0 } });
  const uris = await client.openNotebook(nb, cells.map((source, i) => ({ source, executionOrder: i + 1 })));
  await client.pull(uris[uris.length - 1]);
  const startToFirst = performance.now() - started;
  const rand = seededRandom(seed);
  const texts = cells.map((c) => c.split('\n'));
  const versions = cells.map(() => 1);
  const times: number[] = [];
  for (let v = 2; v < edits + 2; v++) {
    const cell = rand(cells.length);
    const lines = texts[cell];
    const line = rand(lines.length);
    const character = rand(lines[line].length + 1);
    const ch = EDIT_CHARS[rand(EDIT_CHARS.length)];
    lines[line] = lines[line].slice(0, character) + ch + lines[line].slice(character);
    const t = performance.now();
    await client.changeCell(nb, v, uris[cell], ++versions[cell], [{ range: { start: { line, character }, end: { line, character } }, text: ch }]);
    await client.pull(uris[cell]);
    times.push(performance.now() - t);
  }
  const rss = serverRss(client);
  await client.stop();
  return { lines: texts.reduce((n, l) => n + l.length, 0), edits, ...percentiles(times), startToFirstDiagnosticsMs: startToFirst, serverRssMB: rss };
}

/**
 * Server start to first diagnostics for a small file, what opening a typical script costs: the fixed
 * part (Node's start, loading the bundle and the grammar) with little analysis. The median of `runs`.
 * `codeCache: false`: with no code cache, as the first start after an install (see server/src/main.ts).
 */
export async function firstDiagnostics(text: string, runs: number, codeCache = true): Promise<{ lines: number; ms: number[]; median: number }> {
  const uri = 'file:///bench/small.py';
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const client = await TestClient.start({ pull: true, settings: { debounce: 0 }, codeCache: codeCache ? undefined : false });
    await client.open(uri, text);
    await client.pull(uri);
    ms.push(performance.now() - started);
    await client.stop();
  }
  return { lines: text.split('\n').length, ms, median: [...ms].sort((a, b) => a - b)[Math.floor(runs / 2)] };
}

function serverRss(client: TestClient): number {
  try {
    const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

function percentiles(times: number[]): { p50: number; p95: number; max: number; p95AfterWarmUp: number } {
  const sorted = (t: number[]) => [...t].sort((a, b) => a - b);
  const at = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const s = sorted(times);
  return { p50: at(s, 0.5), p95: at(s, 0.95), max: s[s.length - 1], p95AfterWarmUp: at(sorted(times.slice(WARM_AFTER)), 0.95) };
}

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export function stat(values: readonly number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/**
 * Sessions of the same edits, each in a fresh server: one session's p95 is its 10th-slowest edit, and
 * on a noisy machine it moves by a few milliseconds from one session to the next. Each figure is given
 * as the median of the sessions, with their range.
 */
export interface LatencySessions {
  lines: number;
  edits: number;
  p50: Stat;
  p95: Stat;
  p95AfterWarmUp: Stat;
  max: Stat;
  startToFirstDiagnosticsMs: Stat;
  serverRssMB: Stat;
  sessions: LatencyResult[];
}

export function summarize(sessions: readonly LatencyResult[]): LatencySessions {
  const of = (k: 'p50' | 'p95' | 'p95AfterWarmUp' | 'max' | 'startToFirstDiagnosticsMs' | 'serverRssMB') => stat(sessions.map((s) => s[k]));
  return {
    lines: sessions[0].lines,
    edits: sessions[0].edits,
    p50: of('p50'),
    p95: of('p95'),
    p95AfterWarmUp: of('p95AfterWarmUp'),
    max: of('max'),
    startToFirstDiagnosticsMs: of('startToFirstDiagnosticsMs'),
    serverRssMB: of('serverRssMB'),
    sessions: [...sessions],
  };
}
