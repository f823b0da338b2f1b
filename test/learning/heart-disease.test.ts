import { beforeAll, describe, expect, it } from 'vitest';
import {
  HEART_DISEASE_SCHEMA as schema,
  HEART_DISEASE_SITES,
  combineStatistics,
  featurize,
  loadSiteDataset,
  localStatistics,
  type SiteDataset,
} from '../../src/learning/index.js';

// Paths in HEART_DISEASE_SITES are relative to the repository root, where vitest runs.
let sites: { site: string; data: SiteDataset }[];
beforeAll(async () => {
  sites = await Promise.all(
    HEART_DISEASE_SITES.map(async ({ site, dataset }) => ({
      site,
      data: await loadSiteDataset(dataset, '.'),
    })),
  );
});

describe('Fed-Heart-Disease with FLamby preprocessing and split', () => {
  it("gives FLamby's exact train/test counts per hospital", () => {
    expect(sites.map(({ site, data }) => [site, data.train.length, data.test.length])).toEqual([
      ['cleveland', 199, 104],
      ['hungary', 172, 89],
      ['switzerland', 30, 16],
      ['long-beach', 85, 45],
    ]);
  });

  it('drops exactly the incomplete rows, and the split file assigns every complete row', () => {
    expect(sites.map(({ data }) => data.dropped)).toEqual([0, 33, 77, 70]);
    expect(sites.map(({ data }) => data.unassigned)).toEqual([0, 0, 0, 0]);
  });

  it("matches FLamby's positives per hospital (num > 0)", () => {
    const positives = sites.map(
      ({ data }) => [...data.train, ...data.test].filter((r) => r.label === 1).length,
    );
    expect(positives).toEqual([139, 98, 45, 101]);
  });

  it('yields 13 features: 8 numeric, cp as 3 and restecg as 2 one-hot columns', () => {
    const prep = combineStatistics(
      sites.map(({ data }) => localStatistics(data.train, schema)),
      schema,
    );
    expect(prep.featureNames).toEqual([
      'age',
      'sex',
      'trestbps',
      'chol',
      'fbs',
      'thalach',
      'exang',
      'oldpeak',
      'cp=2',
      'cp=3',
      'cp=4',
      'restecg=1',
      'restecg=2',
    ]);
    const x = featurize(sites[0]?.data.train ?? [], schema, prep);
    expect([x.n, x.d]).toEqual([199, 13]);
  });

  it('federated statistics equal the statistics of the pooled training rows', () => {
    const federated = combineStatistics(
      sites.map(({ data }) => localStatistics(data.train, schema)),
      schema,
    );
    const pooledRows = sites.flatMap(({ data }) => data.train);
    const pooled = combineStatistics([localStatistics(pooledRows, schema)], schema);
    schema.features.forEach((name, j) => {
      const values = pooledRows.map((r) => r.numeric[name] ?? Number.NaN);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
      expect(federated.means[j]).toBeCloseTo(mean, 9);
      expect(federated.stds[j]).toBeCloseTo(std, 9);
      expect(federated.means[j]).toBeCloseTo(pooled.means[j] ?? Number.NaN, 12);
    });
    expect(federated.categories).toEqual({ cp: ['1', '2', '3', '4'], restecg: ['0', '1', '2'] });

    // Standardised pooled training features have mean 0 and variance 1.
    const x = featurize(pooledRows, schema, federated);
    for (let j = 0; j < schema.features.length; j++) {
      let sum = 0;
      let sumSquares = 0;
      for (let i = 0; i < x.n; i++) {
        const v = x.x[i * x.d + j] ?? Number.NaN;
        sum += v;
        sumSquares += v * v;
      }
      expect(sum / x.n).toBeCloseTo(0, 5);
      expect(sumSquares / x.n).toBeCloseTo(1, 4);
    }
  });

  it('a site statistic holds aggregates only', () => {
    const stats = localStatistics(sites[2]?.data.train ?? [], schema);
    expect(Object.keys(stats).sort()).toEqual(['categories', 'count', 'numeric']);
    // Switzerland never records cholesterol: a constant column at one site is still fine globally.
    expect(stats.numeric.chol).toEqual({ count: 30, sum: 0, sumSquares: 0 });
  });
});
