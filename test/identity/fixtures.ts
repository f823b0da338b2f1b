import {
  EnvelopeVerifier,
  MemoryNonceStore,
  generateNodeKey,
  type KeyDirectory,
  type NodeKey,
} from '../../src/identity/index.js';

export const COLLAB = 'collab-eu-health';
export const ROUTE = { collab: COLLAB, type: 'update', round: 3 };
export const NOW = 1_750_000_000_000;
export const BODY = new TextEncoder().encode('model update bytes');

/** A directory in which each key belongs to the collaborations listed for it. */
export function directoryOf(members: Array<[NodeKey, string[]]>): KeyDirectory {
  return {
    async publicKey(collab, keyId) {
      const found = members.find(
        ([key, collabs]) => key.keyId === keyId && collabs.includes(collab),
      );
      return found?.[0].publicKey;
    },
  };
}

export function setup(options: { maxSkewMs?: number } = {}) {
  const alice = generateNodeKey();
  const bob = generateNodeKey();
  const clock = { now: NOW };
  const nonces = new MemoryNonceStore({ now: () => clock.now });
  const verifier = new EnvelopeVerifier({
    directory: directoryOf([
      [alice, [COLLAB]],
      [bob, [COLLAB]],
    ]),
    nonces,
    now: () => clock.now,
    ...options,
  });
  return { alice, bob, clock, nonces, verifier };
}
