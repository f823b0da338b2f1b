/** Small cells: a group whose (noisy) count is below the minimum cohort publishes nothing but why. */
import { describe, expect, it } from 'vitest';
import {
  decodeAnswer,
  localContribution,
  planQuery,
  renderTable,
  siteContribution,
} from '../../src/analytics/index.js';
import { SYNTHETIC_COLUMNS, sumVectors, syntheticSites } from './support/synthetic.js';

const rows = syntheticSites({ a: 3, b: 9, c: 10, d: 250 }, 3);

function answer(query: object, minimumCohort: number) {
  const plan = planQuery({
    query,
    columns: SYNTHETIC_COLUMNS,
    policy: { minimumCohort, differentialPrivacy: false },
    sites: 3,
  });
  const sum = sumVectors(rows.map((r) => localContribution(r, plan.query, SYNTHETIC_COLUMNS)));
  return decodeAnswer(sum, plan, { survivors: 3 });
}

describe('small-cell suppression', () => {
  it.each([
    { stat: 'count', column: 'level', by: ['zone'] },
    { stat: 'mean', column: 'level', by: ['zone'] },
    { stat: 'variance', column: 'level', by: ['zone'] },
    { stat: 'histogram', column: 'level', by: ['zone'], bins: 4 },
    { stat: 'quantile', column: 'level', by: ['zone'], bins: 4, quantiles: [0.5] },
  ])('$stat: cells under 10 withheld with the reason, 10 and more published', (query) => {
    const a = answer(query, 10);
    const [small, nine, ten, large] = a.groups;
    for (const g of [small!, nine!]) {
      expect(g.suppressed).toBe('count below the minimum cohort of 10');
      expect(g).toMatchObject({
        count: null,
        value: null,
        noiseStd: null,
        histogram: null,
        quantiles: null,
      });
    }
    expect(ten!.suppressed).toBeNull();
    expect(ten!.count).toBe(10);
    expect(large!.count).toBe(250);
    const text = renderTable(a.table);
    expect(text).toMatch(/^a {2}.*— .*suppressed: count below the minimum cohort of 10$/m);
    expect(text).toContain('cells with a count below 10 are suppressed');
  });

  it('an empty group is suppressed too, and a cohort of 1 publishes every non-empty cell', () => {
    const query = { stat: 'mean', column: 'level', by: ['zone', 'shift'] };
    const strict = answer(query, 10);
    expect(strict.groups.filter((g) => g.suppressed === null).map((g) => g.label)).toEqual([
      'd · day',
      'd · night',
    ]);
    const loose = answer(query, 1);
    expect(loose.groups.filter((g) => g.suppressed !== null)).toEqual([]);
  });

  it('a variance of one record is withheld: it needs two', () => {
    const one = [[{ level: 5, zone: 'a', shift: 'day' }], [], []];
    const plan = planQuery({
      query: { stat: 'variance', column: 'level' },
      columns: SYNTHETIC_COLUMNS,
      policy: { minimumCohort: 1, differentialPrivacy: false },
      sites: 3,
    });
    const sum = sumVectors(one.map((r) => localContribution(r, plan.query, SYNTHETIC_COLUMNS)));
    expect(decodeAnswer(sum, plan, { survivors: 3 }).groups[0]!.suppressed).toBe(
      'variance needs more than one record',
    );
  });

  it('under DP the decision is on the noisy count, and says so', () => {
    const plan = planQuery({
      query: { stat: 'count', column: 'level', by: ['zone'], epsilon: 1 },
      columns: SYNTHETIC_COLUMNS,
      policy: { minimumCohort: 100, differentialPrivacy: true },
      sites: 3,
    });
    const sum = sumVectors(rows.map((r) => siteContribution(r, plan, SYNTHETIC_COLUMNS)));
    const a = decodeAnswer(sum, plan, { survivors: 3 });
    expect(a.groups[0]!.suppressed).toBe('noisy count below the minimum cohort of 100');
    expect(a.groups[3]!.suppressed).toBeNull();
  });
});
