import { describe, expect, it } from 'vitest';
import { StrategySpec, createStrategy } from '../../src/federation/strategies/index.js';
import {
  HEART_DISEASE_DEFAULTS as defaults,
  HEART_DISEASE_SITES,
  ModelSpec,
  TrainingOptions,
  schemaHash,
} from '../../src/learning/index.js';

describe('HEART_DISEASE_DEFAULTS', () => {
  it('is a valid job: model, strategy and every local training recipe parse', () => {
    expect(ModelSpec.parse(defaults.model)).toEqual({ kind: 'logistic' });
    expect(createStrategy(StrategySpec.parse(defaults.strategy)).name).toBe(defaults.strategy.name);
    const local = {
      steps: defaults.steps,
      batchSize: defaults.batchSize,
      learningRate: defaults.learningRate,
      optimizer: defaults.optimizer,
      l2: defaults.l2,
    };
    for (const recipe of [local, defaults.personalization, defaults.localOnly]) {
      expect(() => TrainingOptions.parse({ ...recipe, seed: 0 })).not.toThrow();
    }
    // The demo must finish in minutes with 4 processes on 2 cores.
    expect(defaults.rounds).toBeLessThanOrEqual(30);
    expect(defaults.localOnly.steps).toBe(defaults.rounds * defaults.steps);
  });

  it('puts all four hospitals on one schema', () => {
    expect(HEART_DISEASE_SITES.map((s) => s.site)).toEqual([
      'cleveland',
      'hungary',
      'switzerland',
      'long-beach',
    ]);
    expect(new Set(HEART_DISEASE_SITES.map((s) => schemaHash(s.dataset.schema))).size).toBe(1);
  });
});
