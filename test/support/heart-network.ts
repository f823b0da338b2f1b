import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { onTestFinished } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalNetwork } from '../../src/node/index.js';
import type { LocalNetworkSpec } from '../../src/node/index.js';
import { heartDiseaseNetwork } from '../../src/cli/demo/heart-network.js';
import { heartJobSpec } from '../../src/cli/demo/run-demo.js';
import { raiseTrustTogether } from '../../src/cli/demo/demo-governance.js';
import type { TrainJobSpec } from '../../src/federation/index.js';

/** The demo's four hospitals as real processes, in a fresh temporary directory. */
export async function heartNetwork(
  tweak: (spec: LocalNetworkSpec) => LocalNetworkSpec = (s) => s,
): Promise<LocalNetwork> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-test-'));
  // Leave no node directories behind: after the test's afterEach (which stops the network),
  // or, for a network made in beforeAll, when the test file's worker exits.
  try {
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
  } catch {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return LocalNetwork.create(dir, tweak(heartDiseaseNetwork()));
}

/** A short job with tight timeouts, so faults show within seconds. */
export function quickJob(overrides: Partial<TrainJobSpec> = {}): TrainJobSpec {
  return {
    ...heartJobSpec(0, 6),
    localBaseline: undefined,
    roundTimeoutMs: 3_000,
    setupTimeoutMs: 15_000,
    ...overrides,
  };
}

/**
 * Federated training needs trust level 2 (the consortium pack): every member signs the raise,
 * as in the demo. Call once the hub runs.
 */
export async function raiseToTraining(net: LocalNetwork): Promise<void> {
  await raiseTrustTogether(net, await net.client());
}
