import { decodeBase64, encodeBase64 } from './base64.js';
import { FormatError } from './errors.js';
import { HASH_SIZE, type Hash } from './hash.js';

// tlog-checkpoint v1.0.0: the note text "<origin>\n<size>\n<base64 root>\n" followed by optional
// extension lines. Parsing is strict so that a checkpoint has exactly one spelling: a witness
// compares the bytes it cosigns, not a normalised form.

export interface Checkpoint {
  /** Unique log identity, e.g. "converge.example/log"; by convention also the log's key name. */
  origin: string;
  /** Number of leaves. */
  size: number;
  /** RFC 9162 root hash of the first `size` leaves. */
  root: Hash;
  /** Opaque extra lines; not auditable by monitors, so NOT RECOMMENDED by the spec. */
  extensions: string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new FormatError('malformed checkpoint: no final newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) {
    throw new FormatError('malformed checkpoint: fewer than three lines');
  }
  if (origin === '') throw new FormatError('malformed checkpoint: empty origin');
  if (!DECIMAL.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new FormatError(`malformed checkpoint: tree size ${JSON.stringify(size)}`);
  }
  const hash = decodeBase64(root);
  if (!hash || hash.length !== HASH_SIZE) {
    throw new FormatError(`malformed checkpoint: root hash ${JSON.stringify(root)}`);
  }
  if (extensions.includes('')) throw new FormatError('malformed checkpoint: empty extension line');
  return { origin, size: Number(size), root: hash, extensions };
}

export function formatCheckpoint({ origin, size, root, extensions }: Checkpoint): string {
  const lines = [origin, String(size), encodeBase64(root), ...extensions];
  if (origin === '' || lines.some((line) => line.includes('\n'))) {
    throw new FormatError('checkpoint lines must be non-empty and contain no newline');
  }
  if (!Number.isSafeInteger(size) || size < 0) throw new FormatError(`bad tree size ${size}`);
  if (root.length !== HASH_SIZE) throw new FormatError(`root hash has ${root.length} bytes`);
  if (extensions.includes('')) throw new FormatError('empty checkpoint extension line');
  return `${lines.join('\n')}\n`;
}
