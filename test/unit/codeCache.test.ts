import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODE_CACHE_VARIABLE } from '../../client/src/serverEnvironment';
import { CODE_CACHE_DIR } from '../../server/src/main';

const MAIN = join(__dirname, '..', '..', 'server', 'out', 'main.js');

interface Run {
  used: boolean;
  path?: string;
  exports: { answer: number; name: string; square: number };
  writes: boolean[];
}

/**
 * Runs `file` through the bundled entry point's `runWithCodeCache` in a process of its own (V8 keeps
 * what it compiled for the process: a second run in the same one would never read the cache), and
 * writes the cache `writes` times.
 */
function runWithCodeCache(file: string, dir: string | undefined, writes = 0): Run {
  const script = `const o = require(${JSON.stringify(MAIN)}).runWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(dir)});
const writes = Array.from({ length: ${writes} }, () => o.write());
process.stdout.write(JSON.stringify({ used: o.used, path: o.path, exports: { ...o.exports, square: o.exports.square(7) }, writes }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Run;
}

describe("the server's code cache", () => {
  let dir: string;
  let file: string;
  const script = (answer: number) => `const { basename } = require('node:path');\nmodule.exports = { answer: ${answer}, name: basename(__filename), square: (x) => x * x };\n`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mldebt-cache-test-'));
    file = join(dir, 'bundle.js');
    writeFileSync(file, script(41));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the file as require would, writes the cache once, and runs from it the next time', () => {
    const cache = join(dir, 'cache');
    const first = runWithCodeCache(file, cache, 2);
    expect(first.exports).toEqual({ answer: 41, name: 'bundle.js', square: 49 });
    expect(first.used).toBe(false);
    expect(first.writes).toEqual([true, false]);
    expect(existsSync(first.path!)).toBe(true);

    const second = runWithCodeCache(file, cache, 1);
    expect(second.used).toBe(true);
    expect(second.path).toBe(first.path);
    expect(second.exports).toEqual({ answer: 41, name: 'bundle.js', square: 49 });
    // A cache that was used is not written again.
    expect(second.writes).toEqual([false]);
  });

  it('never runs the cache of another source of the same length', () => {
    const cache = join(dir, 'cache');
    expect(runWithCodeCache(file, cache, 1).writes).toEqual([true]);
    writeFileSync(file, script(42));
    const changed = runWithCodeCache(file, cache, 1);
    expect(changed.used).toBe(false);
    expect(changed.exports).toMatchObject({ answer: 42 });
    expect(changed.writes).toEqual([true]);
    // The cache of the old source is gone.
    expect(readdirSync(cache)).toEqual([changed.path!.split('/').pop()]);
  });

  it('compiles afresh, and writes a good cache, where the cache is damaged', () => {
    const cache = join(dir, 'cache');
    const { path } = runWithCodeCache(file, cache, 1);
    expect(runWithCodeCache(file, cache).used).toBe(true);
    writeFileSync(path!, 'not a code cache');
    const damaged = runWithCodeCache(file, cache, 1);
    expect(damaged.used).toBe(false);
    expect(damaged.exports).toMatchObject({ answer: 41 });
    expect(damaged.writes).toEqual([true]);
    expect(runWithCodeCache(file, cache).used).toBe(true);
  });

  it('keeps no cache without a folder, or where the folder cannot be made', () => {
    const none = runWithCodeCache(file, undefined, 1);
    expect(none.path).toBeUndefined();
    expect(none.writes).toEqual([false]);
    expect(none.exports).toMatchObject({ answer: 41 });
    const blocked = runWithCodeCache(file, join(file, 'cache'));
    expect(blocked.path).toBeUndefined();
    expect(blocked.exports).toMatchObject({ answer: 41 });
  });

  it('is named to the server by the variable the client sets', () => {
    expect(CODE_CACHE_VARIABLE).toBe(CODE_CACHE_DIR);
  });
});
