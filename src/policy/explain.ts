import { entityName, type EntityIndex } from './cedar-request.js';
import {
  DEFAULT_DENY,
  type DecidingPolicy,
  type NotApplied,
  type PackOutcome,
  type PolicyDecision,
} from './decision.js';
import type { PackVerdict } from './evaluate.js';
import type { PackPolicy } from './pack.js';
import type { PolicyRequest } from './request.js';

export interface Explained {
  readonly request: PolicyRequest;
  readonly entities: EntityIndex;
  readonly verdicts: readonly PackVerdict[];
  readonly countries: readonly string[];
  readonly uncovered: readonly string[];
  readonly schemaHash: string;
  readonly policySetHash: string;
}

/** Turn per-pack verdicts into the decision a person (and the ledger) reads. */
export function explain(input: Explained): PolicyDecision {
  const { request, verdicts } = input;
  const packs: PackOutcome[] = [];
  const notes: string[] = [];
  let deciding: DecidingPolicy | undefined; // the first refusing pack's
  for (const verdict of verdicts) {
    const refusal = verdict.decision === 'deny' ? decidingOf(verdict, input) : undefined;
    deciding ??= refusal;
    const outcome = outcomeOf(verdict, refusal, input);
    for (const skipped of outcome.notApplied ?? []) notes.push(noteOf(skipped));
    packs.push(outcome);
  }
  for (const country of input.uncovered) {
    notes.push(`no policy pack covers ${country}; the consortium pack still applies`);
  }
  return {
    decision: deciding ? 'deny' : 'allow',
    date: request.date,
    action: request.action,
    jurisdictions: input.countries,
    packs,
    ...(deciding ? { deciding } : {}),
    notes,
    policySetHash: input.policySetHash,
    schemaHash: input.schemaHash,
  };
}

function outcomeOf(
  verdict: PackVerdict,
  deciding: DecidingPolicy | undefined,
  input: Explained,
): PackOutcome {
  const { pack, skipped } = verdict.active;
  const notApplied: NotApplied[] = [];
  for (const policy of skipped) {
    if (policy.actions === 'all' || policy.actions.has(input.request.action)) {
      notApplied.push(notAppliedOf(policy, input.request.date));
    }
  }
  const policies =
    verdict.decision === 'allow'
      ? verdict.permits
      : verdict.forbids.length > 0
        ? verdict.forbids
        : verdict.errors.map((e) => e.policy);
  return {
    pack: pack.name,
    version: pack.version,
    hash: pack.hash,
    decision: verdict.decision,
    policies: policies.map((p) => p.qualifiedId),
    ...(deciding
      ? { reason: `${deciding.reason} [${deciding.policyId}: ${describe(deciding)}]` }
      : {}),
    ...(notApplied.length > 0 ? { notApplied } : {}),
  };
}

function describe(deciding: DecidingPolicy): string {
  return deciding.value === undefined
    ? deciding.attribute
    : `${deciding.attribute} = ${deciding.value}`;
}

function decidingOf(verdict: PackVerdict, input: Explained): DecidingPolicy {
  const pack = verdict.active.pack.name;
  const [forbid] = verdict.forbids;
  if (forbid) {
    const attribute = forbid.attribute ?? 'action';
    const value = valueAt(input.request, input.entities, attribute);
    return {
      pack,
      policyId: forbid.qualifiedId,
      attribute,
      ...(value === undefined ? {} : { value }),
      reason: forbid.reason,
    };
  }
  const [failed] = verdict.errors;
  if (failed) {
    return {
      pack,
      policyId: failed.policy.qualifiedId,
      attribute: failed.policy.attribute ?? 'action',
      reason: `the rule could not be evaluated, so the pack refuses (fails closed): ${failed.message}`,
    };
  }
  return {
    pack,
    policyId: `${pack}/${DEFAULT_DENY}`,
    attribute: 'action',
    value: input.request.action,
    reason: `no permit of pack ${pack} applies to this request (Cedar denies by default)`,
  };
}

function notAppliedOf(policy: PackPolicy, date: string): NotApplied {
  const { effective, retired, retiredBy } = policy.window;
  if (retired !== undefined && date >= retired) {
    return {
      policyId: policy.qualifiedId,
      status: 'retired',
      date: retired,
      note: retiredBy ?? 'retired',
    };
  }
  return {
    policyId: policy.qualifiedId,
    status: 'not-yet-in-force',
    date: effective,
    note: 'not yet in force',
  };
}

function noteOf(skipped: NotApplied): string {
  return skipped.status === 'retired'
    ? `retired rule ${skipped.policyId} not applied: retired ${skipped.date} (${skipped.note})`
    : `rule ${skipped.policyId} not applied: in force from ${skipped.date}`;
}

/** Context fields that hold entity ids, so a path can continue into the entity's attributes. */
const REFERENCES: Record<string, string> = {
  'context.owner': 'Institution',
  'context.collaboration': 'Collaboration',
  'context.transfer.recipient': 'Institution',
};

/** The request's value at an @attribute path such as "context.transfer.recipient.dpfCertified". */
export function valueAt(
  request: PolicyRequest,
  entities: EntityIndex,
  path: string,
): string | number | boolean | undefined {
  const [root, ...rest] = path.split('.');
  let current: unknown;
  let walked = root ?? '';
  if (root === 'principal' || root === 'resource') {
    const { type, id } = request[root];
    current = entities.get(type, id) ?? entityName(type, id);
  } else if (root === 'context') current = request.context;
  else if (root === 'action') return request.action;
  for (const step of rest) {
    if (isEntity(current)) current = current.attrs;
    current = isRecord(current) ? current[step] : undefined;
    walked = `${walked}.${step}`;
    const type = REFERENCES[walked];
    if (type !== undefined && typeof current === 'string') {
      current = entities.get(type, current) ?? current;
    }
  }
  if (isEntity(current)) return entityName(current.type, current.id);
  const plain =
    typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean';
  return plain ? (current as string | number | boolean) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isEntity(
  value: unknown,
): value is { type: string; id: string; attrs: Record<string, unknown> } {
  return isRecord(value) && typeof value['type'] === 'string' && isRecord(value['attrs']);
}
