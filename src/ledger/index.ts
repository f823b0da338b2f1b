// converge/ledger: Converge's transparency log. A pure core — RFC 9162 Merkle hashing and proofs
// over a pluggable hash store, C2SP signed notes, checkpoints, cosignatures and tile paths — and
// on it a durable tlog-tiles log on the file system, its HTTP read API and client, tlog-witness
// witnesses with split-view detection, and tlog-policy quorums.

export {
  ProofError,
  FormatError,
  SignatureError,
  LogCorruptionError,
  SplitViewError,
  PolicyError,
} from './errors.js';
export { HASH_SIZE, emptyTreeHash, hashesEqual, leafHash, nodeHash, type Hash } from './hash.js';
export {
  MemoryHashStorage,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
  type HashReader,
  type HashStorage,
} from './storage.js';
export { appendLeaf, storedHashesForRecord, treeHash } from './tree.js';
export { proveConsistency, proveInclusion } from './prove.js';
export {
  consistencyProofLength,
  inclusionProofLength,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyCheck,
  type InclusionCheck,
} from './verify.js';

export {
  SignatureType,
  formatKeyId,
  formatVerifierKey,
  isValidKeyName,
  keyId,
  parseSignerKey,
  parseVerifierKey,
  type KeyParts,
  type NoteSigner,
  type NoteVerifier,
} from './keys.js';
export { ed25519Signer, ed25519Verifier, newSigner, newVerifier } from './signers.js';
export {
  MAX_NOTE_SIGNATURES,
  formatNote,
  openNote,
  parseNote,
  signNote,
  type Note,
  type NoteSignature,
  type OpenedNote,
} from './note.js';
export { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
export {
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignedMessage,
  type Clock,
} from './cosignature.js';
export {
  MAX_TILE_LEVEL,
  TILE_WIDTH,
  parseTilePath,
  tilePath,
  tilesAtLevel,
  type TileCoordinates,
  type TileLevel,
} from './tile.js';

// The durable tiled log, its read API and clients.
export { DEFAULT_CACHED_TILES, MAX_BATCH, TileLog, type TileLogOptions } from './log/tile-log.js';
export { MAX_ENTRY_BYTES, decodeBundle, encodeBundle } from './log/bundle.js';
export { serveTile, tileResponse, type TileResponse } from './log/serve.js';
export { tileRoutes, type TileServer } from './log/routes.js';
export { TileClient, type TileClientOptions, type VerifiedCheckpoint } from './log/tile-client.js';
export { TileCache, TileReader, type TileSource } from './log/tile-reader.js';
export { DirectoryTileSource } from './log/tile-files.js';
export { auditLog, type AuditOptions, type AuditReport } from './log/audit.js';

// Witnessing: tlog-witness, split-view detection, tlog-policy.
export {
  TLOG_SIZE_TYPE,
  Witness,
  type Evidence,
  type TrustedLog,
  type WitnessOptions,
  type WitnessResponse,
} from './witness/witness.js';
export {
  FileWitnessStore,
  MemoryWitnessStore,
  type WitnessRecord,
  type WitnessStore,
} from './witness/store.js';
export { witnessRoutes } from './witness/routes.js';
export { WitnessClient, type AddCheckpointResult, type ProveFrom } from './witness/client.js';
export {
  MAX_PROOF_LINES,
  formatAddCheckpointRequest,
  parseAddCheckpointRequest,
  type AddCheckpointRequest,
} from './witness/request.js';
export { detectSplitView, type SplitViewCheck } from './witness/split-view.js';
export {
  NO_QUORUM,
  formatPolicy,
  parsePolicy,
  quorumSatisfied,
  type Policy,
  type PolicyGroup,
  type PolicyLog,
  type PolicyWitness,
} from './witness/policy.js';
export {
  EVERY_JURISDICTION,
  policyFromJurisdictions,
  verifyCosignedCheckpoint,
  type JurisdictionWitness,
} from './witness/jurisdictions.js';
export { logOrigin } from './witness/log-origin.js';

// Offline proofs of inclusion (C2SP tlog-proof), checked against a policy's keys alone.
export {
  TLOG_PROOF_HEADER,
  formatTlogProof,
  parseTlogProof,
  verifyTlogProof,
  type ProvenEntry,
  type TlogProof,
} from './proof-file.js';
