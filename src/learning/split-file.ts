import type { CsvRecord } from './csv.js';
import { DatasetError } from './dataset-error.js';

export type SplitSet = 'train' | 'test';

/**
 * Reads a split file (header with `line`, `set` and the `match` columns) into one set per data row.
 * `line` is the 0-based index of the data row in the data file, header excluded. Rows the file does
 * not list stay undefined; a listed line that does not exist is an error, not a silent skip.
 */
export function splitFromFile(
  records: CsvRecord[],
  file: string,
  match: Record<string, string>,
  dataRowCount: number,
  dataFile: string,
): (SplitSet | undefined)[] {
  const header = records[0];
  if (header === undefined) throw new DatasetError({ file }, 'split file is empty: no header row');
  const columnIndex = (name: string): number => {
    const index = header.fields.indexOf(name);
    if (index === -1) {
      throw new DatasetError(
        { file, line: header.line, field: name },
        `split file has no column '${name}' (columns: ${header.fields.join(', ')})`,
      );
    }
    return index;
  };
  const lineIndex = columnIndex('line');
  const setIndex = columnIndex('set');
  const matchers = Object.entries(match).map(
    ([name, value]) => [columnIndex(name), value] as const,
  );

  const assignment = new Array<SplitSet | undefined>(dataRowCount).fill(undefined);
  const listedAt = new Map<number, number>();
  let matched = 0;
  for (const record of records.slice(1)) {
    if (record.fields.length !== header.fields.length) {
      throw new DatasetError(
        { file, line: record.line },
        `expected ${header.fields.length} fields, found ${record.fields.length}`,
      );
    }
    if (!matchers.every(([index, value]) => record.fields[index] === value)) continue;
    matched++;
    const where = (index: number, field: string) => ({
      file,
      line: record.line,
      column: record.starts[index],
      field,
    });
    const lineText = record.fields[lineIndex] as string;
    if (!/^\d+$/.test(lineText)) {
      throw new DatasetError(where(lineIndex, 'line'), `'${lineText}' is not a 0-based row index`);
    }
    const row = Number(lineText);
    if (row >= dataRowCount) {
      throw new DatasetError(
        where(lineIndex, 'line'),
        `row ${row} does not exist in ${dataFile}, which has ${dataRowCount} data rows (0-based, header excluded)`,
      );
    }
    const earlier = listedAt.get(row);
    if (earlier !== undefined) {
      throw new DatasetError(
        where(lineIndex, 'line'),
        `row ${row} is already assigned on line ${earlier}`,
      );
    }
    listedAt.set(row, record.line);
    const set = record.fields[setIndex];
    if (set !== 'train' && set !== 'test') {
      throw new DatasetError(
        where(setIndex, 'set'),
        `'${set ?? ''}' is neither 'train' nor 'test'`,
      );
    }
    assignment[row] = set;
  }
  if (matched === 0) {
    throw new DatasetError({ file }, `no row matches ${JSON.stringify(match)}`);
  }
  return assignment;
}
