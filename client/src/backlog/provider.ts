import * as vscode from 'vscode';
import type { FolderBacklog } from '../../../server/src/protocol';
import { buildSnapshot, type BacklogSnapshot, type Filter, type Finding, type GoneItem, type Group, type Grouping } from './grouping';
import { collectFindings } from './model';

export type BacklogNode = GroupNode | FindingNode | GoneNode;

export class GroupNode {
  constructor(readonly group: Group) {}
}

export class FindingNode {
  constructor(readonly finding: Finding) {}
}

export class GoneNode {
  constructor(readonly gone: GoneItem) {}
}

const REFRESH_DELAY_MS = 300;

/**
 * The tech-debt backlog tree: groups with counts, findings that open at their range, and ledger
 * items whose code is gone. The model is rebuilt (debounced) when diagnostics or ledgers change.
 */
export class BacklogTreeProvider implements vscode.TreeDataProvider<BacklogNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<BacklogNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rebuilt = new vscode.EventEmitter<BacklogSnapshot>();
  /** Fires after every rebuild (the view's badge and message follow it; tests wait for it). */
  readonly onDidRebuild = this.rebuilt.event;
  private snapshot: BacklogSnapshot = { findings: [], gone: [], groups: [], total: 0, ledgerErrors: [] };
  private ledgers: FolderBacklog[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;
  grouping: Grouping;
  filter: Filter = {};

  constructor(private readonly state: vscode.Memento) {
    this.grouping = state.get<Grouping>('mldebt.backlog.grouping', 'category');
    this.subscription = vscode.languages.onDidChangeDiagnostics(() => this.scheduleRebuild());
  }

  get current(): BacklogSnapshot {
    return this.snapshot;
  }

  setLedgers(ledgers: FolderBacklog[]): void {
    this.ledgers = ledgers;
    this.rebuild();
  }

  async setGrouping(grouping: Grouping): Promise<void> {
    this.grouping = grouping;
    await this.state.update('mldebt.backlog.grouping', grouping);
    await vscode.commands.executeCommand('setContext', 'mldebt.backlog.grouping', grouping);
    this.rebuild();
  }

  setFilter(filter: Filter): void {
    this.filter = filter;
    void vscode.commands.executeCommand('setContext', 'mldebt.backlog.filtered', Object.values(filter).some((v) => v !== undefined && v !== ''));
    this.rebuild();
  }

  scheduleRebuild(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.rebuild(), REFRESH_DELAY_MS);
  }

  rebuild(): void {
    clearTimeout(this.timer);
    this.snapshot = buildSnapshot(collectFindings(), this.ledgers, this.grouping, this.filter);
    this.changed.fire(undefined);
    this.rebuilt.fire(this.snapshot);
  }

  getChildren(node?: BacklogNode): BacklogNode[] {
    if (!node) {
      const roots: BacklogNode[] = this.snapshot.groups.map((g) => new GroupNode(g));
      if (this.snapshot.gone.length > 0) roots.push(new GroupNode({ key: 'gone', label: 'Resolved (code gone)', count: this.snapshot.gone.length }));
      return roots;
    }
    if (node instanceof GroupNode) {
      if (node.group.key === 'gone') return this.snapshot.gone.map((g) => new GoneNode(g));
      return [...(node.group.groups ?? []).map((g) => new GroupNode(g)), ...(node.group.findings ?? []).map((f) => new FindingNode(f))];
    }
    return [];
  }

  getTreeItem(node: BacklogNode): vscode.TreeItem {
    if (node instanceof GroupNode) {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = node.group.key;
      item.description = String(node.group.count);
      item.contextValue = 'group';
      if (node.group.key === 'gone') item.iconPath = new vscode.ThemeIcon('pass');
      return item;
    }
    if (node instanceof GoneNode) {
      const { item } = node.gone;
      const tree = new vscode.TreeItem(item.snippet || item.rule, vscode.TreeItemCollapsibleState.None);
      tree.description = `${item.file} · ${item.rule}`;
      tree.tooltip = `${item.note}\n\nThe code of this backlog item no longer produces a finding.`;
      tree.iconPath = new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
      tree.contextValue = 'ledgerItem gone';
      return tree;
    }
    const f = node.finding;
    const tree = new vscode.TreeItem(f.message.replace(/ \([a-z-]+\)$/, ''), vscode.TreeItemCollapsibleState.None);
    tree.description = `${f.file}:${f.range.start.line + 1}${f.item ? ` · backlog: ${f.item.priority}${f.item.status === 'open' ? '' : `, ${f.item.status}`}` : ''}`;
    tree.tooltip = new vscode.MarkdownString(`**${f.code} ${f.rule}**\n\n${f.message}${f.item ? `\n\n*Backlog:* ${f.item.note} — ${f.item.owner}, ${f.item.created}` : ''}`);
    tree.iconPath = severityIcon(f.severity);
    tree.contextValue = f.item ? 'finding ledgerItem' : 'finding';
    tree.command = { title: 'Open', command: 'mldebt.backlog.open', arguments: [f] };
    return tree;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.changed.dispose();
    this.rebuilt.dispose();
  }
}

function severityIcon(severity: vscode.DiagnosticSeverity): vscode.ThemeIcon {
  switch (severity) {
    case vscode.DiagnosticSeverity.Error:
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    case vscode.DiagnosticSeverity.Warning:
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    default:
      return new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground'));
  }
}
