import { cachePolicySet } from './cedar.js';
import { compilePolicy, type CompiledPolicy } from './compile-policy.js';
import { PolicyError } from './errors.js';
import { hashJson, sha256Hex } from './hash.js';
import { inForce, type PackPolicy, type PolicyPack } from './pack.js';

/** A pack as it stands on one date: the policies in force, and those skipped with why. */
export interface ActivePack {
  readonly pack: PolicyPack;
  readonly active: readonly PackPolicy[];
  readonly skipped: readonly PackPolicy[];
  /** Identifies this pack version and window; prepared sets are keyed by it. */
  readonly key: string;
  /** A short stand-in for `key`, numbered in this cache, for the per-request lookup. */
  readonly serial: number;
}

/** One Cedar policy set for one combination of packs, pre-parsed and reused. */
export interface PreparedSet {
  readonly id: string;
  /** The same set with permits only; asked on a deny, to learn which packs would permit. */
  readonly permitsId: () => string;
  readonly owners: ReadonlyMap<string, { pack: PolicyPack; policy: PackPolicy }>;
  /** Every pack's unconditional permits, when every pack has one; else undefined. */
  readonly unconditionalPermits?: readonly string[];
  /** Hash of the packs in the set (names and versions), as decisions record it. */
  readonly policySetHash: string;
  /** The set as JavaScript closures; undefined if any policy needs cedar-wasm itself. */
  readonly compiled?: readonly CompiledEntry[];
}

export interface CompiledEntry {
  readonly id: string;
  readonly effect: 'permit' | 'forbid';
  readonly applies: CompiledPolicy;
}

/**
 * Caches for the hot path. Which policies are in force changes only at a pack's effective
 * and retired dates, so a date maps to an "epoch" between two such dates, and a combination
 * of packs and epochs maps to one pre-parsed set with pack-qualified ids.
 */
export class PreparedSets {
  /** Per pack: the dates where its policies in force change, and each epoch's ActivePack. */
  readonly #epochs = new Map<
    PolicyPack,
    { boundaries: readonly string[]; active: (ActivePack | undefined)[] }
  >();
  readonly #active = new Map<string, ActivePack>();
  /** Sets by action and the packs' serials (short, so nothing long is built per request). */
  readonly #bySerials = new Map<string, PreparedSet>();

  activeOn(pack: PolicyPack, date: string): ActivePack {
    let epochs = this.#epochs.get(pack);
    if (epochs === undefined) {
      const dates = pack.policies.flatMap(({ window }) =>
        window.retired === undefined ? [window.effective] : [window.effective, window.retired],
      );
      epochs = { boundaries: [...new Set(dates)].sort(), active: [] };
      this.#epochs.set(pack, epochs);
    }
    const { boundaries } = epochs;
    let epoch = 0;
    while (epoch < boundaries.length && (boundaries[epoch] ?? '') <= date) epoch++;
    let active = epochs.active[epoch];
    if (active === undefined) {
      const key = `${pack.hash}#${epoch}`;
      active = this.#active.get(key) ?? {
        pack,
        active: pack.policies.filter((p) => inForce(p.window, date)),
        skipped: pack.policies.filter((p) => !inForce(p.window, date)),
        key,
        serial: this.#active.size,
      };
      this.#active.set(key, active);
      epochs.active[epoch] = active;
    }
    return active;
  }

  /**
   * The set for these packs, sliced to the policies whose scope admits `action` (Cedar would
   * skip the others after matching their scope, but each still costs time inside the wasm).
   */
  prepare(packs: readonly ActivePack[], action: string): PreparedSet {
    let serials = action;
    for (const pack of packs) serials += `|${pack.serial}`;
    const known = this.#bySerials.get(serials);
    if (known) return known;
    const prepared = this.#prepare(packs, action);
    this.#bySerials.set(serials, prepared);
    return prepared;
  }

  #prepare(packs: readonly ActivePack[], action: string): PreparedSet {
    // The Cedar id comes from the packs' hashes: Cedar's cache is shared by every engine.
    const key = `${action}|${packs.map((p) => p.key).join('|')}`;
    const owners = new Map<string, { pack: PolicyPack; policy: PackPolicy }>();
    for (const { pack, active } of packs) {
      for (const policy of active) {
        if (policy.actions === 'all' || policy.actions.has(action)) {
          owners.set(policy.qualifiedId, { pack, policy });
        }
      }
    }
    const id = `set-${sha256Hex(key).slice(0, 24)}`;
    const texts = (only?: 'permit') =>
      Object.fromEntries(
        [...owners.values()]
          .filter(({ policy }) => only === undefined || policy.effect === only)
          .map(({ policy }) => [policy.qualifiedId, policy.text]),
      );
    mustCache(id, texts());
    let permitsId: string | undefined;
    const unconditional = packs.map(({ active }) => active.filter((p) => p.unconditional));
    const compiled = compileSet(owners);
    const prepared: PreparedSet = {
      ...(compiled === undefined ? {} : { compiled }),
      ...(unconditional.every((permits) => permits.length > 0)
        ? { unconditionalPermits: unconditional.flat().map((p) => p.qualifiedId) }
        : {}),
      id,
      owners,
      policySetHash: policySetHash(packs.map((p) => p.pack)),
      permitsId: () => {
        if (permitsId === undefined) {
          mustCache(`${id}-permits`, texts('permit'));
          permitsId = `${id}-permits`;
        }
        return permitsId;
      },
    };
    return prepared;
  }
}

function compileSet(
  owners: ReadonlyMap<string, { policy: PackPolicy }>,
): CompiledEntry[] | undefined {
  try {
    return [...owners].map(([id, { policy }]) => ({
      id,
      effect: policy.effect,
      applies: compilePolicy(policy.json),
    }));
  } catch {
    // A policy the compiler cannot take, for any reason, leaves the whole set to Cedar.
    return undefined;
  }
}

function mustCache(id: string, texts: Record<string, string>): void {
  const errors = cachePolicySet(id, texts);
  // Packs were parsed and validated on install, so this is a bug, not bad input.
  if (errors.length > 0)
    throw new PolicyError('evaluation-error', `Cedar refused policy set ${id}`, errors);
}

/** sha256 over the packs' names and hashes ("" for none): what a decision records. */
export function policySetHash(packs: readonly PolicyPack[]): string {
  if (packs.length === 0) return '';
  return hashJson(packs.map((p) => ({ pack: p.name, hash: p.hash })));
}
