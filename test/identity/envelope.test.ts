import { createHash, verify } from 'node:crypto';

import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';

import {
  ENVELOPE_SIGNING_DOMAIN,
  EnvelopeRefusal,
  canonicalEnvelope,
  fromHeaders,
  generateNodeKey,
  sealEnvelope,
  toHeaders,
} from '../../src/identity/index.js';
import { BODY, NOW, ROUTE } from './fixtures.js';

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function refusal(fn: () => unknown): EnvelopeRefusal {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeRefusal);
    return error as EnvelopeRefusal;
  }
  throw new Error('expected an EnvelopeRefusal');
}

describe('sealEnvelope', () => {
  it('fills the envelope and signs the domain-prefixed canonical JSON', () => {
    const key = generateNodeKey();
    const sealed = sealEnvelope(key, ROUTE, BODY, NOW);
    expect(sealed.envelope).toEqual({
      v: 1,
      sender: key.keyId,
      collab: ROUTE.collab,
      type: ROUTE.type,
      round: ROUTE.round,
      nonce: expect.stringMatching(/^[0-9a-f]{32}$/),
      ts: NOW,
      bodySha256: createHash('sha256').update(BODY).digest('hex'),
    });
    expect(sealed.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const signed = Buffer.from(ENVELOPE_SIGNING_DOMAIN + canonicalEnvelope(sealed.envelope));
    const signature = Buffer.from(sealed.signature, 'base64url');
    expect(verify(null, signed, key.privateKey, signature)).toBe(true);
    // Without the domain prefix the signature is worthless.
    const bare = Buffer.from(canonicalEnvelope(sealed.envelope));
    expect(verify(null, bare, key.privateKey, signature)).toBe(false);
  });

  it('uses a fresh nonce every time', () => {
    const key = generateNodeKey();
    const a = sealEnvelope(key, ROUTE, BODY, NOW);
    const b = sealEnvelope(key, ROUTE, BODY, NOW);
    expect(a.envelope.nonce).not.toBe(b.envelope.nonce);
  });

  it('signs only the envelope fields, not extras on the route', () => {
    const route = { ...ROUTE, admin: true };
    expect(Object.keys(sealEnvelope(generateNodeKey(), route, BODY).envelope)).not.toContain(
      'admin',
    );
  });

  it('refuses routes that would make an invalid envelope', () => {
    const key = generateNodeKey();
    expect(() => sealEnvelope(key, { ...ROUTE, round: -1 }, BODY)).toThrow(
      'cannot seal envelope: round:',
    );
    expect(() => sealEnvelope(key, { ...ROUTE, collab: '' }, BODY)).toThrow(
      'cannot seal envelope: collab:',
    );
  });
});

describe('toHeaders / fromHeaders', () => {
  const sealed = sealEnvelope(generateNodeKey(), ROUTE, BODY, NOW);
  const headers = toHeaders(sealed);

  it('carries the canonical envelope JSON and the signature, base64url', () => {
    expect(Object.keys(headers).sort()).toEqual(['converge-envelope', 'converge-signature']);
    expect(Buffer.from(headers['converge-envelope'], 'base64url').toString()).toBe(
      canonicalize(sealed.envelope),
    );
    expect(headers['converge-signature']).toBe(sealed.signature);
  });

  it('round-trips through a plain record, mixed-case names, arrays and fetch Headers', () => {
    expect(fromHeaders(headers)).toEqual(sealed);
    expect(
      fromHeaders({
        'Converge-Envelope': headers['converge-envelope'],
        'CONVERGE-SIGNATURE': [headers['converge-signature']],
      }),
    ).toEqual(sealed);
    expect(fromHeaders(new Headers({ ...headers }))).toEqual(sealed);
  });

  it('refuses missing headers with 400 malformed', () => {
    const noEnvelope = refusal(() => fromHeaders({ 'converge-signature': sealed.signature }));
    expect(noEnvelope).toMatchObject({ status: 400, code: 'malformed' });
    expect(noEnvelope.message).toBe('missing converge-envelope header');
    expect(
      refusal(() => fromHeaders({ 'converge-envelope': headers['converge-envelope'] })).message,
    ).toBe('missing converge-signature header');
    expect(refusal(() => fromHeaders(new Headers())).message).toBe(
      'missing converge-envelope header',
    );
  });

  it('refuses repeated headers', () => {
    const repeated = { ...headers, 'converge-signature': [sealed.signature, sealed.signature] };
    expect(refusal(() => fromHeaders(repeated)).message).toBe(
      'converge-signature header appears 2 times',
    );
    const fetchHeaders = new Headers(headers);
    fetchHeaders.append('converge-envelope', headers['converge-envelope']);
    expect(refusal(() => fromHeaders(fetchHeaders)).code).toBe('malformed');
  });

  const cases: Array<[string, string, string]> = [
    ['not base64url', 'a+b/', 'converge-envelope header is not base64url'],
    ['not JSON', b64url('{nope'), 'converge-envelope header is not base64url of UTF-8 JSON'],
    [
      'not canonical',
      b64url(JSON.stringify(sealed.envelope, null, 1)),
      'converge-envelope header is not RFC 8785 canonical JSON',
    ],
    [
      'an unknown field',
      b64url(canonicalize({ ...sealed.envelope, extra: 1 }) ?? ''),
      'malformed envelope: envelope: Unrecognized key: "extra"',
    ],
    [
      'a wrong version',
      b64url(canonicalize({ ...sealed.envelope, v: 2 }) ?? ''),
      'malformed envelope: envelope.v:',
    ],
    [
      'a fractional round',
      b64url(canonicalize({ ...sealed.envelope, round: 1.5 }) ?? ''),
      'malformed envelope: envelope.round:',
    ],
    [
      'an upper-case nonce',
      b64url(canonicalize({ ...sealed.envelope, nonce: 'A'.repeat(32) }) ?? ''),
      'malformed envelope: envelope.nonce: must be 16 random bytes',
    ],
  ];
  it.each(cases)('refuses an envelope header that is %s', (_what, value, message) => {
    const error = refusal(() => fromHeaders({ ...headers, 'converge-envelope': value }));
    expect(error).toMatchObject({ status: 400, code: 'malformed' });
    expect(error.message).toContain(message);
  });

  it('refuses a signature that is not 64 bytes of base64url', () => {
    const error = refusal(() => fromHeaders({ ...headers, 'converge-signature': 'abc' }));
    expect(error.message).toBe(
      'malformed envelope: signature: must be a base64url Ed25519 signature',
    );
  });
});
