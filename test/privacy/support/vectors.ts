/** The RDP accountant vectors: from ../shared when it is there, else the copy beside the tests. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
export const SHARED_VECTORS = resolve(repoRoot, '../shared/testvectors/dp/rdp-accountant.json');
export const COPIED_VECTORS = join(here, '../vectors/rdp-accountant.json');

export interface RdpVectors {
  cases: {
    sample_rate: number;
    noise_multiplier: number;
    steps: number;
    delta: number;
    epsilon: number;
    tolerance: number;
    best_order?: number;
  }[];
  single_step_rdp: { sample_rate: number; noise_multiplier: number; order: number; rdp: number }[];
  noise_for_budget: {
    target_epsilon: number;
    delta: number;
    sample_rate: number;
    epochs?: number;
    steps?: number;
    noise_multiplier: number;
    tolerance: number;
  }[];
}

export function loadRdpVectors(): { vectors: RdpVectors; path: string } {
  const path = existsSync(SHARED_VECTORS) ? SHARED_VECTORS : COPIED_VECTORS;
  return { vectors: JSON.parse(readFileSync(path, 'utf8')) as RdpVectors, path };
}
