/** Bad input is refused with an error that names what is wrong. */
import { describe, expect, it } from 'vitest';
import {
  AnalyticsError,
  decodeAnswer,
  decodeSecAggSum,
  encodeForSecAgg,
  localContribution,
  parseAnalyticsDeclaration,
  parseQuery,
  parseQueryPlan,
  planEncoding,
  planQuery,
  siteContribution,
  type AnalyticsColumns,
} from '../../src/analytics/index.js';
import { SYNTHETIC_COLUMNS } from './support/synthetic.js';

const OPEN = { minimumCohort: 10, differentialPrivacy: false };
const mean = { stat: 'mean', column: 'level', by: ['zone'] };
const plan = (query: object = mean, policy = OPEN) =>
  planQuery({ query, columns: SYNTHETIC_COLUMNS, policy, sites: 3 });

function refuses(run: () => unknown, message: RegExp) {
  expect(run).toThrow(AnalyticsError);
  expect(run).toThrow(message);
}

describe('queries', () => {
  it.each([
    [
      { stat: 'median', column: 'level' },
      /query: stat: must be one of count, sum, mean, variance, histogram, quantile/,
    ],
    [{ stat: 'mean' }, /query: column: /],
    [{ stat: 'mean', column: 'level', epsilon: -1 }, /query: epsilon: must be > 0/],
    [
      { stat: 'mean', column: 'level', epsilon: NaN },
      /query: epsilon: must be a finite number > 0/,
    ],
    [{ stat: 'mean', column: 'level', delta: 1e-6 }, /query: delta: is given without epsilon/],
    [{ stat: 'mean', column: 'level', epsilon: 1, delta: 1 }, /query: delta: must be in \(0, 1\)/],
    [{ stat: 'mean', column: 'level', by: ['zone', 'zone'] }, /query: by\[1\]: repeats 'zone'/],
    [
      { stat: 'mean', column: 'level', by: ['level'] },
      /query: by\[0\]: 'level' is also the queried column/,
    ],
    [{ stat: 'mean', column: 'level', bins: 3 }, /query: unrecognized key/i],
    [
      { stat: 'histogram', column: 'level' },
      /query: bins: give exactly one of bins \(a count\) or edges/,
    ],
    [
      { stat: 'histogram', column: 'level', bins: 3, edges: [0, 1] },
      /query: bins: give exactly one/,
    ],
    [{ stat: 'histogram', column: 'level', bins: 2.5 }, /query: bins: must be a whole number/],
    [
      { stat: 'histogram', column: 'level', edges: [0, 5, 5] },
      /query: edges\[2\]: edges must increase strictly/,
    ],
    [{ stat: 'quantile', column: 'level', bins: 4 }, /query: quantiles: /],
    [
      { stat: 'quantile', column: 'level', bins: 4, quantiles: [1] },
      /query: quantiles\[0\]: must be in \(0, 1\)/,
    ],
  ])('%j', (query, message) => refuses(() => parseQuery(query, SYNTHETIC_COLUMNS), message));

  it('against the declared columns', () => {
    refuses(
      () => parseQuery({ stat: 'mean', column: 'PM25' }, SYNTHETIC_COLUMNS),
      /query column 'PM25' is not a declared analytics column \(declared: level, shift, zone\)/,
    );
    refuses(
      () => parseQuery({ stat: 'mean', column: 'zone' }, SYNTHETIC_COLUMNS),
      /query column 'zone' is declared categorical; it needs a numeric column with bounds/,
    );
    refuses(
      () => parseQuery({ stat: 'mean', column: 'level', by: ['level2'] }, SYNTHETIC_COLUMNS),
      /query by column 'level2' is not a declared analytics column/,
    );
    refuses(
      () => parseQuery({ stat: 'histogram', column: 'level', edges: [-5, 50] }, SYNTHETIC_COLUMNS),
      /query: edges \[-5, 50\] must lie inside the declared bounds of 'level' \[0, 100\]/,
    );
    const wide: AnalyticsColumns = {
      ...SYNTHETIC_COLUMNS,
      id: { kind: 'categorical', categories: Array.from({ length: 1000 }, (_, i) => `c${i}`) },
    };
    refuses(
      () =>
        parseQuery(
          { stat: 'count', column: 'level', by: ['id', 'zone', 'shift', 'zone2'] },
          {
            ...wide,
            zone2: {
              kind: 'categorical',
              categories: Array.from({ length: 20 }, (_, i) => `z${i}`),
            },
          },
        ),
      /makes 160000 groups, more than 100000/,
    );
  });

  it('round sizes', () => {
    const q = { query: mean, columns: SYNTHETIC_COLUMNS, policy: OPEN };
    refuses(() => planQuery({ ...q, sites: 0 }), /sites must be a whole number ≥ 1 \(got 0\)/);
    refuses(
      () => planQuery({ ...q, sites: 3, minimumSurvivors: 4 }),
      /minimumSurvivors must be a whole number in 1..3 \(got 4\)/,
    );
  });

  it('policy: no epsilon where DP is required', () => {
    refuses(
      () => plan(mean, { minimumCohort: 10, differentialPrivacy: true }),
      /query: epsilon is required: the collaboration's policy requires differential privacy/,
    );
    refuses(
      () => plan(mean, { minimumCohort: 0, differentialPrivacy: false }),
      /policy: minimumCohort: must be a whole number ≥ 1/,
    );
  });
});

