import { verify } from 'node:crypto';

import { fromBase64Url, sha256Hex } from './encoding.js';
import {
  describeIssues,
  envelopeSigningBytes,
  sealedEnvelopeSchema,
  type Envelope,
  type SealedEnvelope,
} from './envelope.js';
import { keyIdOf, publicKeyObject } from './node-key.js';
import { EnvelopeRefusal } from './refusal.js';

/** Which public keys may speak for which collaboration (membership lives elsewhere). */
export interface KeyDirectory {
  publicKey(collab: string, keyId: string): Promise<Uint8Array | undefined>;
}

/** Remembers (sender, nonce) pairs; `claim` is atomic and answers false if already seen. */
export interface NonceStore {
  claim(sender: string, nonce: string, ts: number): Promise<boolean>;
}

export const DEFAULT_MAX_SKEW_MS = 120_000;

export interface EnvelopeVerifierOptions {
  directory: KeyDirectory;
  nonces: NonceStore;
  /** How far the sender's clock may be from ours, either way. Default 2 minutes. */
  maxSkewMs?: number;
  now?: () => number;
}

/** What the receiving route expects; a mismatch means a message replayed onto another route. */
export interface ExpectedRoute {
  collab: string;
  type?: string;
  round?: number;
}

function checkRoute(envelope: Envelope, expected: ExpectedRoute | undefined): void {
  if (expected === undefined) return;
  const fields = ['collab', 'type', 'round'] as const;
  for (const field of fields) {
    const want = expected[field];
    if (want !== undefined && envelope[field] !== want) {
      throw new EnvelopeRefusal(
        'misdirected',
        `envelope ${field} is ${JSON.stringify(envelope[field])}, but this route expects ${JSON.stringify(want)}`,
      );
    }
  }
}

export class EnvelopeVerifier {
  readonly #directory: KeyDirectory;
  readonly #nonces: NonceStore;
  readonly #maxSkewMs: number;
  readonly #now: () => number;

  constructor(options: EnvelopeVerifierOptions) {
    this.#directory = options.directory;
    this.#nonces = options.nonces;
    this.#maxSkewMs = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
    this.#now = options.now ?? Date.now;
    if (!Number.isFinite(this.#maxSkewMs) || this.#maxSkewMs < 0) {
      throw new RangeError(`maxSkewMs must be a non-negative number of ms, got ${this.#maxSkewMs}`);
    }
  }

  /**
   * Returns the envelope if `body` was sent, unaltered and for the first time, by a known member
   * of the envelope's collaboration; otherwise throws EnvelopeRefusal. Checks run cheapest and
   * least stateful first; the nonce is claimed last, so a refused message never burns one.
   */
  async verify(
    sealed: SealedEnvelope,
    body: Uint8Array,
    expected?: ExpectedRoute,
  ): Promise<Envelope> {
    const parsed = sealedEnvelopeSchema.safeParse(sealed);
    if (!parsed.success) {
      throw new EnvelopeRefusal('malformed', `malformed envelope: ${describeIssues(parsed.error)}`);
    }
    if (!(body instanceof Uint8Array)) {
      throw new EnvelopeRefusal('malformed', 'message body must be bytes');
    }
    const { envelope, signature } = parsed.data; // a copy: later awaits cannot see it change
    checkRoute(envelope, expected);

    const publicKey = await this.#directory.publicKey(envelope.collab, envelope.sender);
    if (publicKey === undefined) {
      throw new EnvelopeRefusal(
        'unknown-sender',
        `unknown sender ${envelope.sender} for collaboration ${envelope.collab}`,
      );
    }
    if (keyIdOf(publicKey) !== envelope.sender) {
      // The directory's fault, not the sender's: surface it as a server error.
      throw new Error(`key directory returned a key whose id is not ${envelope.sender}`);
    }

    const signatureBytes = fromBase64Url(signature);
    const key = publicKeyObject(publicKey);
    if (
      signatureBytes === undefined ||
      !verify(null, envelopeSigningBytes(envelope), key, signatureBytes)
    ) {
      throw new EnvelopeRefusal('bad-signature', 'bad signature');
    }

    if (sha256Hex(body) !== envelope.bodySha256) {
      throw new EnvelopeRefusal('body-mismatch', 'body does not match bodySha256');
    }

    const drift = envelope.ts - this.#now();
    if (Math.abs(drift) > this.#maxSkewMs) {
      throw new EnvelopeRefusal(
        'stale',
        `stale timestamp: ${drift} ms from now (allowed ±${this.#maxSkewMs} ms)`,
      );
    }

    if (!(await this.#nonces.claim(envelope.sender, envelope.nonce, envelope.ts))) {
      throw new EnvelopeRefusal('replay', 'replayed nonce');
    }
    return envelope;
  }
}
