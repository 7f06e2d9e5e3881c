import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BACKLOG_CHANGED, BACKLOG_LIST, type FolderBacklog } from '../../../server/src/protocol';
import { registerBacklogCommands } from './commands';
import type { BacklogSnapshot } from './grouping';
import { BacklogTreeProvider } from './provider';

export interface BacklogApi {
  /** The backlog as the tree shows it now. */
  current(): BacklogSnapshot;
  /** Fires after every rebuild of the tree's model. */
  onDidRebuild: vscode.Event<BacklogSnapshot>;
}

/** The "ML Debt" view: the tree, its badge and message, the ledger kept in step with the server. */
export function registerBacklogView(context: vscode.ExtensionContext, client: LanguageClient, ready: Promise<void>): { disposables: vscode.Disposable[]; api: BacklogApi } {
  const provider = new BacklogTreeProvider(context.workspaceState);
  const view = vscode.window.createTreeView('mldebt.backlog', { treeDataProvider: provider, showCollapseAll: true });
  void vscode.commands.executeCommand('setContext', 'mldebt.backlog.grouping', provider.grouping);
  provider.onDidRebuild((s) => {
    view.badge = s.total > 0 ? { value: s.total, tooltip: `${s.total} machine-learning debt finding${s.total === 1 ? '' : 's'}` } : undefined;
    view.message = s.ledgerErrors.length > 0 ? `The backlog ledger cannot be read, and will not be written until it is fixed: ${s.ledgerErrors[0]}` : undefined;
    const f = provider.filter;
    view.description = [f.text && `“${f.text}”`, f.rule, f.severity !== undefined && `severity ${f.severity}`].filter(Boolean).join(', ') || undefined;
  });
  const refreshLedgers = async (): Promise<void> => {
    await ready;
    provider.setLedgers(await client.sendRequest<FolderBacklog[]>(BACKLOG_LIST));
  };
  void refreshLedgers();
  return {
    disposables: [provider, view, client.onNotification(BACKLOG_CHANGED, () => void refreshLedgers()), ...registerBacklogCommands(client, provider)],
    api: { current: () => provider.current, onDidRebuild: provider.onDidRebuild },
  };
}
