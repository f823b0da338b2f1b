import { fromBase64, type Hash } from './merkle';

// A C2SP checkpoint as the hub publishes it: "<origin>\n<size>\n<base64 root>\n", a blank line,
// then one "— <name> <base64 signature>" line per signature (the log's, then the witnesses').

export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
  /** Who signed: the log key's name first, then each witness. */
  signers: string[];
}

export function parseCheckpoint(note: string): Checkpoint {
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('the checkpoint has no signatures');
  const [origin, size, root] = note.slice(0, split).split('\n');
  if (!origin || !size || !/^(0|[1-9][0-9]*)$/.test(size) || !root) {
    throw new Error('the checkpoint is malformed');
  }
  const hash = fromBase64(root);
  if (hash.length !== 32) throw new Error('the checkpoint root is not a SHA-256 hash');
  const signers = note
    .slice(split + 2)
    .split('\n')
    .filter((line) => line.startsWith('\u2014 '))
    .map((line) => line.slice(2).split(' ')[0] ?? '');
  return { origin, size: Number(size), root: hash, signers };
}
