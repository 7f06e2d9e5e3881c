import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from './engine/config';
import { Engine } from './engine/engine';
import { wasmIn } from './engine/parser';
import type { Severity } from './engine/types';
import { LEDGER_PATH, LedgerError } from './backlog/ledger';
import { exportBacklog, mergeBacklogFiles } from './cli/backlog';
import { BaselineError } from './cli/baseline';
import { runCheck, UsageError, type CheckOptions } from './cli/check';
import { CHECK_WORKER, runCheckWorker, type WorkerSetup } from './cli/parallel';
import { renderDocs } from './docs';
import { RULES } from './rules';
import { VERSION } from './version';

const EXIT_USAGE = 2;

function program(): Command {
  const cli = new Command('mldebt')
    .description('Find machine-learning technical debt in Python files and Jupyter notebooks.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cli
    .command('check')
    .description('check .py and .ipynb files (default: the current folder), honouring .gitignore and the exclude setting')
    .argument('[paths...]', 'files or folders to check')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--select <rules>', 'only these rules: ids, codes, code prefixes or categories, comma-separated', list)
    .option('--ignore <rules>', 'skip these rules (same forms as --select)', list)
    .option('--exclude <globs>', 'skip files matching these globs, comma-separated', list)
    .option('--fix', 'apply safe fixes to the files', false)
    .option('--unsafe-fixes', 'with --fix, apply unsafe fixes too', false)
    .option('--baseline <file>', 'report only findings that are not in this baseline (or backlog ledger) file')
    .option('--write-baseline <file>', 'write every finding of this run to a baseline file')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains (default: warning)').choices(['error', 'warning', 'information', 'hint']))
    .option('--config <file>', 'read [tool.mldebt] from this pyproject.toml instead of the nearest one')
    .option('--jobs <n>', 'check on this many threads (default: one per core beyond two, at most 4)', positiveInteger)
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      if (opts.unsafeFixes && !opts.fix) throw new UsageError('--unsafe-fixes goes with --fix');
      const options: CheckOptions = {
        paths,
        format: opts.format as CheckOptions['format'],
        select: opts.select as string[] | undefined,
        ignore: opts.ignore as string[] | undefined,
        exclude: opts.exclude as string[] | undefined,
        fix: opts.fix as boolean,
        unsafeFixes: opts.unsafeFixes as boolean,
        baseline: opts.baseline as string | undefined,
        writeBaseline: opts.writeBaseline as string | undefined,
        failOn: opts.failOn as Severity | undefined,
        config: opts.config as string | undefined,
        jobs: opts.jobs as number | undefined,
      };
      const engine = await loadEngine();
      process.exitCode = await runCheck(engine, RULES, options, {
        cwd: process.cwd(),
        stdout: (s) => process.stdout.write(s),
        stderr: (s) => process.stderr.write(s),
        progress: process.stderr.isTTY === true && !process.env.CI,
        workers: { script: __filename, wasm: WASM },
      });
    });

  cli
    .command('rules')
    .description('list every rule with its code, id, category, default severity and fix safety')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: string }) => {
      const rows = RULES.map((r) => ({ code: r.meta.code, id: r.meta.id, category: r.meta.category, severity: r.meta.severity, fix: r.meta.fix, summary: r.meta.docs.summary }));
      if (opts.format === 'json') {
        process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        return;
      }
      const width = Math.max(...rows.map((r) => r.id.length));
      for (const r of rows) process.stdout.write(`${r.code}  ${r.id.padEnd(width)}  ${r.category.padEnd(15)} ${r.severity.padEnd(11)} ${r.fix.padEnd(6)} ${r.summary}\n`);
    });

  const backlog = cli.command('backlog').description('the team\'s debt ledger, .mldebt/backlog.json');
  backlog
    .command('export')
    .description('write the ledger as a report, grouped by category with counts (items whose code is gone read as resolved)')
    .addOption(new Option('--format <format>', 'report format').choices(['markdown', 'csv', 'json']).default('markdown'))
    .option('--ledger <file>', 'the ledger file', LEDGER_PATH)
    .action(async (opts: { format: 'markdown' | 'csv' | 'json'; ledger: string }) => {
      const engine = await loadEngine();
      process.stdout.write(exportBacklog(engine, RULES, opts.ledger, opts.format));
    });
  backlog
    .command('merge')
    .description('three-way merge of ledger files, for git: merge.mldebt.driver = "mldebt backlog merge %O %A %B"')
    .argument('<base>')
    .argument('<ours>', 'also where the result is written')
    .argument('<theirs>')
    .action((base: string, ours: string, theirs: string) => {
      process.exitCode = mergeBacklogFiles(base, ours, theirs, (s) => process.stderr.write(s));
    });

  cli
    .command('docs', { hidden: true })
    .description('write the rule documentation pages into a folder')
    .argument('<dir>')
    .action((dir: string) => {
      mkdirSync(dir, { recursive: true });
      const files = renderDocs(RULES);
      for (const name of readdirSync(dir)) if (name.endsWith('.md') && !files.has(name)) rmSync(join(dir, name));
      for (const [name, text] of files) writeFileSync(join(dir, name), text);
      process.stderr.write(`mldebt: wrote ${files.size} pages to ${dir}\n`);
    });

  return cli;
}

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs wants a whole number of threads, not ${JSON.stringify(value)}`);
  return n;
}

const WASM = wasmIn(__dirname);

function loadEngine(): Promise<Engine> {
  return Engine.create(WASM);
}

async function main(): Promise<void> {
  try {
    await program().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; every other parse error is a usage error.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof BaselineError || e instanceof LedgerError) {
      process.stderr.write(`mldebt: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    process.stderr.write(`mldebt: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = EXIT_USAGE;
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[CHECK_WORKER]) {
  void runCheckWorker((workerData as Record<string, WorkerSetup>)[CHECK_WORKER], RULES);
} else {
  void main();
}
