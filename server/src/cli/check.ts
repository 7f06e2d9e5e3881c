import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, relative, sep } from 'node:path';
import type { ActiveRule } from '../engine/analyzer';
import { activeRules, findProjectConfig, mergeConfigs, parsePyproject, selectorMatches, ConfigError, type MldebtConfig } from '../engine/config';
import { DEFAULT_MAX_FILE_SIZE, documentKind, fileFinding, fixFile, type Engine } from '../engine/engine';
import { unreadableFile } from '../engine/metaRules';
import type { AnyRule } from '../engine/rule';
import { SEVERITY_ORDER, type Finding, type Severity } from '../engine/types';
import { writeFileAtomic } from '../engine/atomicWrite';
import { baselineKey, readBaseline, renderBaseline } from './baseline';
import { collectFiles } from '../engine/files';
import { formatJson } from './formats/json';
import { formatSarif } from './formats/sarif';
import { formatText } from './formats/text';
import type { FileReport } from './report';
import { checkInWorkers } from './parallel';
import type { WasmPaths } from '../engine/parser';

export interface CheckOptions {
  paths: string[];
  format: 'text' | 'json' | 'sarif';
  select?: string[];
  ignore?: string[];
  exclude?: string[];
  fix: boolean;
  unsafeFixes: boolean;
  baseline?: string;
  writeBaseline?: string;
  failOn?: Severity;
  config?: string;
  /** Threads to check on (default: one per core beyond two, at most four). */
  jobs?: number;
}

export interface CheckIO {
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Show a progress line (stderr is a terminal). */
  progress: boolean;
  /** The script worker threads run (the CLI's own), and the grammar files they load; without them, one thread. */
  workers?: { script: string; wasm: WasmPaths };
}

/** Below this many files, starting threads costs more than it saves. */
const FILES_PER_THREAD = 8;

/**
 * One thread per core beyond two, at most four: one thread already keeps more than a core busy (the
 * garbage collector and compiler run beside it), and on two cores a second thread was no faster.
 */
function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 2));
}

export class UsageError extends Error {}

const UTF8_BOM = '\uFEFF';

/** `mldebt check`: returns the exit code (0 clean, 1 findings at or above fail-on, 2 usage or configuration error). */
export async function runCheck(engine: Engine, rules: readonly AnyRule[], options: CheckOptions, io: CheckIO): Promise<number> {
  const { config, root } = loadConfig(rules, options, io.cwd);
  const active = activeRules(rules, config);
  const failOn = options.failOn ?? config.failOn ?? 'warning';
  const selection = collectFiles(options.paths.length ? options.paths : ['.'], root, config.exclude ?? []);
  for (const p of selection.missing) io.stderr(`mldebt: ${p}: no such file or folder\n`);
  if (selection.missing.length > 0 && selection.files.length === 0) throw new UsageError('nothing to check');
  if (selection.files.length === 0) io.stderr('mldebt: no Python files or notebooks to check here (files ignored by .gitignore or the exclude setting are skipped)\n');

  const baseline = options.baseline ? readBaseline(options.baseline) : undefined;
  const notices: string[] = [];
  const reports: FileReport[] = [];
  let fixedCount = 0;
  let fixedFiles = 0;
  const total = selection.files.length;
  const jobs = selection.files.map((file) => ({ file, path: displayPath(io.cwd, file) }));
  let checked = 0;
  const progress = (): void => {
    checked++;
    if (io.progress) io.stderr(`\rmldebt: checking ${checked}/${total} files`);
  };
  const threads = Math.min(options.jobs ?? defaultThreads(), Math.floor(total / FILES_PER_THREAD));
  const outcomes =
    io.workers && threads > 1
      ? await checkInWorkers(io.workers.script, jobs, threads, { config, fix: options.fix, unsafeFixes: options.unsafeFixes, wasm: io.workers.wasm }, progress)
      : jobs.map(({ file, path }) => {
          const outcome = checkFile(engine, file, path, active, options);
          progress();
          return outcome;
        });
  outcomes.forEach((outcome, i) => {
    const { file, path } = jobs[i];
    if (outcome.notice) notices.push(outcome.notice);
    fixedCount += outcome.fixed;
    if (outcome.fixed > 0) fixedFiles++;
    let findings = outcome.findings;
    if (baseline) findings = findings.filter((f) => !baseline.has(baselineKey(file, f.fingerprint)));
    reports.push({ path, file, findings });
  });
  if (io.progress && total > 0) io.stderr('\r\u001b[K');
  for (const n of notices) io.stderr(`mldebt: ${n}\n`);

  if (options.writeBaseline) {
    writeFileAtomic(options.writeBaseline, renderBaseline(reports, options.writeBaseline));
    io.stderr(`mldebt: wrote ${reports.reduce((n, r) => n + r.findings.length, 0)} findings to ${options.writeBaseline}\n`);
  }
  if (options.fix) io.stderr(`mldebt: fixed ${fixedCount} finding${fixedCount === 1 ? '' : 's'} in ${fixedFiles} file${fixedFiles === 1 ? '' : 's'}\n`);

  if (options.format === 'json') io.stdout(formatJson(reports));
  else if (options.format === 'sarif') io.stdout(formatSarif(reports, rules, notices));
  else io.stdout(formatText(reports, { fixHint: !options.fix }));

  const threshold = SEVERITY_ORDER[failOn];
  const failing = reports.some((r) => r.findings.some((f) => SEVERITY_ORDER[f.severity] >= threshold));
  return failing ? 1 : 0;
}

