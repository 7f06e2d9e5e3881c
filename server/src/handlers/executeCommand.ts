import type { CancellationToken, Connection, WorkDoneProgressReporter } from 'vscode-languageserver';
import { scanWorkspace, type ScanSummary } from '../workspaceScan';
import type { Workspace } from '../workspace';

export const ANALYZE_WORKSPACE_COMMAND = 'mldebt.server.analyzeWorkspace';

/**
 * `workspace/executeCommand`: the workspace scan, with cancellable progress in the client. The scan
 * also starts by itself after initialisation (unless `mldebt.workspaceScan` is off); one at a time.
 */
export function registerExecuteCommand(connection: Connection, workspace: Workspace): { scanOnStart(): Promise<void> } {
  let running: Promise<ScanSummary> | undefined;
  const scan = async (progress?: WorkDoneProgressReporter, token?: CancellationToken): Promise<ScanSummary> => {
    if (running) await running.catch(() => undefined);
    if (!progress) {
      // No client-offered progress token: create one, whose cancel button is the token.
      const created = await connection.window.createWorkDoneProgress();
      progress = created;
      token = created.token;
    }
    running = scanWorkspace(workspace, progress, token!);
    return running;
  };
  connection.onExecuteCommand(async ({ command }, token, workDone) => {
    if (command !== ANALYZE_WORKSPACE_COMMAND) return undefined;
    return workDone ? scan(workDone, token) : scan();
  });
  return {
    async scanOnStart() {
      if (workspace.roots.length > 0 && (await workspace.scanOnStart())) await scan();
    },
  };
}
