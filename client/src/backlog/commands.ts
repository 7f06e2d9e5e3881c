import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ADD_TO_BACKLOG_COMMAND, BACKLOG_ADD, BACKLOG_UPDATE, type BacklogAddParams, type BacklogResult, type BacklogUpdateParams, type Interest } from '../../../server/src/protocol';
import { SEVERITY_TITLES, type Finding, type SeverityValue } from './grouping';
import { FindingNode, GoneNode, type BacklogTreeProvider } from './provider';
import { summaryMarkdown } from './summary';

type AddTarget = Omit<BacklogAddParams, 'note' | 'priority' | 'owner'>;

/** The backlog view's commands: grouping, filtering, opening findings, and curating the ledger. */
export function registerBacklogCommands(client: LanguageClient, provider: BacklogTreeProvider): vscode.Disposable[] {
  const update = async (params: BacklogUpdateParams): Promise<void> => report(await client.sendRequest<BacklogResult>(BACKLOG_UPDATE, params));
  const itemOf = (node: unknown): { folder: string; file: string; fingerprint: string; note: string } | undefined => {
    if (node instanceof FindingNode && node.finding.item && node.finding.folder) {
      return { folder: node.finding.folder, file: node.finding.item.file, fingerprint: node.finding.item.fingerprint, note: node.finding.item.note };
    }
    if (node instanceof GoneNode) return { folder: node.gone.folder, file: node.gone.item.file, fingerprint: node.gone.item.fingerprint, note: node.gone.item.note };
    return undefined;
  };
  return [
    vscode.commands.registerCommand('mldebt.backlog.groupByCategory', () => provider.setGrouping('category')),
    vscode.commands.registerCommand('mldebt.backlog.groupByFile', () => provider.setGrouping('file')),
    vscode.commands.registerCommand('mldebt.backlog.groupBySeverity', () => provider.setGrouping('severity')),
    vscode.commands.registerCommand('mldebt.backlog.clearFilter', () => provider.setFilter({})),
    vscode.commands.registerCommand('mldebt.backlog.filter', () => chooseFilter(provider)),
    vscode.commands.registerCommand('mldebt.backlog.open', (f: Finding) => openFinding(f)),
    vscode.commands.registerCommand('mldebt.backlog.summary', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: summaryMarkdown(provider.current) });
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    }),
    vscode.commands.registerCommand(ADD_TO_BACKLOG_COMMAND, async (target: AddTarget | FindingNode) => {
      const t = target instanceof FindingNode ? targetOf(target.finding) : target;
      const note = await vscode.window.showInputBox({ title: `Add ${t.rule} to the backlog`, prompt: 'Why is this debt accepted for now, and what would pay it down?', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'A note helps whoever picks this up') });
      if (note === undefined) return;
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'high', description: 'costs us every week: pay it down soon', value: 'high' as Interest },
          { label: 'medium', description: 'slows us now and then', value: 'medium' as Interest },
          { label: 'low', description: 'tolerable for now', value: 'low' as Interest },
        ],
        { title: 'Interest: how much does this debt cost while it stays?', ignoreFocusOut: true },
      );
      if (!pick) return;
      const owner = await vscode.window.showInputBox({ title: 'Owner', value: userInfo().username, ignoreFocusOut: true });
      if (owner === undefined) return;
      report(await client.sendRequest<BacklogResult>(BACKLOG_ADD, { ...t, note: note.trim(), priority: pick.value, owner } satisfies BacklogAddParams));
    }),
    vscode.commands.registerCommand('mldebt.backlog.editNote', async (node: unknown) => {
      const item = itemOf(node);
      if (!item) return;
      const note = await vscode.window.showInputBox({ title: 'Backlog note', value: item.note, ignoreFocusOut: true });
      if (note !== undefined) await update({ ...item, note });
    }),
    vscode.commands.registerCommand('mldebt.backlog.markResolved', async (node: unknown) => {
      const item = itemOf(node);
      if (item) await update({ ...item, status: 'resolved' });
    }),
    vscode.commands.registerCommand('mldebt.backlog.remove', async (node: unknown) => {
      const item = itemOf(node);
      if (!item) return;
      const ok = await vscode.window.showWarningMessage(`Remove this item from the backlog ledger?`, { modal: true }, 'Remove');
      if (ok === 'Remove') await update({ ...item, remove: true });
    }),
  ];
}

function report(result: BacklogResult): void {
  if (!result.ok) void vscode.window.showErrorMessage(`mldebt: the backlog was not changed: ${result.error}`);
}

function targetOf(f: Finding): AddTarget {
  return { uri: f.uri, line: f.range.start.line, character: f.range.start.character, endLine: f.range.end.line, endCharacter: f.range.end.character, fingerprint: f.fingerprint, rule: f.rule };
}

/** Opens a finding at its range; a notebook cell's finding opens the notebook at that cell. */
async function openFinding(f: Finding): Promise<void> {
  const uri = vscode.Uri.parse(f.uri);
  const selection = new vscode.Range(f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character);
  if (uri.scheme === 'vscode-notebook-cell') {
    const notebook = vscode.workspace.notebookDocuments.find((n) => n.getCells().some((c) => c.document.uri.toString() === f.uri));
    if (notebook) {
      const index = notebook.getCells().findIndex((c) => c.document.uri.toString() === f.uri);
      const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(index, index + 1)] });
      editor.revealRange(new vscode.NotebookRange(index, index + 1), vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
    }
  }
  await vscode.window.showTextDocument(uri, { selection, preview: true });
}

async function chooseFilter(provider: BacklogTreeProvider): Promise<void> {
  const kind = await vscode.window.showQuickPick(['Text…', 'Rule…', 'Severity…', 'Clear the filter'], { title: 'Filter the backlog' });
  if (kind === 'Text…') {
    const text = await vscode.window.showInputBox({ title: 'Show findings whose message, file, rule or note contains', value: provider.filter.text });
    if (text !== undefined) provider.setFilter({ ...provider.filter, text: text || undefined });
  } else if (kind === 'Rule…') {
    const rules = [...new Set(provider.current.findings.map((f) => `${f.code} ${f.rule}`))].sort();
    const rule = await vscode.window.showQuickPick(rules, { title: 'Show findings of the rule' });
    if (rule) provider.setFilter({ ...provider.filter, rule: rule.split(' ')[1] });
  } else if (kind === 'Severity…') {
    const pick = await vscode.window.showQuickPick(
      Object.entries(SEVERITY_TITLES).map(([value, label]) => ({ label, value: Number(value) as SeverityValue })),
      { title: 'Show findings of the severity' },
    );
    if (pick) provider.setFilter({ ...provider.filter, severity: pick.value });
  } else if (kind === 'Clear the filter') {
    provider.setFilter({});
  }
}
