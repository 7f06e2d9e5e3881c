import { CodeActionKind, type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { isDiagnosticData, type LocatedEdit } from '../convert';
import { ADD_TO_BACKLOG_COMMAND, type BacklogAddParams } from '../protocol';
import type { Workspace } from '../workspace';
import { FIX_ALL_KIND, NOTEBOOK_FIX_ALL_KIND } from './initialize';
import { fixAllEdit, suppressInFileEdit, suppressOnLineEdit } from '../quickFixes';

export const SHOW_DOCUMENTATION_COMMAND = 'mldebt.showDocumentation';

/** What "Add to Backlog…" passes to the client, which asks for the note and interest. */
type BacklogAddTarget = Omit<BacklogAddParams, 'note' | 'priority' | 'owner'>;

/** What a lazily computed action carries until `codeAction/resolve`. */
export interface FixAllData {
  uri: string;
  version: number;
  ruleId?: string;
}

/**
 * `textDocument/codeAction`: for each mldebt diagnostic, its fixes (from the diagnostic's own data),
 * suppressions, "fix all of this rule" and the rule's documentation; and the fix-all source actions.
 */
export function registerCodeAction(connection: Connection, workspace: Workspace): void {
  connection.onCodeAction(async (params) => {
    const owner = workspace.ownerOf(params.textDocument.uri);
    const version = workspace.pythonDocument(owner)?.version ?? workspace.notebookDocument(owner)?.version;
    if (version === undefined) return [];
    const only = params.context.only;
    const actions: CodeAction[] = [];
    if (only?.some((k) => FIX_ALL_KIND.startsWith(k) || NOTEBOOK_FIX_ALL_KIND.startsWith(k))) {
      const notebookKind = only.some((k) => k.startsWith('notebook.'));
      const edit = await fixAllEdit(workspace, owner);
      if (edit) actions.push({ title: 'Fix all safe mldebt findings', kind: notebookKind ? NOTEBOOK_FIX_ALL_KIND : FIX_ALL_KIND, edit });
      if (only.every((k) => k.startsWith(CodeActionKind.Source) || k.startsWith('notebook.'))) return actions;
    }
    const seenRules = new Set<string>();
    for (const d of params.context.diagnostics) {
      if (d.source !== 'mldebt' || !isDiagnosticData(d.data)) continue;
      const data = d.data;
      if (data.version === version) {
        data.fixes.forEach((fix, i) => {
          actions.push({
            title: fix.safety === 'safe' ? fix.title : `${fix.title} (unsafe: review the change)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: i === 0 && fix.safety === 'safe',
            edit: workspaceEdit(fix.edits),
          });
        });
      }
      actions.push(...suppressions(workspace, params, d, data.id));
      if (!seenRules.has(data.id)) {
        seenRules.add(data.id);
        if (data.fixes.some((f) => f.safety === 'safe')) {
          const lazy: FixAllData = { uri: owner, version, ruleId: data.id };
          actions.push({ title: `Fix all ${data.id} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], data: lazy });
        }
        if (params.textDocument.uri.startsWith('vscode-notebook-cell:') || params.textDocument.uri.startsWith('file:')) {
          const r = d.range;
          const add: BacklogAddTarget = { uri: params.textDocument.uri, line: r.start.line, character: r.start.character, endLine: r.end.line, endCharacter: r.end.character, fingerprint: data.fingerprint, rule: data.id };
          actions.push({ title: `Add ${data.id} to the backlog…`, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Add to Backlog…', command: ADD_TO_BACKLOG_COMMAND, arguments: [add] } });
        }
        actions.push({ title: `Show documentation for ${data.id}`, kind: CodeActionKind.QuickFix, command: { title: 'Show documentation', command: SHOW_DOCUMENTATION_COMMAND, arguments: [data.id] } });
      }
    }
    return actions;
  });

  connection.onCodeActionResolve(async (action) => {
    const data = action.data as FixAllData | undefined;
    if (!data?.uri) return action;
    const edit = await fixAllEdit(workspace, data.uri, data.ruleId);
    return edit ? { ...action, edit } : action;
  });
}

function suppressions(workspace: Workspace, params: CodeActionParams, d: Diagnostic, id: string): CodeAction[] {
  const out: CodeAction[] = [];
  const line = suppressOnLineEdit(workspace, params.textDocument.uri, d.range.start.line, id);
  if (line) out.push({ title: `Suppress ${id} on this line`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit([line]) });
  const file = suppressInFileEdit(workspace, params.textDocument.uri, id);
  if (file) out.push({ title: `Suppress ${id} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit([file]) });
  return out;
}

export function workspaceEdit(edits: readonly LocatedEdit[]): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const { uri, range, newText } of edits) (changes[uri] ??= []).push({ range, newText });
  return { changes };
}
