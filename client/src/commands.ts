import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';

/** The commands of the command palette and of the code actions' "Show documentation". */
export function registerCommands(context: vscode.ExtensionContext, client: LanguageClient, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mldebt.restartServer', async () => {
      output.info('restarting the server');
      await client.restart();
    }),
    vscode.commands.registerCommand('mldebt.showOutput', () => output.show()),
    vscode.commands.registerCommand('mldebt.analyzeWorkspace', async () => {
      const summary = await client.sendRequest(ExecuteCommandRequest.type, { command: 'mldebt.server.analyzeWorkspace', arguments: [] });
      if (summary) output.info(`workspace scan: ${JSON.stringify(summary)}`);
    }),
    vscode.commands.registerCommand('mldebt.showDocumentation', async (id: unknown) => {
      if (typeof id !== 'string' || !/^[a-z-]+$/.test(id)) return;
      const page = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${id}.md`);
      await vscode.commands.executeCommand('markdown.showPreview', page);
    }),
  ];
}
