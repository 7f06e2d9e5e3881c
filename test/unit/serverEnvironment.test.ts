import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serverEnvironment, serverExecArgv } from '../../client/src/serverEnvironment';

/** What a child Node process, started with `env`, sees of two variables. */
function seenBy(env: NodeJS.ProcessEnv): { certificates: string; kept: string } {
  const script = 'process.stdout.write(JSON.stringify({ certificates: String(process.env.NODE_EXTRA_CA_CERTS), kept: String(process.env.MLDEBT_KEPT) }))';
  return JSON.parse(spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).stdout) as { certificates: string; kept: string };
}

describe("the server's environment", () => {
  const host = { ...process.env, NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', MLDEBT_KEPT: 'yes' };

  it('keeps the extension host’s variables and drops the certificate bundle Node would load at start', () => {
    expect(seenBy(serverEnvironment(host))).toEqual({ certificates: 'undefined', kept: 'yes' });
  });

  it('drops it also where the language client lays the values over its own copy of the environment', () => {
    // vscode-languageclient forks the server with { ...process.env, ...options.env }.
    expect(seenBy({ ...host, ...serverEnvironment(host) })).toEqual({ certificates: 'undefined', kept: 'yes' });
    expect(seenBy(host).certificates).toBe('/etc/ssl/extra.pem');
  });
});

describe("the server's Node options", () => {
  it('leave the server a core: one background thread fewer than the cores, at least one, at most four', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => serverExecArgv(cores))).toEqual([
      ['--v8-pool-size=1'],
      ['--v8-pool-size=1'],
      ['--v8-pool-size=2'],
      ['--v8-pool-size=3'],
      ['--v8-pool-size=4'],
      ['--v8-pool-size=4'],
    ]);
  });

  it('are options the Node that runs the server accepts', () => {
    const run = spawnSync(process.execPath, [...serverExecArgv(2), '-e', 'process.stdout.write("started")'], { encoding: 'utf8' });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'started', stderr: '' });
  });
});
