import * as vscode from 'vscode';

/** The open file's (or notebook's) mldebt finding count; a click opens the Problems panel. */
export class FindingsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mldebt.findings', vscode.StatusBarAlignment.Right, 100);
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'mldebt findings';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions = [
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
    ];
    this.update();
  }

  private update(): void {
    const uris = this.activeUris();
    if (uris.length === 0) {
      this.item.hide();
      return;
    }
    const count = uris.reduce((n, uri) => n + vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'mldebt').length, 0);
    this.item.text = `$(${count ? 'warning' : 'check'}) mldebt ${count}`;
    this.item.tooltip = count ? `${count} machine-learning debt finding${count === 1 ? '' : 's'} in this ${uris.length > 1 ? 'notebook' : 'file'}` : 'No machine-learning debt found here';
    this.item.show();
  }

  private activeUris(): vscode.Uri[] {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook) return notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code).map((c) => c.document.uri);
    const doc = vscode.window.activeTextEditor?.document;
    return doc?.languageId === 'python' ? [doc.uri] : [];
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
