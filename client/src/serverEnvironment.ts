import { availableParallelism } from 'node:os';

/**
 * The environment the server's process starts with: the extension host's, less what only costs the
 * server time, plus where the server keeps V8's code cache. `NODE_EXTRA_CA_CERTS` makes Node read and
 * parse a certificate bundle before it runs any code (about 100 ms on a slow machine, a third of the
 * server's start); the server opens no network connection, so it has no use for them. The variable is
 * set to `undefined`, not left out, because the language client lays these values over its own copy of
 * the environment; Node passes no variable whose value is `undefined` to the child. `codeCacheDir`
 * must be a folder only this user can write (see server/src/main.ts). Kept apart from the client so
 * that the protocol tests and the benchmark start the server as the extension does.
 */
export function serverEnvironment(env: NodeJS.ProcessEnv, codeCacheDir?: string): NodeJS.ProcessEnv {
  return { ...env, NODE_EXTRA_CA_CERTS: undefined, [CODE_CACHE_VARIABLE]: codeCacheDir };
}

/**
 * The Node options the server's process starts with. `--v8-pool-size`: V8's background threads (its
 * optimizing compilers for JavaScript and WebAssembly, the garbage collector's helpers) are four
 * wherever Node runs. On a machine of two cores, while they compile the code of the server's first
 * analyses they take the core its own thread runs on, which meanwhile runs the slower code. One thread
 * fewer than the cores (at least one; at most four, Node's own number) leaves it a core: on two cores,
 * the 300-cell notebook of the benchmark got its first diagnostics 395 ms after the server started,
 * against 448 with four (medians of ten starts each).
 */
export function serverExecArgv(cores = availableParallelism()): string[] {
  return [`--v8-pool-size=${Math.max(1, Math.min(4, cores - 1))}`];
}

/** Names the code cache's folder to the server (read in server/src/main.ts). */
export const CODE_CACHE_VARIABLE = 'MLDEBT_CODE_CACHE_DIR';
