import { fileURLToPath } from 'node:url';
import { CodeActionKind, DidChangeConfigurationNotification, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver';
import { PythonParser, wasmIn } from '../engine/parser';
import { VERSION } from '../version';
import type { Workspace } from '../workspace';
import { ANALYZE_WORKSPACE_COMMAND } from './executeCommand';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mldebt`;
export const NOTEBOOK_FIX_ALL_KIND = `notebook.${CodeActionKind.SourceFixAll}.mldebt`;

/** `initialize`: loads the parser, learns what the client supports, declares what the server does. */
export function registerInitialize(connection: Connection, workspace: Workspace, initialized: () => void): void {
  let dynamicConfiguration = false;
  connection.onInitialize(async (params): Promise<InitializeResult> => {
    const caps = params.capabilities;
    workspace.pullDiagnostics = caps.textDocument?.diagnostic !== undefined;
    workspace.diagnosticRefresh = caps.workspace?.diagnostics?.refreshSupport === true;
    workspace.configurationRequests = caps.workspace?.configuration === true;
    dynamicConfiguration = caps.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    workspace.roots = (params.workspaceFolders ?? [])
      .filter((f) => f.uri.startsWith('file:'))
      .map((f) => fileURLToPath(f.uri));
    workspace.parser = await PythonParser.load(wasmIn(__dirname));
    return {
      serverInfo: { name: 'mldebt', version: VERSION },
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }], save: true },
        diagnosticProvider: workspace.pullDiagnostics ? { identifier: 'mldebt', interFileDependencies: false, workspaceDiagnostics: false } : undefined,
        executeCommandProvider: { commands: [ANALYZE_WORKSPACE_COMMAND] },
        codeActionProvider: {
          codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND],
          resolveProvider: true,
        },
      },
    };
  });
  connection.onInitialized(() => {
    void workspace.readLogLevel();
    initialized();
    if (dynamicConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'mldebt' });
  });
}
