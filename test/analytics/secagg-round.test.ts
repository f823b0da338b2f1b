/**
 * The demo's two queries through real SecAgg+ state machines (six station sites, in process):
 * counts come back exact, means within the encoding's bound of the exact reference, and with
 * noise the hub still decodes an answer that spends the planned ε.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAnswer,
  decodeSecAggSum,
  exactReference,
  parseQueryPlan,
  planQuery,
  renderTable,
  siteContribution,
  type StationData,
} from '../../src/analytics/index.js';
import { COLUMNS, DP_POLICY, OPEN_POLICY, loadStations } from './support/stations.js';
import { secureSum } from './support/secagg.js';

let stations: StationData[];
beforeAll(async () => {
  stations = await loadStations();
});

const BY_STATION_YEAR = { stat: 'mean', column: 'PM2.5', by: ['station', 'year'] };
const BY_SEASON = { stat: 'mean', column: 'PM2.5', by: ['season'] };

/** Each site parses the plan as it would arrive (JSON), then computes its contribution. */
function contributions(plan: unknown): Map<string, Float64Array> {
  const wire = JSON.parse(JSON.stringify(plan)) as unknown;
  return new Map(
    stations.map((s) => [s.station.toLowerCase(), siteContribution(s.rows, wire, COLUMNS)]),
  );
}

describe('analytics through SecAgg+', () => {
  it.each([
    ['mean PM2.5 by station × year', BY_STATION_YEAR, 60],
    ['mean PM2.5 by season', BY_SEASON, 8],
  ])('%s: exact counts, means within the bound', (_, query, length) => {
    const plan = planQuery({
      query,
      columns: COLUMNS,
      policy: OPEN_POLICY,
      sites: 6,
      maxRecordsPerSite: 40_000,
    });
    expect(plan.vectorLength).toBe(length);
    const result = secureSum(plan, contributions(plan));
    expect(result.survivors).toHaveLength(6);
    const answer = decodeAnswer(decodeSecAggSum(result, plan.encoding), plan, {
      survivors: result.survivors.length,
    });
    const reference = exactReference(
      stations.map((s) => s.rows),
      query,
      COLUMNS,
    );
    answer.groups.forEach((g, i) => {
      const ref = reference.groups[i]!;
      expect(g.label).toBe(ref.label);
      expect(g.count).toBe(ref.count);
      expect(Math.abs(g.value! - ref.value!)).toBeLessThanOrEqual(
        (500 * answer.roundingBound) / ref.count!,
      );
    });
    expect(answer.privacy).toBeNull();
  });

  it('with ε = 1 the answer carries the spent (ε, δ) and stays close at these counts', () => {
    const plan = parseQueryPlan(
      planQuery({
        query: { ...BY_STATION_YEAR, epsilon: 1 },
        columns: COLUMNS,
        policy: DP_POLICY,
        sites: 6,
        maxRecordsPerSite: 40_000,
      }),
    );
    const result = secureSum(plan, contributions(plan));
    const answer = decodeAnswer(decodeSecAggSum(result, plan.encoding), plan, { survivors: 6 });
    expect(answer.privacy!.epsilon).toBeLessThanOrEqual(1);
    expect(answer.privacy!.epsilon).toBeGreaterThan(0.99);
    expect(answer.privacy!.delta).toBe(1e-5);
    expect(answer.privacy!.step).toEqual({
      sampleRate: 1,
      noiseMultiplier: plan.noise!.noiseMultiplier,
      steps: 1,
    });
    const reference = exactReference(
      stations.map((s) => s.rows),
      BY_STATION_YEAR,
      COLUMNS,
    );
    answer.groups.forEach((g, i) => {
      const ref = reference.groups[i]!;
      // Six noise standard deviations: a false failure once in ~5e8 groups.
      expect(Math.abs(g.count! - ref.count!)).toBeLessThan(
        6 * plan.noise!.noiseMultiplier * Math.SQRT2,
      );
      expect(Math.abs(g.value! - ref.value!)).toBeLessThan(6 * g.noiseStd! + 0.01);
    });
    const text = renderTable(answer.table);
    expect(text).toContain('mean of PM2.5 (µg/m³) by station × year');
    expect(text).toContain('ε = 1.00, δ = 0.00001 spent');
    expect(text.split('\n').filter((l) => l.startsWith('Dongsi'))).toHaveLength(5);
  });
});
