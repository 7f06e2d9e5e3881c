import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { writeFileAtomic } from './engine/atomicWrite';

/**
 * The language server's entry point: runs the server bundle (`server.js`, beside this file) from V8's
 * code cache when one is kept, with the bytecode of the bundle and of the functions compiled by the
 * time it was written. Measured on a 2-core machine, that takes 25–30 ms off a start of 110–150 ms
 * (Node's start, loading the bundle and the grammar). The cache lives in the folder
 * `MLDEBT_CODE_CACHE_DIR` names (the extension's private storage): never in a shared folder, since
 * whoever can write the cache chooses the code that runs. Without that variable the bundle is
 * compiled as usual.
 */

/** Set by the client, which chooses the folder (`CODE_CACHE_VARIABLE` in client/src/serverEnvironment.ts). */
export const CODE_CACHE_DIR = 'MLDEBT_CODE_CACHE_DIR';

/** After this long the functions the first analysis needed have been compiled: the cache is written then. */
const WRITE_AFTER_MS = 5000;

export interface CodeCacheOutcome {
  /** Whether V8 took the cached code (false: there was none, or it was rejected and is written again). */
  used: boolean;
  /** Where the cache is (undefined: no folder was given, or it cannot be made). */
  path: string | undefined;
  /** What the file exports. */
  exports: unknown;
  /** Writes the cache now, if it is to be written; returns whether it was. */
  write(): boolean;
}

/**
 * Runs the CommonJS file `file` as `require` would, from a code cache in `dir`. V8 checks a cache
 * only against the source's length and its own version and flags, so the cache's name carries a hash
 * of the source: a changed bundle never runs another's bytecode.
 */
export function runWithCodeCache(file: string, dir: string | undefined): CodeCacheOutcome {
  const source = readFileSync(file, 'utf8');
  let path: string | undefined;
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
      path = join(dir, `${hash}-${process.versions.v8}-${process.arch}.cache`);
    } catch {
      path = undefined;
    }
  }
  let cached: Buffer | undefined;
  if (path) {
    try {
      cached = readFileSync(path);
    } catch {
      cached = undefined;
    }
  }
  // Code run from a cache loses the callback `import()` needs: the bundle must not call it (see parser.ts).
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const used = cached !== undefined && !script.cachedDataRejected;
  let pending = path !== undefined && !used;
  const write = (): boolean => {
    if (!pending || !path) return false;
    pending = false;
    try {
      writeFileAtomic(path, script.createCachedData());
      // The caches of earlier bundles (an update of the extension) are of no more use.
      const mine = basename(path);
      for (const name of readdirSync(dir!)) if (name.endsWith('.cache') && name !== mine) rmSync(join(dir!, name), { force: true });
      return true;
    } catch {
      // A cache that cannot be written costs the next start its compile time, nothing else.
      return false;
    }
  };
  const module = new Module(file, require.main);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { used, path, exports: module.exports, write };
}

if (require.main === module) {
  const outcome = runWithCodeCache(join(__dirname, 'server.js'), process.env[CODE_CACHE_DIR]);
  // Written once the first analysis has run, or at exit when the server stops before that.
  setTimeout(() => outcome.write(), WRITE_AFTER_MS).unref();
  process.on('exit', () => outcome.write());
}
