/**
 * The compiled evaluator (src/policy/compile-policy.ts) held to cedar-wasm's answers.
 *
 * The rule: a compiled policy never gives a definite answer that differs from Cedar's.
 * Throwing NeedsCedar (cedar-wasm then decides) is always allowed, but must stay rare for the
 * real packs. Two levels:
 *  1. the whole engine on the real packs: seeded random requests around every threshold,
 *     decided by an engine with evaluator 'compiled' and one with 'cedar', must be deep-equal;
 *  2. expression semantics: random Cedar conditions over a fixed vocabulary, plus a table of
 *     edge cases, compiled and evaluated by cedar-wasm's stateless isAuthorized, policy by policy.
 */
import { isDeepStrictEqual } from 'node:util';

import { isAuthorized } from '@cedar-policy/cedar-wasm/nodejs';
import { afterAll, describe, expect, it } from 'vitest';

import { requests } from './world.js';

import {
  parsePolicy,
  type CedarValueJson,
  type Context,
  type EntityJson,
  type EntityUidJson,
  type PolicyJson,
} from '../../src/policy/cedar.js';
import {
  CedarRecord,
  EntityUid,
  entityUidOf,
  fromCedarJson,
  NeedsCedar,
} from '../../src/policy/cedar-values.js';
import {
  compilePolicy,
  type EntityData,
  type Environment,
} from '../../src/policy/compile-policy.js';
import {
  ACTIONS,
  loadPolicyEngine,
  PAYLOAD_KINDS,
  type PolicyAction,
  type PolicyDecision,
} from '../../src/policy/index.js';

// ---- a seeded PRNG ------------------------------------------------------------------------

/** mulberry32: 32 bits of state, good enough to spread test cases, and reproducible. */
class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  /** Some of `items`, each kept with probability p, in order. */
  some<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }
}

// =============================================================================================
// 1. The whole engine on the real packs
// =============================================================================================

type Json = Record<string, unknown>;
const ref = (type: string, id: string): { type: string; id: string } => ({ type, id });

const COUNTRIES = ['CN', 'US', 'DE', 'HU', 'FR', 'JP', 'KR', 'RU', 'MO', 'GB', 'BR', 'IN', 'ZZ'];
const DOMAINS = ['healthcare', 'environmental-protection', 'clean-energy'];
/** Around every policy window: baselines, the CAC 2024 rules, the IaaS rule, EO 14110. */
const DATES = [
  '2021-10-31',
  '2023-06-01',
  '2023-10-30',
  '2023-11-16',
  '2023-11-17',
  '2024-01-01',
  '2024-01-28',
  '2024-01-29',
  '2024-03-21',
  '2024-03-22',
  '2024-09-01',
  '2025-01-19',
  '2025-01-20',
  '2025-06-01',
];
const PEOPLE = [0, 1, 99_999, 100_000, 100_001, 999_999, 1_000_000, 1_000_001, 5_000_000];
const SENSITIVE = [0, 1, 9_999, 10_000, 10_001];
const TPP = [0, 1_599, 1_600, 1_601, 4_799, 4_800, 4_801, 15_832];
const DENSITY = [0, 1.5, 5.91, 5.9199, 5.92, 5.9201, 19.45];
const COHORT = [0, 1, 9, 10, 11, 1_000];
const EXA_OPERATIONS = [0, 10, 99_999_999, 100_000_000, 100_000_001, 2_000_000_000];

/** The resource types the schema lets each action apply to (others: Cedar refuses). */
const RESOURCE_TYPES: Record<PolicyAction, readonly string[]> = {
  join: ['Collaboration'],
  proposeJob: ['Job'],
  runAnalytics: ['Dataset', 'Job'],
  trainFederated: ['Job', 'Model'],
  evaluate: ['Model', 'Job'],
  releaseModel: ['Model'],
  placeWorkload: ['ComputeSite'],
  moveData: ['Dataset'],
  raiseTrust: ['Collaboration'],
  changePolicy: ['Collaboration'],
};
type Section = 'privacy' | 'transfer' | 'training' | 'accelerator' | 'trust' | 'signed';
const SECTIONS: Record<PolicyAction, readonly Section[]> = {
  join: [],
  proposeJob: [],
  runAnalytics: ['privacy', 'transfer'],
  trainFederated: ['privacy', 'transfer', 'training'],
  evaluate: ['privacy', 'transfer'],
  releaseModel: ['transfer'],
  placeWorkload: ['accelerator', 'training'],
  moveData: ['transfer'],
  raiseTrust: ['trust', 'signed'],
  changePolicy: ['signed'],
};

