import type { Connection, FileEvent } from 'vscode-languageserver';
import type { Workspace } from '../workspace';

/** `workspace/didChangeConfiguration` and watched pyproject.toml files: re-read settings, re-analyse. */
/** Returns what to do when watched files change (the server has one handler for all watchers). */
export function registerConfiguration(connection: Connection, workspace: Workspace): (changes: FileEvent[]) => void {
  const refresh = (): void => {
    workspace.settingsChanged();
    if (workspace.pullDiagnostics) void connection.languages.diagnostics.refresh().catch(() => undefined);
  };
  connection.onDidChangeConfiguration(refresh);
  return (changes) => {
    if (changes.some((c) => c.uri.endsWith('/pyproject.toml'))) refresh();
  };
}
