import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkNote } from '../../src/dashboard/ledger/note-signatures.js';
import {
  cosignatureSigner,
  ed25519Signer,
  formatPolicy,
  formatVerifierKey,
  policyFromJurisdictions,
  signNote,
  SignatureType,
} from '../../src/ledger/index.js';

// The browser's checkpoint check, run here on Node's WebCrypto: the same bytes the ledger core
// signs, including verifier keys whose base64 holds a "+" (the vkey separator).

function seedWithPlusInKey(name: string, type: number): Uint8Array {
  for (;;) {
    const seed = new Uint8Array(randomBytes(32));
    const signer = type === SignatureType.Ed25519 ? ed25519Signer(name, seed) : undefined;
    const vkey =
      signer?.vkey ??
      formatVerifierKey(name, type, cosignatureSigner(name, seed, () => 0).publicKey);
    if (vkey.split('+').slice(2).join('+').includes('+')) return seed;
  }
}

describe('checking a cosigned checkpoint in the browser', () => {
  it('verifies the log signature and the cosignatures, and evaluates the quorum', async () => {
    const origin = 'converge/0123456789abcdef/heart';
    const log = ed25519Signer(origin, seedWithPlusInKey(origin, SignatureType.Ed25519));
    const witnesses = [
      ['us-1', 'US'],
      ['hu-1', 'HU'],
    ].map(([name, jurisdiction]) => {
      const key = `converge/witness/${name}`;
      const seed = seedWithPlusInKey(key, SignatureType.Ed25519Cosignature);
      const signer = cosignatureSigner(key, seed, () => 1_800_000_000);
      return {
        signer,
        policy: {
          name: name!,
          jurisdiction: jurisdiction!,
          vkey: formatVerifierKey(key, SignatureType.Ed25519Cosignature, signer.publicKey),
        },
      };
    });
    const policy = formatPolicy(
      policyFromJurisdictions(
        witnesses.map((w) => w.policy),
        [{ vkey: log.vkey }],
      ),
    );
    const text = `${origin}\n7\n${Buffer.alloc(32, 7).toString('base64')}\n`;
    const note = await signNote(text, [log, ...witnesses.map((w) => w.signer)]);

    const good = await checkNote(note, policy);
    expect(good).toMatchObject({ logSigned: true, quorumMet: true, bad: [] });
    expect(good.cosigners).toEqual(['hu-1', 'us-1']);

    // One witness's cosignature altered: it no longer counts, and HU is then missing.
    const lines = note.split('\n');
    const hu = lines.findIndex((l) => l.startsWith('\u2014 converge/witness/hu-1 '));
    const sig = Buffer.from(lines[hu]!.split(' ')[2]!, 'base64');
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 1;
    lines[hu] = `\u2014 converge/witness/hu-1 ${sig.toString('base64')}`;
    const tampered = await checkNote(lines.join('\n'), policy);
    expect(tampered).toMatchObject({ logSigned: true, quorumMet: false, bad: ['hu-1'] });
  });
});