/** One random request in the format of src/policy/request.ts, with its whole small world. */
function randomRequest(r: Random): Json {
  const action = r.pick(ACTIONS);
  const country = (): string => r.pick(COUNTRIES);
  const collaboration = (id: string): Json => ({
    type: 'Collaboration',
    id,
    attrs: {
      domain: r.chance(0.88) ? r.pick(DOMAINS) : r.pick(['defence', 'finance']),
      trustLevel: r.int(1, 3),
    },
  });
  const memberships = (): Json[] => {
    const x = r.next();
    if (x < 0.8) return [ref('Collaboration', 'c1')];
    if (x < 0.87) return [ref('Collaboration', 'c1'), ref('Collaboration', 'c2')];
    if (x < 0.94) return [ref('Collaboration', 'c2')];
    return [];
  };
  const flag = (name: string, p: number): Json => (r.chance(0.8) ? { [name]: r.chance(p) } : {});
  const institution = (id: string): Json => {
    const seat = country();
    return {
      type: 'Institution',
      id,
      attrs: {
        country: seat,
        headquartersCountry: r.chance(0.75) ? seat : country(),
        entityListed: r.chance(0.08),
        criticalInformationInfrastructure: r.chance(0.15),
        ...flag('identityVerified', 0.75), // defaults to false when left out
        ...flag('dpfCertified', 0.35),
      },
      // Rarely a parent the schema does not allow (Cedar refuses the request).
      parents: r.chance(0.01) ? [ref('Institution', 'oth')] : memberships(),
    };
  };
  /** Parents of datasets, models and jobs: usually the collaboration, rarely a wrong type. */
  const resourceParents = (): Json[] => {
    const x = r.next();
    if (x < 0.84) return [ref('Collaboration', 'c1')];
    if (x < 0.92) return [ref('Collaboration', 'c2')];
    if (x < 0.98) return [];
    return [ref('Institution', 'own')];
  };
  const entities: Json[] = [
    collaboration('c1'),
    collaboration('c2'),
    institution('own'),
    institution('oth'),
    institution('rcp'),
    {
      type: 'Node',
      id: 'own-node',
      attrs: { country: country() },
      parents: [ref('Institution', r.chance(0.94) ? 'own' : 'oth')],
    },
    {
      type: 'Node',
      id: 'oth-node',
      attrs: { country: country() },
      parents: [ref('Institution', 'oth')],
    },
    { type: 'Dataset', id: 'ds', attrs: { originCountry: country() }, parents: resourceParents() },
    { type: 'Model', id: 'mdl', attrs: {}, parents: resourceParents() },
    {
      type: 'Job',
      id: 'job',
      attrs: { kind: r.pick(['train', 'analytics', 'evaluate']) },
      parents: resourceParents(),
    },
    {
      type: 'ComputeSite',
      id: 'site',
      attrs: { country: country() },
      ...(r.chance(0.02) ? { parents: [ref('Collaboration', 'c1')] } : {}),
    },
  ];

  const resourceOfType = (type: string): Json => {
    switch (type) {
      case 'Dataset':
        return ref('Dataset', 'ds');
      case 'Model':
        return ref('Model', 'mdl');
      case 'Job':
        return ref('Job', 'job');
      case 'ComputeSite':
        return ref('ComputeSite', 'site');
      default:
        return ref('Collaboration', r.chance(0.85) ? 'c1' : 'c2');
    }
  };
  const types = ['Dataset', 'Model', 'Job', 'ComputeSite', 'Collaboration'];
  // Mostly a resource the action applies to; sometimes any (Cedar refuses the wrong ones).
  const resource = resourceOfType(r.chance(0.9) ? r.pick(RESOURCE_TYPES[action]) : r.pick(types));

  const x = r.next();
  const principal =
    x < 0.72
      ? ref('Node', 'own-node')
      : x < 0.84
        ? ref('Institution', 'own')
        : x < 0.94
          ? ref('Node', 'oth-node')
          : ref('Institution', 'oth');

  const context: Json = {
    owner: r.chance(0.94) ? 'own' : 'oth',
    collaboration: r.chance(0.9) ? 'c1' : 'c2',
  };
  const ownerCountry = (entities[2]?.['attrs'] as Json)['country'];
  for (const section of SECTIONS[action]) {
    switch (section) {
      case 'privacy':
        context['privacy'] = {
          differentialPrivacy: r.chance(0.8),
          secureAggregation: r.chance(0.8),
          cohortSize: r.pick(COHORT),
        };
        break;
      case 'transfer': {
        const payloadKind = r.pick(PAYLOAD_KINDS);
        const personal =
          payloadKind === 'raw-records' || payloadKind === 'derived-records'
            ? r.chance(0.85)
            : r.chance(0.25);
        const people = personal || r.chance(0.5);
        context['transfer'] = {
          payloadKind,
          carriesPersonalInformation: personal,
          originCountry: r.chance(0.5) ? ownerCountry : country(),
          destinationCountry: country(),
          recipient: r.pick(['rcp', 'rcp', 'own', 'oth']),
          ...(people
            ? {
                personalInformationSubjects: r.pick(PEOPLE),
                sensitivePersonalInformationSubjects: r.pick(SENSITIVE),
              }
            : {}),
          importantData: r.chance(0.2),
          ...flag('cacSecurityAssessment', 0.3),
          ...flag('cacStandardContract', 0.4),
          ...flag('standardContractualClauses', 0.4),
        };
        break;
      }
      case 'training':
        context['training'] = {
          exaOperations: r.pick(EXA_OPERATIONS),
          ...flag('governmentNoticeFiled', 0.4),
        };
        break;
      case 'accelerator':
        context['accelerator'] = {
          model: r.pick(['h100', 'h20', 'gpu']),
          tpp: r.pick(TPP),
          performanceDensity: r.pick(DENSITY),
        };
        break;
      case 'trust':
        context['proposedLevel'] = r.int(1, 3);
        context['cleanRecord'] = r.chance(0.8);
        break;
      case 'signed':
        context['allMembersSigned'] = r.chance(0.8);
        break;
    }
  }

  const request: Json = {
    date: r.pick(DATES),
    principal,
    action,
    resource,
    context,
    entities,
    jurisdictions: r.some(COUNTRIES, 0.12),
  };
  // A few requests refused before any pack decides: an entity left out, a field mistyped.
  if (r.chance(0.015)) entities.splice(r.int(0, entities.length - 1), 1);
  if (r.chance(0.01)) context['collaboration'] = 7;
  return request;
}

const REQUESTS = 3_500;
const RANDOM_PAIRS = 4_000;

/** Counts (requests, fallbacks, pairs), printed when EQUIVALENCE_SUMMARY is set. */
const summary: Record<string, unknown> = {};
afterAll(() => {
  if (process.env['EQUIVALENCE_SUMMARY']) console.log(JSON.stringify(summary));
});

describe('the compiled evaluator against cedar-wasm, whole engine, real packs', () => {
  it(`decides ${REQUESTS} random requests exactly as Cedar does`, () => {
    const options = { cacheSize: 0, anyDate: true, today: () => '2025-06-01' } as const;
    const compiled = loadPolicyEngine(undefined, { ...options, evaluator: 'compiled' });
    const cedar = loadPolicyEngine(undefined, { ...options, evaluator: 'cedar' });
    const r = new Random(0xc0ffee);

    const mismatches: { request: Json; compiled: PolicyDecision; cedar: PolicyDecision }[] = [];
    const fired = new Set<string>();
    const outcomes = new Map<string, Set<string>>();
    const refusals = new Map<string, number>();
    let wellFormed = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const request = randomRequest(r);
      const fromCompiled = compiled.decide(request);
      const fromCedar = cedar.decide(request);
      if (!isDeepStrictEqual(fromCompiled, fromCedar)) {
        mismatches.push({ request, compiled: fromCompiled, cedar: fromCedar });
      }
      if (fromCedar.error !== undefined) {
        refusals.set(fromCedar.error.code, (refusals.get(fromCedar.error.code) ?? 0) + 1);
      } else {
        wellFormed += 1;
        const seen = outcomes.get(fromCedar.action) ?? new Set();
        seen.add(fromCedar.decision);
        outcomes.set(fromCedar.action, seen);
        for (const pack of fromCedar.packs) {
          if (pack.decision === 'deny') pack.policies.forEach((id) => fired.add(id));
        }
      }
    }

    // Deep-equal decisions; the first few differences with their requests, if any.
    expect(mismatches.slice(0, 3)).toEqual([]);

    // Enough well-formed requests, and the compiled closures decided nearly all of them.
    const counts = compiled.evaluatorCounts();
    summary.engine = {
      requests: REQUESTS,
      wellFormed,
      ...counts,
      refusals: Object.fromEntries(refusals),
      mismatches: mismatches.length,
    };
    expect(wellFormed).toBeGreaterThan(REQUESTS * 0.8);
    expect(counts.compiled + counts.cedar).toBe(wellFormed);
    expect(counts.compiled).toBeGreaterThanOrEqual(0.9 * wellFormed);
    expect(cedar.evaluatorCounts()).toEqual({ compiled: 0, cedar: wellFormed });
    // Requests Cedar refuses against the schema (a resource of the wrong type, a parent of an
    // undeclared type) went to cedar-wasm from the compiled engine too, and were refused alike.
    expect(refusals.get('invalid-request')).toBeGreaterThan(REQUESTS * 0.03);

    // Every action allowed and refused at least once; every forbid of every pack fired.
    expect([...outcomes.keys()].sort()).toEqual([...ACTIONS].sort());
    for (const [action, seen] of outcomes)
      expect([action, [...seen].sort()]).toEqual([action, ['allow', 'deny']]);
    const forbids = cedar
      .packs()
      .flatMap((pack) =>
        pack.policies.filter((p) => p.effect === 'forbid').map((p) => p.qualifiedId),
      );
    expect(forbids.filter((id) => !fired.has(id))).toEqual([]);
  });
});

