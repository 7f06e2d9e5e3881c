import type { Connection } from 'vscode-languageserver';
import type { Workspace } from '../workspace';

/** `textDocument/didOpen|didChange|didSave|didClose` for Python files. */
export function registerTextDocumentSync(connection: Connection, workspace: Workspace): void {
  connection.onDidOpenTextDocument(({ textDocument: d }) => {
    if (d.languageId !== 'python') return;
    workspace.openPython(d.uri, d.text, d.version);
    workspace.schedule(d.uri, 'now');
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const doc = workspace.pythonDocument(textDocument.uri);
    if (!doc) return;
    doc.update(
      contentChanges.map((c) => ('range' in c ? { range: { start: pos(c.range.start), end: pos(c.range.end) }, text: c.text } : { text: c.text })),
      textDocument.version,
    );
    void workspace.settingsFor(textDocument.uri).then((s) => {
      if (s.editor.run === 'onType') workspace.schedule(textDocument.uri);
    });
  });

  connection.onDidSaveTextDocument(({ textDocument }) => workspace.schedule(textDocument.uri, 'now'));
  connection.onDidCloseTextDocument(({ textDocument }) => workspace.close(textDocument.uri));
}

function pos(p: { line: number; character: number }) {
  return { line: p.line, column: p.character };
}
