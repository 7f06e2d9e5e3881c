import type { Connection } from 'vscode-languageserver';
import type { Workspace } from '../workspace';

/** `workspace/didChangeConfiguration` and watched pyproject.toml files: re-read settings, re-analyse. */
export function registerConfiguration(connection: Connection, workspace: Workspace): void {
  const refresh = (): void => {
    workspace.settingsChanged();
    if (workspace.pullDiagnostics) void connection.languages.diagnostics.refresh().catch(() => undefined);
  };
  connection.onDidChangeConfiguration(refresh);
  connection.onDidChangeWatchedFiles(({ changes }) => {
    if (changes.some((c) => c.uri.endsWith('/pyproject.toml'))) refresh();
  });
}