function loadConfig(rules: readonly AnyRule[], options: CheckOptions, cwd: string): { config: MldebtConfig; root: string } {
  for (const s of [...(options.select ?? []), ...(options.ignore ?? [])]) {
    if (!rules.some((r) => selectorMatches(s, r))) throw new UsageError(`${JSON.stringify(s)} matches no rule (see \`mldebt rules\`)`);
  }
  let loaded: { config: MldebtConfig; file?: string };
  if (options.config) {
    let text: string;
    try {
      text = readFileSync(options.config, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read ${options.config}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    loaded = { config: parsePyproject(text, options.config, rules) ?? {}, file: options.config };
  } else {
    loaded = findProjectConfig(cwd, rules);
  }
  const cli: MldebtConfig = { select: options.select, ignore: options.ignore, exclude: options.exclude };
  return { config: mergeConfigs(loaded.config, cli), root: loaded.file ? dirname(loaded.file) : cwd };
}

export interface FileOutcome {
  findings: Finding[];
  fixed: number;
  notice?: string;
}

export function checkFile(engine: Engine, file: string, path: string, active: readonly ActiveRule[], options: Pick<CheckOptions, 'fix' | 'unsafeFixes'>): FileOutcome {
  const kind = documentKind(file) ?? 'python';
  let content: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > DEFAULT_MAX_FILE_SIZE) {
      return { findings: [], fixed: 0, notice: `skipped ${path}: it is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, over the ${DEFAULT_MAX_FILE_SIZE / 1024 / 1024} MB limit for analysis` };
    }
    content = bytes.toString('utf8');
  } catch (e) {
    const rule = active.find((r) => r.rule === unreadableFile);
    const detail = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { findings: rule ? [fileFinding(rule, `Cannot read file: ${detail}`, `unreadable:${path}`)] : [], fixed: 0 };
  }
  const bom = content.startsWith(UTF8_BOM) ? UTF8_BOM : '';
  content = content.slice(bom.length);

  const { content: fixedContent, fixed, analysis } = options.fix
    ? fixFile(engine, content, kind, active, { unsafe: options.unsafeFixes })
    : { content, fixed: 0, analysis: engine.analyzeFile(content, kind, active) };
  if (analysis.skipped) return { findings: [], fixed: 0, notice: `skipped ${path}: ${analysis.skipped}` };
  if (fixed > 0) writeFileAtomic(file, bom + fixedContent);
  for (const e of analysis.ruleErrors) process.emitWarning(`internal error in rule ${e} (file ${path})`);
  return { findings: analysis.findings, fixed };
}

function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return (rel.startsWith('..') ? file : rel).split(sep).join('/');
}
