import { defineRule, type Rule } from './rule';

/**
 * Findings the engine itself produces (not from a tree listener). They are rules like any other for
 * configuration, suppression and docs.
 */
export const syntaxError = defineRule({
  meta: {
    id: 'syntax-error',
    code: 'MLD001',
    category: 'meta',
    severity: 'warning',
    local: true,
    fix: 'none',
    messages: { default: 'Syntax error: {detail}; the rest of the file is still analysed.' },
    docs: {
      summary: 'Code that does not parse as Python.',
      whatItDoes: 'Reports where tree-sitter could not parse the file. Analysis goes on around the broken part.',
      whyIsThisBad:
        'Findings near a syntax error may be missing, because the rules cannot see code they cannot parse. In a ' +
        'notebook, an error in one cell can hide names from the cells after it.',
      example: 'model.fit(X_train, y_train\n',
      useInstead: 'model.fit(X_train, y_train)\n',
      fixSafety: 'There is no fix.',
      references: ['https://tree-sitter.github.io/tree-sitter/using-parsers/'],
    },
  },
  create: () => ({}),
});

export const unreadableFile = defineRule({
  meta: {
    id: 'unreadable-file',
    code: 'MLD002',
    category: 'meta',
    severity: 'error',
    local: true,
    fix: 'none',
    messages: { default: 'Cannot read {what}: {detail}' },
    docs: {
      summary: 'A file that could not be read or analysed.',
      whatItDoes:
        'Reports a notebook that is not valid nbformat 4 JSON, a binary file, or a file too large to analyse, ' +
        'instead of stopping the whole run.',
      whyIsThisBad: 'Debt in a file nobody can analyse stays invisible.',
      example: '{"cells": [ ...truncated by a merge conflict\n',
      exampleKind: 'notebook',
      useInstead: '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n',
      fixSafety: 'There is no fix.',
      references: ['https://nbformat.readthedocs.io/en/latest/format_description.html'],
    },
  },
  create: () => ({}),
});

export const unusedSuppression = defineRule({
  meta: {
    id: 'unused-suppression',
    code: 'MLD003',
    tag: 'unnecessary',
    category: 'meta',
    severity: 'warning',
    local: true,
    fix: 'safe',
    messages: {
      unused: 'Suppression of {rules} matches no finding here.',
      unknown: 'Suppression names an unknown rule: {rules}.',
    },
    docs: {
      summary: 'A `# mldebt: ignore[...]` comment that suppresses nothing.',
      whatItDoes:
        'Reports suppression comments whose rules produce no finding on their line (or in the file, for ' +
        '`ignore-file`), and suppressions that name a rule that does not exist.',
      whyIsThisBad:
        'A stale suppression hides the next real finding on that line, and tells readers that debt is there ' +
        'when it has been paid.',
      example: 'X = df.to_numpy()  # mldebt: ignore[dataframe-values] legacy code\n',
      useInstead: 'X = df.to_numpy()\n',
      fixSafety: 'Safe: removing a comment, or a rule from it, does not change behaviour.',
      references: ['https://docs.astral.sh/ruff/rules/unused-noqa/'],
    },
  },
  create: () => ({}),
});

export const META_RULES: Rule<any>[] = [syntaxError, unreadableFile, unusedSuppression]; // eslint-disable-line @typescript-eslint/no-explicit-any
