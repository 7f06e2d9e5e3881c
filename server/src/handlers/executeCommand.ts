import type { Connection } from 'vscode-languageserver';
import { scanWorkspace } from '../workspaceScan';
import type { Workspace } from '../workspace';

export const ANALYZE_WORKSPACE_COMMAND = 'mldebt.server.analyzeWorkspace';

/** `workspace/executeCommand`: the workspace scan, with cancellable progress in the client. */
export function registerExecuteCommand(connection: Connection, workspace: Workspace): void {
  connection.onExecuteCommand(async ({ command }, token, workDone) => {
    if (command !== ANALYZE_WORKSPACE_COMMAND) return undefined;
    if (workDone) return scanWorkspace(workspace, workDone, token);
    // The client did not offer a progress token: create one, whose cancel button is the token.
    const progress = await connection.window.createWorkDoneProgress();
    return scanWorkspace(workspace, progress, progress.token);
  });
}
