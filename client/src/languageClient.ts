import { join } from 'node:path';
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, LanguageClient, TransportKind, type ErrorHandler, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { serverEnvironment, serverExecArgv } from './serverEnvironment';

const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** The client for the bundled server, started over IPC in its own Node process. */
export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('server/out/main.js');
  // The extension's own storage: private to the user, kept across sessions.
  const env = serverEnvironment(process.env, join(context.globalStorageUri.fsPath, 'code-cache'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env, execArgv: serverExecArgv() } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: [...serverExecArgv(), '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files on disk, unsaved buffers and notebook cells (cells are synced through notebook sync,
    // and listed here so that code actions and pulled diagnostics reach them).
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'vscode-notebook-cell', language: 'python' },
    ],
    synchronize: {
      fileEvents: ['**/pyproject.toml', '**/.mldebt/backlog.json', '**/*.py', '**/*.ipynb'].map((glob) => vscode.workspace.createFileSystemWatcher(glob)),
    },
    outputChannel: output,
    errorHandler: new RestartingErrorHandler(output),
  };
  return new LanguageClient('mldebt', 'mldebt', serverOptions, clientOptions);
}

/** Restarts a crashed server a few times, telling the user; then stops and says where to look. */
class RestartingErrorHandler implements ErrorHandler {
  private restarts: number[] = [];

  constructor(private readonly output: vscode.LogOutputChannel) {}

  error(): { action: ErrorAction } {
    return { action: ErrorAction.Continue };
  }

  closed(): { action: CloseAction; message?: string; handled?: boolean } {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      this.output.error(`the server crashed ${MAX_RESTARTS + 1} times in 3 minutes and will not be restarted`);
      void vscode.window.showErrorMessage(`mldebt's server crashed ${MAX_RESTARTS + 1} times in 3 minutes and was stopped. Run "mldebt: Restart Server" to try again.`, 'Show Output').then((choice) => {
        if (choice) this.output.show();
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.restarts.push(now);
    this.output.warn(`the server stopped unexpectedly; restarting (${this.restarts.length} of ${MAX_RESTARTS})`);
    void vscode.window.showWarningMessage(`mldebt's server stopped unexpectedly and was restarted (${this.restarts.length} of ${MAX_RESTARTS}).`);
    return { action: CloseAction.Restart, handled: true };
  }
}
