// Node identity: Ed25519 node keys on disk, and the signed envelope on every message between nodes.
export {
  NodeKey,
  PUBLIC_KEY_BYTES,
  generateNodeKey,
  keyIdOf,
  publicKeyObject,
  publicKeyFromBase64,
  publicKeyToBase64,
} from './node-key.js';
export { loadNodeKey, nodeKeyPaths, writeNodeKey, type NodeKeyPaths } from './key-files.js';
export {
  ENVELOPE_SIGNING_DOMAIN,
  canonicalEnvelope,
  envelopeSigningBytes,
  envelopeSchema,
  sealEnvelope,
  sealedEnvelopeSchema,
  type Envelope,
  type EnvelopeRoute,
  type SealedEnvelope,
} from './envelope.js';
export {
  ENVELOPE_HEADER,
  SIGNATURE_HEADER,
  fromHeaders,
  toHeaders,
  type EnvelopeHeaders,
  type HeaderSource,
} from './headers.js';
export { EnvelopeRefusal, type RefusalCode, type RefusalStatus } from './refusal.js';
export {
  DEFAULT_MAX_SKEW_MS,
  EnvelopeVerifier,
  type EnvelopeVerifierOptions,
  type ExpectedRoute,
  type KeyDirectory,
  type NonceStore,
} from './verifier.js';
export { MemoryNonceStore, type MemoryNonceStoreOptions } from './nonce-store.js';
