import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../server/src/rules';
import { loadEngine } from '../support/engine';
import {
  ALL_ACTIVE,
  expectedMarkers,
  findingMarkers,
  fixAll,
  fixturePath,
  notebookExpectations,
  readFixture,
  syntaxErrorCount,
} from '../support/fixtures';

/**
 * Every rule against its fixtures: the findings must be exactly the `# expect:` markers, and its
 * fixes, applied, must give the `.fixed` file and parse. Files that cannot hold a marker (a broken
 * notebook) list their expectations in `expected.json`.
 */
describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  const only = (markers: string[]): string[] => markers.filter((m) => m.endsWith(`: ${id}`)).sort();
  const py = readFixture(rule, 'cases.py');
  const nb = readFixture(rule, 'cases.ipynb');
  const fixedPy = readFixture(rule, 'cases.fixed.py');
  const fixedNb = readFixture(rule, 'cases.fixed.ipynb');
  const listed = readFixture(rule, 'expected.json');

  if (py !== undefined) {
    it('finds exactly the expected lines in cases.py', async () => {
      const { findings } = (await loadEngine()).analyzeFile(py, 'python', ALL_ACTIVE);
      expect(findingMarkers(findings, id)).toEqual(only(expectedMarkers(py)));
    });
  }

  if (nb !== undefined) {
    it('finds exactly the expected cells and lines in cases.ipynb', async () => {
      const { findings } = (await loadEngine()).analyzeFile(nb, 'notebook', ALL_ACTIVE);
      expect(findingMarkers(findings, id)).toEqual(only(notebookExpectations(nb)));
    });
  }

  if (py !== undefined && fixedPy !== undefined) {
    it('fixes cases.py into cases.fixed.py, which parses', async () => {
      const engine = await loadEngine();
      const fixed = fixAll(engine, py, 'python', id);
      expect(fixed).toEqual(fixedPy);
      expect(syntaxErrorCount(engine, fixed, 'python')).toBeLessThanOrEqual(syntaxErrorCount(engine, py, 'python'));
    });
  }

  if (nb !== undefined && fixedNb !== undefined) {
    it('fixes cases.ipynb into cases.fixed.ipynb, which parses', async () => {
      const engine = await loadEngine();
      const fixed = fixAll(engine, nb, 'notebook', id);
      expect(JSON.parse(fixed)).toEqual(JSON.parse(fixedNb));
      expect(syntaxErrorCount(engine, fixed, 'notebook')).toBeLessThanOrEqual(syntaxErrorCount(engine, nb, 'notebook'));
    });
  }

  if (listed !== undefined) {
    const files = JSON.parse(listed) as Record<string, string[]>;
    it.each(Object.entries(files))('finds exactly what expected.json lists in %s', async (file, markers) => {
      const kind = file.endsWith('.ipynb') ? 'notebook' : 'python';
      const { findings } = (await loadEngine()).analyzeFile(readFileSync(fixturePath(rule, file), 'utf8'), kind, ALL_ACTIVE);
      expect(findingMarkers(findings, id)).toEqual(only(markers));
    });
  }
});
