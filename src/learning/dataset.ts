import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCsv, type CsvRecord } from './csv.js';
import { DatasetError } from './dataset-error.js';
import { DatasetConfig, type DatasetConfigInput, type DatasetSchema } from './dataset-schema.js';
import { SeededRandom } from './random.js';
import { splitFromFile } from './split-file.js';

/** One complete example, holding only the columns the schema uses. Rows never leave their site. */
export interface Row {
  /** 1-based line in the data file, for diagnostics. */
  line: number;
  numeric: Record<string, number>;
  categorical: Record<string, string>;
  label: 0 | 1;
}

export interface SiteDataset {
  train: Row[];
  test: Row[];
  /** Rows dropped because a used column (feature, categorical or label) was missing. */
  dropped: number;
  /** How many rows had each used column missing (a row can count under several columns). */
  missingByColumn: Record<string, number>;
  /** Complete rows that a split file does not assign to train or test. */
  unassigned: number;
}

/** Reads one site's CSV, validates it against its schema, drops incomplete rows and splits train/test. */
export async function loadSiteDataset(
  input: DatasetConfigInput,
  baseDir: string,
): Promise<SiteDataset> {
  const parsed = DatasetConfig.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new DatasetError({ file: `dataset config '${String(input.id)}'` }, issues.join('; '));
  }
  const config = parsed.data;
  const records = parseCsv(await readText(resolve(baseDir, config.path), config.path), config.path);
  const table = readTable(records, config.schema, config.path);

  let assignment: ('train' | 'test' | undefined)[];
  if (config.split.kind === 'file') {
    const splitPath = config.split.path;
    const splitRecords = parseCsv(
      await readText(resolve(baseDir, splitPath), splitPath),
      splitPath,
    );
    assignment = splitFromFile(
      splitRecords,
      splitPath,
      config.split.match,
      table.rows.length,
      config.path,
    );
  } else {
    assignment = randomSplit(table.rows, config.split.testFraction, config.split.seed);
  }

  const dataset: SiteDataset = {
    train: [],
    test: [],
    dropped: table.dropped,
    missingByColumn: table.missingByColumn,
    unassigned: 0,
  };
  table.rows.forEach((row, index) => {
    if (row === undefined) return;
    const set = assignment[index];
    if (set === undefined) dataset.unassigned++;
    else dataset[set].push(row);
  });
  return dataset;
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new DatasetError({ file: shown }, `cannot read file (${code})`);
  }
}

interface Table {
  /** One entry per data row (header excluded); undefined where the row was dropped as incomplete. */
  rows: (Row | undefined)[];
  dropped: number;
  missingByColumn: Record<string, number>;
}

function readTable(records: CsvRecord[], schema: DatasetSchema, file: string): Table {
  const headerRecord = schema.header ? records[0] : undefined;
  if (schema.header && headerRecord === undefined)
    throw new DatasetError({ file }, 'file is empty: no header row');
  const columns = headerRecord?.fields ?? schema.columns ?? [];
  if (headerRecord !== undefined && schema.columns !== undefined) {
    if (columns.length !== schema.columns.length) {
      throw new DatasetError(
        { file, line: headerRecord.line },
        `header has ${columns.length} columns, schema.columns lists ${schema.columns.length}`,
      );
    }
    schema.columns.forEach((name, i) => {
      if (columns[i] !== name) {
        const column = headerRecord.starts[i];
        throw new DatasetError(
          { file, line: headerRecord.line, column, field: name },
          `header has '${columns[i] ?? '(nothing)'}' where schema.columns expects '${name}'`,
        );
      }
    });
  }
  const indexOf = (name: string, role: string): number => {
    const index = columns.indexOf(name);
    if (index === -1) {
      const where = headerRecord ? 'the header' : 'schema.columns';
      throw new DatasetError(
        { file, line: headerRecord?.line, field: name },
        `${role} '${name}' is not in ${where} (columns: ${columns.join(', ')})`,
      );
    }
    return index;
  };
  const labelIndex = indexOf(schema.label.column, 'label column');
  const features = schema.features.map((name) => [name, indexOf(name, 'feature column')] as const);
  const categorical = schema.categorical.map(
    (name) => [name, indexOf(name, 'categorical column')] as const,
  );
  const used = [...features, ...categorical, [schema.label.column, labelIndex] as const];

  const missing = new Set(schema.missing);
  const missingByColumn: Record<string, number> = {};
  const rows: (Row | undefined)[] = [];
  let dropped = 0;
  for (const record of headerRecord ? records.slice(1) : records) {
    if (record.fields.length !== columns.length) {
      throw new DatasetError(
        { file, line: record.line },
        `expected ${columns.length} fields, found ${record.fields.length}`,
      );
    }
    const at = (index: number): string => record.fields[index] as string;
    const where = (name: string, index: number) => ({
      file,
      line: record.line,
      column: record.starts[index],
      field: name,
    });
    let complete = true;
    for (const [name, index] of used) {
      if (missing.has(at(index))) {
        complete = false;
        missingByColumn[name] = (missingByColumn[name] ?? 0) + 1;
      }
    }
    // Validate every present value, also in rows about to be dropped, so a typo never hides.
    const numeric: Record<string, number> = {};
    for (const [name, index] of features) {
      if (!missing.has(at(index))) numeric[name] = parseNumber(at(index), where(name, index));
    }
    const labelValue = at(labelIndex);
    let label: 0 | 1 = 0;
    if (!missing.has(labelValue)) {
      const rule = schema.label.positive;
      if ('above' in rule) {
        label =
          parseNumber(labelValue, where(schema.label.column, labelIndex)) > rule.above ? 1 : 0;
      } else {
        label = rule.equals.includes(labelValue) ? 1 : 0;
      }
    }
    if (!complete) {
      dropped++;
      rows.push(undefined);
      continue;
    }
    const categories: Record<string, string> = {};
    for (const [name, index] of categorical) categories[name] = canonicalCategory(at(index));
    rows.push({ line: record.line, numeric, categorical: categories, label });
  }
  return { rows, dropped, missingByColumn };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function parseNumber(
  text: string,
  location: ConstructorParameters<typeof DatasetError>[0],
): number {
  const value = Number(text);
  if (!NUMBER.test(text) || !Number.isFinite(value)) {
    throw new DatasetError(location, `'${text}' is not a number`);
  }
  return value;
}

/** Sites write the same category differently ('4.0' at one, '4' at another): numbers compare by value. */
export function canonicalCategory(text: string): string {
  return NUMBER.test(text) && Number.isFinite(Number(text)) ? String(Number(text)) : text;
}

function randomSplit(
  rows: (Row | undefined)[],
  testFraction: number,
  seed: number,
): ('train' | 'test')[] {
  const complete = rows.flatMap((row, index) => (row === undefined ? [] : [index]));
  const order = new SeededRandom(seed).permutation(complete.length);
  const testCount = Math.round(complete.length * testFraction);
  const assignment: ('train' | 'test')[] = new Array<'train' | 'test'>(rows.length).fill('train');
  for (let k = 0; k < testCount; k++) assignment[complete[order[k] as number] as number] = 'test';
  return assignment;
}