describe('declarations', () => {
  it.each([
    [
      { columns: { x: { kind: 'numeric', min: 5, max: 5 } } },
      /analytics: columns.x.max: must be above min/,
    ],
    [
      { columns: { x: { kind: 'numeric', min: 0, max: Infinity } } },
      /analytics: columns.x.max: must be a finite number/,
    ],
    [
      { columns: { x: { kind: 'categorical', categories: ['a', 'a'] } } },
      /columns.x.categories: must not repeat a category/,
    ],
    [
      { columns: { x: { kind: 'categorical', categories: [] } } },
      /columns.x.categories: must list at least one category/,
    ],
    [{ columns: { x: { kind: 'text' } } }, /analytics: columns.x.kind/],
  ])('%j', (declaration, message) =>
    refuses(() => parseAnalyticsDeclaration(declaration), message),
  );
});

describe('rows', () => {
  const q = parseQuery(mean, SYNTHETIC_COLUMNS);
  it.each([
    [[{ level: NaN, zone: 'a' }], /row 0: column 'level' is NaN, not a finite number/],
    [[{ level: '7', zone: 'a' }], /row 0: column 'level' is '7', not a finite number/],
    [
      [{ level: 1, zone: 'a' }, { zone: 'b' }],
      /row 1 has no column 'level' \(missing values must be null\)/,
    ],
    [
      [{ level: 1, zone: 'e' }],
      /row 0: column 'zone' has 'e', not one of its declared categories \(a, b, c, d\)/,
    ],
    [[{ level: 1, zone: 3 }], /row 0: column 'zone' is 3, not a category \(a string\)/],
  ])('%j', (rows, message) =>
    refuses(() => localContribution(rows as never, q, SYNTHETIC_COLUMNS), message),
  );

  it('a missing value drops the row from this query only; out-of-bounds values are clamped', () => {
    const v = localContribution(
      [
        { level: null, zone: 'a' },
        { level: 50, zone: null },
        { level: 250, zone: 'b' },
        { level: -3, zone: 'b' },
      ],
      q,
      SYNTHETIC_COLUMNS,
    );
    expect([...v]).toEqual([0, 0, 2, 0, 0, 0, 0, 0]); // b: count 2, Σy = (+1) + (−1)
  });
});

describe('plans, vectors and sums', () => {
  it('a site refuses a plan whose declarations differ from its own', () => {
    const own: AnalyticsColumns = {
      ...SYNTHETIC_COLUMNS,
      level: { kind: 'numeric', min: 0, max: 200, unit: 'u' },
    };
    refuses(
      () => siteContribution([], plan(), own),
      /plan does not match this site's declarations: column 'level': planned .*"max":100.*declared here .*"max":200/,
    );
  });

  it('a site refuses a plan with less noise than its ε needs, or tampered lengths', () => {
    const p = plan({ ...mean, epsilon: 1 }, { minimumCohort: 10, differentialPrivacy: true });
    refuses(
      () =>
        parseQueryPlan({
          ...p,
          noise: { ...p.noise!, noiseMultiplier: p.noise!.noiseMultiplier / 2 },
        }),
      /plan: noise multiplier .* is below the .* that ε = 1 needs/,
    );
    refuses(
      () => parseQueryPlan({ ...p, noise: null }),
      /plan: no noise, but the query or the policy asks for differential privacy/,
    );
    refuses(
      () => parseQueryPlan({ ...p, vectorLength: 9 }),
      /plan: vectorLength is 9, the query's layout has 8/,
    );
    refuses(
      () => parseQueryPlan({ ...p, encoding: { ...p.encoding, resolution: 0.3 } }),
      /plan: encoding.resolution: resolution must be a power of two/,
    );
  });

  it('decodeAnswer refuses a sum of the wrong shape or with non-finite values', () => {
    const p = plan();
    refuses(
      () => decodeAnswer(new Float64Array(7), p, { survivors: 3 }),
      /sum has 7 values; the query's layout has 8/,
    );
    const bad = new Float64Array(8);
    bad[5] = NaN;
    refuses(
      () => decodeAnswer(bad, p, { survivors: 3 }),
      /sum value 5 is NaN, not a finite number/,
    );
    refuses(
      () => decodeAnswer(new Float64Array(8), p, { survivors: 0 }),
      /survivors must be a whole number ≥ 1/,
    );
  });

  it('the encoding refuses values it cannot carry exactly, and sums masked with other weights', () => {
    const encoding = planEncoding({ sites: 3, maxRecordsPerSite: 100 });
    refuses(
      () => encodeForSecAgg(Float64Array.of(1, Infinity), encoding),
      /contribution value 1 is Infinity/,
    );
    refuses(
      () => encodeForSecAgg(Float64Array.of(1e9), encoding),
      /contribution value 0 is 1000000000, outside the encoding's range ±128; plan the query with a larger maxRecordsPerSite/,
    );
    refuses(
      () =>
        decodeSecAggSum(
          { weightedSum: new Float64Array(1), weightTotal: 2.5, survivors: ['a', 'b', 'c'] },
          encoding,
        ),
      /SecAgg weight total is 2.5, not 3 \(one per survivor\): every site must mask with sampleCount = maxWeight \(1\)/,
    );
  });
});
