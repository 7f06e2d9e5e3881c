import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { registerBacklog } from './handlers/backlog';
import { registerCodeAction } from './handlers/codeAction';
import { registerConfiguration } from './handlers/configuration';
import { registerDiagnostic } from './handlers/diagnostic';
import { registerExecuteCommand } from './handlers/executeCommand';
import { registerInitialize } from './handlers/initialize';
import { registerNotebookSync } from './handlers/notebookSync';
import { registerTextDocumentSync } from './handlers/textDocumentSync';
import { Workspace } from './workspace';
import { rescanChangedFiles } from './workspaceScan';

/** The mldebt language server: connection wiring only; each LSP method lives in handlers/. */
const connection = createConnection(ProposedFeatures.all);
const workspace = new Workspace(connection);

const scanner = registerExecuteCommand(connection, workspace);
registerInitialize(connection, workspace, () => void scanner.scanOnStart());
registerTextDocumentSync(connection, workspace);
registerNotebookSync(connection, workspace);
registerDiagnostic(connection, workspace);
registerCodeAction(connection, workspace);
const watchers = [registerConfiguration(connection, workspace), registerBacklog(connection, workspace), rescanChangedFiles(workspace)];
connection.onDidChangeWatchedFiles(({ changes }) => watchers.forEach((w) => w(changes)));

process.on('uncaughtException', (e) => workspace.log.error(`uncaught: ${e.stack ?? String(e)}`));
connection.listen();
