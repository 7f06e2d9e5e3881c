import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** The extension in a real VS Code: diagnostics, quick fixes and suppressions, in a script and a notebook. */

const folder = (): vscode.Uri => vscode.workspace.workspaceFolders![0].uri;
const measurements = (globalThis as { mldebtMeasurements?: Record<string, number> }).mldebtMeasurements ?? {};

function mldebtDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mldebt');
}

function code(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Resolves when the diagnostics of `uri` satisfy `ok`; waits for VS Code's event, never sleeps. */
function diagnosticsWhere(uri: vscode.Uri, ok: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = mldebtDiagnostics(uri);
      if (!ok(ds)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${what}; diagnostics now: ${JSON.stringify(mldebtDiagnostics(uri).map((d) => [code(d), d.range.start.line]))}`));
    }, 30_000);
    check();
  });
}

/** Asks the launcher for a screenshot of the page as it is now and waits until it is taken. */
function screenshot(name: string): Promise<void> {
  return ui(name, { type: 'screenshot' });
}

/** Asks the launcher to type into the open input box or quick pick (and press Enter), as a person would. */
let keystrokes = 0;
function type(text: string): Promise<void> {
  return ui(`keys-${++keystrokes}`, { type: 'keys', text });
}

/** A request to the launcher, which drives the browser; resolves when it is done. */
async function ui(name: string, action: { type: 'screenshot' } | { type: 'keys'; text: string }): Promise<void> {
  const dir = process.env.MLDEBT_E2E_SCREENSHOTS;
  if (!dir) throw new Error('this suite needs a launcher that drives the UI (MLDEBT_E2E_SCREENSHOTS)');
  const done = join(dir, `${name}.done`);
  writeFileSync(join(dir, `${name}.request`), JSON.stringify(action));
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(done)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 30_000) {
        clearInterval(poll);
        reject(new Error(`the launcher did not do ${name}`));
      }
    }, 100);
  });
}

interface BacklogSnapshotView {
  total: number;
  groups: Array<{ label: string; count: number; groups?: Array<{ label: string; count: number }> }>;
  findings: Array<{ uri: vscode.Uri; range: vscode.Range; code: string; rule: string; file: string; fingerprint: string; item?: { note: string } }>;
  gone: unknown[];
}

interface BacklogApiView {
  current(): BacklogSnapshotView;
  onDidRebuild: vscode.Event<BacklogSnapshotView>;
}

async function backlogApi(): Promise<BacklogApiView> {
  const extension = vscode.extensions.all.find((e) => e.packageJSON.name === 'mldebt')!;
  const api = (await extension.activate()) as { backlog: BacklogApiView; activationMs: number };
  measurements.activationMs = Math.round(api.activationMs * 10) / 10;
  return api.backlog;
}

/** Resolves when the backlog model satisfies `ok`, waiting for its rebuilds. */
function backlogWhere(api: BacklogApiView, ok: (s: BacklogSnapshotView) => boolean, what: string): Promise<BacklogSnapshotView> {
  return new Promise((resolve, reject) => {
    if (ok(api.current())) return resolve(api.current());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no ${what}; backlog now: ${JSON.stringify({ total: api.current().total, gone: api.current().gone.length })}`));
    }, 30_000);
    const sub = api.onDidRebuild((s) => {
      if (!ok(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];
}

async function apply(action: vscode.CodeAction | undefined): Promise<void> {
  assert.ok(action?.edit, `action ${action?.title} has an edit`);
  assert.ok(await vscode.workspace.applyEdit(action.edit));
}

describe('mldebt in VS Code', () => {
  const script = (): vscode.Uri => vscode.Uri.joinPath(folder(), 'train.py');
  const notebookUri = (): vscode.Uri => vscode.Uri.joinPath(folder(), 'explore.ipynb');

  it('shows findings in a Python file with their codes and ranges', async () => {
    const started = Date.now();
    const editor = await vscode.window.showTextDocument(script());
    const ds = await diagnosticsWhere(editor.document.uri, (d) => d.length >= 2, 'findings in train.py');
    measurements.openToDiagnosticsMs = Date.now() - started;
    const got = ds.map((d) => [code(d), d.range.start.line, d.range.start.character]).sort();
    assert.deepEqual(got, [['MLD101', 8, 8], ['MLD207', 7, 11]]);
    const values = ds.find((d) => code(d) === 'MLD207')!;
    assert.equal(editor.document.getText(values.range), 'df.drop(columns=["churned"]).values');
    editor.selection = new vscode.Selection(values.range.start, values.range.start);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('editor.action.quickFix');
    await screenshot('script');
  });

  it('shows findings in notebook cells, with names known across cells', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(notebookUri());
    await vscode.window.showNotebookDocument(notebook);
    const cells = notebook.getCells();
    const ds = await diagnosticsWhere(cells[2].document.uri, (d) => d.length > 0, 'findings in the third cell');
    assert.deepEqual(ds.map((d) => [code(d), d.range.start.line, d.range.start.character]), [['MLD207', 0, 4]]);
    assert.deepEqual(mldebtDiagnostics(cells[1].document.uri), []);
    await screenshot('notebook');
  });

  it('shows every finding in the backlog tree, grouped by category and rule, with counts', async () => {
    const api = await backlogApi();
    const snapshot = await backlogWhere(api, (s) => s.total === 3, 'three findings in the backlog');
    assert.deepEqual(
      snapshot.groups.map((g) => [g.label, g.count, (g.groups ?? []).map((r) => [r.label, r.count])]),
      [
        ['Reproducibility', 1, [['MLD101 unseeded-randomness', 1]]],
        ['Data and pipeline', 2, [['MLD207 dataframe-values', 2]]],
      ],
    );
  });

  it('opens a finding from the tree at its range', async () => {
    const api = await backlogApi();
    const finding = api.current().findings.find((f) => f.code === 'MLD101')!;
    await vscode.commands.executeCommand('mldebt.backlog.open', finding);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.toString(), script().toString());
    assert.equal(editor.selection.start.line, 8);
  });

  it('adds a finding to the backlog ledger, asking for a note and its interest', async () => {
    const api = await backlogApi();
    const finding = api.current().findings.find((f) => f.code === 'MLD207' && f.file === 'train.py')!;
    const target = { uri: finding.uri.toString(), line: finding.range.start.line, character: finding.range.start.character, endLine: finding.range.end.line, endCharacter: finding.range.end.character, fingerprint: finding.fingerprint, rule: finding.rule };
    const adding = vscode.commands.executeCommand('mldebt.backlog.add', target);
    await type('The exporter still needs a raw array');
    await type('high');
    await type('');
    await adding;
    const ledger = JSON.parse(readFileSync(join(folder().fsPath, '.mldebt', 'backlog.json'), 'utf8'));
    assert.equal(ledger.items.length, 1);
    assert.deepEqual(
      [ledger.items[0].rule, ledger.items[0].file, ledger.items[0].note, ledger.items[0].priority, ledger.items[0].status, ledger.items[0].snippet],
      ['dataframe-values', 'train.py', 'The exporter still needs a raw array', 'high', 'open', 'df.drop(columns=["churned"]).values'],
    );
    await backlogWhere(api, (s) => s.findings.some((f) => f.item?.note === 'The exporter still needs a raw array'), 'the finding marked as in the backlog');
    await vscode.commands.executeCommand('workbench.view.extension.mldebt');
    await screenshot('backlog');
  });

  it('turns df.values into df.to_numpy() with one quick fix', async () => {
    const editor = await vscode.window.showTextDocument(script());
    const [values] = mldebtDiagnostics(editor.document.uri).filter((d) => code(d) === 'MLD207');
    const fixes = await quickFixes(editor.document.uri, values.range);
    await apply(fixes.find((a) => a.title === 'Replace `.values` with `.to_numpy()`'));
    assert.equal(editor.document.lineAt(7).text, 'features = df.drop(columns=["churned"]).to_numpy()');
    await diagnosticsWhere(editor.document.uri, (d) => !d.some((x) => code(x) === 'MLD207'), 'MLD207 cleared');
    // The backlog item of the fixed line now reads as resolved: its code is gone.
    await backlogWhere(await backlogApi(), (s) => s.gone.length === 1, 'the ledger item shown as resolved');
  });

  it('suppresses a finding on its line', async () => {
    const editor = await vscode.window.showTextDocument(script());
    const [seed] = mldebtDiagnostics(editor.document.uri).filter((d) => code(d) === 'MLD101');
    const fixes = await quickFixes(editor.document.uri, seed.range);
    await apply(fixes.find((a) => a.title === 'Suppress unseeded-randomness on this line'));
    assert.equal(editor.document.lineAt(8).text, 'model = RandomForestClassifier(n_estimators=300)  # mldebt: ignore[unseeded-randomness]');
    await diagnosticsWhere(editor.document.uri, (d) => d.length === 0, 'no findings left');
  });

  it('warns as the user types df.values, and fixes it in a notebook cell too', async () => {
    const editor = await vscode.window.showTextDocument(script());
    const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
    const typed = Date.now();
    await editor.edit((b) => b.insert(end, 'y = df.values\n'));
    const ds = await diagnosticsWhere(editor.document.uri, (d) => d.some((x) => code(x) === 'MLD207'), 'a warning for the typed line');
    measurements.typeToDiagnosticMs = Date.now() - typed;
    assert.equal(ds.find((x) => code(x) === 'MLD207')!.range.start.line, end.line);

    const notebook = await vscode.workspace.openNotebookDocument(notebookUri());
    const cell = notebook.getCells()[2].document;
    const [d] = await diagnosticsWhere(cell.uri, (x) => x.length > 0, 'the notebook finding');
    await apply((await quickFixes(cell.uri, d.range)).find((a) => a.title === 'Replace `.values` with `.to_numpy()`'));
    assert.equal(cell.getText(), 'X = loans.to_numpy()');
    await diagnosticsWhere(cell.uri, (x) => x.length === 0, 'the notebook finding cleared');
  });
});
