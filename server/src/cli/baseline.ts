import { readFileSync } from 'node:fs';
import type { FileReport } from './report';

/**
 * A baseline is the set of findings already known, by path and fingerprint. It is read from a file
 * this CLI wrote (`{"findings": [...]}`) or from the backlog ledger (`{"items": [...]}`, whose items
 * carry `file` and `fingerprint`), so CI can fail only on debt that is new.
 */
export interface BaselineEntry {
  path: string;
  fingerprint: string;
  code?: string;
  id?: string;
  message?: string;
}

export class BaselineError extends Error {}

export function readBaseline(file: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BaselineError(`cannot read baseline ${file}: ${(e as Error).message}`);
  }
  const entries = (raw as { findings?: unknown; items?: unknown } | null)?.findings ?? (raw as { items?: unknown } | null)?.items;
  if (!Array.isArray(entries)) throw new BaselineError(`${file} is not a baseline: expected a "findings" or "items" array`);
  const keys = new Set<string>();
  for (const e of entries) {
    const path = e?.path ?? e?.file;
    if (typeof path !== 'string' || typeof e?.fingerprint !== 'string') throw new BaselineError(`${file}: every entry needs a path (or file) and a fingerprint`);
    keys.add(baselineKey(path, e.fingerprint));
  }
  return keys;
}

export function baselineKey(path: string, fingerprint: string): string {
  return `${path}\u0000${fingerprint}`;
}

/** Deterministic (sorted, one entry per line) so that it diffs and merges well. */
export function renderBaseline(reports: readonly FileReport[]): string {
  const entries: BaselineEntry[] = reports
    .flatMap((r) => r.findings.map((f) => ({ path: r.path, fingerprint: f.fingerprint, code: f.code, id: f.ruleId, message: f.message })))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const lines = entries.map((e) => '    ' + JSON.stringify(e));
  return `{\n  "version": 1,\n  "findings": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}
