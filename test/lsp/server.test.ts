import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  DocumentDiagnosticRequest,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEngine } from '../support/engine';
import { ALL_ACTIVE } from '../support/fixtures';
import { TestClient } from '../support/lspClient';

const URI = 'file:///project/train.py';
const SMELLY = 'import pandas as pd\n\ndf = pd.read_csv("train.csv")\nX = df.values\n';

let client: TestClient | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 1, text), edits);
}

function codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
  const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return client!.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics, only } }) as Promise<CodeAction[]>;
}

async function syntaxErrors(text: string): Promise<number> {
  return (await loadEngine()).analyzeFile(text, 'python', ALL_ACTIVE).findings.filter((f) => f.ruleId === 'syntax-error').length;
}

describe('the language server over stdio', () => {
  it('publishes diagnostics on open, with code, rule page and fixes in data', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    const [d] = await client.diagnosticsFor(URI, 1);
    expect(d).toMatchObject({
      range: { start: { line: 3, character: 4 }, end: { line: 3, character: 13 } },
      severity: 2,
      code: 'MLD207',
      source: 'mldebt',
      codeDescription: { href: expect.stringContaining('docs/rules/dataframe-values.md') },
      data: { id: 'dataframe-values', version: 1 },
    });
  });

  it('re-analyses after incremental changes, for the version typed', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    await client.diagnosticsFor(URI, 1);
    // Type `.to_numpy()` over `.values`, one edit at a time.
    await client.change(URI, 2, [{ range: { start: { line: 3, character: 7 }, end: { line: 3, character: 13 } }, text: '' }]);
    await client.change(URI, 3, [{ range: { start: { line: 3, character: 7 }, end: { line: 3, character: 7 } }, text: 'to_numpy()' }]);
    expect(await client.diagnosticsFor(URI, 3)).toEqual([]);
    await client.change(URI, 4, [{ range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: 'Y = df.values\n' }]);
    const again = await client.diagnosticsFor(URI, 4);
    expect(again.map((d) => d.range.start.line)).toEqual([4]);
  });

  it('leaves a code cache when it stops, and the next server runs from it alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mldebt-code-cache-'));
    try {
      const codes = async (): Promise<unknown> => {
        client = await TestClient.start({ pull: true, codeCache: dir });
        await client.open(URI, SMELLY);
        const found = (await client.pull(URI)).map((d) => [d.code, d.range]);
        await client.stop();
        client = undefined;
        return found;
      };
      const first = await codes();
      const [cache] = readdirSync(dir);
      expect(cache).toMatch(/\.cache$/);
      const written = statSync(join(dir, cache)).mtimeMs;
      expect(await codes()).toEqual(first);
      // Run from, and so not written again.
      expect(readdirSync(dir)).toEqual([cache]);
      expect(statSync(join(dir, cache)).mtimeMs).toBe(written);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers pull diagnostics when the client supports them', async () => {
    client = await TestClient.start({ pull: true });
    await client.open(URI, SMELLY);
    const report = await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: URI } });
    expect(report.kind).toBe('full');
    expect((report as { items: Diagnostic[] }).items.map((d) => d.code)).toEqual(['MLD207']);
  });

  it('offers the fix, suppressions, fix-all and docs; the fix applied parses', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    const diagnostics = await client.diagnosticsFor(URI, 1);
    const actions = await codeActions(URI, diagnostics);
    expect(actions.map((a) => a.title)).toEqual([
      'Replace `.values` with `.to_numpy()`',
      'Suppress dataframe-values on this line',
      'Suppress dataframe-values in this file',
      'Fix all dataframe-values in this file',
      'Add dataframe-values to the backlog…',
      'Show documentation for dataframe-values',
    ]);
    expect(actions[0].isPreferred).toBe(true);
    const fixed = applyEdits(SMELLY, actions[0].edit!.changes![URI]);
    expect(fixed).toBe(SMELLY.replace('df.values', 'df.to_numpy()'));
    expect(await syntaxErrors(fixed)).toBe(0);
    expect(applyEdits(SMELLY, actions[1].edit!.changes![URI])).toContain('X = df.values  # mldebt: ignore[dataframe-values]\n');
    expect(applyEdits(SMELLY, actions[2].edit!.changes![URI])).toMatch(/^# mldebt: ignore-file\[dataframe-values\]\nimport pandas/);
    expect(actions[4].command).toMatchObject({ command: 'mldebt.backlog.add', arguments: [{ uri: URI, line: 3, character: 4, rule: 'dataframe-values', fingerprint: diagnostics[0].data.fingerprint }] });
    expect(actions[5].command).toEqual({ title: 'Show documentation', command: 'mldebt.showDocumentation', arguments: ['dataframe-values'] });
  });

  it('applies a suppression, after which the finding is gone', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    const diagnostics = await client.diagnosticsFor(URI, 1);
    const suppress = (await codeActions(URI, diagnostics)).find((a) => a.title.startsWith('Suppress dataframe-values on this line'))!;
    const edit = suppress.edit!.changes![URI][0];
    await client.change(URI, 2, [{ range: edit.range, text: edit.newText }]);
    expect(await client.diagnosticsFor(URI, 2)).toEqual([]);
  });

  it('resolves "fix all of a rule" and the source.fixAll action to safe fixes only', async () => {
    client = await TestClient.start();
    const text = SMELLY + 'Y = df.dropna().values\n';
    await client.open(URI, text);
    const diagnostics = await client.diagnosticsFor(URI, 1);
    const lazy = (await codeActions(URI, diagnostics)).find((a) => a.title === 'Fix all dataframe-values in this file')!;
    expect(lazy.edit).toBeUndefined();
    const resolved = await client.connection.sendRequest(CodeActionResolveRequest.type, lazy);
    const fixed = applyEdits(text, resolved.edit!.changes![URI]);
    expect(fixed).toContain('X = df.to_numpy()\nY = df.dropna().to_numpy()\n');
    const [fixAll] = await codeActions(URI, [], ['source.fixAll.mldebt']);
    expect(fixAll.kind).toBe('source.fixAll.mldebt');
    expect(applyEdits(text, fixAll.edit!.changes![URI])).toBe(fixed);
  });

  it('re-applies settings when they change', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    expect(await client.diagnosticsFor(URI, 1)).toHaveLength(1);
    client.published.delete(URI);
    await client.changeSettings({ ...TestClient.defaultSettings, rules: { 'dataframe-values': 'off' } });
    expect(await client.diagnosticsFor(URI, 1)).toEqual([]);
    client.published.delete(URI);
    await client.changeSettings({ ...TestClient.defaultSettings, rules: { 'dataframe-values': 'error' } });
    expect((await client.diagnosticsFor(URI, 1))[0].severity).toBe(1);
  });

  it('survives a garbage document and a 20 MB document, and says what it skipped', async () => {
    client = await TestClient.start();
    const garbage = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 0x3000)).join('');
    await client.open('file:///project/garbage.py', garbage);
    await client.diagnosticsFor('file:///project/garbage.py', 1);
    await client.open('file:///project/huge.py', 'x = 1\n'.repeat(3_500_000));
    expect(await client.diagnosticsFor('file:///project/huge.py', 1)).toEqual([]);
    const notice = await client.waitFor(() => client!.messages.find((m) => m.message.includes('huge.py')), 'a skip notice');
    expect(notice.message).toContain('over the 5 MB limit');
    await client.open(URI, SMELLY);
    expect(await client.diagnosticsFor(URI, 1)).toHaveLength(1);
  });

  it('skips a file nested too deeply to parse, says so, and analyses it once an edit fixes it', async () => {
    client = await TestClient.start();
    const uri = 'file:///project/generated.py';
    await client.open(uri, `import pandas as pd\nx = ${'['.repeat(30_000)}${']'.repeat(30_000)}\n`);
    expect(await client.diagnosticsFor(uri, 1)).toEqual([]);
    const notice = await client.waitFor(() => client!.messages.find((m) => m.message.includes('generated.py')), 'a skip notice');
    expect(notice.message).toContain('nests brackets or blocks too deeply');
    await client.change(uri, 2, [{ text: SMELLY }]);
    expect((await client.diagnosticsFor(uri, 2)).map((d) => d.code)).toContain('MLD207');
  });

  it('clears diagnostics when a document closes', async () => {
    client = await TestClient.start();
    await client.open(URI, SMELLY);
    await client.diagnosticsFor(URI, 1);
    client.published.delete(URI);
    await client.close(URI);
    expect(await client.diagnosticsFor(URI)).toEqual([]);
  });
});

