import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellSourcesAfterEdits, maskMagics, notebookModule, readNotebook, writeCellSources } from '../../server/src/engine/notebook';
import { loadEngine } from '../support/engine';
import { ALL_ACTIVE, FIXTURES } from '../support/fixtures';

const clean = readFileSync(join(FIXTURES, 'unreadable-file', 'clean.ipynb'), 'utf8');

describe('notebooks', () => {
  it('masks magics and shell lines without moving any offset', () => {
    const source = '%matplotlib inline\nfiles = !ls data\nx = (1\n     % 7)\nhelp?\n';
    const masked = maskMagics(source);
    expect(masked.length).toBe(source.length);
    expect(masked.split('\n')).toEqual(['0                 ', 'files = 0       ', 'x = (1', '     % 7)', '0    ', '']);
  });

  it('blanks cells whose cell magic is not Python, keeps %%time bodies', () => {
    expect(maskMagics('%%bash\nls -la\n').trim()).toBe('');
    expect(maskMagics('%%time\nx = 1\n')).toBe('0     \nx = 1\n');
  });

  it('analyses code cells as one module and maps findings back to their cell', async () => {
    const result = (await loadEngine()).analyzeFile(clean, 'notebook', ALL_ACTIVE);
    const ours = result.findings.filter((f) => f.ruleId === 'dataframe-values' || f.ruleId === 'syntax-error');
    expect(ours.map((f) => [f.ruleId, f.cell, f.range.start.line, f.range.start.column])).toEqual([
      ['dataframe-values', 3, 3, 4],
    ]);
  });

  it('reports a malformed notebook as one finding that says why', async () => {
    const result = (await loadEngine()).analyzeFile('{"cells": [', 'notebook', ALL_ACTIVE);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0].message).toMatch(/^Cannot read notebook: not valid JSON/);
    const wrongCell = (await loadEngine()).analyzeFile('{"cells": [{"cell_type": "output"}]}', 'notebook', ALL_ACTIVE);
    expect(wrongCell.findings[0].message).toContain('cell 0 has an unknown cell_type "output"');
  });

  it('writes edited cells back, keeping the rest of the notebook as it was', () => {
    const notebook = readNotebook(clean);
    const module = notebookModule(notebook);
    const at = module.text.indexOf('df.values') + 3;
    const sources = cellSourcesAfterEdits(notebook, module, [{ start: at, end: at + 6, newText: 'to_numpy()' }]);
    expect([...sources.keys()]).toEqual([3]);
    const written = writeCellSources(clean, sources);
    const before = JSON.parse(clean);
    const after = JSON.parse(written);
    expect(after.cells[3].source).toEqual(['if True:\n', '    %time total = (df.shape[0]\n', '                   % 7)\n', 'X = df.to_numpy()\n']);
    after.cells[3].source = before.cells[3].source;
    expect(after).toEqual(before);
  });
});