describe('requests the compiled closures leave to cedar-wasm', () => {
  it('a request reaching more than 64 entities is decided by cedar-wasm, alike', () => {
    const options = { cacheSize: 0, anyDate: true, today: () => '2025-06-01' } as const;
    const compiled = loadPolicyEngine(undefined, { ...options, evaluator: 'compiled' });
    const cedar = loadPolicyEngine(undefined, { ...options, evaluator: 'cedar' });
    // A node whose owner sits at the end of a chain of 80 datasets would be odd; 80 nodes
    // owned by the same institution are not reachable. So: the resource's chain of parents.
    const request = requests.proposeJob({ owner: 'cleveland' }) as Record<string, unknown>;
    const entities = [...(request['entities'] as Record<string, unknown>[])];
    const small = { ...request, entities };
    expect(compiled.decide(small)).toEqual(cedar.decide(small));
    const before = compiled.evaluatorCounts();
    const many = Array.from({ length: 80 }, (_, i) => ({
      type: 'Job',
      id: `step-${i}`,
      attrs: { kind: 'train' },
      parents: [{ type: 'Collaboration', id: 'heart' }],
    }));
    const big = { ...request, entities: [...entities, ...many] };
    expect(compiled.decide(big)).toEqual(cedar.decide(big));
    const after = compiled.evaluatorCounts();
    // Unreachable entities are dropped first, so this one is still compiled…
    expect(after.compiled - before.compiled).toBe(1);
    // …but a request whose reachable entities exceed 64 goes to Cedar.
    const chain = Array.from({ length: 80 }, (_, i) => ({
      type: 'Institution',
      id: `holding-${i}`,
      attrs: {
        country: 'US',
        headquartersCountry: 'US',
        entityListed: false,
        criticalInformationInfrastructure: false,
      },
      parents: [{ type: 'Collaboration', id: 'heart' }],
    }));
    const owners = entities.map((entity) =>
      entity['type'] === 'Node'
        ? {
            ...entity,
            parents: [
              ...chain.map(({ type, id }) => ({ type, id })),
              ...(entity['parents'] as object[]),
            ],
          }
        : entity,
    );
    const deep = { ...request, entities: [...owners, ...chain] };
    const decided = compiled.decide(deep);
    expect(decided).toEqual(cedar.decide(deep));
    expect(decided.error).toBeUndefined();
    expect(compiled.evaluatorCounts().cedar - after.cedar).toBe(1);
  });
});

// =============================================================================================
// 2. Expression semantics, policy by policy, against stateless isAuthorized
// =============================================================================================

const entity = (type: string, id: string): CedarValueJson => ({ __entity: { type, id } });
const decimal = (arg: string): CedarValueJson => ({ __extn: { fn: 'decimal', arg } });
const uid = (type: string, id: string): EntityUidJson => ({ type, id });

/** The fixed store: users in groups, a document in a folder, actions in groups. */
const ENTITIES: EntityJson[] = [
  {
    uid: uid('User', 'alice'),
    attrs: {
      age: 30,
      name: 'alice',
      tags: ['a', 'b'],
      profile: { a: { b: 1 }, c: 'x' },
      boss: entity('User', 'bob'),
      level: decimal('1.50'),
    },
    parents: [uid('Group', 'admins')],
  },
  {
    uid: uid('User', 'bob'),
    attrs: { age: 45, name: 'bob*', tags: [], profile: { a: 1 }, level: decimal('-0.25') },
    parents: [uid('Group', 'staff')],
  },
  { uid: uid('Group', 'admins'), attrs: {}, parents: [uid('Group', 'staff')] },
  { uid: uid('Group', 'staff'), attrs: { size: 3 }, parents: [] },
  {
    uid: uid('Doc', 'd1'),
    attrs: {
      owner: entity('User', 'alice'),
      size: 10,
      public: false,
      labels: [1, 'x', entity('User', 'bob'), { k: 1 }],
    },
    parents: [uid('Folder', 'f1')],
  },
  { uid: uid('Folder', 'f1'), attrs: { name: 'root' }, parents: [] },
  // Action entities and their groups, so that `action in Action::"group"` works.
  { uid: uid('Action', 'read'), attrs: {}, parents: [uid('Action', 'readOnly')] },
  { uid: uid('Action', 'write'), attrs: {}, parents: [uid('Action', 'writeGroup')] },
  { uid: uid('Action', 'delete'), attrs: {}, parents: [] },
  { uid: uid('Action', 'readOnly'), attrs: {}, parents: [uid('Action', 'all')] },
  { uid: uid('Action', 'writeGroup'), attrs: {}, parents: [uid('Action', 'all')] },
  { uid: uid('Action', 'all'), attrs: {}, parents: [] },
];
// Not listed: User::"ghost", Doc::"d2".

interface Call {
  principal: EntityUidJson;
  action: EntityUidJson;
  resource: EntityUidJson;
  context: Context;
}

const DEFAULT_CALL: Call = {
  principal: uid('User', 'alice'),
  action: uid('Action', 'read'),
  resource: uid('Doc', 'd1'),
  context: {
    flag: true,
    n: 9,
    s: 'abc',
    xs: [1, 2],
    rec: { a: 1 },
    dec: decimal('1.2'),
    who: entity('User', 'alice'),
  },
};

function asRecord(value: unknown): CedarRecord {
  if (!(value instanceof CedarRecord)) throw new Error('expected a record');
  return value;
}

/** A store key for an entity (the test's own: EntityUid's internals are the evaluator's). */
const keyOf = (of: EntityUid): string => JSON.stringify([of.type, of.id]);

/** The compiled evaluator's Environment from the very JSON Cedar is given. */
function environmentOf(call: Call, entities: readonly EntityJson[]): Environment {
  const store = new Map<string, EntityData>();
  for (const json of entities) {
    store.set(keyOf(entityUidOf(json.uid)), {
      attrs: asRecord(fromCedarJson(json.attrs)),
      parents: json.parents.map(entityUidOf),
    });
  }
  const closures = new Map<string, readonly EntityUid[]>();
  /** Every ancestor, transitively: the closure over parents (none for an unlisted entity). */
  const ancestors = (of: EntityUid): readonly EntityUid[] => {
    const known = closures.get(keyOf(of));
    if (known !== undefined) return known;
    const found = new Map<string, EntityUid>();
    const stack = [of];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      for (const parent of store.get(keyOf(next))?.parents ?? []) {
        if (!found.has(keyOf(parent))) {
          found.set(keyOf(parent), parent);
          stack.push(parent);
        }
      }
    }
    const list = [...found.values()];
    closures.set(keyOf(of), list);
    return list;
  };
  return {
    principal: entityUidOf(call.principal),
    action: entityUidOf(call.action),
    resource: entityUidOf(call.resource),
    context: asRecord(fromCedarJson(call.context)),
    entity: (of) => store.get(keyOf(of)),
    ancestors,
  };
}

type CedarOutcome = 'allow' | 'deny' | 'error';
type CompiledOutcome = 'allow' | 'deny' | 'fallback';

/**
 * Cedar's answer for each permit of `policies` (by id) on one request: allow when satisfied,
 * error when it failed to evaluate, deny otherwise. Cedar evaluates each policy on its own, so
 * several go in one call (one call costs about the same for one policy or ten).
 */
function cedarOutcomes(policies: Record<string, string>, call: Call): Map<string, CedarOutcome> {
  const answer = isAuthorized({
    ...call,
    policies: { staticPolicies: policies },
    entities: ENTITIES,
    validateRequest: false,
  });
  if (answer.type === 'failure') {
    throw new Error(`Cedar refused the call: ${answer.errors.map((e) => e.message).join('; ')}`);
  }
  const { decision, diagnostics } = answer.response;
  const outcomes = new Map<string, CedarOutcome>();
  for (const id of Object.keys(policies)) outcomes.set(id, 'deny');
  // On allow, `reason` lists every satisfied permit; with permits only, a deny lists none.
  if (decision === 'allow') for (const id of diagnostics.reason) outcomes.set(id, 'allow');
  for (const { policyId } of diagnostics.errors) outcomes.set(policyId, 'error');
  return outcomes;
}

