import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../engine/atomicWrite';
import type { BacklogItem, Interest, ItemStatus } from '../protocol';

/**
 * The backlog ledger, `.mldebt/backlog.json`: debt the team has seen and decided about, committed
 * with the code. One item per line in a fixed order, so that two branches that touch different
 * items merge without conflict.
 */

export const LEDGER_PATH = '.mldebt/backlog.json';

export type { Interest, ItemStatus };

export const INTERESTS: readonly Interest[] = ['low', 'medium', 'high'];
export const STATUSES: readonly ItemStatus[] = ['open', 'accepted', 'resolved'];

/** An item as the server and the extension exchange it (see protocol.ts); `file` is relative to the folder holding `.mldebt/`. */
export type LedgerItem = BacklogItem;

export interface Ledger {
  version: 1;
  items: LedgerItem[];
}

export class LedgerError extends Error {}

const KEYS: ReadonlyArray<keyof LedgerItem> = ['fingerprint', 'rule', 'file', 'snippet', 'note', 'owner', 'priority', 'created', 'status'];

export function emptyLedger(): Ledger {
  return { version: 1, items: [] };
}

/** An item's identity: the same code smell in the same file. */
export function itemKey(item: Pick<LedgerItem, 'file' | 'fingerprint'>): string {
  return `${item.file}\u0000${item.fingerprint}`;
}

/** Parses ledger text; throws LedgerError naming what is wrong (and where, for JSON errors). */
export function parseLedger(text: string, source = LEDGER_PATH): Ledger {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new LedgerError(`${source} is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ')}); fix or remove it — it will not be overwritten`);
  }
  const data = raw as { version?: unknown; items?: unknown };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new LedgerError(`${source}: expected an object with "version" and "items"`);
  if (data.version !== 1) throw new LedgerError(`${source}: unsupported version ${JSON.stringify(data.version)} (expected 1)`);
  if (!Array.isArray(data.items)) throw new LedgerError(`${source}: "items" must be an array`);
  const items = data.items.map((value, i) => validateItem(value, `${source}: item ${i + 1}`));
  return { version: 1, items: sortItems(items) };
}

function validateItem(value: unknown, where: string): LedgerItem {
  if (typeof value !== 'object' || value === null) throw new LedgerError(`${where} is not an object`);
  const v = value as Record<string, unknown>;
  for (const key of KEYS) if (typeof v[key] !== 'string') throw new LedgerError(`${where}: "${key}" must be a string`);
  if (!INTERESTS.includes(v.priority as Interest)) throw new LedgerError(`${where}: "priority" must be one of ${INTERESTS.join(', ')}`);
  if (!STATUSES.includes(v.status as ItemStatus)) throw new LedgerError(`${where}: "status" must be one of ${STATUSES.join(', ')}`);
  return Object.fromEntries(KEYS.map((k) => [k, v[k]])) as unknown as LedgerItem;
}

/** Reads the ledger; a missing file is an empty ledger. */
export function readLedger(path: string): Ledger {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyLedger();
    throw new LedgerError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseLedger(text, path);
}

/** Stable order, fixed key order, one item per line, trailing newline. */
export function renderLedger(ledger: Ledger): string {
  const lines = sortItems(ledger.items).map((item) => '    ' + JSON.stringify(Object.fromEntries(KEYS.map((k) => [k, item[k]]))));
  return `{\n  "version": 1,\n  "items": [\n${lines.join(',\n')}${lines.length ? '\n' : ''}  ]\n}\n`;
}

/**
 * Writes atomically (a temporary file and a rename). A ledger on disk that does not parse is never
 * overwritten: the user's hand edits or merge conflicts come first.
 */
export function writeLedger(path: string, ledger: Ledger): void {
  if (existsSync(path)) readLedger(path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, renderLedger(ledger));
}

/** Reads, changes and writes the ledger in one step. */
export function updateLedger(path: string, change: (ledger: Ledger) => void): Ledger {
  const ledger = readLedger(path);
  change(ledger);
  writeLedger(path, ledger);
  return ledger;
}

export function sortItems(items: readonly LedgerItem[]): LedgerItem[] {
  return [...items].sort((a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.fingerprint, b.fingerprint));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const STATUS_RANK: Record<ItemStatus, number> = { open: 0, accepted: 1, resolved: 2 };

/**
 * Three-way merge by item identity, for git's merge driver: an item added or changed on one side is
 * kept; one removed on a side where the other did not change it is removed; changed on both sides,
 * the fields each side changed are combined (a status both changed: the further one; a note both
 * changed: both notes). No item is lost.
 */
export function mergeLedgers(base: Ledger, ours: Ledger, theirs: Ledger): Ledger {
  const index = (l: Ledger) => new Map(l.items.map((i) => [itemKey(i), i]));
  const [b, o, t] = [index(base), index(ours), index(theirs)];
  const keys = new Set([...o.keys(), ...t.keys()]);
  const items: LedgerItem[] = [];
  for (const key of keys) {
    const was = b.get(key);
    const mine = o.get(key);
    const other = t.get(key);
    if (mine && other) {
      items.push(combine(was, mine, other));
    } else if (mine) {
      if (!was || !same(was, mine)) items.push(mine); // theirs deleted it: keep it only if we changed it
    } else if (other) {
      if (!was || !same(was, other)) items.push(other);
    }
  }
  return { version: 1, items: sortItems(items) };
}

function combine(base: LedgerItem | undefined, ours: LedgerItem, theirs: LedgerItem): LedgerItem {
  const out = { ...ours };
  for (const key of KEYS) {
    if (ours[key] === theirs[key]) continue;
    const theirsChanged = !base || base[key] !== theirs[key];
    const oursChanged = !base || base[key] !== ours[key];
    if (key === 'status' && theirsChanged && oursChanged) out.status = STATUS_RANK[theirs.status] > STATUS_RANK[ours.status] ? theirs.status : ours.status;
    else if (key === 'note' && theirsChanged && oursChanged) out.note = `${ours.note}\n${theirs.note}`.trim();
    else if (theirsChanged && !oursChanged) (out as Record<string, string>)[key] = theirs[key];
  }
  return out;
}

function same(a: LedgerItem, b: LedgerItem): boolean {
  return KEYS.every((k) => a[k] === b[k]);
}

/** A snippet for the ledger: the flagged code on one line, short. */
export function snippetOf(code: string): string {
  const folded = code.replace(/\s+/g, ' ').trim();
  return folded.length > 120 ? folded.slice(0, 119) + '…' : folded;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
