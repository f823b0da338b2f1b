import { describe, expect, it } from 'vitest';
import { decodeSecAggSum } from '../../src/analytics/index.js';
import {
  planSecureStatistics,
  secureStatisticsResult,
  secureStatisticsVector,
} from '../../src/federation/secure-statistics.js';
import {
  combineStatistics,
  diffSchemas,
  localStatistics,
  loadSiteDataset,
  schemaHash,
  HEART_DISEASE_SCHEMA,
} from '../../src/learning/index.js';
import { heartDiseaseNetwork } from '../../src/cli/demo/heart-network.js';

describe('secure standardisation (the statistics phase through the analytics encoding)', () => {
  it('gives the clear means and standard deviations from the summed encoded vectors', async () => {
    const sites = heartDiseaseNetwork().sites.map((s) => s.datasets[0]!);
    const data = await Promise.all(sites.map((ds) => loadSiteDataset(ds, '/')));
    const schema = HEART_DISEASE_SCHEMA;
    const plan = planSecureStatistics(schema, 4, Math.max(...data.map((d) => d.train.length)));
    // What SecAgg+ returns: the plain sum of the encoded vectors (weight 1 each).
    const weightedSum = new Float64Array(plan.vectorLength);
    for (const d of data) {
      secureStatisticsVector(d.train, schema, plan.encoding).forEach(
        (v, i) => (weightedSum[i] = weightedSum[i]! + v),
      );
    }
    const sum = decodeSecAggSum(
      { weightedSum, weightTotal: 4, survivors: ['a', 'b', 'c', 'd'] },
      plan.encoding,
    );
    const stats = data.map((d) => localStatistics(d.train, schema));
    const secure = secureStatisticsResult(
      sum,
      schema,
      stats.map((s) => s.categories),
    );
    const clear = combineStatistics(stats, schema);
    expect(secure.featureNames).toEqual(clear.featureNames);
    expect(secure.categories).toEqual(clear.categories);
    secure.means.forEach((m, i) => expect(m).toBeCloseTo(clear.means[i]!, 4));
    secure.stds.forEach((s, i) => expect(s).toBeCloseTo(clear.stds[i]!, 4));
  });

  it('needs declared bounds for every feature, and sites must declare the same bounds', () => {
    const { bounds, ...unbounded } = HEART_DISEASE_SCHEMA;
    expect(() => planSecureStatistics({ ...unbounded }, 4, 300)).toThrow(
      /declares none for age, sex, trestbps, chol, fbs, thalach, exang, oldpeak/,
    );
    const other = { ...HEART_DISEASE_SCHEMA, bounds: { ...bounds!, chol: { min: 0, max: 600 } } };
    expect(schemaHash(other)).not.toBe(schemaHash(HEART_DISEASE_SCHEMA));
    expect(diffSchemas(HEART_DISEASE_SCHEMA, other, ['cleveland', 'hungary'])).toEqual([
      expect.stringMatching(
        /^declared bounds differ: cleveland .*"chol",\{"min":0,"max":800\}.*, hungary .*"max":600/,
      ),
    ]);
  });
});
