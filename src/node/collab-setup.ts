import {
  CollaborationSpec,
  HubLedger,
  addMember,
  createCollaboration,
  sha256Json,
} from '../federation/index.js';
import type { LedgerEvent } from '../federation/index.js';
import { publicKeyFromBase64 } from '../identity/index.js';
import type { IdentityCard } from './config.js';
import { identityCard, openNodeDirectory } from './node-dir.js';
import { ledgerDir, openNodeStore } from './start.js';

/**
 * Create a collaboration in a (stopped) hub's store and admit the hub itself plus the given
 * members; the collaboration's log opens with the creation and every admission.
 */
export async function createCollaborationAt(
  dir: string,
  spec: unknown,
  members: IdentityCard[],
): Promise<void> {
  const parsed = CollaborationSpec.parse(spec);
  const hub = await openNodeDirectory(dir);
  const db = await openNodeStore(dir, hub.config.name);
  const ledger = new HubLedger(ledgerDir(dir), hub.key);
  try {
    const at = Date.now();
    const cards = [identityCard(hub.config, hub.key), ...members];
    const events: LedgerEvent[] = [
      {
        type: 'collab.created',
        collab: parsed.id,
        domain: parsed.domain,
        title: parsed.title,
        hub: { name: hub.config.name, keyId: hub.key.keyId },
        at,
      },
      ...cards.map((card): LedgerEvent => ({
        type: 'member.joined',
        collab: parsed.id,
        member: {
          name: card.name,
          institution: card.institution,
          jurisdiction: card.jurisdiction,
          roles: card.roles,
          keyId: card.keyId,
          publicKey: card.publicKey,
        },
        cardSha256: sha256Json(card),
        at,
      })),
    ];
    await createCollaboration(db, parsed);
    await ledger.append(parsed.id, events);
    for (const card of cards) {
      await addMember(db, parsed.id, { ...card, publicKey: publicKeyFromBase64(card.publicKey) });
    }
  } finally {
    await ledger.close();
    await db.close();
  }
}
