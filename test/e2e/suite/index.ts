import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/**
 * Entry point the extension host calls with `extensionTestsPath`. Runs the suite and writes a
 * results file (the launcher cannot see the host's console).
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.addFile(join(__dirname, 'extension.test.js'));
  const results: { passed: string[]; failed: Array<{ title: string; error: string }>; measurements: Record<string, number> } = {
    passed: [],
    failed: [],
    measurements: {},
  };
  (globalThis as { mldebtMeasurements?: Record<string, number> }).mldebtMeasurements = results.measurements;
  return new Promise((resolve, reject) => {
    const runner = mocha.run(() => {
      const out = process.env.MLDEBT_E2E_RESULTS;
      if (out) writeFileSync(out, JSON.stringify(results, null, 2));
      if (results.failed.length > 0) reject(new Error(`${results.failed.length} end-to-end tests failed`));
      else resolve();
    });
    runner.on('pass', (test) => results.passed.push(test.fullTitle()));
    runner.on('fail', (test, err: Error) => results.failed.push({ title: test.fullTitle(), error: err.stack ?? String(err) }));
  });
}
