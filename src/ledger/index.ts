// converge/ledger: the pure core of Converge's transparency log — RFC 9162 Merkle hashing and
// proofs over a pluggable hash store, C2SP signed notes, checkpoints, cosignatures and tile paths.

export { ProofError, FormatError, SignatureError } from './errors.js';
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
