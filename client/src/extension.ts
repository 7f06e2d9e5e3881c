import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerBacklogView, type BacklogApi } from './backlog/view';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';
import { FindingsStatusBar } from './statusBar';

let client: LanguageClient | undefined;

/** What the extension offers other extensions (and its end-to-end tests). */
export interface MldebtApi {
  backlog: BacklogApi;
  /** Milliseconds activate() took (the server starts after it, in the background). */
  activationMs: number;
  /** Resolves once the language server is running. */
  ready: Promise<void>;
}

/** Starts the language server for Python files and notebooks, without waiting for it. */
export function activate(context: vscode.ExtensionContext): MldebtApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('mldebt', { log: true });
  client = createLanguageClient(context, output);
  const ready = client.start();
  const backlog = registerBacklogView(context, client, ready);
  context.subscriptions.push(output, client, new FindingsStatusBar(), ...registerCommands(context, client, output), ...backlog.disposables);
  const activationMs = performance.now() - started;
  ready.then(
    () => output.info(`activated in ${activationMs.toFixed(1)} ms; server running ${(performance.now() - started).toFixed(0)} ms after activation began`),
    (e: unknown) => output.error(`the server did not start: ${e instanceof Error ? e.message : String(e)}`),
  );
  return { backlog: backlog.api, activationMs, ready };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
