import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const grammar = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'debt-comments.injection.tmLanguage.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/** The patterns use only syntax that JavaScript and Oniguruma share, so RegExp can check them. */
function captures(repository: string, line: string): Record<string, string> | undefined {
  const rule = grammar.repository[repository];
  const m = new RegExp(rule.match).exec(line);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [group, spec] of Object.entries(rule.captures as Record<string, { name?: string }>)) {
    if (m[Number(group)] !== undefined) out[spec.name ?? `group ${group}`] = m[Number(group)];
  }
  return out;
}

describe('the debt-comment grammar', () => {
  it('is contributed as an injection into Python comments', () => {
    const entry = manifest.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === grammar.scopeName);
    expect(entry).toMatchObject({ injectTo: ['source.python'], path: './syntaxes/debt-comments.injection.tmLanguage.json' });
    expect(grammar.injectionSelector).toBe('L:comment.line.number-sign.python');
  });

  it('marks suppression directives and the rules they name', () => {
    expect(captures('suppression', '# mldebt: ignore[dataframe-values, MLD201] legacy')).toEqual({
      'keyword.control.directive.mldebt': 'mldebt:',
      'keyword.control.directive.ignore.mldebt': 'ignore',
      'punctuation.definition.list.begin.mldebt': '[',
      'group 4': 'dataframe-values, MLD201',
      'punctuation.definition.list.end.mldebt': ']',
    });
    expect(captures('suppression', '# mldebt: ignore-file[data-leakage]')?.['keyword.control.directive.ignore.mldebt']).toBe('ignore-file');
    expect(captures('suppression', '# mldebt is great')).toBeUndefined();
  });

  it('marks debt tags with their owner, and not words that merely contain them', () => {
    expect(captures('debt-tag', '# TODO(alice, 2025-01-02): move to config')).toEqual({
      'keyword.other.debt.$1.mldebt': 'TODO',
      'variable.other.debt-owner.mldebt': '(alice, 2025-01-02)',
    });
    for (const tag of ['FIXME', 'HACK', 'XXX']) expect(captures('debt-tag', `# ${tag}: later`)?.['keyword.other.debt.$1.mldebt']).toBe(tag);
    expect(captures('debt-tag', '# TODOS and HACKERS')).toBeUndefined();
  });
});
