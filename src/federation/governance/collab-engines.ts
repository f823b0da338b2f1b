import type { PolicyEngine } from '../../policy/index.js';
import type { PackRecords } from './pack-records.js';

// The packs in force differ between collaborations once members change one: each such
// collaboration gets its own engine, a fork of the hub's (sharing every compiled version),
// with the versions its members voted into force, read from the database on first use.

export class CollabEngines {
  readonly #engines = new Map<string, Promise<PolicyEngine>>();

  constructor(
    /** The hub's packs (policies/): in force wherever members changed nothing. */
    readonly base: PolicyEngine,
    private readonly packs: PackRecords,
  ) {}

  engineFor(collab: string): Promise<PolicyEngine> {
    let engine = this.#engines.get(collab);
    if (!engine) {
      engine = this.load(collab);
      this.#engines.set(collab, engine);
      // A failed load is not remembered: the next decision tries again.
      engine.catch(() => this.#engines.delete(collab));
    }
    return engine;
  }

  /** After a change is durable: decisions from now on use `engine`. */
  replace(collab: string, engine: PolicyEngine): void {
    this.#engines.set(collab, Promise.resolve(engine));
  }

  private async load(collab: string): Promise<PolicyEngine> {
    const voted = await this.packs.inForce(collab);
    if (voted.length === 0) return this.base;
    const engine = this.base.fork();
    for (const { hash, source } of voted) {
      const check = engine.installPack(source);
      // Stored versions were valid when voted in; one that no longer is (a new schema) must
      // stop decisions rather than let the hub's own version silently take its place.
      if (!check.ok || check.pack.hash !== hash) {
        const why = check.ok ? `its hash is now ${check.pack.hash}` : check.diagnostics.join('; ');
        throw new Error(
          `pack ${source.name} voted into force in ${collab} (${hash.slice(0, 12)}…) cannot be installed: ${why}`,
        );
      }
    }
    return engine;
  }
}
