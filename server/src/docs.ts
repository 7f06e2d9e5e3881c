import type { AnyRule } from './engine/rule';
import { kebabCase } from './engine/config';
import { CATEGORY_TITLES } from './engine/types';

/** The rule documentation pages, generated from the rule modules so they cannot drift. */


const FIX_WORDS = { safe: 'safe fix', unsafe: 'unsafe fix (offered, never applied in bulk)', none: 'no automatic fix' };

export function renderRulePage(rule: AnyRule): string {
  const { meta } = rule;
  const d = meta.docs;
  const options = Object.entries(meta.options ?? {});
  const parts = [
    `# ${meta.id} (${meta.code})`,
    '',
    `${d.summary}`,
    '',
    `Category: ${CATEGORY_TITLES[meta.category]} · Default severity: ${meta.severity} · ${FIX_WORDS[meta.fix]}` +
      (meta.requires ? ` · Runs where ${meta.requires.map((m) => `\`${m}\``).join(' or ')} is imported` : ''),
    '',
    '## What it does',
    '',
    d.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    d.whyIsThisBad,
    '',
    '## Example',
    '',
    '```python',
    d.example.trimEnd(),
    '```',
    '',
    '## Use instead',
    '',
    '```python',
    d.useInstead.trimEnd(),
    '```',
    '',
    '## Fix safety',
    '',
    d.fixSafety,
    '',
  ];
  if (options.length > 0) {
    parts.push('## Options', '', '| option | type | default | meaning |', '|---|---|---|---|');
    for (const [name, spec] of options) parts.push(`| \`${kebabCase(name)}\` | ${spec.type} | \`${JSON.stringify(spec.default)}\` | ${spec.description} |`);
    parts.push('', 'Set them in `pyproject.toml`:', '', '```toml', `[tool.mldebt.rules.${meta.id}]`, `${kebabCase(options[0][0])} = ${JSON.stringify(options[0][1].default)}`, '```', '');
  }
  parts.push('## Suppression', '', `\`# mldebt: ignore[${meta.id}] <reason>\` on the line, or \`# mldebt: ignore-file[${meta.id}]\` anywhere in the file.`, '');
  parts.push('## References', '', ...d.references.map((r) => `- ${/^https?:/.test(r) ? `<${r}>` : r}`), '');
  return parts.join('\n');
}

export function renderRuleIndex(rules: readonly AnyRule[]): string {
  const lines = ['# mldebt rules', '', 'Generated from the rule modules by `npm run docs`; do not edit by hand.', ''];
  let category = '';
  for (const r of rules) {
    if (r.meta.category !== category) {
      category = r.meta.category;
      lines.push(`## ${CATEGORY_TITLES[category as keyof typeof CATEGORY_TITLES] ?? category}`, '', '| code | rule | severity | fix | summary |', '|---|---|---|---|---|');
    }
    lines.push(`| ${r.meta.code} | [${r.meta.id}](${r.meta.id}.md) | ${r.meta.severity} | ${r.meta.fix} | ${r.meta.docs.summary.replace(/\|/g, '\\|')} |`);
    const next = rules[rules.indexOf(r) + 1];
    if (!next || next.meta.category !== category) lines.push('');
  }
  return lines.join('\n');
}

/** Every generated file, by name. */
export function renderDocs(rules: readonly AnyRule[]): Map<string, string> {
  const files = new Map<string, string>([['README.md', renderRuleIndex(rules)]]);
  for (const r of rules) files.set(`${r.meta.id}.md`, renderRulePage(r));
  return files;
}
