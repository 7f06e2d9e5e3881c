import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
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
async function screenshot(name: string): Promise<void> {
  const dir = process.env.MLDEBT_E2E_SCREENSHOTS;
  if (!dir) return;
  const done = join(dir, `${name}.done`);
  writeFileSync(join(dir, `${name}.request`), '');
  await new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(done)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > 30_000) {
        clearInterval(poll);
        reject(new Error(`screenshot ${name} was not taken`));
      }
    }, 100);
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

  it('turns df.values into df.to_numpy() with one quick fix', async () => {
    const editor = await vscode.window.showTextDocument(script());
    const [values] = mldebtDiagnostics(editor.document.uri).filter((d) => code(d) === 'MLD207');
    const fixes = await quickFixes(editor.document.uri, values.range);
    await apply(fixes.find((a) => a.title === 'Replace `.values` with `.to_numpy()`'));
    assert.equal(editor.document.lineAt(7).text, 'features = df.drop(columns=["churned"]).to_numpy()');
    await diagnosticsWhere(editor.document.uri, (d) => !d.some((x) => code(x) === 'MLD207'), 'MLD207 cleared');
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
