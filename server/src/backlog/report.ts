import { stringify } from 'csv-stringify/sync';
import type { AnyRule } from '../engine/rule';
import { CATEGORY_TITLES, type Category } from '../engine/types';
import { itemKey, type LedgerItem } from './ledger';

/** The backlog as a report a team lead can paste into a planning document. */


export interface ReportItem extends LedgerItem {
  code: string;
  category: Category;
  /** False when no current finding has the item's fingerprint: the code was changed or removed. */
  present: boolean;
}

/**
 * Joins ledger items with the rules and with the fingerprints found now; an item whose code is gone
 * reads as resolved.
 */
export function reportItems(items: readonly LedgerItem[], rules: readonly AnyRule[], current: ReadonlySet<string> | undefined): ReportItem[] {
  const byId = new Map(rules.map((r) => [r.meta.id, r]));
  return items.map((item) => {
    const rule = byId.get(item.rule);
    const present = current ? current.has(itemKey(item)) : true;
    return {
      ...item,
      code: rule?.meta.code ?? '',
      category: rule?.meta.category ?? 'meta',
      present,
      status: present ? item.status : 'resolved',
    };
  });
}

function groups(items: readonly ReportItem[]): Array<[Category, ReportItem[]]> {
  const order = Object.keys(CATEGORY_TITLES) as Category[];
  const by = new Map<Category, ReportItem[]>();
  for (const i of items) by.set(i.category, [...(by.get(i.category) ?? []), i]);
  return order.filter((c) => by.has(c)).map((c) => [c, by.get(c)!]);
}

export function reportMarkdown(items: readonly ReportItem[], title = 'ML technical debt backlog'): string {
  const open = items.filter((i) => i.status !== 'resolved');
  const lines = [`# ${title}`, '', `${items.length} item${items.length === 1 ? '' : 's'}: ${open.length} open or accepted, ${items.length - open.length} resolved.`, ''];
  lines.push('| category | items | open | high interest |', '|---|---|---|---|');
  for (const [category, list] of groups(items)) {
    lines.push(`| ${CATEGORY_TITLES[category]} | ${list.length} | ${list.filter((i) => i.status !== 'resolved').length} | ${list.filter((i) => i.priority === 'high' && i.status !== 'resolved').length} |`);
  }
  for (const [category, list] of groups(items)) {
    lines.push('', `## ${CATEGORY_TITLES[category]} (${list.length})`, '', '| rule | file | code | note | owner | interest | status | since |', '|---|---|---|---|---|---|---|---|');
    for (const i of list) {
      const status = i.present ? i.status : 'resolved (code gone)';
      lines.push(`| ${i.code} ${i.rule} | ${cell(i.file)} | \`${cell(i.snippet).replace(/`/g, "'")}\` | ${cell(i.note)} | ${cell(i.owner)} | ${i.priority} | ${status} | ${i.created} |`);
    }
  }
  return lines.join('\n') + '\n';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const CSV_COLUMNS: ReadonlyArray<keyof ReportItem> = ['category', 'code', 'rule', 'file', 'snippet', 'note', 'owner', 'priority', 'status', 'created', 'fingerprint'];

/** RFC 4180: every field quoted, quotes doubled, CRLF line ends. */
export function reportCsv(items: readonly ReportItem[]): string {
  const rows = groups(items).flatMap(([, list]) => list.map((i) => CSV_COLUMNS.map((c) => String(i[c]))));
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], quoted: true, quoted_empty: true, record_delimiter: 'windows' });
}

export function reportJson(items: readonly ReportItem[]): string {
  const out = groups(items).map(([category, list]) => ({ category, title: CATEGORY_TITLES[category], count: list.length, items: list }));
  return JSON.stringify(out, null, 2) + '\n';
}
