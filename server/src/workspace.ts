import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import type { Connection, Diagnostic } from 'vscode-languageserver';
import type { AnalysisResult } from './engine/analyzer';
import { NotebookDocument, PythonDocument, type LiveCell } from './engine/documents';
import type { PythonParser } from './engine/parser';
import { PositionMapper, toDiagnostic } from './convert';
import { RULES } from './rules';
import { Logger } from './logger';
import { resolveSettings, type EditorSettings, type ResolvedSettings } from './settings';

/** Diagnostics of one analysis, by document URI (a notebook's are by cell URI). */
export interface AnalysisSnapshot {
  version: number;
  byUri: Map<string, Diagnostic[]>;
  result?: AnalysisResult;
}

interface Tracked {
  doc: PythonDocument | NotebookDocument;
  /** The pending analysis: a timer, or with no wait an immediate (a 0 ms timer still waits a millisecond). */
  timer?: NodeJS.Timeout | NodeJS.Immediate;
  /** The analysis for the current version, once it has run. */
  snapshot?: AnalysisSnapshot;
  /** Pull requests waiting for the analysis of the current version. */
  waiters: Array<(s: AnalysisSnapshot) => void>;
  /** Cell URIs whose diagnostics were last pushed (to clear removed cells). */
  pushed: Set<string>;
  /**
   * For pulled notebooks: a digest of the last diagnostics of each cell that had any, and the cells
   * then, to know when others must re-pull.
   */
  digests?: Map<string, string>;
  digestedCells?: readonly LiveCell[];
  skippedNotice?: boolean;
}

/**
 * The server's state: open documents with live trees, settings per document, and the scheduler
 * that analyses a document once the user pauses typing. Handlers read and drive it.
 */
export class Workspace {
  parser: PythonParser | undefined;
  roots: string[] = [];
  pullDiagnostics = false;
  /** The client re-pulls on request: notebooks can then be pulled too (an edit in one cell changes others). */
  diagnosticRefresh = false;
  configurationRequests = false;
  private readonly tracked = new Map<string, Tracked>();
  private readonly cellOwner = new Map<string, string>();
  private readonly settings = new Map<string, Promise<ResolvedSettings>>();
  /** Whether a workspace scan has run (files changed on disk are then re-analysed). */
  scanned = false;
  /** Closed files whose diagnostics a workspace scan pushed. */
  private readonly scannedFiles = new Set<string>();

  readonly log: Logger;

  constructor(private readonly connection: Connection) {
    this.log = new Logger(connection);
  }

  get python(): PythonParser {
    if (!this.parser) throw new Error('the parser is not loaded yet');
    return this.parser;
  }

  /** The workspace folder holding a path. */
  rootOf(path: string): string | undefined {
    return this.roots.filter((r) => path === r || path.startsWith(r + sep)).sort((a, b) => b.length - a.length)[0];
  }

  /** The live text of an open file or notebook cell. */
  documentText(uri: string): string | undefined {
    const py = this.pythonDocument(uri);
    if (py) return py.source;
    return this.notebookDocument(this.ownerOf(uri))?.cell(uri)?.text;
  }

  isOpen(uri: string): boolean {
    return this.tracked.has(uri);
  }

  /** Diagnostics of a closed file from a workspace scan (cleared when the file opens: its live state wins). */
  publishScanned(uri: string, diagnostics: Diagnostic[]): void {
    this.scannedFiles.add(uri);
    void this.connection.sendDiagnostics({ uri, diagnostics });
  }

