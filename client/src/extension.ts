import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';
import { FindingsStatusBar } from './statusBar';

let client: LanguageClient | undefined;

/** Starts the language server for Python files and notebooks; everything else hangs off it. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('mldebt', { log: true });
  client = createLanguageClient(context, output);
  context.subscriptions.push(output, client, new FindingsStatusBar(), ...registerCommands(context, client, output));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