/** Cedar's answer for one policy alone. */
function cedarOutcome(policy: string, call: Call): CedarOutcome {
  const outcome = cedarOutcomes({ p: policy }, call).get('p');
  if (outcome === undefined) throw new Error('no answer for the policy');
  return outcome;
}

/** A compiled policy (or why it could not be compiled: then every request falls back). */
function compiled(json: PolicyJson): ((env: Environment) => boolean) | NeedsCedar {
  try {
    return compilePolicy(json);
  } catch (error) {
    if (error instanceof NeedsCedar) return error;
    throw error;
  }
}

function compiledOutcome(policy: ReturnType<typeof compiled>, call: Call): CompiledOutcome {
  if (policy instanceof NeedsCedar) return 'fallback';
  try {
    return policy(environmentOf(call, ENTITIES)) ? 'allow' : 'deny';
  } catch (error) {
    if (error instanceof NeedsCedar) return 'fallback';
    throw error;
  }
}

/** The rule: fallback is always fine; otherwise the same answer, and never over an error. */
function agrees(compiledAnswer: CompiledOutcome, cedarAnswer: CedarOutcome): boolean {
  return compiledAnswer === 'fallback' || compiledAnswer === cedarAnswer;
}

function parsed(policy: string): PolicyJson {
  const json = parsePolicy(policy);
  if (!json.ok) throw new Error(`does not parse: ${policy}\n${json.errors.join('\n')}`);
  return json.value;
}

// ---- the hand-written table --------------------------------------------------------------

interface Row {
  /** A condition (made `permit (principal, action, resource) when { … };`) or a whole policy. */
  readonly policy: string;
  /** What Cedar says: allow (satisfied), deny (not satisfied), error (evaluation error). */
  readonly cedar: CedarOutcome;
  /** Whether the compiled closure must answer itself ('definite') or must fall back. */
  readonly compiled?: 'definite' | 'fallback';
  readonly call?: Partial<Call>;
}

const alice = uid('User', 'alice');
const bob = uid('User', 'bob');
const ghost = uid('User', 'ghost');
const ctx = (fields: Context): Partial<Call> => ({
  context: { ...DEFAULT_CALL.context, ...fields },
});