describe('notebooks through notebook sync', () => {
  const NB = 'file:///project/explore.ipynb';

  it('publishes per cell, knows names across cells, and follows cell edits', async () => {
    client = await TestClient.start();
    const cells = await client.openNotebook(NB, [
      { source: '# Exploration', kind: 'markdown' },
      { source: '%matplotlib inline\nimport pandas as pd\ndf = pd.read_csv("a.csv")', executionOrder: 1 },
      { source: 'X = df.values', executionOrder: 2 },
    ]);
    const third = await client.diagnosticsFor(cells[2]);
    expect(third.map((d) => [d.code, d.range.start.line, d.range.start.character])).toEqual([['MLD207', 0, 4]]);
    expect(await client.diagnosticsFor(cells[1])).toEqual([]);
    // Rebind df in the second cell: the third cell's finding goes away.
    client.published.clear();
    await client.changeCell(NB, 2, cells[1], 2, [{ range: { start: { line: 2, character: 5 }, end: { line: 2, character: 25 } }, text: '[1, 2]' }]);
    expect(await client.diagnosticsFor(cells[2])).toEqual([]);
  });

  it('is pulled per cell when the client pulls, and asks for a re-pull when another cell changes', async () => {
    client = await TestClient.start({ pull: true });
    const cells = await client.openNotebook(NB, [
      { source: 'import pandas as pd\ndf = pd.read_csv("a.csv")' },
      { source: 'X = df.values' },
    ]);
    const pull = async (uri: string) => (await client!.pull(uri)).map((d) => d.code);
    expect(await pull(cells[1])).toEqual(['MLD207']);
    expect(client.published.size).toBe(0);
    const before = client.refreshes;
    await client.changeCell(NB, 2, cells[0], 2, [{ range: { start: { line: 1, character: 5 }, end: { line: 1, character: 25 } }, text: '[1, 2]' }]);
    await client.waitFor(() => (client!.refreshes > before ? true : undefined), 'a diagnostic refresh request');
    expect(await pull(cells[1])).toEqual([]);
  });

  it('asks for no re-pull when only the cells that changed have other diagnostics: the client pulls those itself', async () => {
    client = await TestClient.start({ pull: true });
    const cells = await client.openNotebook(NB, [
      { source: 'import pandas as pd\ndf = pd.read_csv("a.csv")\nA = df.values' },
      { source: 'X = df.values' },
    ]);
    const pull = async (uri: string) => (await client!.pull(uri)).map((d) => `${d.code} ${d.range.start.character}`);
    expect(await pull(cells[0])).toEqual(['MLD207 4']);
    const before = client.refreshes;
    // The first cell's finding moves along its line; the second cell's stays as it was.
    await client.changeCell(NB, 2, cells[0], 2, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'B = 1; ' }]);
    // A refresh is asked for before the pulled diagnostics are answered: none came.
    expect(await pull(cells[0])).toEqual(['MLD207 11']);
    expect(client.refreshes).toBe(before);
    expect(await pull(cells[1])).toEqual(['MLD207 4']);
  });

  it('asks for a re-pull when cells are added, though no diagnostic changed', async () => {
    client = await TestClient.start({ pull: true });
    const cells = await client.openNotebook(NB, [{ source: 'import pandas as pd\ndf = pd.read_csv("a.csv")' }, { source: 'X = df.values' }]);
    expect((await client.pull(cells[1])).map((d) => d.code)).toEqual(['MLD207']);
    const before = client.refreshes;
    const [added] = await client.insertCells(NB, 2, 2, [{ id: 'C9', source: 'y = 1' }]);
    await client.waitFor(() => (client!.refreshes > before ? true : undefined), 'a diagnostic refresh request');
    expect(await client.pull(added)).toEqual([]);
    expect((await client.pull(cells[1])).map((d) => d.code)).toEqual(['MLD207']);
  });

  it('fixes every cell with notebook.source.fixAll', async () => {
    client = await TestClient.start();
    const cells = await client.openNotebook(NB, [
      { source: 'import pandas as pd\ndf = pd.read_csv("a.csv")\nA = df.values' },
      { source: '%time B = df.dropna().values' },
    ]);
    await client.diagnosticsFor(cells[1]);
    const [action] = await codeActions(cells[0], [], ['notebook.source.fixAll.mldebt']);
    expect(action.kind).toBe('notebook.source.fixAll.mldebt');
    const changes = action.edit!.changes!;
    expect(applyEdits('import pandas as pd\ndf = pd.read_csv("a.csv")\nA = df.values', changes[cells[0]])).toBe('import pandas as pd\ndf = pd.read_csv("a.csv")\nA = df.to_numpy()');
    expect(changes[cells[1]]).toBeUndefined();
  });

  it('fixes a cell through its code action', async () => {
    client = await TestClient.start();
    const cells = await client.openNotebook(NB, [
      { source: 'import pandas as pd\ndf = pd.read_csv("a.csv")' },
      { source: '!pip list\nX = df.values' },
    ]);
    const diagnostics = await client.diagnosticsFor(cells[1]);
    const [fix] = await codeActions(cells[1], diagnostics);
    expect(applyEdits('!pip list\nX = df.values', fix.edit!.changes![cells[1]])).toBe('!pip list\nX = df.to_numpy()');
  });
});
