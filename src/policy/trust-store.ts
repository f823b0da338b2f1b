import { PolicyError } from './errors.js';
import type { CollaborationTrust } from './trust.js';

/** Where trust state lives (a database table in the hub; memory in tests). */
export interface TrustStore {
  load(collaboration: string): Promise<CollaborationTrust | undefined>;
  /**
   * Save if the stored revision is still `expectedRevision` (undefined: not stored yet), so
   * two concurrent changes cannot both win. Resolves false when someone else changed it first.
   */
  save(trust: CollaborationTrust, expectedRevision: number | undefined): Promise<boolean>;
}

export class MemoryTrustStore implements TrustStore {
  readonly #states = new Map<string, CollaborationTrust>();

  async load(collaboration: string): Promise<CollaborationTrust | undefined> {
    return this.#states.get(collaboration);
  }

  async save(trust: CollaborationTrust, expectedRevision: number | undefined): Promise<boolean> {
    const current = this.#states.get(trust.collaboration);
    if (current?.revision !== expectedRevision) return false;
    this.#states.set(trust.collaboration, trust);
    return true;
  }
}

/** Load, apply a pure change, save with the revision check; refuse if it changed meanwhile. */
export async function updateTrust(
  store: TrustStore,
  collaboration: string,
  change: (trust: CollaborationTrust) => CollaborationTrust,
): Promise<CollaborationTrust> {
  const current = await store.load(collaboration);
  if (!current)
    throw new PolicyError('unknown-entity', `no trust record for collaboration ${collaboration}`);
  const next = change(current);
  if (next !== current && !(await store.save(next, current.revision))) {
    throw new PolicyError(
      'invalid-request',
      `trust of ${collaboration} changed concurrently; try again`,
    );
  }
  return next;
}