const TABLE: Row[] = [
  // == and != across types: false, never an error
  { policy: '1 == "1"', cedar: 'deny', compiled: 'definite' },
  { policy: '1 != "1"', cedar: 'allow', compiled: 'definite' },
  { policy: 'true == 1', cedar: 'deny', compiled: 'definite' },
  { policy: 'User::"alice" == User::"alice"', cedar: 'allow', compiled: 'definite' },
  { policy: 'User::"alice" == Group::"alice"', cedar: 'deny', compiled: 'definite' },
  { policy: 'principal == context.who', cedar: 'allow', compiled: 'definite' },
  { policy: '{a: 1} == User::"alice"', cedar: 'deny', compiled: 'definite' },
  { policy: '[1] == 1', cedar: 'deny', compiled: 'definite' },
  { policy: '"1" != 1 && [1] != {a: 1}', cedar: 'allow', compiled: 'definite' },
  { policy: '{a: 1, b: "x"} == {b: "x", a: 1}', cedar: 'allow', compiled: 'definite' },
  { policy: '{a: 1} == {a: 1, b: 2}', cedar: 'deny', compiled: 'definite' },
  { policy: '{a: 1, b: 2} == {a: 1}', cedar: 'deny', compiled: 'definite' },
  { policy: '{a: 1} == {b: 1}', cedar: 'deny', compiled: 'definite' },
  { policy: '[1, 2, 2] == [2, 1]', cedar: 'allow', compiled: 'definite' },
  { policy: '[1, [2]] == [[2], 1]', cedar: 'allow', compiled: 'definite' },
  { policy: '[{a: 1}] == [{a: 1}, {a: 1}]', cedar: 'allow', compiled: 'definite' },
  { policy: '[1, 2] == [1]', cedar: 'deny', compiled: 'definite' },
  { policy: '[] == {}', cedar: 'deny', compiled: 'definite' },
  { policy: 'context == context', cedar: 'allow', compiled: 'definite' },
  { policy: 'decimal("1.2") == decimal("1.20")', cedar: 'allow', compiled: 'definite' },
  { policy: 'decimal("1.2") == 1', cedar: 'deny', compiled: 'definite' },
  { policy: 'context.dec == decimal("1.2000")', cedar: 'allow', compiled: 'definite' },
  { policy: '[decimal("1.2")] == [decimal("1.20")]', cedar: 'allow', compiled: 'definite' },
  {
    policy: '{a: [1, 2], b: {c: User::"bob"}} == {b: {c: User::"bob"}, a: [2, 1, 1]}',
    cedar: 'allow',
    compiled: 'definite',
  },
  // < <= > >= : Longs only (decimals and strings are type errors)
  { policy: '1 < 2 && 2 <= 2 && !(3 > 4) && -1 >= -1', cedar: 'allow', compiled: 'definite' },
  { policy: '"a" < "b"', cedar: 'error', compiled: 'fallback' },
  { policy: 'decimal("1.0") < decimal("2.0")', cedar: 'error', compiled: 'fallback' },
  { policy: 'true < 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'context.n >= 10', cedar: 'deny', compiled: 'definite' },
  // + - * and i64: beyond 2^53 the compiled closure must fall back
  { policy: '2 * 3 - 10 == -4', cedar: 'allow', compiled: 'definite' },
  { policy: 'context.n * context.n == 81', cedar: 'allow', compiled: 'definite' },
  { policy: '9007199254740991 + 1 == 9007199254740992', cedar: 'allow', compiled: 'fallback' },
  { policy: '9007199254740990 + 1 == 9007199254740991', cedar: 'allow', compiled: 'definite' },
  { policy: '9223372036854775807 + 1 > 0', cedar: 'error', compiled: 'fallback' },
  { policy: '9223372036854775807 > 0', cedar: 'allow', compiled: 'fallback' },
  { policy: '3037000500 * 3037000500 > 0', cedar: 'error', compiled: 'fallback' },
  { policy: '3037000499 * 3037000499 > 0', cedar: 'allow', compiled: 'fallback' },
  { policy: '-9223372036854775808 - 1 < 0', cedar: 'error', compiled: 'fallback' },
  { policy: '-(-9223372036854775808) > 0', cedar: 'error', compiled: 'fallback' },
  { policy: '-9007199254740991 - 1 < 0', cedar: 'allow', compiled: 'fallback' },
  { policy: '94906265 * 94906265 > 0', cedar: 'allow', compiled: 'definite' },
  { policy: '94906266 * 94906266 > 0', cedar: 'allow', compiled: 'fallback' },
  { policy: '1 + "a" == 2', cedar: 'error', compiled: 'fallback' },
  { policy: '-(context.n) == -9 && 0 * -5 == 0', cedar: 'allow', compiled: 'definite' },
  // && || ! short-circuit; if-then-else
  { policy: 'false && 1', cedar: 'deny', compiled: 'definite' },
  { policy: 'true || "x"', cedar: 'allow', compiled: 'definite' },
  { policy: 'true && 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'false || "x"', cedar: 'error', compiled: 'fallback' },
  { policy: 'false && (1 + "a" == 2)', cedar: 'deny', compiled: 'definite' },
  { policy: '!1', cedar: 'error', compiled: 'fallback' },
  { policy: '!false', cedar: 'allow', compiled: 'definite' },
  { policy: 'if true then 1 == 1 else 1 + "a"', cedar: 'allow', compiled: 'definite' },
  { policy: 'if false then "x" else true', cedar: 'allow', compiled: 'definite' },
  { policy: 'if 1 then true else false', cedar: 'error', compiled: 'fallback' },
  { policy: 'if true then 1 else true', cedar: 'error', compiled: 'fallback' },
  { policy: '(if context.flag then {a: 1} else {}).a == 1', cedar: 'allow', compiled: 'definite' },
  // in: with an entity, with a set (every element must be an entity)
  { policy: 'principal in Group::"staff"', cedar: 'allow', compiled: 'definite' },
  { policy: 'principal in [Group::"admins", Doc::"d1"]', cedar: 'allow', compiled: 'definite' },
  { policy: 'principal in [Doc::"d1", Folder::"f1"]', cedar: 'deny', compiled: 'definite' },
  { policy: 'principal in [Group::"staff", 1]', cedar: 'error', compiled: 'fallback' },
  { policy: 'principal in [1, Group::"staff"]', cedar: 'error', compiled: 'fallback' },
  { policy: 'principal in []', cedar: 'deny', compiled: 'definite' },
  { policy: 'User::"ghost" in User::"ghost"', cedar: 'allow', compiled: 'definite' },
  { policy: 'User::"ghost" in Group::"staff"', cedar: 'deny', compiled: 'definite' },
  { policy: 'Group::"staff" in Group::"admins"', cedar: 'deny', compiled: 'definite' },
  { policy: '1 in Group::"staff"', cedar: 'error', compiled: 'fallback' },
  { policy: 'principal in "x"', cedar: 'error', compiled: 'fallback' },
  { policy: 'action in Action::"all"', cedar: 'allow', compiled: 'definite' },
  { policy: 'resource in resource.owner', cedar: 'deny', compiled: 'definite' },
  // has: one attribute, a path; false on an unlisted entity, an error on a non-record
  { policy: 'context has n && !(context has missing)', cedar: 'allow', compiled: 'definite' },
  { policy: 'context has rec.a', cedar: 'allow', compiled: 'definite' },
  { policy: 'context has rec.a', cedar: 'deny', compiled: 'definite', call: ctx({ rec: {} }) },
  {
    policy: 'context has rec.a.b',
    cedar: 'allow',
    compiled: 'definite',
    call: ctx({ rec: { a: { b: 2 } } }),
  },
  { policy: 'context has rec.a.b', cedar: 'error', compiled: 'fallback' },
  { policy: 'context has n.x', cedar: 'error', compiled: 'fallback' },
  { policy: 'context has missing.x', cedar: 'deny', compiled: 'definite' },
  { policy: 'User::"ghost" has age', cedar: 'deny', compiled: 'definite' },
  { policy: 'principal has boss.age', cedar: 'allow', compiled: 'definite' },
  { policy: 'principal has boss.boss', cedar: 'deny', compiled: 'definite' },
  { policy: 'principal has profile.a.b', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'context.who has boss.age',
    cedar: 'deny',
    compiled: 'definite',
    call: ctx({ who: entity('User', 'ghost') }),
  },
  { policy: '1 has a', cedar: 'error', compiled: 'fallback' },
  { policy: 'context has "__proto__"', cedar: 'deny', compiled: 'definite' },
  { policy: '{"__proto__": 1} has "__proto__"', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'context has constructor || context has toString',
    cedar: 'deny',
    compiled: 'definite',
  },
  { policy: 'principal has __proto__', cedar: 'deny', compiled: 'definite' },
  {
    policy: 'context has "__proto__" && context["__proto__"] == 1',
    cedar: 'allow',
    compiled: 'definite',
    call: ctx(JSON.parse('{"__proto__": 1}') as Context),
  },
  { policy: 'context has "a.b"', cedar: 'deny', compiled: 'definite', call: ctx({ a: { b: 1 } }) },
  { policy: 'context has a.b', cedar: 'allow', compiled: 'definite', call: ctx({ a: { b: 1 } }) },
  { policy: 'context has "a.b"', cedar: 'allow', compiled: 'definite', call: ctx({ 'a.b': 1 }) },
  // attribute access: missing attribute, unlisted entity
  { policy: 'context.missing == 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'User::"ghost".age == 1', cedar: 'error', compiled: 'fallback' },
  {
    policy: 'principal.age == 30 && principal.profile.a.b == 1',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: 'context["constructor"] == 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'Action::"readOnly".x == 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'context.n.x == 1', cedar: 'error', compiled: 'fallback' },
  { policy: '{a: 1}.a == 1', cedar: 'allow', compiled: 'definite' },
  { policy: '{a: 1}.b == 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'resource.owner.boss.name like "bob\\*"', cedar: 'allow', compiled: 'definite' },
  // like: wildcards, an escaped star, regex characters taken literally
  { policy: '"abc" like "a*"', cedar: 'allow', compiled: 'definite' },
  { policy: '"abc" like "a*d"', cedar: 'deny', compiled: 'definite' },
  { policy: '"a*c" like "a\\*c"', cedar: 'allow', compiled: 'definite' },
  { policy: '"abc" like "a\\*c"', cedar: 'deny', compiled: 'definite' },
  { policy: '"a.c" like "a.c" && !("abc" like "a.c")', cedar: 'allow', compiled: 'definite' },
  { policy: '"(a+" like "(a+" && !("aa" like "a+")', cedar: 'allow', compiled: 'definite' },
  { policy: '"" like "*" && "" like "" && "ab" like "**b"', cedar: 'allow', compiled: 'definite' },
  { policy: '"x\\ny" like "x*y"', cedar: 'allow', compiled: 'definite' },
  {
    policy: '"h\\u{1F600}!" like "h*!" && "h\\u{e9}" like "h*"',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: '"a" like "a\\u{2a}"', cedar: 'allow', compiled: 'definite' },
  { policy: '"a^$" like "a^$" && "a|b" like "a|b"', cedar: 'allow', compiled: 'definite' },
  {
    policy: '"a\\\\b" like "a\\\\b" && !("ab" like "a\\\\b")',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: `"!#$%&'()+,-./:;<=>?@[]^_{|}~" like "!#$%&'()+,-./:;<=>?@[]^_{|}~"`,
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: '"e\\u{301}" == "\\u{e9}"', cedar: 'deny', compiled: 'definite' },
  { policy: '1 like "*"', cedar: 'error', compiled: 'fallback' },
  // is, is … in
  { policy: 'principal is User', cedar: 'allow', compiled: 'definite' },
  { policy: 'principal is Group', cedar: 'deny', compiled: 'definite' },
  { policy: 'action is Action && resource is Doc', cedar: 'allow', compiled: 'definite' },
  { policy: '1 is User', cedar: 'error', compiled: 'fallback' },
  { policy: 'principal is User in Group::"staff"', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'principal is User in [Doc::"d1", Group::"admins"]',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: 'principal is Group in 1', cedar: 'deny', compiled: 'definite' },
  { policy: 'principal is User in 1', cedar: 'error', compiled: 'fallback' },
  { policy: 'User::"ghost" is User in Group::"staff"', cedar: 'deny', compiled: 'definite' },
  // contains / containsAll / containsAny / isEmpty on mixed sets and records
  {
    policy: '[1, "a", User::"alice", {a: 1}].contains({a: 1})',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: '[1, "a", User::"alice", {a: 1}].contains(User::"alice")',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: '[1].contains("1")', cedar: 'deny', compiled: 'definite' },
  { policy: 'context.n.contains(1)', cedar: 'error', compiled: 'fallback' },
  {
    policy: '[1, 2, 3].containsAll([3, 1]) && [1].containsAll([])',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: '[1, 2].containsAll([1, 3])', cedar: 'deny', compiled: 'definite' },
  { policy: '[].containsAny([])', cedar: 'deny', compiled: 'definite' },
  { policy: '[1, {a: [2]}].containsAny([{a: [2, 2]}])', cedar: 'allow', compiled: 'definite' },
  { policy: '[1].containsAll(1)', cedar: 'error', compiled: 'fallback' },
  { policy: '[1].containsAny("1")', cedar: 'error', compiled: 'fallback' },
  { policy: '[].isEmpty() && ![[]].isEmpty()', cedar: 'allow', compiled: 'definite' },
  { policy: 'context.s.isEmpty()', cedar: 'error', compiled: 'fallback' },
  { policy: '[decimal("1.2")].contains(decimal("1.20"))', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'resource.labels.contains({k: 1}) && resource.labels.contains(User::"bob")',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: '[1, 1 + "x"].isEmpty()', cedar: 'error', compiled: 'fallback' },
  { policy: '{a: 1, b: 1 + "x"} == {a: 1}', cedar: 'error', compiled: 'fallback' },
  // decimal
  { policy: 'decimal("1.2").lessThan(decimal("1.21"))', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'decimal("1.20").lessThanOrEqual(decimal("1.2"))',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'decimal("-0.0").greaterThanOrEqual(decimal("0.0"))',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: 'decimal("-0.0") == decimal("0.0")', cedar: 'allow', compiled: 'definite' },
  { policy: 'decimal("1.2").greaterThan(decimal("1.2"))', cedar: 'deny', compiled: 'definite' },
  { policy: 'decimal("-1.5").lessThan(decimal("-1.4999"))', cedar: 'allow', compiled: 'definite' },
  { policy: 'decimal("007.5") == decimal("7.5")', cedar: 'allow', compiled: 'definite' },
  {
    policy: 'decimal("0000000000000000000000001.5") == decimal("1.5")',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'decimal("-922337203685477.5808").lessThan(decimal("0.0"))',
    cedar: 'allow',
    compiled: 'fallback',
  },
  {
    policy: 'decimal("1.0").lessThan(decimal("2.0"), decimal("3.0"))',
    cedar: 'error',
    compiled: 'fallback',
  },
  { policy: 'decimal("1.23456") == decimal("1.2")', cedar: 'error', compiled: 'fallback' },
  { policy: 'decimal("abc") == decimal("1.2")', cedar: 'error', compiled: 'fallback' },
  { policy: 'decimal("1.") == decimal("1.0")', cedar: 'error', compiled: 'fallback' },
  {
    policy: 'decimal("922337203685477.5807").greaterThan(decimal("0.0"))',
    cedar: 'allow',
    compiled: 'fallback',
  },
  {
    policy: 'decimal("922337203685477.5808") == decimal("0.0")',
    cedar: 'error',
    compiled: 'fallback',
  },
  { policy: 'decimal("1.2").lessThan(1)', cedar: 'error', compiled: 'fallback' },
  {
    policy: 'context.dec.greaterThanOrEqual(decimal("1.1999"))',
    cedar: 'allow',
    compiled: 'definite',
  },
  { policy: 'decimal(context.s) == decimal("1.0")', cedar: 'error', compiled: 'fallback' },
  {
    policy: 'decimal(context.s) == decimal("1.0")',
    cedar: 'allow',
    compiled: 'definite',
    call: ctx({ s: '1.0' }),
  },
  { policy: 'principal.level.lessThan(decimal("1.5001"))', cedar: 'allow', compiled: 'definite' },
  // other extensions: cedar-wasm decides
  { policy: 'ip("1.2.3.4").isIpv4()', cedar: 'allow', compiled: 'fallback' },
  {
    policy: 'datetime("2024-01-01") < datetime("2025-01-01")',
    cedar: 'allow',
    compiled: 'fallback',
  },
  // scope constraints, when and unless
  {
    policy: 'permit (principal == User::"alice", action, resource);',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal == User::"alice", action, resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { principal: bob },
  },
  {
    policy: 'permit (principal in Group::"staff", action, resource);',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal in Group::"staff", action, resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { principal: ghost },
  },
  {
    policy: 'permit (principal in Group::"staff", action, resource);',
    cedar: 'allow',
    compiled: 'definite',
    call: { principal: uid('Group', 'staff') },
  },
  {
    policy: 'permit (principal is User, action, resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { principal: uid('Group', 'admins') },
  },
  {
    policy: 'permit (principal is User in Group::"admins", action, resource);',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal is User in Group::"admins", action, resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { principal: bob },
  },
  {
    policy: 'permit (principal, action == Action::"read", resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { action: uid('Action', 'write') },
  },
  {
    policy: 'permit (principal, action in [Action::"writeGroup", Action::"delete"], resource);',
    cedar: 'allow',
    compiled: 'definite',
    call: { action: uid('Action', 'write') },
  },
  {
    policy: 'permit (principal, action in [Action::"writeGroup", Action::"delete"], resource);',
    cedar: 'deny',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal, action in Action::"all", resource);',
    cedar: 'deny',
    compiled: 'definite',
    call: { action: uid('Action', 'delete') },
  },
  {
    policy: 'permit (principal, action, resource == Doc::"d1");',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal, action, resource in Folder::"f1");',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal, action, resource in Folder::"f1");',
    cedar: 'deny',
    compiled: 'definite',
    call: { resource: uid('Doc', 'd2') },
  },
  {
    policy: 'permit (principal, action, resource is Doc);',
    cedar: 'deny',
    compiled: 'definite',
    call: { resource: uid('Folder', 'f1') },
  },
  {
    policy: 'permit (principal, action, resource is Doc in Folder::"f1");',
    cedar: 'deny',
    compiled: 'definite',
    call: { resource: uid('Doc', 'd2') },
  },
  {
    policy: 'permit (principal, action, resource) when { true } unless { false };',
    cedar: 'allow',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal, action, resource) unless { 1 };',
    cedar: 'error',
    compiled: 'fallback',
  },
  {
    policy: 'permit (principal, action, resource) when { false } unless { 1 };',
    cedar: 'deny',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal, action, resource) unless { context.flag } when { 1 };',
    cedar: 'deny',
    compiled: 'definite',
  },
  {
    policy: 'permit (principal == User::"bob", action, resource) when { 1 };',
    cedar: 'deny',
    compiled: 'definite',
  },
  {
    policy:
      'permit (principal, action, resource) when { context.n > 5 } when { context.s like "a*" };',
    cedar: 'allow',
    compiled: 'definite',
  },
];

