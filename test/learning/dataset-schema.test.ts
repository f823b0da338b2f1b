import { describe, expect, it } from 'vitest';
import {
  DatasetSchema,
  HEART_DISEASE_SCHEMA,
  diffSchemas,
  schemaHash,
} from '../../src/learning/index.js';

const base = HEART_DISEASE_SCHEMA;

describe('schemaHash', () => {
  it('is a SHA-256 hex digest that ignores how a site lays out its file', () => {
    const withHeader = DatasetSchema.parse({
      ...base,
      header: true,
      columns: undefined,
      missing: ['', 'NA'],
    });
    expect(schemaHash(base)).toMatch(/^[0-9a-f]{64}$/);
    expect(schemaHash(withHeader)).toBe(schemaHash(base));
  });

  it('changes with the features, their order, the categorical columns or the label rule', () => {
    const hashes = [
      base,
      { ...base, features: base.features.slice(1) },
      { ...base, features: [...base.features].reverse() },
      { ...base, categorical: ['cp'] },
      { ...base, label: { column: 'num', positive: { above: 1 } } },
    ].map(schemaHash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });

  it('treats the equals list of a label rule as a set', () => {
    const a = { ...base, label: { column: 'dx', positive: { equals: ['yes', 'y'] } } };
    const b = { ...base, label: { column: 'dx', positive: { equals: ['y', 'yes'] } } };
    expect(schemaHash(a)).toBe(schemaHash(b));
  });
});

describe('diffSchemas', () => {
  it('finds nothing between layouts of the same contract', () => {
    expect(diffSchemas(base, { ...base, header: true, columns: undefined })).toEqual([]);
  });

  it('names each difference and the side it concerns', () => {
    const b = {
      ...base,
      features: base.features.filter((f) => f !== 'chol').concat('ca'),
      label: { column: 'num', positive: { equals: ['1', '2'] } },
    };
    expect(diffSchemas(base, b, ['cleveland', 'hungary'])).toEqual([
      "feature 'chol' missing at hungary",
      "feature 'ca' missing at cleveland",
      'label rule differs: cleveland {"above":0}, hungary {"equals":["1","2"]}',
    ]);
  });

  it('reports a different feature order', () => {
    const b = { ...base, features: ['sex', 'age', ...base.features.slice(2)] };
    expect(diffSchemas(base, b)[0]).toMatch(/^features order differs: A \[age, sex, /);
  });
});

describe('DatasetSchema', () => {
  it('refuses a column used twice, with the field that repeats it', () => {
    const result = DatasetSchema.safeParse({ ...base, categorical: ['cp', 'age'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['categorical'],
      message: "column 'age' is already used in features",
    });
  });

  it('refuses a used column that is not among the declared columns', () => {
    const result = DatasetSchema.safeParse({ ...base, features: [...base.features, 'bmi'] });
    expect(result.error?.issues[0]?.message).toBe("column 'bmi' is not in columns");
  });
});
