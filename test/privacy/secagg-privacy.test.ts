/**
 * What the hub sees: every message it received in a round with dropouts. No single site's
 * update can be read from it: masked inputs are uniform mod 2^32 and uncorrelated with the true
 * updates, even after the hub strips the self masks it is allowed to rebuild.
 */
import { describe, expect, it } from 'vitest';
import type { MaskedInput, UnmaskResponse } from '../../src/privacy/index.js';
import { expandMask, selfMaskKey } from '../../src/privacy/secagg/prg.js';
import { quantizeUpdate } from '../../src/privacy/secagg/quantization.js';
import { combineShares } from '../../src/privacy/secagg/shamir.js';
import { roundConfig, runRound, type DropPoint } from './support/secagg-round.js';

const D = 50_000;
const config = roundConfig({ sites: 10, neighbours: 4, threshold: 3, vectorLength: D });
// Updates as far from uniform as possible: a ramp for every site, a constant for site-000.
const updates = new Map(
  config.sites.map((s, k) => [
    s,
    s === 'site-000'
      ? new Float32Array(D).fill(0.5)
      : Float32Array.from({ length: D }, (_, i) => ((i / D) * 2 - 1) * (k + 1) * 0.5),
  ]),
);
const drops = new Map<string, DropPoint>([['site-007', 'share-keys']]);
const { hubView, result } = runRound(config, updates, { drops });
const masked = hubView.filter((m): m is MaskedInput => m.type === 'masked-input');
const reveals = hubView.filter((m): m is UnmaskResponse => m.type === 'unmask-response');

/** χ² of one byte of each word against the uniform distribution over 256 values. */
function byteChiSquare(words: Uint32Array, shift: number): number {
  const counts = new Float64Array(256);
  for (const w of words) counts[(w >>> shift) & 0xff] = counts[(w >>> shift) & 0xff]! + 1;
  const expected = words.length / 256;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

// χ² with 255 degrees of freedom: mean 255, sd √510; 6 sd is a false alarm once in ~10⁹ runs.
const CHI2_LIMIT = 255 + 6 * Math.sqrt(510);
const CORRELATION_LIMIT = 6 / Math.sqrt(D);

function expectUniformAndUnrelated(words: Uint32Array, update: Float32Array) {
  for (const shift of [0, 8, 16, 24]) expect(byteChiSquare(words, shift)).toBeLessThan(CHI2_LIMIT);
  const varies = update.some((v) => v !== update[0]);
  if (varies) {
    const values = Float64Array.from(words.subarray(0, D));
    expect(Math.abs(correlation(values, update))).toBeLessThan(CORRELATION_LIMIT);
  }
}

describe('the hub’s view of a round', () => {
  it('still yields the right sum (the view is complete)', () => {
    expect(result.survivors).toHaveLength(9);
    expect(masked).toHaveLength(9);
  });

  it('holds masked inputs that are uniform mod 2^32 and uncorrelated with the updates', () => {
    for (const m of masked) expectUniformAndUnrelated(m.vector, updates.get(m.site)!);
  });

  it('uses statistics that would catch an unmasked update', () => {
    const site = 'site-003';
    const plain = quantizeUpdate(
      updates.get(site)!,
      config.quantization.maxWeight,
      config.quantization,
    );
    expect(byteChiSquare(plain, 24)).toBeGreaterThan(100 * CHI2_LIMIT);
    expect(
      correlation(Float64Array.from(plain.subarray(0, D)), updates.get(site)!),
    ).toBeGreaterThan(0.99);
  });

  it('hides a constant update as well as a varied one', () => {
    const constant = masked.find((m) => m.site === 'site-000')!;
    expect(byteChiSquare(constant.vector, 24)).toBeLessThan(CHI2_LIMIT);
    expect(new Set(constant.vector).size).toBeGreaterThan(D * 0.99);
  });

  it('stays uniform after the hub strips the self masks it rebuilds from the revealed shares', () => {
    for (const m of masked) {
      const shares = reveals.flatMap((r) => r.selfMaskShares.filter((s) => s.owner === m.site));
      const seed = combineShares(shares, config.threshold);
      const residual = m.vector.slice();
      const selfMask = expandMask(selfMaskKey(seed, config.round, m.site), residual.length);
      for (let i = 0; i < residual.length; i++) residual[i] = residual[i]! - selfMask[i]!;
      // Only the pairwise masks with live neighbours remain, and they still hide the update.
      expectUniformAndUnrelated(residual, updates.get(m.site)!);
    }
  });

  it('never holds both secrets of any site', () => {
    const seedOwners = new Set(reveals.flatMap((r) => r.selfMaskShares.map((s) => s.owner)));
    const keyOwners = new Set(reveals.flatMap((r) => r.maskKeyShares.map((s) => s.owner)));
    expect([...seedOwners].filter((o) => keyOwners.has(o))).toEqual([]);
    expect([...keyOwners]).toEqual(['site-007']);
    expect(masked.some((m) => m.site === 'site-007')).toBe(false);
  });

  it('hides partial sums too: two survivors’ inputs added are still uniform', () => {
    const [a, b] = masked;
    const pair = a!.vector.map((v, i) => v + b!.vector[i]!);
    expect(byteChiSquare(pair, 24)).toBeLessThan(CHI2_LIMIT);
  });
});
