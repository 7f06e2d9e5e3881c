import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import type { FileReport } from './report';

/**
 * A baseline is the set of findings already known, by file and fingerprint. It is read from a file
 * this CLI wrote (`{"findings": [...]}`) or from the backlog ledger (`{"items": [...]}`), so CI can
 * fail only on debt that is new. Paths in either are relative to the project root: the folder that
 * holds `.mldebt/` when the file lives there, else the file's own folder.
 */
export interface BaselineEntry {
  path: string;
  fingerprint: string;
  code?: string;
  id?: string;
  message?: string;
}

export class BaselineError extends Error {}

export function projectRootOf(file: string): string {
  const dir = dirname(resolve(file));
  return basename(dir) === '.mldebt' ? dirname(dir) : dir;
}

/** Keys of the known findings, with absolute paths. */
export function readBaseline(file: string): Set<string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BaselineError(`cannot read baseline ${file}: ${(e as Error).message}`);
  }
  const entries = (raw as { findings?: unknown; items?: unknown } | null)?.findings ?? (raw as { items?: unknown } | null)?.items;
  if (!Array.isArray(entries)) throw new BaselineError(`${file} is not a baseline: expected a "findings" or "items" array`);
  const root = projectRootOf(file);
  const keys = new Set<string>();
  for (const e of entries) {
    const path = e?.path ?? e?.file;
    if (typeof path !== 'string' || typeof e?.fingerprint !== 'string') throw new BaselineError(`${file}: every entry needs a path (or file) and a fingerprint`);
    keys.add(baselineKey(resolve(root, path), e.fingerprint));
  }
  return keys;
}

export function baselineKey(absolutePath: string, fingerprint: string): string {
  return `${absolutePath}\u0000${fingerprint}`;
}

/** Deterministic (sorted, one entry per line) so that it diffs and merges well. */
export function renderBaseline(reports: readonly FileReport[], baselineFile: string): string {
  const root = projectRootOf(baselineFile);
  const entries: BaselineEntry[] = reports
    .flatMap((r) => r.findings.map((f) => ({ path: relative(root, r.file).split(sep).join('/'), fingerprint: f.fingerprint, code: f.code, id: f.ruleId, message: f.message })))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const lines = entries.map((e) => '    ' + JSON.stringify(e));
  return `{\n  "version": 1,\n  "findings": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}
