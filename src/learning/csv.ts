import { DatasetError } from './dataset-error.js';

/** One non-blank line of a CSV file, split into fields. */
export interface CsvRecord {
  /** 1-based line number in the file. */
  line: number;
  fields: string[];
  /** 1-based character column where each field starts, for error messages. */
  starts: number[];
}

/**
 * Splits CSV text into records: LF or CRLF line endings, optional UTF-8 BOM, RFC 4180 quotes
 * ("" inside quotes is a quote). Fields are trimmed. Blank lines are skipped. A quoted field may
 * not span lines, so that line numbers stay meaningful in every error.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  const records: CsvRecord[] = [];
  lines.forEach((raw, index) => {
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return;
    records.push(splitLine(content, file, index + 1));
  });
  return records;
}

function splitLine(content: string, file: string, line: number): CsvRecord {
  const fields: string[] = [];
  const starts: number[] = [];
  let i = 0;
  for (;;) {
    starts.push(i + 1);
    let value = '';
    while (content[i] === ' ' || content[i] === '\t') i++;
    if (content[i] === '"') {
      const open = i;
      i++;
      for (;;) {
        if (i >= content.length)
          throw new DatasetError({ file, line, column: open + 1 }, 'unterminated quoted field');
        if (content[i] === '"') {
          if (content[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += content[i];
        i++;
      }
      while (content[i] === ' ' || content[i] === '\t') i++;
      if (i < content.length && content[i] !== ',') {
        throw new DatasetError(
          { file, line, column: i + 1 },
          'unexpected text after a closing quote',
        );
      }
    } else {
      const comma = content.indexOf(',', i);
      const end = comma === -1 ? content.length : comma;
      value = content.slice(i, end).trim();
      i = end;
    }
    fields.push(value);
    if (i >= content.length) break;
    i++; // the comma
  }
  return { line, fields, starts };
}
