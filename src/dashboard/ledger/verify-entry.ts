import type { Checkpoint } from './checkpoint';
import { equalHashes, inclusionProof, leafHash, rootFromProof, toBase64 } from './merkle';
import type { LogTiles } from './tiles';

export type Verification =
  | { ok: true; index: number; size: number; root: string; proofLength: number }
  | { ok: false; index: number; reason: string };

/**
 * Recomputes entry `index`'s inclusion proof from the tiles and checks that it leads to the
 * checkpoint's root: the entry's bytes as served are exactly what the tree holds.
 */
export async function verifyEntry(
  tiles: LogTiles,
  checkpoint: Checkpoint,
  index: number,
): Promise<Verification> {
  try {
    const entry = await tiles.entry(index);
    const proof = await inclusionProof(index, checkpoint.size, tiles.subtree);
    const root = await rootFromProof(index, checkpoint.size, await leafHash(entry), proof);
    if (!equalHashes(root, checkpoint.root)) {
      return {
        ok: false,
        index,
        reason: `root mismatch: the entry and its proof give ${toBase64(root)}, the checkpoint says ${toBase64(checkpoint.root)}`,
      };
    }
    return {
      ok: true,
      index,
      size: checkpoint.size,
      root: toBase64(root),
      proofLength: proof.length,
    };
  } catch (err) {
    return { ok: false, index, reason: (err as Error).message };
  }
}
