import type { FileReport } from '../report';

/** `path:line:col: CODE id message`, as the linters people know print it; notebooks add `cell N:`. */
export function formatText(reports: readonly FileReport[], options: { fixHint: boolean }): string {
  const lines: string[] = [];
  let total = 0;
  let fixable = 0;
  for (const r of reports) {
    for (const f of r.findings) {
      total++;
      if (f.fixes.some((x) => x.safety === 'safe')) fixable++;
      const where = `${r.path}:${f.cell === undefined ? '' : `cell ${f.cell + 1}:`}${f.range.start.line + 1}:${f.range.start.column + 1}`;
      lines.push(`${where}: ${f.code} ${f.ruleId} ${f.message}`);
    }
  }
  if (total === 0) {
    lines.push(`All clear: no findings in ${plural(reports.length, 'file')}.`);
  } else {
    const hint = options.fixHint && fixable > 0 ? ` ${fixable} can be fixed with \`mldebt check --fix\`.` : '';
    lines.push(`Found ${plural(total, 'finding')} in ${plural(reports.filter((r) => r.findings.length > 0).length, 'file')}.${hint}`);
  }
  return lines.join('\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
