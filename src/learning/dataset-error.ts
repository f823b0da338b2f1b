/** Where in a data file something is wrong; every field is optional because not every error has all of them. */
export interface DatasetLocation {
  file: string;
  /** 1-based line in the file. */
  line?: number;
  /** 1-based character column where the offending field starts. */
  column?: number;
  /** Name of the offending column, when known. */
  field?: string;
}

/** A data file that cannot be read as its schema says; the message starts with file:line:column. */
export class DatasetError extends Error {
  readonly location: DatasetLocation;

  constructor(location: DatasetLocation, problem: string) {
    super(`${formatLocation(location)}: ${problem}`);
    this.name = 'DatasetError';
    this.location = location;
  }
}

function formatLocation({ file, line, column, field }: DatasetLocation): string {
  let text = file;
  if (line !== undefined) text += `:${line}`;
  if (line !== undefined && column !== undefined) text += `:${column}`;
  if (field !== undefined) text += ` (column '${field}')`;
  return text;
}
