import { CollaborationSpec, addMember, createCollaboration } from '../federation/index.js';
import { publicKeyFromBase64 } from '../identity/index.js';
import type { IdentityCard } from './config.js';
import { identityCard, openNodeDirectory } from './node-dir.js';
import { openNodeStore } from './start.js';

/** Create a collaboration in a (stopped) hub's store and admit the hub itself plus the given members. */
export async function createCollaborationAt(
  dir: string,
  spec: unknown,
  members: IdentityCard[],
): Promise<void> {
  const parsed = CollaborationSpec.parse(spec);
  const hub = await openNodeDirectory(dir);
  const db = await openNodeStore(dir, hub.config.name);
  try {
    await createCollaboration(db, parsed);
    for (const card of [identityCard(hub.config, hub.key), ...members]) {
      await addMember(db, parsed.id, { ...card, publicKey: publicKeyFromBase64(card.publicKey) });
    }
  } finally {
    await db.close();
  }
}
