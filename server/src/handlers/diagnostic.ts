import { DocumentDiagnosticReportKind, type Connection } from 'vscode-languageserver';
import type { Workspace } from '../workspace';

/** `textDocument/diagnostic` (pull diagnostics): answers once the current version is analysed. */
export function registerDiagnostic(connection: Connection, workspace: Workspace): void {
  connection.languages.diagnostics.on(async ({ textDocument }, token) => {
    const owner = workspace.ownerOf(textDocument.uri);
    const snapshot = await workspace.snapshotFor(owner);
    if (token.isCancellationRequested) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return { kind: DocumentDiagnosticReportKind.Full, items: snapshot?.byUri.get(textDocument.uri) ?? [] };
  });
}
