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
}

/** Starts the language server for Python files and notebooks; everything else hangs off it. */
export async function activate(context: vscode.ExtensionContext): Promise<MldebtApi> {
  const output = vscode.window.createOutputChannel('mldebt', { log: true });
  client = createLanguageClient(context, output);
  context.subscriptions.push(output, client, new FindingsStatusBar(), ...registerCommands(context, client, output));
  await client.start();
  const backlog = registerBacklogView(context, client);
  context.subscriptions.push(...backlog.disposables);
  return { backlog: backlog.api };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
