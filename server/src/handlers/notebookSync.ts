import { NotebookCellKind, type Connection, type NotebookCell, type TextDocumentItem } from 'vscode-languageserver';
import { NotebookDocument, type LiveCell } from '../engine/documents';
import type { Workspace } from '../workspace';

/** `notebookDocument/didOpen|didChange|didSave|didClose` (LSP 3.17 notebook sync). */
export function registerNotebookSync(connection: Connection, workspace: Workspace): void {
  const sync = connection.notebooks.synchronization;

  sync.onDidOpenNotebookDocument(({ notebookDocument: nb, cellTextDocuments }) => {
    const texts = new Map(cellTextDocuments.map((d) => [d.uri, d]));
    const cells = nb.cells.map((c) => liveCell(c, texts.get(c.document)));
    workspace.openNotebook(nb.uri, new NotebookDocument(workspace.python, cells, nb.version));
    workspace.schedule(nb.uri, 'now');
  });

  sync.onDidChangeNotebookDocument(({ notebookDocument, change }) => {
    const doc = workspace.notebookDocument(notebookDocument.uri);
    if (!doc) return;
    const structure = change.cells?.structure;
    const data = change.cells?.data;
    if (structure || data) {
      const cells = [...doc.cellList];
      if (structure) {
        const opened = new Map((structure.didOpen ?? []).map((d) => [d.uri, d]));
        const { start, deleteCount, cells: added } = structure.array;
        cells.splice(start, deleteCount, ...(added ?? []).map((c) => liveCell(c, opened.get(c.document))));
      }
      for (const changed of data ?? []) {
        const i = cells.findIndex((c) => c.id === changed.document);
        if (i !== -1) cells[i] = { ...liveCell(changed, undefined), text: cells[i].text, version: cells[i].version };
      }
      doc.setCells(cells);
      workspace.indexCells(notebookDocument.uri, doc);
    }
    for (const { document, changes } of change.cells?.textContent ?? []) {
      doc.updateCell(
        document.uri,
        changes.map((c) => ('range' in c ? { range: { start: { line: c.range.start.line, column: c.range.start.character }, end: { line: c.range.end.line, column: c.range.end.character } }, text: c.text } : { text: c.text })),
        document.version,
      );
    }
    doc.version = notebookDocument.version;
    workspace.schedule(notebookDocument.uri, change.cells?.textContent ? 'debounced' : 'now');
  });

  sync.onDidSaveNotebookDocument(({ notebookDocument }) => workspace.schedule(notebookDocument.uri, 'now'));
  sync.onDidCloseNotebookDocument(({ notebookDocument }) => workspace.close(notebookDocument.uri));
}

function liveCell(cell: NotebookCell, text: TextDocumentItem | undefined): LiveCell {
  return {
    id: cell.document,
    kind: cell.kind === NotebookCellKind.Code && (text?.languageId ?? 'python') === 'python' ? 'code' : 'markdown',
    text: text?.text ?? '',
    version: text?.version ?? 0,
    executionOrder: cell.executionSummary?.executionOrder ?? null,
    failed: cell.executionSummary?.success === false,
  };
}