  private forgetScanned(uri: string): void {
    if (this.scannedFiles.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  openPython(uri: string, text: string, version: number): void {
    this.close(uri);
    this.forgetScanned(uri);
    this.tracked.set(uri, { doc: new PythonDocument(this.python, text, version), waiters: [], pushed: new Set() });
  }

  openNotebook(uri: string, doc: NotebookDocument): void {
    this.close(uri);
    this.forgetScanned(uri);
    this.tracked.set(uri, { doc, waiters: [], pushed: new Set() });
    this.indexCells(uri, doc);
  }

  indexCells(uri: string, doc: NotebookDocument): void {
    for (const [cell, owner] of this.cellOwner) if (owner === uri) this.cellOwner.delete(cell);
    for (const c of doc.cellList) this.cellOwner.set(c.id, uri);
  }

  pythonDocument(uri: string): PythonDocument | undefined {
    const d = this.tracked.get(uri)?.doc;
    return d instanceof PythonDocument ? d : undefined;
  }

  notebookDocument(uri: string): NotebookDocument | undefined {
    const d = this.tracked.get(uri)?.doc;
    return d instanceof NotebookDocument ? d : undefined;
  }

  /** The notebook URI owning a cell URI, or the URI itself for a file. */
  ownerOf(uri: string): string {
    return this.cellOwner.get(uri) ?? uri;
  }

  close(uri: string): void {
    const t = this.tracked.get(uri);
    if (!t) return;
    cancel(t.timer);
    t.doc.dispose();
    this.tracked.delete(uri);
    for (const [cell, owner] of this.cellOwner) if (owner === uri) this.cellOwner.delete(cell);
    if (!this.pulls(t.doc)) {
      for (const cellUri of t.pushed) void this.connection.sendDiagnostics({ uri: cellUri, diagnostics: [] });
      if (t.doc instanceof PythonDocument) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
  }

  /** Forgets cached settings (configuration or a pyproject.toml changed) and re-analyses everything. */
  settingsChanged(): void {
    this.settings.clear();
    void this.readLogLevel();
    for (const uri of this.tracked.keys()) this.schedule(uri, 'now');
  }

  /** The editor's `files.exclude` globs that are on, for a workspace folder. */
  async filesExclude(folderUri: string): Promise<string[]> {
    if (!this.configurationRequests) return [];
    const value = (await this.connection.workspace.getConfiguration({ scopeUri: folderUri, section: 'files.exclude' }).catch(() => undefined)) as Record<string, unknown> | undefined;
    return Object.entries(value ?? {}).filter(([, on]) => on === true).map(([glob]) => glob);
  }

  /** Whether the scan starts by itself once the server is up (`mldebt.workspaceScan`). */
  async scanOnStart(): Promise<boolean> {
    if (!this.configurationRequests) return false;
    return (await this.connection.workspace.getConfiguration('mldebt.workspaceScan').catch(() => true)) !== false;
  }

  /** The log level is one setting for the whole server. */
  async readLogLevel(): Promise<void> {
    if (!this.configurationRequests) return;
    const level = await this.connection.workspace.getConfiguration('mldebt.logLevel').catch(() => undefined);
    this.log.setLevel(level);
  }

  /**
   * Settings apply per folder (editor settings by resource, pyproject.toml by directory), so they are
   * fetched once per directory: a workspace scan asks for hundreds of files in a few folders.
   */
  settingsFor(uri: string): Promise<ResolvedSettings> {
    const key = uri.startsWith('file:') ? uri.slice(0, uri.lastIndexOf('/')) : uri;
    let s = this.settings.get(key);
    if (!s) {
      s = this.fetchSettings(uri);
      this.settings.set(key, s);
    }
    return s;
  }

  private async fetchSettings(uri: string): Promise<ResolvedSettings> {
    let raw: Partial<EditorSettings> | undefined;
    if (this.configurationRequests) {
      try {
        raw = (await this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'mldebt' })) as Partial<EditorSettings>;
      } catch (e) {
        this.log.warn(`cannot read settings for ${uri}: ${(e as Error).message}`);
      }
    }
    const path = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    const resolved = resolveSettings(raw, path, (path && this.rootOf(path)) ?? this.roots[0], RULES);
    if (resolved.problem) void this.connection.window.showWarningMessage(`mldebt: ${resolved.problem} (using the defaults for it)`);
    return resolved;
  }

  /**
   * Analyses `uri` after the debounce, restarting the wait on every call, so a burst of keystrokes
   * costs one analysis. 'now' skips the wait (open, save, settings change).
   */
  schedule(uri: string, when: 'debounced' | 'now' = 'debounced'): void {
    const t = this.tracked.get(uri);
    if (!t) return;
    cancel(t.timer);
    t.snapshot = undefined;
    void this.settingsFor(uri).then((settings) => {
      if (this.tracked.get(uri) !== t) return;
      cancel(t.timer);
      const delay = when === 'now' ? 0 : settings.editor.debounce;
      const run = () => this.runAnalysis(uri, t, settings);
      t.timer = delay > 0 ? setTimeout(run, delay) : setImmediate(run);
    });
  }

  /** The diagnostics of the current version, waiting for its analysis if it is pending. */
  snapshotFor(uri: string): Promise<AnalysisSnapshot | undefined> {
    const t = this.tracked.get(uri);
    if (!t) return Promise.resolve(undefined);
    if (t.snapshot && t.snapshot.version === t.doc.version) return Promise.resolve(t.snapshot);
    if (!t.timer) this.schedule(uri, 'now');
    return new Promise((resolve) => t.waiters.push(resolve));
  }

  /** Analyses now, synchronously, for a code action that needs the current findings. */
  analyzeNow(uri: string, settings: ResolvedSettings): AnalysisResult | undefined {
    const t = this.tracked.get(uri);
    return t ? this.analyzeDoc(uri, t.doc, settings) : undefined;
  }

  private runAnalysis(uri: string, t: Tracked, settings: ResolvedSettings): void {
    t.timer = undefined;
    if (this.tracked.get(uri) !== t) return;
    const version = t.doc.version;
    const result = this.analyzeDoc(uri, t.doc, settings);
    const byUri = new Map<string, Diagnostic[]>();
    if (t.doc instanceof NotebookDocument) {
      const cells = t.doc.cellList;
      const doc = t.doc;
      const mapper = new PositionMapper(doc.source, (cell) => (cell === undefined ? uri : cells[cell].id), { cells: doc.cellMap, cellLines: (cell) => doc.cellLineIndex(cell) });
      // Most cells have no diagnostics: they share one empty list (never added to), made at every keystroke otherwise.
      for (const c of cells) if (c.kind === 'code') byUri.set(c.id, NO_DIAGNOSTICS);
      for (const f of result?.findings ?? []) {
        const cell = f.cell === undefined ? undefined : cells[f.cell];
        const list = cell && byUri.get(cell.id);
        if (!list) continue;
        if (list === NO_DIAGNOSTICS) byUri.set(cell.id, [toDiagnostic(f, version, mapper)]);
        else list.push(toDiagnostic(f, version, mapper));
      }
    } else {
      const mapper = new PositionMapper(t.doc.source, () => uri, { lines: t.doc.lineIndex() });
      byUri.set(uri, (result?.findings ?? []).map((f) => toDiagnostic(f, version, mapper)));
    }
    const snapshot: AnalysisSnapshot = { version, byUri, result };
    t.snapshot = snapshot;
    const waiters = t.waiters.splice(0);
    for (const w of waiters) w(snapshot);
    if (!this.pulls(t.doc)) this.push(t, byUri);
    else if (t.doc instanceof NotebookDocument) this.refreshIfCellsChanged(t, byUri, t.doc.cellList, t.doc.takeEdited());
  }

  /** Whether the client pulls this document's diagnostics (else the server pushes them). */
  private pulls(doc: PythonDocument | NotebookDocument): boolean {
    return this.pullDiagnostics && (doc instanceof PythonDocument || this.diagnosticRefresh);
  }

  /**
   * A cell edit can change other cells' findings; the client re-pulls them when asked to. It pulls
   * the cells it changed by itself: a change to their diagnostics alone asks for nothing (a refresh
   * makes the editor pull every cell of the notebook again).
   */
  private refreshIfCellsChanged(t: Tracked, byUri: Map<string, Diagnostic[]>, cells: readonly LiveCell[], edited: ReadonlySet<string>): void {
    // A digest of each cell's diagnostics where it has any (most cells have none).
    const digests = new Map<string, string>();
    byUri.forEach((ds, uri) => {
      if (ds.length > 0) digests.set(uri, JSON.stringify(ds.map((d) => [d.code, d.range, d.message])));
    });
    const before = t.digests;
    const cellsBefore = t.digestedCells;
    t.digests = digests;
    t.digestedCells = cells;
    if (!before || !cellsBefore) return;
    const differs = (uri: string): boolean => !edited.has(uri) && digests.get(uri) !== before.get(uri);
    let changed = cells !== cellsBefore && !sameCodeCells(cells, cellsBefore);
    // (The cell list is a new one only when cells were added, removed, moved or changed kind.)
    for (const digested of [digests, before]) {
      for (const uri of digested.keys()) {
        if (changed) break;
        changed = differs(uri);
      }
    }
    if (changed) void this.connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  private push(t: Tracked, byUri: Map<string, Diagnostic[]>): void {
    for (const stale of t.pushed) if (!byUri.has(stale)) void this.connection.sendDiagnostics({ uri: stale, diagnostics: [] });
    t.pushed = new Set(byUri.keys());
    for (const [uri, diagnostics] of byUri) void this.connection.sendDiagnostics({ uri, version: t.doc instanceof PythonDocument ? t.doc.version : undefined, diagnostics });
  }

  private analyzeDoc(uri: string, doc: PythonDocument | NotebookDocument, settings: ResolvedSettings): AnalysisResult | undefined {
    if (!settings.editor.enable || this.isExcluded(uri, settings)) return undefined;
    const t = this.tracked.get(uri);
    const skipped = doc.skipped;
    if (skipped) {
      if (t && !t.skippedNotice) {
        t.skippedNotice = true;
        void this.connection.window.showInformationMessage(`mldebt skipped ${uri.split('/').pop()}: ${skipped}.`);
      }
      return undefined;
    }
    const started = performance.now();
    try {
      const result = doc.analyze(settings.rules);
      for (const e of result.ruleErrors) this.log.error(`rule error in ${uri}: ${e}`);
      this.log.debug(`analysed ${uri} v${doc.version} in ${(performance.now() - started).toFixed(1)} ms: ${result.findings.length} findings`);
      return result;
    } catch (e) {
      this.log.error(`analysis of ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      return undefined;
    }
  }

  private isExcluded(uri: string, settings: ResolvedSettings): boolean {
    if (settings.exclude.length === 0 || !settings.root || !uri.startsWith('file:')) return false;
    const rel = relative(settings.root, fileURLToPath(uri)).split(sep).join('/');
    return !rel.startsWith('..') && picomatch(settings.exclude.map((g) => g.replace(/\/$/, '/**')), { dot: true })(rel);
  }
}

/** The diagnostics of a cell that has none: shared by every such cell, and never added to. */
const NO_DIAGNOSTICS: Diagnostic[] = [];

/** Whether two cell lists have the same code cells, in the same order. */
function sameCodeCells(a: readonly LiveCell[], b: readonly LiveCell[]): boolean {
  const ids = (cells: readonly LiveCell[]) => cells.filter((c) => c.kind === 'code').map((c) => c.id);
  const x = ids(a);
  const y = ids(b);
  return x.length === y.length && x.every((id, i) => id === y[i]);
}

function cancel(timer: NodeJS.Timeout | NodeJS.Immediate | undefined): void {
  if (timer === undefined) return;
  if ('refresh' in timer) clearTimeout(timer);
  else clearImmediate(timer);
}
