import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FileChangeType, type CancellationToken, type Diagnostic, type FileEvent, type WorkDoneProgressReporter } from 'vscode-languageserver';
import { PositionMapper, toDiagnostic, type DiagnosticData } from './convert';
import { ruleDocUrl } from './version';
import { DEFAULT_MAX_FILE_SIZE, documentKind, Engine } from './engine/engine';
import { collectFiles } from './engine/files';
import type { Finding } from './engine/types';
import type { Workspace } from './workspace';

export interface ScanSummary {
  files: number;
  findings: number;
  skipped: string[];
  cancelled: boolean;
  milliseconds: number;
}

/**
 * Analyses every Python file and notebook of the workspace folders that is not open (an open
 * document's live text wins), publishing their diagnostics. Yields between files so that typing
 * in open documents is analysed first; stops when cancelled.
 */
export async function scanWorkspace(workspace: Workspace, progress: WorkDoneProgressReporter, token: CancellationToken): Promise<ScanSummary> {
  const started = performance.now();
  const engine = Engine.withParser(workspace.python);
  const files: string[] = [];
  for (const root of workspace.roots) {
    const settings = await workspace.settingsFor(pathToFileURL(root + '/pyproject.toml').toString());
    const editorExcludes = await workspace.filesExclude(pathToFileURL(root).toString());
    files.push(...collectFiles([root], settings.root ?? root, [...settings.exclude, ...editorExcludes]).files);
  }
  progress.begin('mldebt: analysing the workspace', 0, `${files.length} files`, true);
  const summary: ScanSummary = { files: 0, findings: 0, skipped: [], cancelled: false, milliseconds: 0 };
  for (const [i, file] of files.entries()) {
    if (token.isCancellationRequested) {
      summary.cancelled = true;
      break;
    }
    const outcome = await scanFile(workspace, engine, file);
    if (outcome.skipped) summary.skipped.push(outcome.skipped);
    if (outcome.findings !== undefined) {
      summary.files++;
      summary.findings += outcome.findings;
    }
    progress.report(Math.round(((i + 1) / files.length) * 100), `${i + 1}/${files.length}: ${file.slice(file.lastIndexOf('/') + 1)}`);
    // Let pending requests (an edit in an open file) run before the next file.
    await new Promise((resolve) => setImmediate(resolve));
  }
  progress.done();
  workspace.scanned = true;
  summary.milliseconds = Math.round(performance.now() - started);
  workspace.log.info(`workspace scan: ${summary.files} files, ${summary.findings} findings in ${summary.milliseconds} ms${summary.cancelled ? ' (cancelled)' : ''}`);
  for (const s of summary.skipped) workspace.log.info(`skipped ${s}`);
  return summary;
}

/** Analyses one closed file from disk and publishes its diagnostics; open files are left to their live state. */
async function scanFile(workspace: Workspace, engine: Engine, file: string): Promise<{ findings?: number; skipped?: string }> {
  const uri = pathToFileURL(file).toString();
  if (workspace.isOpen(uri)) return {};
  const settings = await workspace.settingsFor(uri);
  if (!settings.editor.enable) return {};
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    return { skipped: `${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const analysis = engine.analyzeFile(content, documentKind(file) ?? 'python', settings.rules, DEFAULT_MAX_FILE_SIZE);
  const diagnostics = analysis.notebook ? notebookDiagnostics(analysis.findings) : fileDiagnostics(analysis.text, uri, analysis.findings);
  workspace.publishScanned(uri, diagnostics);
  return { findings: diagnostics.length, skipped: analysis.skipped && `${file}: ${analysis.skipped}` };
}

/** Files changed on disk after a scan: re-analysed (or cleared, when deleted) so the backlog stays current. */
export function rescanChangedFiles(workspace: Workspace): (changes: FileEvent[]) => void {
  return (changes) => {
    if (!workspace.scanned || !workspace.parser) return;
    const engine = Engine.withParser(workspace.python);
    for (const c of changes) {
      if (!c.uri.startsWith('file:') || !documentKind(c.uri)) continue;
      if (c.type === FileChangeType.Deleted) workspace.publishScanned(c.uri, []);
      else void scanFile(workspace, engine, fileURLToPath(c.uri));
    }
  };
}

function fileDiagnostics(text: string, uri: string, findings: Finding[]): Diagnostic[] {
  const mapper = new PositionMapper(text, () => uri);
  return findings.map((f) => toDiagnostic(f, -1, mapper));
}

/**
 * A closed notebook has no cell documents to put diagnostics on: they go on the notebook file at
 * its first line, naming the cell and line; opening the notebook replaces them with per-cell ones.
 */
function notebookDiagnostics(findings: Finding[]): Diagnostic[] {
  return findings.map((f) => ({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: ({ error: 1, warning: 2, information: 3, hint: 4 } as const)[f.severity],
    code: f.code,
    source: 'mldebt',
    message: f.cell === undefined ? `${f.message} (${f.ruleId})` : `Cell ${f.cell + 1}, line ${f.range.start.line + 1}: ${f.message} (${f.ruleId})`,
    codeDescription: { href: ruleDocUrl(f.ruleId) },
    data: { id: f.ruleId, category: f.category, fingerprint: f.fingerprint, version: -1, fixes: [], cell: f.cell } satisfies DiagnosticData,
  }));
}
