import { decodeBase64, encodeBase64 } from './base64.js';
import { FormatError, SignatureError } from './errors.js';
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier } from './keys.js';

// C2SP signed-note: UTF-8 text ending in "\n", a blank line, then one or more lines
// "— <key name> <base64(key ID[4] ‖ signature)>\n". The signed bytes are the text, final newline
// included. Verification: unknown keys are ignored, a known key that fails rejects the note, and
// a note that no known key verifies is rejected.

/** One signature line; `signature` excludes the 4-byte key ID. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

export interface Note {
  text: string;
  signatures: NoteSignature[];
}

export interface OpenedNote {
  text: string;
  /** Signatures by known keys, each of which verified. */
  verified: NoteSignature[];
  /** Signatures by keys the caller did not supply, left unchecked. */
  unverified: NoteSignature[];
}

/** More than the spec's minimum of 16, few enough that a hostile note stays cheap to parse. */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Splits a signed note into its text and signature lines, without verifying anything. */
export function parseNote(message: string | Uint8Array): Note {
  const msg = typeof message === 'string' ? message : decodeUtf8(message);
  requireNoteCharacters(msg);
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw new FormatError('malformed note: no blank line before the signatures');
  const block = msg.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    throw new FormatError('malformed note: signature block must be lines ending in a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new FormatError(`malformed note: more than ${MAX_NOTE_SIGNATURES} signatures`);
  }
  return { text: msg.slice(0, split + 1), signatures: lines.map(parseSignatureLine) };
}

export function formatNote({ text, signatures }: Note): string {
  requireNoteText(text);
  if (signatures.length === 0) throw new FormatError('a signed note needs a signature');
  return `${text}\n${signatures.map(formatSignatureLine).join('')}`;
}

/** Parses and verifies a note against the known keys; throws unless at least one verifies. */
export function openNote(message: string | Uint8Array, known: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(message);
  const verifiers = new Map<string, NoteVerifier[]>();
  for (const v of known) {
    const id = keyLabel(v.name, v.keyId);
    verifiers.set(id, [...(verifiers.get(id) ?? []), v]);
  }
  const textBytes = encoder.encode(text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of signatures) {
    const id = keyLabel(sig.name, sig.keyId);
    const candidates = verifiers.get(id);
    if (!candidates) {
      const line = formatSignatureLine(sig);
      if (!seen.has(line)) unverified.push(sig);
      seen.add(line);
      continue;
    }
    // Two configured keys sharing name and ID would let either stand in for the other.
    if (candidates.length > 1) throw new SignatureError(`ambiguous key ${id}`);
    if (seen.has(id)) continue;
    seen.add(id);
    if (!candidates[0]!.verify(textBytes, sig.signature)) {
      throw new SignatureError(`invalid signature for key ${id}`);
    }
    verified.push(sig);
  }
  if (verified.length === 0) throw new SignatureError('note has no verifiable signatures');
  return { text, verified, unverified };
}

/**
 * Signs `note` (text, or text with existing signatures) with each signer, and returns the
 * signed note. Existing signatures stay first, except those replaced by a signer's new one.
 */
export async function signNote(
  note: string | Note,
  signers: readonly NoteSigner[],
): Promise<string> {
  const { text, signatures } = typeof note === 'string' ? { text: note, signatures: [] } : note;
  requireNoteText(text);
  const textBytes = encoder.encode(text);
  const fresh: NoteSignature[] = [];
  for (const s of signers) {
    if (!isValidKeyName(s.name))
      throw new FormatError(`invalid key name ${JSON.stringify(s.name)}`);
    fresh.push({ name: s.name, keyId: s.keyId, signature: await s.sign(textBytes) });
  }
  const replaced = new Set(fresh.map((s) => keyLabel(s.name, s.keyId)));
  const kept = signatures.filter((s) => !replaced.has(keyLabel(s.name, s.keyId)));
  return formatNote({ text, signatures: [...kept, ...fresh] });
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw new FormatError('malformed note: signature line must start with an em dash and a space');
  }
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const raw = space < 0 ? undefined : decodeBase64(rest.slice(space + 1));
  if (!isValidKeyName(name) || !raw || raw.length < 5) {
    throw new FormatError('malformed note: bad signature line');
  }
  const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0);
  return { name, keyId, signature: raw.subarray(4) };
}

function formatSignatureLine({ name, keyId, signature }: NoteSignature): string {
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)}`);
  const raw = new Uint8Array(4 + signature.length);
  new DataView(raw.buffer).setUint32(0, keyId);
  raw.set(signature, 4);
  return `${SIGNATURE_PREFIX}${name} ${encodeBase64(raw)}\n`;
}

function keyLabel(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}

function requireNoteText(text: string): void {
  requireNoteCharacters(text);
  if (!text.endsWith('\n')) throw new FormatError('malformed note: text must end with a newline');
}

function requireNoteCharacters(s: string): void {
  // No ASCII control characters but newline, and no lone surrogates (not encodable as UTF-8).
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw new FormatError('malformed note: control character');
  }
  if (/\p{Cs}/u.test(s)) throw new FormatError('malformed note: invalid Unicode');
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new FormatError('malformed note: not UTF-8');
  }
}
