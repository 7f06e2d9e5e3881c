import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { META_RULES } from '../../server/src/engine/metaRules';
import { renderDocs } from '../../server/src/docs';
import { RULES } from '../../server/src/rules';
import { VERSION } from '../../server/src/version';
import { loadEngine } from '../support/engine';
import { ALL_ACTIVE, expectedMarkers, FIXTURES, notebookExpectations, readFixture } from '../support/fixtures';

const ROOT = join(__dirname, '..', '..');
const RULES_DIR = join(ROOT, 'server', 'src', 'rules');
const DOCS_DIR = join(ROOT, 'docs', 'rules');

/** Holds the catalogue honest: every rule is registered, documented, exemplified and tested. */
describe('the rule catalogue', () => {
  it('registers every rule file, once, under unique ids and codes', () => {
    const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3));
    const ids = RULES.filter((r) => !META_RULES.includes(r)).map((r) => r.meta.id);
    expect([...ids].sort()).toEqual([...files].sort());
    expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.meta.code)).size).toBe(RULES.length);
  });

  it('lists rules in code order', () => {
    const codes = RULES.map((r) => r.meta.code);
    expect(codes).toEqual([...codes].sort());
  });

  it('keeps the product version in one place', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('has up-to-date generated docs (run `npm run docs` after changing a rule)', () => {
    const expected = renderDocs(RULES);
    const present = existsSync(DOCS_DIR) ? readdirSync(DOCS_DIR).filter((f) => f.endsWith('.md')) : [];
    expect(present.sort()).toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) expect(readFileSync(join(DOCS_DIR, name), 'utf8'), `docs/rules/${name} is stale`).toBe(text);
  });
});

describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const { meta } = rule;

  it('is named and coded by the conventions', () => {
    expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(meta.code).toMatch(/^MLD\d{3}$/);
    for (const template of Object.values(meta.messages)) expect(template.trim().length).toBeGreaterThan(10);
  });

  it('is local, so that an open document re-checks only the code an edit reached (see RuleMeta.local)', () => {
    expect(meta.local).toBe(true);
  });

  it('fills every docs section', () => {
    const d = meta.docs;
    for (const [section, text] of Object.entries({ summary: d.summary, whatItDoes: d.whatItDoes, whyIsThisBad: d.whyIsThisBad, example: d.example, useInstead: d.useInstead, fixSafety: d.fixSafety })) {
      expect(text.trim().length, `docs.${section}`).toBeGreaterThan(10);
    }
    expect(d.references.length).toBeGreaterThan(0);
    for (const [name, spec] of Object.entries(meta.options ?? {})) expect(spec.description.length, `option ${name}`).toBeGreaterThan(10);
  });

  it('fires on its docs example and stays quiet on the code it recommends', async () => {
    const engine = await loadEngine();
    const kind = meta.docs.exampleKind ?? 'python';
    const fires = engine.analyzeFile(meta.docs.example, kind, ALL_ACTIVE).findings.filter((f) => f.ruleId === id);
    const quiet = engine.analyzeFile(meta.docs.useInstead, kind, ALL_ACTIVE).findings.filter((f) => f.ruleId === id);
    expect(fires.length, 'findings on docs.example').toBeGreaterThan(0);
    expect(quiet.map((f) => f.message), 'findings on docs.useInstead').toEqual([]);
  });

  it('has fixtures that fire and fixtures that stay quiet', () => {
    const py = readFixture(rule, 'cases.py');
    const nb = readFixture(rule, 'cases.ipynb');
    const listed = readFixture(rule, 'expected.json');
    const markers = [...(py ? expectedMarkers(py) : []), ...(nb ? notebookExpectations(nb) : [])].filter((m) => m.endsWith(`: ${id}`));
    const listedSets = listed ? Object.values(JSON.parse(listed) as Record<string, string[]>) : [];
    expect(markers.length + listedSets.flat().length, 'expected findings').toBeGreaterThan(0);
    // Quiet cases: code lines with no marker for this rule (or a listed file expecting nothing).
    const quietLines = (py ?? '').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#') && !l.includes(`expect: `)).length;
    expect(quietLines + listedSets.filter((s) => s.length === 0).length * 10, 'lines that must stay quiet').toBeGreaterThanOrEqual(5);
  });

  if (meta.fix !== 'none') {
    it('has a fixed fixture for its fix', () => {
      expect(existsSync(join(FIXTURES, id, 'cases.fixed.py')) || existsSync(join(FIXTURES, id, 'cases.fixed.ipynb'))).toBe(true);
    });
  }
});
