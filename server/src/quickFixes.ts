import type { WorkspaceEdit } from 'vscode-languageserver';
import { changedSpan } from './engine/documents';
import { Engine, fixFile } from './engine/engine';
import { LineIndex } from './engine/lineIndex';
import { notebookJson } from './engine/notebook';
import type { LocatedEdit } from './convert';
import type { Workspace } from './workspace';

/** Edits behind the code actions that are not a rule's own fix: suppressions and fix-all. */

const LINE_DIRECTIVE = /#\s*mldebt:\s*ignore(\[[^\]]*\])?/;
const FILE_DIRECTIVE = /#\s*mldebt:\s*ignore-file\[([^\]]*)\]/;


/**
 * `  # mldebt: ignore[id]` at the end of the line, or the id added to a suppression already there.
 * None where a comment cannot go: after a line continuation or inside a string that goes on.
 */
export function suppressOnLineEdit(workspace: Workspace, uri: string, line: number, id: string): LocatedEdit | undefined {
  const text = workspace.documentText(uri);
  if (text === undefined) return undefined;
  const index = new LineIndex(text);
  const content = index.lineText(line);
  if (/\\\s*$/.test(content) || (count(content, '"""') + count(content, "'''")) % 2 === 1) return undefined;
  const existing = LINE_DIRECTIVE.exec(content);
  const lineStart = index.lineStart(line);
  if (existing) {
    if (!existing[1]) return undefined;
    const close = lineStart + existing.index + existing[0].length - 1;
    const pos = index.positionAt(close);
    return { uri, range: { start: { line: pos.line, character: pos.column }, end: { line: pos.line, character: pos.column } }, newText: `, ${id}` };
  }
  const end = content.replace(/\s+$/, '').length;
  return { uri, range: { start: { line, character: end }, end: { line, character: content.length } }, newText: `  # mldebt: ignore[${id}]` };
}

/** `# mldebt: ignore-file[id]` at the top of the file (of the first code cell), or the id added to one there. */
export function suppressInFileEdit(workspace: Workspace, uri: string, id: string): LocatedEdit | undefined {
  const notebook = workspace.notebookDocument(workspace.ownerOf(uri));
  const target = notebook ? notebook.cellList.find((c) => c.kind === 'code')?.id : uri;
  if (!target) return undefined;
  const text = workspace.documentText(target);
  if (text === undefined) return undefined;
  const index = new LineIndex(text);
  for (let line = 0; line < index.lineCount; line++) {
    const m = FILE_DIRECTIVE.exec(index.lineText(line));
    if (!m) continue;
    if (m[1].split(',').map((s) => s.trim()).includes(id)) return undefined;
    const at = index.lineText(line).indexOf(']', m.index);
    return { uri: target, range: { start: { line, character: at }, end: { line, character: at } }, newText: m[1].trim() ? `, ${id}` : id };
  }
  // After a shebang and an encoding line, which must stay first.
  let line = 0;
  while (line < Math.min(2, index.lineCount) && /^#!|^#.*coding[:=]/.test(index.lineText(line))) line++;
  return { uri: target, range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `# mldebt: ignore-file[${id}]\n` };
}

/** Every safe fix of the document (of one rule, when given), applied pass after pass, as one edit per document. */
export async function fixAllEdit(workspace: Workspace, owner: string, ruleId?: string): Promise<WorkspaceEdit | undefined> {
  const settings = await workspace.settingsFor(owner);
  const engine = Engine.withParser(workspace.python);
  const filter = ruleId ? (f: { ruleId: string }) => f.ruleId === ruleId : undefined;
  const py = workspace.pythonDocument(owner);
  if (py) {
    const { content, fixed } = fixFile(engine, py.source, 'python', settings.rules, { unsafe: false, filter });
    if (fixed === 0) return undefined;
    return { changes: { [owner]: [spanEdit(owner, py.source, content)] } };
  }
  const nb = workspace.notebookDocument(owner);
  if (!nb) return undefined;
  const notebook = nb.asNotebook();
  const { content, fixed } = fixFile(engine, notebookJson(notebook), 'notebook', settings.rules, { unsafe: false, filter });
  if (fixed === 0) return undefined;
  const after = (JSON.parse(content) as { cells: Array<{ source: string | string[] }> }).cells;
  const changes: Record<string, LocatedEdit[]> = {};
  nb.cellList.forEach((cell, i) => {
    const source = after[i]?.source;
    const next = Array.isArray(source) ? source.join('') : source;
    if (next !== undefined && next !== cell.text) changes[cell.id] = [spanEdit(cell.id, cell.text, next)];
  });
  return { changes };
}

/** One edit turning `before` into `after`: the span between their common prefix and suffix. */
function spanEdit(uri: string, before: string, after: string): LocatedEdit {
  const span = changedSpan(before, after);
  const index = new LineIndex(before);
  const start = index.positionAt(span.start);
  const end = index.positionAt(span.oldEnd);
  return { uri, range: { start: { line: start.line, character: start.column }, end: { line: end.line, character: end.column } }, newText: after.slice(span.start, span.newEnd) };
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}
