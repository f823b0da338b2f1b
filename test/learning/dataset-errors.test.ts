import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DatasetError,
  loadSiteDataset,
  type DatasetConfigInput,
} from '../../src/learning/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'converge-dataset-'));
});

const schema = {
  header: true,
  features: ['age', 'chol'],
  categorical: ['cp'],
  label: { column: 'num', positive: { above: 0 } },
};

function config(overrides: Partial<DatasetConfigInput> = {}): DatasetConfigInput {
  return {
    id: 'd',
    path: 'data.csv',
    schema,
    split: { kind: 'random', testFraction: 0.5, seed: 1 },
    ...overrides,
  };
}

async function load(csv: string, overrides: Partial<DatasetConfigInput> = {}) {
  await writeFile(join(dir, 'data.csv'), csv);
  return loadSiteDataset(config(overrides), dir);
}

async function failure(promise: Promise<unknown>): Promise<DatasetError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

describe('loadSiteDataset refuses bad files, naming file, line and column', () => {
  it('a row with the wrong number of fields', async () => {
    const error = await failure(load('age,chol,cp,num\n50,200,1,0\n61,240,1\n'));
    expect(error.message).toBe('data.csv:3: expected 4 fields, found 3');
    expect(error.location).toEqual({ file: 'data.csv', line: 3 });
  });

  it('a non-numeric value in a numeric feature', async () => {
    const error = await failure(load('age,chol,cp,num\n50,200,1,0\n61,high,1,1\n'));
    expect(error.message).toBe("data.csv:3:4 (column 'chol'): 'high' is not a number");
    expect(error.location).toMatchObject({ line: 3, column: 4, field: 'chol' });
  });

  it('a label column missing from the header', async () => {
    const error = await failure(load('age,chol,cp,target\n50,200,1,0\n'));
    expect(error.message).toBe(
      "data.csv:1 (column 'num'): label column 'num' is not in the header (columns: age, chol, cp, target)",
    );
  });

  it('a schema column that the file does not have', async () => {
    const error = await failure(load('age,cholesterol,cp,num\n50,200,1,0\n'));
    expect(error.message).toContain("feature column 'chol' is not in the header");
    expect(error.location).toMatchObject({ line: 1, field: 'chol' });
  });

  it('a split file that references a row the data file does not have', async () => {
    await writeFile(join(dir, 'split.csv'), 'file,line,set\nx,0,train\nx,1,test\nx,7,train\n');
    const error = await failure(
      load('age,chol,cp,num\n50,200,1,0\n61,240,2,1\n', {
        split: { kind: 'file', path: 'split.csv', match: { file: 'x' } },
      }),
    );
    expect(error.message).toBe(
      "split.csv:4:3 (column 'line'): row 7 does not exist in data.csv, which has 2 data rows (0-based, header excluded)",
    );
  });

  it('a split value that is neither train nor test', async () => {
    await writeFile(join(dir, 'split.csv'), 'line,set\n0,validation\n');
    const error = await failure(
      load('age,chol,cp,num\n50,200,1,0\n', {
        split: { kind: 'file', path: 'split.csv', match: {} },
      }),
    );
    expect(error.message).toBe(
      "split.csv:2:3 (column 'set'): 'validation' is neither 'train' nor 'test'",
    );
  });

  it('a config that does not parse', async () => {
    const error = await failure(load('age\n1\n', { schema: { ...schema, header: false } }));
    expect(error.message).toContain(
      "dataset config 'd': schema.columns: required when header is false",
    );
  });

  it('a file that does not exist', async () => {
    const error = await failure(loadSiteDataset(config({ path: 'nope.csv' }), dir));
    expect(error.message).toBe('nope.csv: cannot read file (ENOENT)');
  });
});

describe('loadSiteDataset reads what it should', () => {
  it('handles CRLF line endings, a BOM and quoted fields', async () => {
    const data = await load(
      '\ufeffage,chol,cp,num\r\n50,200,"typical, angina",0\r\n61,240,"a ""b""",2\r\n',
      {
        split: { kind: 'random', testFraction: 0, seed: 0 },
      },
    );
    expect(data.train.map((r) => r.categorical.cp)).toEqual(['typical, angina', 'a "b"']);
    expect(data.train.map((r) => r.label)).toEqual([0, 1]);
    expect(data.train[1]?.numeric).toEqual({ age: 61, chol: 240 });
  });

  it('drops rows with a missing used value and counts them per column', async () => {
    const data = await load(
      'age,chol,cp,num,unused\n50,?,1,0,?\n61,240,,1,x\n70,250,3,NA,\n40,210,2,0,?\n',
      {
        split: { kind: 'random', testFraction: 0, seed: 0 },
      },
    );
    expect(data.dropped).toBe(3);
    expect(data.missingByColumn).toEqual({ chol: 1, cp: 1, num: 1 });
    expect(data.train.map((r) => r.line)).toEqual([5]);
  });

  it('treats 4.0 and 4 as the same category', async () => {
    const data = await load('age,chol,cp,num\n50,200,4.0,0\n61,240,4,1\n', {
      split: { kind: 'random', testFraction: 0, seed: 0 },
    });
    expect(data.train.map((r) => r.categorical.cp)).toEqual(['4', '4']);
  });

  it('splits at random reproducibly from the seed', async () => {
    const csv =
      'age,chol,cp,num\n' +
      Array.from({ length: 40 }, (_, i) => `${i},${200 + i},1,${i % 2}`).join('\n');
    const a = await load(csv, { split: { kind: 'random', testFraction: 0.25, seed: 9 } });
    const b = await load(csv, { split: { kind: 'random', testFraction: 0.25, seed: 9 } });
    const c = await load(csv, { split: { kind: 'random', testFraction: 0.25, seed: 10 } });
    expect(a.test).toHaveLength(10);
    expect(a.train).toHaveLength(30);
    expect(a.test.map((r) => r.line)).toEqual(b.test.map((r) => r.line));
    expect(a.test.map((r) => r.line)).not.toEqual(c.test.map((r) => r.line));
  });
});
