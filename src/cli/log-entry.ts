import canonicalize from 'canonicalize';
import { z } from 'zod';

// The entries of a collaboration's log: UTF-8 RFC 8785 canonical JSON objects with at least a
// "type" and the format version "v": 1; the other fields depend on the type. Read generically,
// so that a reader need not know every type to show or check the record.

export const LogEntry = z.looseObject({
  type: z.string().min(1),
  v: z.literal(1),
});
export type LogEntry = z.infer<typeof LogEntry>;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The entry's JSON; throws an Error, naming entry `index`, if it breaks the entry format. */
export function parseLogEntry(index: number, bytes: Uint8Array): LogEntry {
  const fail = (reason: string): never => {
    throw new Error(`entry ${index} ${reason}`);
  };
  let text = '';
  try {
    text = utf8.decode(bytes);
  } catch {
    fail('is not UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('is not JSON');
  }
  const parsed = LogEntry.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail(`is not a log entry (${issues.join('; ')})`);
  }
  // One spelling per entry: a log that re-encodes what it records could hide a change.
  if (canonicalize(value) !== text) fail('is not RFC 8785 canonical JSON');
  return parsed.data;
}

const SUMMARY_CHARS = 100;

/** A one-line summary of an entry's fields other than type and version. */
export function summarizeEntry(entry: LogEntry): string {
  const fields = Object.entries(entry)
    .filter(([key]) => key !== 'type' && key !== 'v')
    .map(([key, value]) => `${key}=${isPlainWord(value) ? value : JSON.stringify(value)}`);
  const line = printable(fields.join(' '));
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

function isPlainWord(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && !/[\s"=]/.test(value);
}

/** Entries are written by others: no terminal control characters reach the screen. */
function printable(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    out +=
      code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029 ? '?' : c;
  }
  return out;
}

/** The line `log show` prints for an entry; one that is not a log entry is shown as such. */
export function entryLine(index: number, bytes: Uint8Array): string {
  const position = String(index).padStart(6);
  try {
    const entry = parseLogEntry(index, bytes);
    return `${position}  ${printable(entry.type).padEnd(22)} ${summarizeEntry(entry)}`;
  } catch (error) {
    return `${position}  ${'?'.padEnd(22)} (${bytes.length} bytes; ${(error as Error).message})`;
  }
}

/** The entry's type for a one-line message, or a note that it is not a log entry. */
export function entryType(index: number, bytes: Uint8Array): string {
  try {
    return printable(parseLogEntry(index, bytes).type);
  } catch {
    return 'not a log entry';
  }
}
