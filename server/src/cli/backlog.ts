import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { emptyLedger, itemKey, LedgerError, mergeLedgers, parseLedger, readLedger, renderLedger } from '../backlog/ledger';
import { reportCsv, reportItems, reportJson, reportMarkdown } from '../backlog/report';
import { activeRules, findProjectConfig } from '../engine/config';
import type { Engine } from '../engine/engine';
import { collectFiles } from '../engine/files';
import type { AnyRule } from '../engine/rule';
import { projectRootOf } from './baseline';
import { checkFile } from './check';

/**
 * `mldebt backlog export`: the ledger as a report, grouped by category with counts. The project is
 * checked first, so an item whose code is gone reads as resolved.
 */
export function exportBacklog(engine: Engine, rules: readonly AnyRule[], ledgerPath: string, format: 'markdown' | 'csv' | 'json'): string {
  const ledger = readLedger(ledgerPath);
  const root = projectRootOf(ledgerPath);
  const { config } = findProjectConfig(root, rules);
  const active = activeRules(rules, config);
  const current = new Set<string>();
  for (const file of collectFiles([root], root, config.exclude ?? []).files) {
    const rel = relative(root, file).split(sep).join('/');
    for (const f of checkFile(engine, file, rel, active, { fix: false, unsafeFixes: false }).findings) current.add(itemKey({ file: rel, fingerprint: f.fingerprint }));
  }
  const items = reportItems(ledger.items, rules, current);
  if (format === 'csv') return reportCsv(items);
  if (format === 'json') return reportJson(items);
  return reportMarkdown(items);
}

/**
 * `mldebt backlog merge BASE OURS THEIRS`: git's merge driver for the ledger (`%O %A %B`); the
 * merge is written to OURS. Returns the exit code: 0 merged, 1 a side does not parse (a conflict).
 */
export function mergeBacklogFiles(base: string, ours: string, theirs: string, warn: (s: string) => void): number {
  try {
    // git passes an empty file as the base when both branches created the ledger.
    const read = (p: string) => {
      const text = readFileSync(p, 'utf8');
      return text.trim() === '' ? emptyLedger() : parseLedger(text, p);
    };
    const merged = mergeLedgers(read(base), read(ours), read(theirs));
    writeFileSync(resolve(ours), renderLedger(merged));
    return 0;
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    warn(`mldebt: cannot merge the backlog: ${e.message}\n`);
    return 1;
  }
}
