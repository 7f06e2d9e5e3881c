import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, DidChangeWatchedFilesNotification, ExecuteCommandRequest, FileChangeType } from 'vscode-languageserver-protocol/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/lspClient';

const FILES = 500;
let dir: string;
let client: TestClient | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mldebt-scan-'));
  for (let i = 0; i < FILES; i++) {
    const smelly = i % 5 === 0;
    const body = smelly ? 'X = df.values\n' : 'X = df.to_numpy()\n';
    mkdirSync(join(dir, `pkg${i % 10}`), { recursive: true });
    writeFileSync(join(dir, `pkg${i % 10}`, `module_${i}.py`), `import pandas as pd\n\ndf = pd.read_csv("part_${i}.csv")\n${body}`);
  }
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build', 'generated.py'), 'import pandas as pd\ndf = pd.read_csv("x")\nX = df.values\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

describe('the workspace scan', () => {
  it('analyses every file not ignored, with progress, and publishes their findings', async () => {
    client = await TestClient.start({ rootUri: pathToFileURL(dir).toString() });
    const summary = await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'mldebt.server.analyzeWorkspace', workDoneToken: 'scan' });
    expect(summary).toMatchObject({ files: FILES, findings: FILES / 5, cancelled: false });
    const progress = client.progress.get('scan') ?? [];
    expect(progress[0]).toMatchObject({ kind: 'begin' });
    expect(progress.at(-1)).toMatchObject({ kind: 'end' });
    expect(progress.filter((p) => p.kind === 'report').length).toBeGreaterThan(10);
    const smelly = pathToFileURL(join(dir, 'pkg0', 'module_0.py')).toString();
    expect((await client.diagnosticsFor(smelly)).map((d) => [d.code, d.range.start.line])).toEqual([['MLD207', 3]]);
    expect(client.published.has(pathToFileURL(join(dir, 'build', 'generated.py')).toString())).toBe(false);
  });

  it('starts by itself, and re-analyses a file changed on disk', async () => {
    client = await TestClient.start({ rootUri: pathToFileURL(dir).toString(), settings: { ...TestClient.defaultSettings, workspaceScan: true } });
    const file = join(dir, 'pkg1', 'module_1.py');
    const uri = pathToFileURL(file).toString();
    expect(await client.diagnosticsFor(uri)).toEqual([]);
    await client.waitFor(() => (client!.published.size >= FILES ? true : undefined), 'every file published');
    writeFileSync(file, 'import pandas as pd\n\ndf = pd.read_csv("x.csv")\nX = df.values\n');
    client.published.delete(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Changed }] });
    expect((await client.diagnosticsFor(uri)).map((d) => d.code)).toEqual(['MLD207']);
  });

  it('does not start by itself when the setting is off', async () => {
    client = await TestClient.start({ rootUri: pathToFileURL(dir).toString(), settings: { ...TestClient.defaultSettings, workspaceScan: false } });
    await client.open('file:///elsewhere/x.py', 'import pandas as pd\ndf = pd.read_csv("x")\nX = df.values\n');
    await client.diagnosticsFor('file:///elsewhere/x.py');
    expect([...client.published.keys()]).toEqual(['file:///elsewhere/x.py']);
  });

  it('stops when cancelled', async () => {
    client = await TestClient.start({ rootUri: pathToFileURL(dir).toString() });
    const cancel = new CancellationTokenSource();
    const pending = client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'mldebt.server.analyzeWorkspace', workDoneToken: 'scan' }, cancel.token);
    await client.waitFor(() => ((client!.progress.get('scan') ?? []).filter((p) => p.kind === 'report').length > 5 ? true : undefined), 'a few files scanned');
    cancel.cancel();
    const summary = await pending.catch(() => undefined);
    // Either the scan answered that it stopped early, or the request was cancelled outright.
    if (summary) expect(summary).toMatchObject({ cancelled: true });
    expect(client.published.size).toBeLessThan(FILES / 5);
  });
});
