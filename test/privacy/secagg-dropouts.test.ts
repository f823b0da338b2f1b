import { describe, expect, it } from 'vitest';
import { RoundFailedError, SecAggRefusal } from '../../src/privacy/index.js';
import {
  exactWeightedSum,
  maxDifference,
  randomUpdates,
  roundConfig,
  runRound,
  startRound,
  type DropPoint,
} from './support/secagg-round.js';

// k = 8 of 11 others and t = 3: any 5 absent sites still leave every site 3 live neighbours.
const config = roundConfig({ sites: 12, neighbours: 8, threshold: 3, vectorLength: 2000 });
const updates = randomUpdates(config, 2);

function expectSumOf(result: ReturnType<typeof runRound>['result'], sites: readonly string[]) {
  const exact = exactWeightedSum(config, updates, new Map(), sites);
  expect(result.survivors).toEqual([...sites].sort());
  expect(maxDifference(result.weightedSum, exact.sum)).toBeLessThan(result.errorBound);
  expect(result.weightTotal).toBe(exact.weightTotal);
}

const others = (...gone: string[]) => config.sites.filter((s) => !gone.includes(s));

describe('SecAgg+ with dropouts', () => {
  it.each<[DropPoint, boolean]>([
    ['nothing', false],
    ['advertise', false],
    ['share-keys', false],
    ['masked-input', true],
  ])('tolerates a site silent after %s', (point, counted) => {
    const { result } = runRound(config, updates, { drops: new Map([['site-004', point]]) });
    expectSumOf(result, counted ? config.sites : others('site-004'));
    expect(result.dropped).toEqual(counted ? [] : ['site-004']);
  });

  it('tolerates survivors that never answer the unmask request', () => {
    const silent = new Set(['site-001', 'site-007']);
    const { result } = runRound(config, updates, { silentInUnmasking: silent });
    expectSumOf(result, config.sites);
  });

  it('tolerates dropouts at every phase in one round', () => {
    const drops = new Map<string, DropPoint>([
      ['site-000', 'nothing'],
      ['site-003', 'advertise'],
      ['site-006', 'share-keys'],
      ['site-009', 'masked-input'],
    ]);
    const { result } = runRound(config, updates, {
      drops,
      silentInUnmasking: new Set(['site-010']),
    });
    expectSumOf(result, others('site-000', 'site-003', 'site-006'));
    expect(result.dropped).toEqual(['site-000', 'site-003', 'site-006']);
  });
});

describe('SecAgg+ below the threshold', () => {
  // Complete graph of 6 (k = 5), t = 4: losing two sites leaves everyone 3 neighbours.
  const small = roundConfig({ sites: 6, neighbours: 5, threshold: 4, vectorLength: 100 });
  const smallUpdates = randomUpdates(small);
  const two = (point: DropPoint) =>
    new Map<string, DropPoint>([
      ['site-001', point],
      ['site-002', point],
    ]);
  const rest = ['site-000', 'site-003', 'site-004', 'site-005'];

  it.each<[DropPoint, string, readonly string[]]>([
    ['nothing', 'advertise-keys', rest],
    ['advertise', 'share-keys', rest],
    ['share-keys', 'masked-input', rest],
  ])('fails cleanly when two sites are silent after %s', (point, phase, named) => {
    const parties = startRound(small);
    let failure: unknown;
    try {
      runRound(small, smallUpdates, { drops: two(point) }, parties);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(RoundFailedError);
    const error = failure as RoundFailedError;
    expect(error.phase).toBe(phase);
    expect([...error.sites].sort()).toEqual([...named].sort());
    expect(error.message).toContain(`failed in ${phase}`);
    expect(error.message).toContain('fewer than t = 4 live neighbours');
    // Nothing is published, and the hub stays failed.
    expect(parties.hub.phase).toBe('failed');
    expect(() => parties.hub.finish()).toThrow(RoundFailedError);
  });

  it('fails in unmasking when too few shares arrive, and publishes nothing', () => {
    const parties = startRound(small);
    const silent = new Set(['site-000', 'site-001', 'site-002']);
    expect(() => runRound(small, smallUpdates, { silentInUnmasking: silent }, parties)).toThrow(
      /failed in unmasking: fewer than 4 shares arrived/,
    );
    expect(parties.hub.phase).toBe('failed');
    expect(() => parties.hub.finish()).toThrow(RoundFailedError);
    expect(() => parties.hub.receive(parties.sites.get('site-000')!.advertise())).toThrow(
      SecAggRefusal,
    );
  });
});
