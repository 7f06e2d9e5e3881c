import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serverEnvironment } from '../../client/src/serverEnvironment';

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
