import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { activeRules } from '../../server/src/engine/config';
import { detachStrings } from '../../server/src/engine/detach';
import { NotebookDocument, PythonDocument, type LiveCell } from '../../server/src/engine/documents';
import { RULES } from '../../server/src/rules';
import { loadEngine } from '../support/engine';
import { seededRandom } from '../support/random';

/**
 * What a live document keeps from one keystroke to the next must not keep the text of every version
 * it was typed through (see server/src/engine/detach.ts). Measured as the JavaScript heap after a full
 * collection, with margins far wider than the noise: a document that kept its versions would grow by
 * tens of megabytes here.
 */

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

function heapMB(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** About `lines` lines of module-level code with what rules keep: long names, keyword arguments, a path to extract. */
function moduleText(lines: number, salt: number): string {
  const out = ['import numpy as np', 'import pandas as pd', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      `def preprocess_features_${salt}_${i}(frame, normalisation_strategy="zscore"):`,
      `    scaled_training_values_${i} = np.asarray(frame, dtype_of_values=float, copy_before_scaling=True)`,
      `    return scaled_training_values_${i}`,
      '',
      // (A finding with a fix makes its chunk walked at every keystroke: a few of them.)
      i % 25 === 0 ? `validation_frame_number_${i} = pd.read_csv("/home/someone/data/validation_${i}.csv")` : `validation_frame_number_${i} = pd.read_csv(source_folder_name)`,
      `learning_rate_for_block_${i} = 0.001`,
      '',
    );
  }
  return out.join('\n');
}

describe('what live documents keep between keystrokes', () => {
  it('detaches the strings of plain objects, arrays, maps and sets in place, and leaves the rest', () => {
    class Holder {
      constructor(readonly text: string) {}
    }
    const long = 'a_long_identifier_name';
    const holder = new Holder(long);
    const frozen = Object.freeze([long]);
    const value = { name: long, list: [long, 1, { deep: long }], map: new Map([[long, long]]), set: new Set([long]), holder, frozen, short: 'x' };
    const same = detachStrings(value);
    expect(same).toBe(value);
    expect(value).toEqual({ name: long, list: [long, 1, { deep: long }], map: new Map([[long, long]]), set: new Set([long]), holder, frozen, short: 'x' });
    expect(value.holder).toBe(holder);
    expect(detachStrings(long)).toBe(long);
  });

  it('a Python file typed into 60 times stays near its size after the first analysis', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const text = moduleText(14_000, 0);
    const doc = new PythonDocument(engine.parser, text, 1);
    try {
      expect(doc.analyze(rules).findings.length).toBeGreaterThan(0);
      const opened = heapMB();
      const lines = text.split('\n');
      const rand = seededRandom(7);
      for (let v = 2; v < 62; v++) {
        // A character in a name: the chunk is walked again and its record made anew.
        const line = 3 + rand(lines.length - 3);
        const column = lines[line].length > 12 ? 12 : 0;
        doc.update([{ range: { start: { line, column }, end: { line, column } }, text: 'q' }], v);
        doc.analyze(rules);
      }
      const typed = heapMB();
      // Each version of the text is 1 MB: kept, they would add 20–60 MB.
      expect(typed - opened).toBeLessThan(8);
    } finally {
      doc.dispose();
    }
  });

  it('a notebook typed into 60 times stays near its size after the first analysis', async () => {
    const engine = await loadEngine();
    const rules = activeRules(RULES, {});
    const cells: LiveCell[] = Array.from({ length: 120 }, (_, i) => ({ id: `c${i}`, kind: 'code', text: moduleText(100, i), version: 1, executionOrder: i + 1 }));
    const doc = new NotebookDocument(engine.parser, cells, 1);
    try {
      expect(doc.analyze(rules).findings.length).toBeGreaterThan(0);
      const opened = heapMB();
      const rand = seededRandom(11);
      for (let v = 2; v < 62; v++) {
        const cell = rand(cells.length);
        const line = 3 + rand(90);
        doc.updateCell(`c${cell}`, [{ range: { start: { line, column: 12 }, end: { line, column: 12 } }, text: 'q' }], v);
        doc.analyze(rules);
      }
      const typed = heapMB();
      expect(typed - opened).toBeLessThan(8);
    } finally {
      doc.dispose();
    }
  });
});
