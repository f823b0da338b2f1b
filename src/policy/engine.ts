import { isDeepStrictEqual } from 'node:util';

import { indexEntities, toCedarRequest } from './cedar-request.js';
import { freezeDecision, type LoggedDecision, type PolicyDecision } from './decision.js';
import { cacheKey, DecisionCache } from './decision-cache.js';
import { PolicyError } from './errors.js';
import { evaluatePacks, type Evaluator } from './evaluate.js';
import { explain } from './explain.js';
import { applicablePacks, touchedCountries, uncoveredCountries } from './jurisdictions.js';
import { compilePack, packHash, type PackCheck, type PackSource, type PolicyPack } from './pack.js';
import { PreparedSets } from './policy-set.js';
import { parsePolicyRequest, type PolicyRequest } from './request.js';
import { loadSchema, type PolicySchema } from './schema.js';

export interface PolicyEngineOptions {
  /** Cedar schema text (policies/converge.cedarschema). */
  readonly schema: string;
  readonly packs: readonly PackSource[];
  /** Decisions remembered by exact request (LRU); 0 turns the cache off. Default 10,000. */
  readonly cacheSize?: number;
  /** Today as YYYY-MM-DD, for requests without a date. Default: the UTC date now. */
  readonly today?: () => string;
  /**
   * Accept requests dated other than today (what-if checks, tests). Off by default, so a
   * requester cannot pick a date before a rule took effect to dodge it; replay is unaffected.
   */
  readonly anyDate?: boolean;
  /**
   * 'compiled' (default): the packs' policies compiled to JavaScript decide, and cedar-wasm
   * decides whatever they cannot model exactly. 'cedar': cedar-wasm decides every request
   * (replays use it, so each logged decision is confirmed by Cedar itself).
   */
  readonly evaluator?: Evaluator;
}

/** How many fresh decisions each evaluator made (cache hits and malformed requests aside). */
export interface EvaluatorCounts {
  compiled: number;
  cedar: number;
}

/** Today's UTC date; the string is rebuilt only when the day changes (decisions are hot). */
const utcToday = (() => {
  let today = '';
  let until = 0;
  return (): string => {
    const now = Date.now();
    if (now >= until) {
      today = new Date(now).toISOString().slice(0, 10);
      until = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
    }
    return today;
  };
})();

/**
 * Decides requests against the consortium pack and every pack of a jurisdiction the request
 * touches. Packs are validated (strict) before they take effect; every version ever in force
 * stays in an archive by hash so that logged decisions can be replayed.
 */
export class PolicyEngine {
  readonly schema: PolicySchema;
  readonly #inForce = new Map<string, PolicyPack>();
  readonly #archive: Map<string, PolicyPack>;
  readonly #sets: PreparedSets;
  readonly #cache: DecisionCache;
  readonly #options: PolicyEngineOptions;
  readonly #today: () => string;
  readonly #anyDate: boolean;
  readonly #evaluator: Evaluator;
  readonly #counts: EvaluatorCounts = { compiled: 0, cedar: 0 };

  private constructor(
    schema: PolicySchema,
    options: PolicyEngineOptions,
    shared?: { archive: Map<string, PolicyPack>; sets: PreparedSets },
  ) {
    this.schema = schema;
    this.#options = options;
    this.#archive = shared?.archive ?? new Map();
    this.#sets = shared?.sets ?? new PreparedSets();
    this.#cache = new DecisionCache(options.cacheSize ?? 10_000);
    this.#today = options.today ?? utcToday;
    this.#anyDate = options.anyDate ?? false;
    this.#evaluator = options.evaluator ?? 'compiled';
  }

