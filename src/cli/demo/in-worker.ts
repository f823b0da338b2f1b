import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ReferenceAnswer } from '../../analytics/index.js';
import type { TrainJobSpec } from '../../federation/index.js';
import type { DatasetConfig, ModelSpec } from '../../learning/index.js';
import { packageRoot } from '../../node/index.js';
import type { CentralizedBudget, CentralizedResult } from './centralized.js';
import type { DpRun } from './dp-simulation.js';

/** What the demo hands its worker thread (see demo-worker.ts). */
export type DemoWorkerTask =
  | {
      kind: 'dp';
      job: TrainJobSpec;
      epsilons: readonly (number | null)[];
      privacy: { delta: number; clipNorm: number };
    }
  | { kind: 'air-reference' }
  | {
      kind: 'centralized';
      datasets: DatasetConfig[];
      model: ModelSpec;
      budget: CentralizedBudget;
      seed: number;
    };

type Result = DpRun[] | ReferenceAnswer[] | CentralizedResult;
export type DemoWorkerMessage = { line: string } | { result: Result };

/**
 * Runs one task on a worker thread, from the compiled worker (node processes always run the
 * compiled code, as the nodes do). Resolves with the result; `signal` stops the thread.
 */
function inWorker(
  task: DemoWorkerTask,
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<Result> {
  const worker = new Worker(join(packageRoot(), 'dist', 'src', 'cli', 'demo', 'demo-worker.js'), {
    workerData: task,
  });
  const stop = () => void worker.terminate();
  signal?.addEventListener('abort', stop, { once: true });
  return new Promise<Result>((ok, fail) => {
    worker.on('message', (message: DemoWorkerMessage) => {
      if ('line' in message) say(message.line);
      else ok(message.result);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      signal?.removeEventListener('abort', stop);
      fail(new Error(`the demo's ${task.kind} worker stopped (exit ${code}) before its result`));
    });
  });
}

/** The heart job at each target ε (simulateDpEpsilons), off the calling thread. */
export async function simulateDpInWorker(
  job: TrainJobSpec,
  epsilons: readonly (number | null)[],
  privacy: { delta: number; clipNorm: number },
  say: (line: string) => void,
  signal?: AbortSignal,
): Promise<DpRun[]> {
  return (await inWorker({ kind: 'dp', job, epsilons, privacy }, say, signal)) as DpRun[];
}

/** The air-quality queries' exact reference (airReferences), off the calling thread. */
export async function airReferencesInWorker(signal?: AbortSignal): Promise<ReferenceAnswer[]> {
  return (await inWorker({ kind: 'air-reference' }, () => {}, signal)) as ReferenceAnswer[];
}

/** The centralized reference (centralizedReference), off the calling thread. */
export async function centralizedInWorker(
  input: Omit<Extract<DemoWorkerTask, { kind: 'centralized' }>, 'kind'>,
  signal?: AbortSignal,
): Promise<CentralizedResult> {
  return (await inWorker({ kind: 'centralized', ...input }, () => {}, signal)) as CentralizedResult;
}
