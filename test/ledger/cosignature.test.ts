import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  FormatError,
  SignatureError,
  SignatureType,
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignedMessage,
  ed25519Signer,
  formatVerifierKey,
  newVerifier,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
} from '../../src/ledger/index.js';

// The example of C2SP tlog-cosignature (Ed25519, cosignature/v1).
const body =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const published =
  `${body}\n` +
  '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const seed = new Uint8Array(32).fill(0x42);
const clock = () => 1_700_000_000;

describe('Ed25519 cosignatures (C2SP tlog-cosignature v1)', () => {
  it('signs exactly the published message layout', () => {
    expect(new TextDecoder().decode(cosignedMessage(1679315147, enc(body)))).toBe(
      'cosignature/v1\ntime 1679315147\n' +
        'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
  });

  it('reads the key ID and timestamp of the published cosignature line', () => {
    const { signatures } = parseNote(published);
    const witness = signatures[1]!;
    expect([witness.name, witness.keyId]).toEqual(['witness.example.com/w1', 0x8d66cf3f]);
    expect(witness.signature).toHaveLength(72);
    expect(cosignatureTimestamp(witness.signature)).toBe(1679315147);
  });

  it('reads timestamps like transparency-dev/formats and refuses plain signatures', () => {
    const raw = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64')).subarray(4);
    const cosig =
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
    const plain =
      'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=';
    expect(cosignatureTimestamp(raw(cosig))).toBe(1727964367);
    expect(() => cosignatureTimestamp(raw(plain))).toThrow(FormatError);
  });

  it('accepts a published 0x04 verifier key', () => {
    const vkey = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';
    expect(parseVerifierKey(vkey).type).toBe(SignatureType.Ed25519Cosignature);
    expect(newVerifier(vkey).keyId).toBe(0xda77ade7);
  });

  it('produces a 72-byte timestamped signature that plain Ed25519 verifies over the message', async () => {
    const cosigner = cosignatureSigner('witness.example/us1', seed, clock);
    const signature = await cosigner.sign(enc(body));
    expect(signature).toHaveLength(72);
    expect(Buffer.from(signature.subarray(0, 8)).readBigUInt64BE()).toBe(1_700_000_000n);
    // Independent check with node:crypto and a hand-built message.
    const spki = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      cosigner.publicKey,
    ]);
    const message = Buffer.from(`cosignature/v1\ntime 1700000000\n${body}`);
    const ok = verify(
      null,
      message,
      { key: spki, format: 'der', type: 'spki' },
      signature.subarray(8),
    );
    expect(ok).toBe(true);
  });

  // Golden bytes reproduced independently with Python's pyca/cryptography Ed25519.
  it('pins the exact cosigned note for a fixed seed and clock', async () => {
    const cosigner = cosignatureSigner('witness.example/us1', seed, clock);
    const signed = await signNote(body, [cosigner]);
    expect(
      formatVerifierKey(cosigner.name, SignatureType.Ed25519Cosignature, cosigner.publicKey),
    ).toBe('witness.example/us1+25b4fdfc+BCFS+NGbeR0kRTJC4V8uq2y3z/p7al7TAJeWDgaYgdsS');
    expect(signed).toBe(
      `${body}\n— witness.example/us1 ` +
        'JbT9/AAAAABlU/EAuxp9VxfIo4Lc2165QJfKQuz8sp9l3qv4UP4pRxeG8aR1L5loMn2jAacrN67yTttqAUXn5cFEyCBHN6CspCccBQ==\n',
    );
  });

  it('verifies through a 0x04 vkey next to the log signature, and only through it', async () => {
    const log = ed25519Signer('example.com/behind-the-sofa', new Uint8Array(32).fill(1));
    const cosigner = cosignatureSigner('witness.example/us1', seed, clock);
    const vkey = formatVerifierKey(
      cosigner.name,
      SignatureType.Ed25519Cosignature,
      cosigner.publicKey,
    );
    const signed = await signNote(body, [log, cosigner]);
    const opened = openNote(signed, [newVerifier(log.vkey), newVerifier(vkey)]);
    expect(opened.verified.map((s) => s.name)).toEqual([log.name, cosigner.name]);
    // The same key as a plain Ed25519 key has another key ID, so it is simply unknown.
    const plain = formatVerifierKey(cosigner.name, SignatureType.Ed25519, cosigner.publicKey);
    expect(() => openNote(signed, [newVerifier(plain)])).toThrow(SignatureError);
  });

  it('fails when the timestamp or an extension line is changed', async () => {
    const cosigner = cosignatureSigner('witness.example/us1', seed, clock);
    const verifier = cosignatureVerifier(cosigner.name, cosigner.publicKey);
    const withExtension = enc(`${body}converge-round 7\n`);
    const signature = await cosigner.sign(withExtension);
    expect(verifier.verify(withExtension, signature)).toBe(true);
    expect(verifier.verify(enc(`${body}converge-round 8\n`), signature)).toBe(false);
    const later = Uint8Array.from(signature);
    later[7]! ^= 1;
    expect(verifier.verify(withExtension, later)).toBe(false);
    expect(verifier.verify(withExtension, signature.subarray(0, 71))).toBe(false);
  });
});
