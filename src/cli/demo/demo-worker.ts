/**
 * Worker-thread entry for the demo's own computations (the DP simulation, the exact air-quality
 * reference, the centralized reference): they run for seconds without yielding, and the demo's thread must keep polling
 * its hubs meanwhile. Posts progress lines, then the result.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { airReferences } from './air-analytics.js';
import { airColumns } from './air-network.js';
import { centralizedReference } from './centralized.js';
import { simulateDpEpsilons } from './dp-simulation.js';
import type { DemoWorkerTask, DemoWorkerMessage } from './in-worker.js';

// At the sites' niceness (local-network.ts): the training it may run beside comes first. On
// Linux this lowers this thread only; elsewhere it may lower the demo's whole process.
try {
  setPriority(10);
} catch {
  // Not permitted here: run at the demo's priority.
}
const post = (message: DemoWorkerMessage) => parentPort?.postMessage(message);
const task = workerData as DemoWorkerTask;
async function run(task: DemoWorkerTask) {
  switch (task.kind) {
    case 'dp':
      return simulateDpEpsilons(task.job, task.epsilons, task.privacy, (line) => post({ line }));
    case 'air-reference':
      return airReferences(airColumns());
    case 'centralized':
      return centralizedReference(task.datasets, task.model, task.budget, task.seed);
  }
}
post({ result: await run(task) });