  /** Fresh decisions by evaluator so far (a copy). */
  evaluatorCounts(): EvaluatorCounts {
    return { ...this.#counts };
  }

  /** Throws PolicyError if the schema or any pack is invalid: an engine starts complete. */
  static create(options: PolicyEngineOptions): PolicyEngine {
    const engine = new PolicyEngine(loadSchema(options.schema), options);
    for (const source of options.packs) {
      const check = engine.installPack(source);
      if (!check.ok) {
        throw new PolicyError(
          'invalid-pack',
          `policy pack "${check.pack}" is invalid`,
          check.diagnostics,
        );
      }
    }
    return engine;
  }

  /**
   * An engine with the same packs in force that can then change on its own (one per
   * collaboration whose members changed a pack). It shares the archive of versions and the
   * pre-parsed sets, so nothing is compiled again; decisions are cached separately.
   */
  fork(): PolicyEngine {
    const copy = new PolicyEngine(this.schema, this.#options, {
      archive: this.#archive,
      sets: this.#sets,
    });
    for (const [name, pack] of this.#inForce) copy.#inForce.set(name, pack);
    return copy;
  }

  packs(): PolicyPack[] {
    return [...this.#inForce.values()];
  }

  /** The packs in force as one array that stays the same until a pack changes (memo key). */
  #inForceList: readonly PolicyPack[] | undefined;
  #packList(): readonly PolicyPack[] {
    this.#inForceList ??= this.packs();
    return this.#inForceList;
  }

  pack(name: string): PolicyPack | undefined {
    return this.#inForce.get(name);
  }

  /** Any version that was ever in force (or checked) in this engine. */
  packByHash(hash: string): PolicyPack | undefined {
    return this.#archive.get(hash);
  }

  /** Compile and validate a pack without putting it in force. */
  checkPack(source: PackSource): PackCheck {
    // A version already compiled under this schema is valid as it was (forks reinstall them).
    const known = this.#archive.get(packHash(source));
    if (known !== undefined) return { ok: true, pack: known };
    const check = compilePack(source, this.schema);
    if (check.ok) this.#archive.set(check.pack.hash, check.pack);
    return check;
  }

  /** Put a pack in force if it is valid; otherwise the pack in force stays and nothing changes. */
  installPack(source: PackSource): PackCheck {
    const check = this.checkPack(source);
    if (check.ok) {
      this.#inForce.set(check.pack.name, check.pack);
      this.#inForceList = undefined;
      this.#cache.clear();
    }
    return check;
  }

  /** Decide a request (any JSON value). Never throws: bad input is a deny with an error. */
  decide(input: unknown): PolicyDecision {
    const today = this.#today();
    const key = this.#cache.enabled ? cacheKey(input, today) : undefined;
    const hit = key === undefined ? undefined : this.#cache.get(key);
    if (hit) return hit;
    const decision = this.#guard(input, today, () => this.evaluate(this.#parse(input, today)));
    if (key !== undefined && decision.error === undefined) this.#cache.set(key, decision);
    return decision;
  }

  /**
   * Decide, and return what the ledger should record (see replayDecision). A decision that
   * goes into a log is worth a millisecond more: the compiled packs' answer is confirmed on
   * cedar-wasm, and if the two ever differ the request is refused (fails closed), saying so.
   */
  decideLogged(input: unknown): LoggedDecision {
    const today = this.#today();
    let decision = this.decide(input);
    let request: PolicyRequest | undefined;
    try {
      request = parsePolicyRequest(input, decision.date);
    } catch {
      return { request: input, decision }; // refused as malformed: logged as it came
    }
    if (this.#evaluator === 'compiled' && decision.error === undefined) {
      const confirmed = this.#guard(input, today, () =>
        this.evaluate(this.#parse(input, today), this.#packList(), 'cedar'),
      );
      if (!isDeepStrictEqual(confirmed, decision)) {
        decision = this.refusal(
          input,
          today,
          new PolicyError('evaluation-error', 'the compiled packs and cedar-wasm disagree', [
            `compiled: ${decision.decision}, cedar-wasm: ${confirmed.decision}; refused until the compiler is fixed`,
          ]),
        );
      }
    }
    return { request, decision };
  }

  /** Decide with some packs replaced (diffs, dry runs); the packs in force do not change. */
  decideWith(input: unknown, replacements: readonly PolicyPack[]): PolicyDecision {
    const today = this.#today();
    const packs = new Map(this.#inForce);
    for (const pack of replacements) packs.set(pack.name, pack);
    return this.#guard(input, today, () =>
      this.evaluate(this.#parse(input, today), [...packs.values()]),
    );
  }

  /** The core: a validated request against a set of packs. Throws PolicyError on bad input. */
  evaluate(
    request: PolicyRequest,
    packs: readonly PolicyPack[] = this.#packList(),
    evaluator: Evaluator = this.#evaluator,
  ): PolicyDecision {
    const entities = indexEntities(request);
    const countries = touchedCountries(request, entities);
    const active = applicablePacks(packs, countries).map((p) =>
      this.#sets.activeOn(p, request.date),
    );
    const set = this.#sets.prepare(active, request.action);
    const answered = evaluatePacks(
      toCedarRequest(request, entities),
      active,
      set,
      this.schema,
      evaluator,
    );
    const { verdicts } = answered;
    this.#counts[answered.evaluator] += 1;
    return freezeDecision(
      explain({
        request,
        entities,
        verdicts,
        countries,
        uncovered: uncoveredCountries(packs, countries),
        schemaHash: this.schema.hash,
        policySetHash: set.policySetHash,
      }),
    );
  }

  #parse(input: unknown, today: string): PolicyRequest {
    const request = parsePolicyRequest(input, today);
    if (!this.#anyDate && request.date !== today && daysApart(request.date, today) > 1) {
      throw new PolicyError(
        'invalid-request',
        `the request is dated ${request.date}, not today (${today})`,
        [
          'date: decisions are made for today (one day either side for time zones); what-if checks use an engine with anyDate',
        ],
      );
    }
    return request;
  }

  #guard(input: unknown, today: string, run: () => PolicyDecision): PolicyDecision {
    try {
      return run();
    } catch (error) {
      return this.refusal(input, today, error);
    }
  }

  /** A request refused before any pack could decide: default deny, with the reason. */
  refusal(input: unknown, today: string, error: unknown): PolicyDecision {
    const known = error instanceof PolicyError;
    const date = fieldOf(input, 'date');
    const action = fieldOf(input, 'action');
    return freezeDecision({
      decision: 'deny',
      date: typeof date === 'string' ? date : today,
      action: typeof action === 'string' ? action : '',
      jurisdictions: [],
      packs: [],
      notes: [],
      policySetHash: '',
      schemaHash: this.schema.hash,
      error: {
        code: known ? error.code : 'evaluation-error',
        message: known ? error.message : 'the policy engine failed on this request',
        details: known ? error.details : [error instanceof Error ? error.message : String(error)],
      },
    });
  }
}

function daysApart(a: string, b: string): number {
  return Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
}

function fieldOf(input: unknown, name: string): unknown {
  return typeof input === 'object' && input !== null
    ? (input as Record<string, unknown>)[name]
    : undefined;
}
