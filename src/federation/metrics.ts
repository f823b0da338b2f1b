import type { Evaluation } from './protocol.js';

export interface RoundMetrics {
  /** Accuracy over every site's test split together: Σ correct / Σ n, rows never pooled. */
  pooledAccuracy: number;
  pooledLoss: number;
  perSite: Record<string, Evaluation>;
}

export function pooledMetrics(bySite: Map<string, Evaluation>): RoundMetrics {
  let correct = 0;
  let n = 0;
  let loss = 0;
  for (const e of bySite.values()) {
    correct += e.correct;
    n += e.n;
    loss += e.loss * e.n;
  }
  return {
    pooledAccuracy: n > 0 ? correct / n : 0,
    pooledLoss: n > 0 ? loss / n : 0,
    perSite: Object.fromEntries(bySite),
  };
}
