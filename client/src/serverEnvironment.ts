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

/** Names the code cache's folder to the server (read in server/src/main.ts). */
export const CODE_CACHE_VARIABLE = 'MLDEBT_CODE_CACHE_DIR';
