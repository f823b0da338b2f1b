import { describe, expect, it } from 'vitest';
import {
  FormatError,
  SignatureError,
  ed25519Signer,
  keyId,
  newSigner,
  newVerifier,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
} from '../../src/ledger/index.js';

// Published examples from golang.org/x/mod/sumdb/note (note.go, note_test.go).
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterVkey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochVkey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const peterB64 =
  'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const enochB64 =
  'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const peterSig = `— PeterNeumann ${peterB64}\n`;
const enochSig = `— EnochRoot ${enochB64}\n`;

const peter = newVerifier(peterVkey);
const enoch = newVerifier(enochVkey);
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const sig = (name: string, id: number, base64: string) => ({
  name,
  keyId: id,
  signature: b64(base64).subarray(4),
});
/** Inserts "ABCD" into the base64 of a signature line: still base64, no longer the signature. */
const corrupt = (line: string): string => {
  const at = line.indexOf(' ', 2) + 44;
  return line.slice(0, at) + 'ABCD' + line.slice(at);
};

describe('signed notes (C2SP signed-note)', () => {
  it('signs the published example to the exact published bytes', async () => {
    const signer = newSigner(peterSkey);
    expect(signer.vkey).toBe(peterVkey);
    expect(await signNote(text, [signer])).toBe(`${text}\n${peterSig}`);
  });

  it('replaces an existing signature by the same key instead of repeating it', async () => {
    const signed = parseNote(`${text}\n${peterSig}`);
    expect(await signNote(signed, [newSigner(peterSkey)])).toBe(`${text}\n${peterSig}`);
  });

  it('computes key IDs as SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4]', () => {
    const { name, keyId: id, type, key } = parseVerifierKey(peterVkey);
    expect([name, id, type, key.length]).toEqual(['PeterNeumann', 0xc74f20a3, 1, 32]);
    expect(keyId(name, type, key)).toBe(0xc74f20a3);
  });

  it('rejects every truncation and every single-character change of a vkey', () => {
    const bad: string[] = [];
    for (let i = 0; i <= peterVkey.length; i++) {
      for (let j = i + 1; j <= peterVkey.length; j++) {
        if (i !== 0 || j !== peterVkey.length) bad.push(peterVkey.slice(i, j));
      }
    }
    for (let i = 0; i < peterVkey.length; i++) {
      const next = String.fromCharCode(peterVkey.charCodeAt(i) + 1);
      bad.push(peterVkey.slice(0, i) + next + peterVkey.slice(i + 1));
    }
    // Wrong key length and unknown algorithm, each with a matching key ID.
    bad.push('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==');
    bad.push('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
    const accepted = bad.filter((vkey) => {
      try {
        newVerifier(vkey);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(FormatError);
        return false;
      }
    });
    expect(accepted).toEqual([]);
  });

  it('verifies known keys and ignores unknown ones', () => {
    const note = openNote(`${text}\n${peterSig}${enochSig}`, [peter]);
    expect(note.text).toBe(text);
    expect(note.verified).toEqual([sig('PeterNeumann', 0xc74f20a3, peterB64)]);
    expect(note.unverified).toEqual([sig('EnochRoot', 0xaf0cfe78, enochB64)]);

    const both = openNote(`${text}\n${peterSig}${enochSig}`, [peter, enoch]);
    expect(both.verified.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(both.unverified).toEqual([]);
  });

  it('rejects a note that no known key signed', () => {
    expect(() => openNote(`${text}\n${peterSig}${enochSig}`, [])).toThrow(
      new SignatureError('note has no verifiable signatures'),
    );
    // Same name, other key ID: an unknown key, not a failed signature.
    const otherId = peterSig.replace('x08g', 'xxxx');
    expect(() => openNote(`${text}\n${otherId}`, [peter])).toThrow(
      new SignatureError('note has no verifiable signatures'),
    );
  });

  it('rejects the whole note when a known key’s signature fails', () => {
    expect(() => openNote(`${text}\n${corrupt(peterSig)}`, [peter])).toThrow(
      new SignatureError('invalid signature for key PeterNeumann+c74f20a3'),
    );
    expect(() => openNote(`${text}\n${peterSig}${corrupt(enochSig)}`, [peter, enoch])).toThrow(
      SignatureError,
    );
  });

  it('drops repeated signatures and keeps distinct unknown ones', () => {
    const msg = `${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${corrupt(enochSig)}`;
    const note = openNote(msg, [peter]);
    expect(note.verified).toHaveLength(1);
    expect(note.unverified).toHaveLength(2);
  });

  it('refuses ambiguous verifier lists only when the ambiguous key signed', () => {
    expect(() => openNote(`${text}\n${enochSig}`, [enoch, peter, enoch])).toThrow(
      new SignatureError('ambiguous key EnochRoot+af0cfe78'),
    );
    expect(openNote(`${text}\n${peterSig}`, [enoch, peter, enoch]).verified).toHaveLength(1);
  });

  it('accepts 16 signatures and refuses more than 100', async () => {
    const signers = Array.from({ length: 16 }, (_, i) =>
      ed25519Signer(`witness.example/w${i}`, new Uint8Array(32).fill(i + 1)),
    );
    const signed = await signNote(text, signers);
    const note = openNote(
      signed,
      signers.map((s) => newVerifier(s.vkey)),
    );
    expect(note.verified).toHaveLength(16);
    expect(() => openNote(`${text}\n${peterSig.repeat(101)}`, [peter])).toThrow(FormatError);
  });

  it.each([
    ['no signature block', text],
    ['blank line but no signatures', `${text}\n`],
    ['signature line without newline', `${text}\n${peterSig.slice(0, -1)}`],
    ['control character', `\x01${text}\n${peterSig}`],
    ['space in key name', `${text}\n— Bad Name ${peterB64}\n`],
    ['line that is not a signature', `${text}\n${peterSig}Unexpected line.\n`],
    ['non-canonical base64', `${text}\n${peterSig.replace('AM=', 'AN=')}`],
  ])('rejects a malformed note: %s', (_why, msg) => {
    expect(() => openNote(msg, [peter])).toThrow(FormatError);
  });

  it('rejects bytes that are not UTF-8', () => {
    const msg = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${text}\n${peterSig}`)]);
    expect(() => openNote(msg, [peter])).toThrow(new FormatError('malformed note: not UTF-8'));
    expect(openNote(Buffer.from(`${text}\n${peterSig}`), [peter]).text).toBe(text);
  });

  it('refuses to sign text without a final newline, without signers or with a bad key name', async () => {
    await expect(signNote('abc', [newSigner(peterSkey)])).rejects.toThrow(FormatError);
    await expect(signNote(text, [])).rejects.toThrow('a signed note needs a signature');
    const badName = { name: 'a b', keyId: 1, sign: () => new Uint8Array(64) };
    await expect(signNote(text, [badName])).rejects.toThrow(FormatError);
  });
});
