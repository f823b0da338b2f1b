import { formatCheckpoint } from '../checkpoint.js';
import type { Hash } from '../hash.js';
import type { NoteSigner } from '../keys.js';
import { formatNote, parseNote, signNote, type NoteSignature } from '../note.js';

// The log's published checkpoint note: signed by the log when a batch commits, then decorated
// with witness cosignatures as they arrive (tlog-tiles lets a checkpoint carry other signatures).

export function signCheckpoint(
  origin: string,
  size: number,
  root: Hash,
  signer: NoteSigner,
): Promise<string> {
  return signNote(formatCheckpoint({ origin, size, root, extensions: [] }), [signer]);
}

/** Whether `signer` (by name and key ID) signed the note. */
export function signedBy(note: string, signer: NoteSigner): boolean {
  return parseNote(note).signatures.some((s) => s.name === signer.name && s.keyId === signer.keyId);
}

/**
 * `current` with the signatures of `cosigned` it lacks (one per key), or undefined if
 * `cosigned` is a note over other text, e.g. an older checkpoint.
 */
export function mergeSignatures(current: string, cosigned: string): string | undefined {
  const mine = parseNote(current);
  const theirs = parseNote(cosigned);
  if (theirs.text !== mine.text) return undefined;
  const label = (s: NoteSignature): string => `${s.name}+${s.keyId}`;
  const known = new Set(mine.signatures.map(label));
  const added = theirs.signatures.filter((s) => !known.has(label(s)));
  if (added.length === 0) return current;
  return formatNote({ text: mine.text, signatures: [...mine.signatures, ...added] });
}
