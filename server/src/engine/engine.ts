import { analyze, type ActiveRule, type AnalysisResult } from './analyzer';
import { unreadableFile } from './metaRules';
import { applyFixes } from './fixes';
import { cellSourcesAfterEdits, notebookModule, NotebookFormatError, readNotebook, writeCellSources, type Notebook, type NotebookModule } from './notebook';
import { ChunkedModule } from './chunkedModule';
import type { SyntaxTree } from './mirror';
import { PythonParser, type WasmPaths } from './parser';
import type { Finding, Fix } from './types';

export type DocumentKind = 'python' | 'notebook';

/** Files larger than this are skipped with a notice: they are generated, not written. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** Why a text whose parse ran out of stack is not analysed: nesting thousands deep, as only generated code has. */
export const TOO_DEEP = 'it nests brackets or blocks too deeply to analyse';

export interface FileAnalysis extends AnalysisResult {
  kind: DocumentKind;
  /** The analysed text: the file itself, or a notebook's code cells joined. */
  text: string;
  notebook?: Notebook;
  module?: NotebookModule;
  /** Why the file was not analysed (too large, binary), when it was not. */
  skipped?: string;
}

export function documentKind(path: string): DocumentKind | undefined {
  if (path.endsWith('.py') || path.endsWith('.pyi')) return 'python';
  if (path.endsWith('.ipynb')) return 'notebook';
  return undefined;
}

/** Parses and analyses whole files. The language server keeps trees itself for incremental parsing. */
export class Engine {
  private constructor(readonly parser: PythonParser) {}

  static async create(paths: WasmPaths): Promise<Engine> {
    return new Engine(await PythonParser.load(paths));
  }

  static withParser(parser: PythonParser): Engine {
    return new Engine(parser);
  }

  analyzeFile(content: string, kind: DocumentKind, rules: readonly ActiveRule[], maxSize = DEFAULT_MAX_FILE_SIZE): FileAnalysis {
    const skipped = skipReason(content, maxSize);
    if (skipped) return { kind, text: '', findings: [], ruleErrors: [], skipped };
    try {
      if (kind === 'notebook') return this.analyzeNotebookJson(content, rules);
      return { kind, text: content, ...this.analyzeSource(content, rules) };
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return { kind, text: '', findings: [], ruleErrors: [], skipped: TOO_DEEP };
    }
  }

  analyzeNotebookJson(json: string, rules: readonly ActiveRule[]): FileAnalysis {
    let notebook: Notebook;
    try {
      notebook = readNotebook(json);
    } catch (e) {
      if (!(e instanceof NotebookFormatError)) throw e;
      const active = rules.find((r) => r.rule === unreadableFile);
      return { kind: 'notebook', text: '', findings: active ? [unreadableNotebookFinding(active, e.message)] : [], ruleErrors: [] };
    }
    return this.analyzeNotebook(notebook, rules);
  }

  analyzeNotebook(notebook: Notebook, rules: readonly ActiveRule[]): FileAnalysis {
    const module = notebookModule(notebook);
    return { kind: 'notebook', text: module.text, notebook, module, ...analyze({ text: module.text, tree: this.copy(module.text, module.cells.segments.map((c) => c.start)), cells: module.cells, notebook }, rules) };
  }

  analyzeSource(text: string, rules: readonly ActiveRule[]): AnalysisResult {
    return analyze({ text, tree: this.copy(text) }, rules);
  }

  /** Parses `text` chunk by chunk (`forced`: where notebook cells start) and copies it into JavaScript. */
  copy(text: string, forced: readonly number[] = []): SyntaxTree {
    return ChunkedModule.parse(this.parser, text, forced);
  }
}

function skipReason(content: string, maxSize: number): string | undefined {
  const large = tooLarge(content.length, maxSize);
  if (large) return large;
  if (content.slice(0, 8000).includes('\u0000')) return 'it is a binary file';
  return undefined;
}

/** Why a text of `length` characters is not analysed, when it is over the limit. */
export function tooLarge(length: number, maxSize = DEFAULT_MAX_FILE_SIZE): string | undefined {
  return length > maxSize ? `it is ${(length / 1024 / 1024).toFixed(1)} MB, over the ${(maxSize / 1024 / 1024).toFixed(0)} MB limit for analysis` : undefined;
}

function unreadableNotebookFinding(active: ActiveRule, detail: string): Finding {
  return fileFinding(active, `Cannot read notebook: ${detail}`, 'unreadable-notebook');
}

/** A finding about a whole file (placed at its start), for rules the engine reports itself. */
export function fileFinding(active: ActiveRule, message: string, fingerprint: string): Finding {
  const { meta } = active.rule;
  return {
    ruleId: meta.id,
    code: meta.code,
    category: meta.category,
    severity: active.severity,
    message,
    start: 0,
    end: 0,
    range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
    fixes: [],
    fingerprint,
  };
}

export interface FixRequest {
  /** Apply unsafe fixes too (never the default). */
  unsafe: boolean;
  /** Only fixes of findings this returns true for. */
  filter?: (finding: Finding) => boolean;
}

export interface FixResult {
  content: string;
  fixed: number;
  /** The analysis of the fixed content. */
  analysis: FileAnalysis;
}

const MAX_FIX_PASSES = 10;

/**
 * Applies the first eligible fix of every finding, pass after pass (a fix deferred because it
 * overlapped another is retried on the re-analysed text), until nothing is left to fix.
 */
export function fixFile(engine: Engine, content: string, kind: DocumentKind, rules: readonly ActiveRule[], request: FixRequest): FixResult {
  let analysis = engine.analyzeFile(content, kind, rules);
  let fixed = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES && !analysis.skipped; pass++) {
    const fixes: Fix[] = [];
    for (const f of analysis.findings) {
      if (request.filter && !request.filter(f)) continue;
      const fix = f.fixes.find((x) => request.unsafe || x.safety === 'safe');
      if (fix) fixes.push(fix);
    }
    if (fixes.length === 0) break;
    const outcome = applyFixes(analysis.text, fixes);
    if (outcome.applied.length === 0) break;
    if (kind === 'notebook' && analysis.notebook && analysis.module) {
      content = writeCellSources(content, cellSourcesAfterEdits(analysis.notebook, analysis.module, outcome.applied.flatMap((f) => f.edits)));
    } else {
      content = outcome.text;
    }
    fixed += outcome.applied.length;
    analysis = engine.analyzeFile(content, kind, rules);
  }
  return { content, fixed, analysis };
}
