import { parentPort, Worker } from 'node:worker_threads';
import { activeRules, type MldebtConfig } from '../engine/config';
import { Engine } from '../engine/engine';
import type { WasmPaths } from '../engine/parser';
import type { AnyRule } from '../engine/rule';
import { checkFile, type FileOutcome } from './check';

/**
 * `mldebt check` on several threads: each worker thread loads its own parser and checks the files
 * it is handed, one at a time, so that a slow file does not hold the others up.
 */

export interface WorkerSetup {
  config: MldebtConfig;
  fix: boolean;
  unsafeFixes: boolean;
  wasm: WasmPaths;
}

/** Marks the `workerData` of a check worker, so the CLI script knows what it is started as. */
export const CHECK_WORKER = 'mldebt-check-worker';

interface Job {
  index: number;
  file: string;
  path: string;
}

type Reply = { index: number; outcome: FileOutcome } | { index: number; error: string };

/** Checks `files` on `threads` workers running `script`; `done` hears of each file as it finishes. */
export function checkInWorkers(
  script: string,
  files: ReadonlyArray<{ file: string; path: string }>,
  threads: number,
  setup: WorkerSetup,
  done: (index: number) => void,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = new Array(files.length);
  let next = 0;
  let finished = 0;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const fail = (error: Error): void => {
      for (const w of workers) void w.terminate();
      reject(error);
    };
    const hand = (worker: Worker): void => {
      if (next >= files.length) return;
      const index = next++;
      worker.postMessage({ index, ...files[index] } satisfies Job);
    };
    for (let t = 0; t < Math.min(threads, files.length); t++) {
      const worker = new Worker(script, { workerData: { [CHECK_WORKER]: setup } });
      workers.push(worker);
      worker.on('message', (reply: Reply) => {
        if ('error' in reply) return fail(new Error(`checking ${files[reply.index].path}: ${reply.error}`));
        outcomes[reply.index] = reply.outcome;
        done(reply.index);
        if (++finished < files.length) return hand(worker);
        for (const w of workers) w.postMessage(null);
        resolve(outcomes);
      });
      worker.on('error', fail);
      hand(worker);
    }
    if (files.length === 0) resolve(outcomes);
  });
}

/** The worker side: load the parser, then check each file handed over until told to stop. */
export async function runCheckWorker(setup: WorkerSetup, rules: readonly AnyRule[]): Promise<void> {
  const port = parentPort!;
  const engine = await Engine.create(setup.wasm);
  const active = activeRules(rules, setup.config);
  port.on('message', (job: Job | null) => {
    if (!job) {
      port.close();
      return;
    }
    try {
      port.postMessage({ index: job.index, outcome: checkFile(engine, job.file, job.path, active, setup) } satisfies Reply);
    } catch (e) {
      port.postMessage({ index: job.index, error: (e as Error).stack ?? String(e) } satisfies Reply);
    }
  });
}
