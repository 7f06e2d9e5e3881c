import { CATEGORY_TITLES, SEVERITY_TITLES, type BacklogSnapshot } from './grouping';

/** The workspace's debt at a glance: counts by category and rule, the top files, the ledger. */
export function summaryMarkdown(s: BacklogSnapshot): string {
  const count = <K>(keys: K[]): Array<[K, number]> => {
    const m = new Map<K, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  const lines = ['# ML technical debt', '', `**${s.total}** finding${s.total === 1 ? '' : 's'} in ${new Set(s.findings.map((f) => f.file)).size} files.`, ''];
  lines.push('| severity | findings |', '|---|---|');
  for (const [sev, n] of count(s.findings.map((f) => f.severity)).sort((a, b) => a[0] - b[0])) lines.push(`| ${SEVERITY_TITLES[sev]} | ${n} |`);
  lines.push('', '## By category and rule', '', '| category | rule | findings |', '|---|---|---|');
  for (const [category, n] of count(s.findings.map((f) => f.category))) {
    lines.push(`| **${CATEGORY_TITLES[category] ?? category}** | | **${n}** |`);
    for (const [rule, m] of count(s.findings.filter((f) => f.category === category).map((f) => `${f.code} ${f.rule}`))) lines.push(`| | ${rule} | ${m} |`);
  }
  lines.push('', '## Top files', '', '| file | findings |', '|---|---|');
  for (const [file, n] of count(s.findings.map((f) => f.file)).slice(0, 10)) lines.push(`| ${file} | ${n} |`);
  const tracked = s.findings.filter((f) => f.item);
  lines.push('', '## Backlog ledger', '', `${tracked.length} finding${tracked.length === 1 ? '' : 's'} tracked in \`.mldebt/backlog.json\`` +
    ` (${tracked.filter((f) => f.item?.priority === 'high').length} of high interest); ${s.gone.length} item${s.gone.length === 1 ? '' : 's'} whose code is gone.`);
  return lines.join('\n') + '\n';
}
