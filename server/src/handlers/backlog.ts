import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection, FileEvent } from 'vscode-languageserver';
import { itemKey, LEDGER_PATH, LedgerError, readLedger, snippetOf, today, updateLedger, type Ledger } from '../backlog/ledger';
import { LineIndex } from '../engine/lineIndex';
import { BACKLOG_ADD, BACKLOG_CHANGED, BACKLOG_LIST, BACKLOG_UPDATE, type BacklogAddParams, type BacklogResult, type BacklogUpdateParams, type FolderBacklog } from '../protocol';
import type { Workspace } from '../workspace';

/** `mldebt/backlog/*`: the ledger of each workspace folder, read and written only here. */
/** Returns what to do when watched files change (the server has one handler for all watchers). */
export function registerBacklog(connection: Connection, workspace: Workspace): (changes: FileEvent[]) => void {
  const ledgerOf = (root: string) => join(root, LEDGER_PATH);
  const changed = (): void => void connection.sendNotification(BACKLOG_CHANGED);
  const guarded = (write: () => void): BacklogResult => {
    try {
      write();
      changed();
      return { ok: true };
    } catch (e) {
      if (!(e instanceof LedgerError)) throw e;
      return { ok: false, error: e.message };
    }
  };

  connection.onRequest(BACKLOG_LIST, (): FolderBacklog[] =>
    workspace.roots.map((root) => {
      const ledger = pathToFileURL(ledgerOf(root)).toString();
      try {
        return { folder: pathToFileURL(root).toString(), ledger, items: readLedger(ledgerOf(root)).items };
      } catch (e) {
        if (!(e instanceof LedgerError)) throw e;
        return { folder: pathToFileURL(root).toString(), ledger, items: [], error: e.message };
      }
    }),
  );

  connection.onRequest(BACKLOG_ADD, (p: BacklogAddParams): BacklogResult => {
    const owner = workspace.ownerOf(p.uri);
    if (!owner.startsWith('file:')) return { ok: false, error: 'only files on disk have a backlog' };
    const path = fileURLToPath(owner);
    const root = workspace.rootOf(path);
    if (!root) return { ok: false, error: `${path} is not in a workspace folder` };
    const file = relative(root, path).split(sep).join('/');
    const text = workspace.documentText(p.uri);
    let snippet = '';
    if (text !== undefined) {
      const lines = new LineIndex(text);
      snippet = snippetOf(text.slice(lines.offsetAt({ line: p.line, column: p.character }), lines.offsetAt({ line: p.endLine, column: p.endCharacter })));
    }
    return guarded(() =>
      updateLedger(ledgerOf(root), (ledger: Ledger) => {
        const key = itemKey({ file, fingerprint: p.fingerprint });
        const existing = ledger.items.find((i) => itemKey(i) === key);
        const item = { fingerprint: p.fingerprint, rule: p.rule, file, snippet, note: p.note, owner: p.owner, priority: p.priority, created: today(), status: 'open' as const };
        if (existing) Object.assign(existing, { note: p.note, owner: p.owner, priority: p.priority });
        else ledger.items.push(item);
      }),
    );
  });

  connection.onRequest(BACKLOG_UPDATE, (p: BacklogUpdateParams): BacklogResult => {
    const root = fileURLToPath(p.folder);
    const key = itemKey(p);
    return guarded(() =>
      updateLedger(ledgerOf(root), (ledger) => {
        const item = ledger.items.find((i) => itemKey(i) === key);
        if (!item) throw new LedgerError(`no backlog item for ${p.file} with fingerprint ${p.fingerprint}`);
        if (p.remove) ledger.items.splice(ledger.items.indexOf(item), 1);
        if (p.note !== undefined) item.note = p.note;
        if (p.status) item.status = p.status;
        if (p.priority) item.priority = p.priority;
      }),
    );
  });

  return (changes) => {
    if (changes.some((c) => c.uri.endsWith('/.mldebt/backlog.json'))) changed();
  };
}
