import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatasetSchema,
  combineStatistics,
  evaluate,
  featurize,
  initModel,
  loadSiteDataset,
  localStatistics,
  schemaHash,
  trainLocal,
  type DatasetConfigInput,
} from '../../src/learning/index.js';

/**
 * Bring your own data: a CSV unlike heart disease (header row, other column names, a text
 * category, a text label, extra columns, CRLF), declared only through its schema.
 */
function plantCsv(rows: number, offset: number): string {
  const lines = ['plant_id,region,load_mw,temp_c,turbine,status,notes'];
  for (let i = 0; i < rows; i++) {
    const k = i + offset;
    const load = 100 + 80 * Math.sin(k * 0.37);
    const temp = 20 + 15 * Math.cos(k * 0.91);
    const turbine = ['kaplan', 'francis', 'pelton'][k % 3] as string;
    const risk = (load - 100) / 80 + (temp - 20) / 15 + (turbine === 'pelton' ? 1 : 0);
    const status = risk > 0.5 ? 'FAULT' : k % 7 === 0 ? 'ok' : 'OK';
    lines.push(
      `P${k},${k % 2 ? 'north' : 'south'},${load.toFixed(2)},${k % 17 === 0 ? 'NA' : temp.toFixed(2)},${turbine},${status},"free text, with comma"`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

const schema = {
  header: true,
  features: ['load_mw', 'temp_c'],
  categorical: ['turbine'],
  label: { column: 'status', positive: { equals: ['FAULT'] } },
};

describe('a site brings its own CSV', () => {
  it('loads, standardises across sites, trains and evaluates end to end', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-byod-'));
    await writeFile(join(dir, 'a.csv'), plantCsv(160, 0));
    await writeFile(join(dir, 'b.csv'), plantCsv(120, 1000));
    const config = (id: string): DatasetConfigInput => ({
      id,
      path: `${id}.csv`,
      schema,
      split: { kind: 'random', testFraction: 0.25, seed: 5 },
    });
    const [a, b] = await Promise.all([
      loadSiteDataset(config('a'), dir),
      loadSiteDataset(config('b'), dir),
    ]);
    const parsed = DatasetSchema.parse(schema);
    expect(schemaHash(parsed)).toHaveLength(64);
    expect(a.dropped).toBe(10); // every 17th row has temp_c = NA
    expect(a.train.length + a.test.length).toBe(150);

    const prep = combineStatistics(
      [localStatistics(a.train, parsed), localStatistics(b.train, parsed)],
      parsed,
    );
    expect(prep.featureNames).toEqual(['load_mw', 'temp_c', 'turbine=kaplan', 'turbine=pelton']);

    const train = featurize([...a.train, ...b.train], parsed, prep);
    const test = featurize([...a.test, ...b.test], parsed, prep);
    const model = { kind: 'logistic' as const };
    const trained = await trainLocal(model, await initModel(model, train.d, 0), train, {
      steps: 400,
      batchSize: 8,
      learningRate: 0.1,
      optimizer: 'sgd',
      seed: 0,
    });
    const result = await evaluate(model, trained.weights, test);
    expect(result.n).toBe(test.n);
    expect(result.accuracy).toBeGreaterThan(0.85);
  });

  it('encodes a category no site reported as all zeros', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-byod-'));
    await writeFile(join(dir, 'a.csv'), plantCsv(30, 0));
    const data = await loadSiteDataset(
      { id: 'a', path: 'a.csv', schema, split: { kind: 'random', testFraction: 0, seed: 0 } },
      dir,
    );
    const parsed = DatasetSchema.parse(schema);
    const prep = combineStatistics([localStatistics(data.train, parsed)], parsed);
    const row = { ...data.train[0]!, categorical: { turbine: 'turgo' } };
    const x = featurize([row], parsed, prep);
    expect(Array.from(x.x.slice(2))).toEqual([0, 0]);
  });
});