const asPolicy = (text: string): string =>
  /^\s*(permit|forbid)\s*\(/.test(text)
    ? text
    : `permit (principal, action, resource) when { ${text} };`;

describe('the compiled evaluator against cedar-wasm, expression by expression', () => {
  it.each(TABLE.map((row, i) => [i, row.policy, row] as const))('#%i %s', (_i, _text, row) => {
    const text = asPolicy(row.policy);
    const call = { ...DEFAULT_CALL, ...row.call };
    const fromCedar = cedarOutcome(text, call);
    const fromCompiled = compiledOutcome(compiled(parsed(text)), call);
    expect({ cedar: fromCedar }).toEqual({ cedar: row.cedar });
    if (row.compiled !== undefined) {
      expect(fromCompiled === 'fallback' ? 'fallback' : 'definite').toBe(row.compiled);
    }
    expect(agrees(fromCompiled, fromCedar) ? 'agrees' : `compiled ${fromCompiled}`).toBe('agrees');
  });

  // `decimal` with two arguments parses, and Cedar fails it at evaluation ("wrong number of
  // arguments provided to extension function `decimal`"): the closure must not answer.
  it('decimal("1.0", "2.0") is an error, never a definite answer', () => {
    const text = asPolicy('decimal("1.0", "2.0") == decimal("1.0")');
    expect(cedarOutcome(text, DEFAULT_CALL)).toBe('error');
    expect(compiledOutcome(compiled(parsed(text)), DEFAULT_CALL)).toBe('fallback');
  });

  it(`agrees with Cedar on ${RANDOM_PAIRS} random (policy, request) pairs`, () => {
    const r = new Random(20_250_601);
    const generate = new ConditionGenerator(r);
    const counts = { policies: 0, unparsed: 0, pairs: 0, fallbacks: 0, cedarErrors: 0, allows: 0 };
    const discrepancies: {
      policy: string;
      call: Call;
      compiled: CompiledOutcome;
      cedar: CedarOutcome;
    }[] = [];
    let checkedAlone = 0;
    while (counts.pairs < RANDOM_PAIRS) {
      // A batch of policies, each compared on a few random requests.
      const batch: { id: string; text: string; policy: ReturnType<typeof compiled> }[] = [];
      while (batch.length < 10) {
        const text = generate.policy();
        const json = parsePolicy(text);
        counts.policies += 1;
        if (json.ok) batch.push({ id: `p${batch.length}`, text, policy: compiled(json.value) });
        else counts.unparsed += 1;
      }
      const texts = Object.fromEntries(batch.map(({ id, text }) => [id, text]));
      for (let i = 0; i < 8; i++) {
        const call = randomCall(r);
        const fromCedar = cedarOutcomes(texts, call);
        for (const { id, text, policy } of batch) {
          const cedar = fromCedar.get(id) ?? 'deny';
          const fromCompiled = compiledOutcome(policy, call);
          counts.pairs += 1;
          if (fromCompiled === 'fallback') counts.fallbacks += 1;
          if (cedar === 'error') counts.cedarErrors += 1;
          if (cedar === 'allow') counts.allows += 1;
          if (!agrees(fromCompiled, cedar)) {
            discrepancies.push({ policy: text, call, compiled: fromCompiled, cedar });
          }
          // Now and then the policy alone, to check that batching changes no answer.
          if (counts.pairs % 25 === 0) {
            checkedAlone += 1;
            expect({ text, alone: cedarOutcome(text, call) }).toEqual({ text, alone: cedar });
          }
        }
      }
    }
    summary.random = { ...counts, checkedAlone };
    expect(discrepancies.slice(0, 5)).toEqual([]);
    // Mostly valid policies, a fair mix of outcomes, and the compiled closures answering most
    // pairs themselves (a test that always falls back would prove nothing).
    expect(counts.unparsed).toBeLessThan(counts.policies * 0.05);
    expect(counts.allows).toBeGreaterThan(counts.pairs * 0.15);
    expect(counts.cedarErrors).toBeGreaterThan(counts.pairs * 0.05);
    expect(counts.pairs - counts.cedarErrors - counts.allows).toBeGreaterThan(counts.pairs * 0.15);
    expect(counts.pairs - counts.fallbacks).toBeGreaterThan(counts.pairs * 0.6);
  });
});

// ---- random conditions and requests ------------------------------------------------------

type Kind = 'bool' | 'long' | 'string' | 'entity' | 'set' | 'record' | 'decimal';
const KINDS: readonly Kind[] = ['bool', 'long', 'string', 'entity', 'set', 'record', 'decimal'];

const LEAVES: Record<Kind, readonly string[]> = {
  bool: ['true', 'false', 'context.flag', 'resource.public', 'context["flag"]'],
  long: [
    '0',
    '1',
    '-1',
    '9',
    '10',
    '30',
    '45',
    '9007199254740991',
    '-9007199254740991',
    '3037000500',
    '4611686018427387904',
    '9223372036854775807',
    '-9223372036854775808',
    'context.n',
    'principal.age',
    'resource.size',
    'context.rec.a',
    'principal.profile.a.b',
    'Group::"staff".size',
  ],
  string: [
    '""',
    '"a"',
    '"abc"',
    '"a*c"',
    '"alice"',
    '"bob*"',
    '"h\\u{e9}llo"',
    'context.s',
    'principal.name',
    'principal.profile.c',
    'Folder::"f1".name',
  ],
  entity: [
    'principal',
    'resource',
    'action',
    'context.who',
    'User::"alice"',
    'User::"bob"',
    'User::"ghost"',
    'Group::"admins"',
    'Group::"staff"',
    'Doc::"d1"',
    'Doc::"d2"',
    'Folder::"f1"',
    'Action::"readOnly"',
    'Action::"all"',
    'principal.boss',
    'resource.owner',
  ],
  set: [
    'context.xs',
    'principal.tags',
    'resource.labels',
    '[]',
    '[1, 2]',
    '[1, "1"]',
    '[User::"alice", Group::"staff"]',
    '[Group::"admins", 1]',
    '[[1], {a: 1}]',
    '[1, 1, 2]',
    '[decimal("1.2")]',
  ],
  record: [
    'context.rec',
    'principal.profile',
    'context',
    '{}',
    '{a: 1}',
    '{a: {b: 2}}',
    '{b: true, a: 1}',
  ],
  decimal: [
    'decimal("1.2")',
    'decimal("1.20")',
    'decimal("0.0")',
    'decimal("-0.0")',
    'decimal("007.5")',
    'decimal("-3.5")',
    'decimal("5.92")',
    'decimal("1.23456")',
    'decimal("abc")',
    'decimal("922337203685477.5807")',
    'context.dec',
    'principal.level',
  ],
};
const ATTRIBUTES = [
  'flag',
  'n',
  's',
  'xs',
  'rec',
  'dec',
  'who',
  'age',
  'name',
  'tags',
  'profile',
  'boss',
  'level',
  'size',
  'owner',
  'public',
  'labels',
  'a',
  'b',
  'c',
  'missing',
  '__proto__',
  'constructor',
];
const TYPES = ['User', 'Group', 'Doc', 'Folder', 'Action'];
const PATTERN_PARTS = ['a', 'b', 'c', '*', '*', '\\*', '.', 'e', '\\u{e9}', '+'];

/** Cedar conditions over the vocabulary above, mostly well-typed, sometimes not on purpose. */
class ConditionGenerator {
  constructor(private readonly r: Random) {}

  policy(): string {
    const r = this.r;
    const principal = r.chance(0.8)
      ? 'principal'
      : r.pick([
          'principal == User::"alice"',
          'principal == User::"ghost"',
          'principal in Group::"staff"',
          'principal in Group::"admins"',
          'principal is User',
          'principal is User in Group::"admins"',
          'principal is Group in Group::"staff"',
        ]);
    const action = r.chance(0.8)
      ? 'action'
      : r.pick([
          'action == Action::"read"',
          'action in [Action::"readOnly", Action::"delete"]',
          'action in Action::"all"',
          'action in Action::"writeGroup"',
        ]);
    const resource = r.chance(0.8)
      ? 'resource'
      : r.pick([
          'resource == Doc::"d1"',
          'resource in Folder::"f1"',
          'resource is Doc',
          'resource is Doc in Folder::"f1"',
          'resource is Folder',
        ]);
    const clauses = Array.from(
      { length: r.chance(0.8) ? 1 : 2 },
      () => `${r.chance(0.55) ? 'when' : 'unless'} { ${this.of('bool', r.int(1, 3))} }`,
    );
    return `permit (${principal}, ${action}, ${resource}) ${clauses.join(' ')};`;
  }

  any(depth: number): string {
    return this.of(this.r.pick(KINDS), depth);
  }

  of(wanted: Kind, depth: number): string {
    const r = this.r;
    const kind = r.chance(0.03) ? r.pick(KINDS) : wanted; // a type error, now and then
    if (depth <= 0 || r.chance(0.25)) return r.pick(LEAVES[kind]);
    const d = depth - 1;
    const ite = (): string =>
      `(if ${this.of('bool', d)} then ${this.of(kind, d)} else ${this.of(kind, d)})`;
    switch (kind) {
      case 'bool':
        return this.bool(d);
      case 'long': {
        const op = r.pick(['+', '-', '*', 'neg', 'ite', 'ite', 'attr']);
        if (op === 'neg') return `(-(${this.of('long', d)}))`;
        if (op === 'ite') return ite();
        if (op === 'attr') return `${this.of('record', d)}.a`;
        return `(${this.of('long', d)} ${op} ${this.of('long', d)})`;
      }
      case 'string':
        return r.chance(0.8) ? ite() : `${this.of('entity', d)}.name`;
      case 'entity':
        return r.chance(0.8) ? ite() : `${this.of('entity', d)}.${r.pick(['boss', 'owner'])}`;
      case 'set': {
        if (r.chance(0.3)) return ite();
        const items = Array.from({ length: r.int(0, 3) }, () => this.any(d));
        return `[${items.join(', ')}]`;
      }
      case 'record': {
        const x = r.next();
        if (x < 0.3) return ite();
        if (x < 0.4) return `${this.of('entity', d)}.profile`;
        const fields = r.some(['a', 'b', 'c'], 0.6).map((key) => `${key}: ${this.any(d)}`);
        return `{${fields.join(', ')}}`;
      }
      case 'decimal': {
        const x = r.next();
        if (x < 0.4) return ite();
        if (x < 0.5) return `decimal(${this.of('string', d)})`;
        return `decimal("${r.pick(['-', ''])}${r.int(0, 12)}.${r.int(0, 9999)}")`;
      }
    }
  }

  bool(d: number): string {
    const r = this.r;
    switch (r.int(0, 15)) {
      case 0: {
        const kind = r.pick(KINDS);
        const other = r.chance(0.7) ? kind : r.pick(KINDS);
        return `(${this.of(kind, d)} ${r.pick(['==', '!='])} ${this.of(other, d)})`;
      }
      case 1:
        return `(${this.of('long', d)} ${r.pick(['<', '<=', '>', '>='])} ${this.of('long', d)})`;
      case 2:
        return `(${this.of('bool', d)} ${r.pick(['&&', '||'])} ${this.of('bool', d)})`;
      case 3:
        return `(!${this.of('bool', d)})`;
      case 4:
        return `(${this.of('entity', d)} in ${this.of('entity', d)})`;
      case 5:
        return `(${this.of('entity', d)} in ${this.of('set', d)})`;
      case 6: {
        const target = this.of(r.chance(0.5) ? 'record' : 'entity', d);
        const path = Array.from({ length: r.int(1, 2) }, () => r.pick(ATTRIBUTES));
        return `(${target} has ${path.join('.')})`;
      }
      case 7: {
        const pattern = Array.from({ length: r.int(0, 4) }, () => r.pick(PATTERN_PARTS));
        return `(${this.of('string', d)} like "${pattern.join('')}")`;
      }
      case 8: {
        const within = r.chance(0.4) ? ` in ${this.of(r.chance(0.7) ? 'entity' : 'set', d)}` : '';
        return `(${this.of('entity', d)} is ${r.pick(TYPES)}${within})`;
      }
      case 9:
        return `${this.of('set', d)}.contains(${this.any(d)})`;
      case 10:
        return `${this.of('set', d)}.${r.pick(['containsAll', 'containsAny'])}(${this.of('set', d)})`;
      case 11:
        return `${this.of('set', d)}.isEmpty()`;
      case 12: {
        const method = r.pick(['lessThan', 'lessThanOrEqual', 'greaterThan', 'greaterThanOrEqual']);
        return `${this.of('decimal', d)}.${method}(${this.of('decimal', d)})`;
      }
      case 13:
        return `(if ${this.of('bool', d)} then ${this.of('bool', d)} else ${this.of('bool', d)})`;
      case 14:
        return `${this.of('record', d)}.${r.pick(['flag', 'public', 'b'])}`;
      default:
        return r.pick(LEAVES.bool);
    }
  }
}

function randomCall(r: Random): Call {
  const context: Context = {};
  const fields: [string, () => CedarValueJson][] = [
    ['flag', () => r.chance(0.5)],
    [
      'n',
      () =>
        r.pick([-1, 0, 1, 9, 10, 30, 9_007_199_254_740_991, -9_007_199_254_740_991, 3_037_000_499]),
    ],
    ['s', () => r.pick(['', 'a', 'abc', 'a*c', 'a.c', '*', 'alice', 'bob*', 'héllo', '1.2'])],
    [
      'xs',
      () =>
        r.pick<CedarValueJson>([
          [],
          [1, 2],
          [1, '1'],
          [entity('User', 'alice')],
          [1, [1]],
          [{ a: 1 }],
          [1, 1, 2],
          ['a', 'b'],
          [entity('Group', 'staff'), entity('Doc', 'd1')],
        ]),
    ],
    [
      'rec',
      () => r.pick<CedarValueJson>([{}, { a: 1 }, { a: { b: 2 } }, { b: true, a: 1 }, { a: 'x' }]),
    ],
    ['dec', () => decimal(r.pick(['0.0', '1.2', '1.20', '-3.5', '5.92', '5.9199']))],
    [
      'who',
      () =>
        r.pick([
          entity('User', 'alice'),
          entity('User', 'bob'),
          entity('User', 'ghost'),
          entity('Group', 'admins'),
          entity('Doc', 'd1'),
        ]),
    ],
  ];
  for (const [name, value] of fields) if (r.chance(0.85)) context[name] = value();
  // Now and then a Long beyond 2^53 in the request itself: the compiled side must fall back.
  if (r.chance(0.02)) context['n'] = 4_611_686_018_427_387_904;
  return {
    principal: r.pick([alice, alice, alice, bob, bob, ghost, uid('Group', 'admins')]),
    action: r.pick([uid('Action', 'read'), uid('Action', 'write'), uid('Action', 'delete')]),
    resource: r.pick([
      uid('Doc', 'd1'),
      uid('Doc', 'd1'),
      uid('Doc', 'd1'),
      uid('Doc', 'd2'),
      uid('Folder', 'f1'),
      alice,
    ]),
    context,
  };
}
