import * as vscode from 'vscode';
import type { Finding, SeverityValue } from './grouping';

/** Where the backlog's findings come from: mldebt's diagnostics as VS Code holds them. */

/** Reads mldebt's diagnostics from VS Code (files, notebook cells, and scanned closed files). */
export function collectFindings(): Finding[] {
  const out: Finding[] = [];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    const owner = ownerUri(uri);
    const folder = vscode.workspace.getWorkspaceFolder(owner);
    const file = folder ? vscode.workspace.asRelativePath(owner, false) : owner.fsPath;
    for (const d of diagnostics) {
      if (d.source !== 'mldebt') continue;
      const data = (d as vscode.Diagnostic & { data?: { id?: string; category?: string; fingerprint?: string } }).data;
      out.push({
        uri: uri.toString(),
        range: { start: { line: d.range.start.line, character: d.range.start.character }, end: { line: d.range.end.line, character: d.range.end.character } },
        code: typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''),
        rule: data?.id ?? '',
        category: data?.category ?? 'meta',
        severity: d.severity as SeverityValue,
        message: d.message,
        fingerprint: data?.fingerprint ?? '',
        file,
        folder: folder?.uri.toString(),
      });
    }
  }
  return out;
}

/** The notebook a cell belongs to, or the URI itself. */
export function ownerUri(uri: vscode.Uri): vscode.Uri {
  if (uri.scheme !== 'vscode-notebook-cell') return uri;
  const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document.uri.toString() === uri.toString()));
  return notebook?.uri ?? uri.with({ scheme: 'file', fragment: '' });
}

