import {
  parsePolicy,
  splitPolicies,
  validateStrict,
  type EntityUidJson,
  type PolicyJson,
} from './cedar.js';
import { hashJson } from './hash.js';
import { describeIssues, PackMeta } from './pack-meta.js';
import type { PolicySchema } from './schema.js';

/** A pack as it is stored: the Cedar text and the parsed JSON of its .meta.json. */
export interface PackSource {
  readonly name: string;
  readonly cedar: string;
  readonly meta: unknown;
}

export interface PolicyWindow {
  readonly effective: string;
  readonly retired?: string;
  readonly retiredBy?: string;
}

export interface PackPolicy {
  /** The @id inside the pack, e.g. "eccn-3a090-a1-d5-headquartered". */
  readonly id: string;
  /** Pack-qualified id, unique across packs: "us/eccn-3a090-a1-d5-headquartered". */
  readonly qualifiedId: string;
  /** Position in the pack: the first applicable forbid is the one a refusal names. */
  readonly order: number;
  readonly effect: 'permit' | 'forbid';
  readonly text: string;
  /** The policy as cedar-wasm parsed it: what the compiled evaluator is built from. */
  readonly json: PolicyJson;
  readonly reason: string;
  /** The request attribute that decides a forbid, e.g. "context.accelerator.tpp". */
  readonly attribute?: string;
  /** A permit with no scope and no condition: it applies to every request. */
  readonly unconditional: boolean;
  /** Actions the policy can apply to, groups expanded. */
  readonly actions: ReadonlySet<string> | 'all';
  readonly window: PolicyWindow;
  readonly sources: readonly string[];
  readonly note?: string;
}

export interface PolicyPack {
  readonly name: string;
  readonly version: string;
  readonly title: string;
  readonly scope: PackMeta['scope'];
  readonly policies: readonly PackPolicy[];
  /** sha256 over the canonical {name, cedar, meta}: what the ledger records. */
  readonly hash: string;
  readonly source: PackSource;
}

export type PackCheck =
  { ok: true; pack: PolicyPack } | { ok: false; pack: string; diagnostics: string[] };

const POLICY_ID = /^[a-z0-9][a-z0-9-]*$/;
const ATTRIBUTE = /^(principal|resource|action|context)(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Parse, check annotations and metadata, and validate the pack against the schema (strict). */
export function compilePack(source: PackSource, schema: PolicySchema): PackCheck {
  const refuse = (diagnostics: string[]): PackCheck => ({
    ok: false,
    pack: source.name,
    diagnostics,
  });
  const meta = PackMeta.safeParse(source.meta);
  if (!meta.success) return refuse(describeIssues(meta.error, 'meta'));
  if (meta.data.pack !== source.name) {
    return refuse([`meta.pack: "${meta.data.pack}" does not match the pack name "${source.name}"`]);
  }
  const split = splitPolicies(source.cedar);
  if (!split.ok) return refuse(split.errors.map((e) => `cedar: ${e}`));
  if (split.value.templates.length > 0)
    return refuse(['cedar: templates are not supported in packs']);

  const diagnostics: string[] = [];
  const policies: PackPolicy[] = [];
  for (const [index, text] of split.value.policies.entries()) {
    // Cedar returns the policies sorted by its internal ids; keep the author's order instead.
    const at = source.cedar.indexOf(text);
    const order = at >= 0 ? at : source.cedar.length + index;
    const built = buildPolicy(source.name, order, text, meta.data, schema, diagnostics);
    if (built) policies.push(built);
  }
  policies.sort((a, b) => a.order - b.order);
  const ids = new Set<string>();
  for (const { id } of policies) {
    if (ids.has(id)) diagnostics.push(`policy "${id}": two policies share this @id`);
    ids.add(id);
  }
  for (const id of Object.keys(meta.data.policies)) {
    if (!ids.has(id)) diagnostics.push(`meta.policies.${id}: no policy in the pack has this @id`);
  }
  if (!policies.some((p) => p.effect === 'permit')) {
    diagnostics.push('cedar: a pack needs at least one permit (Cedar denies by default)');
  }
  if (diagnostics.length > 0) return refuse(diagnostics);

  const texts = Object.fromEntries(policies.map((p) => [p.qualifiedId, p.text]));
  const invalid = validateStrict(schema.text, texts);
  if (invalid.length > 0) return refuse(invalid.map((e) => `schema validation: ${e}`));

  return {
    ok: true,
    pack: {
      name: source.name,
      version: meta.data.version,
      title: meta.data.title,
      scope: meta.data.scope,
      policies,
      hash: packHash(source),
      source,
    },
  };
}

export function packHash(source: PackSource): string {
  return hashJson({ name: source.name, cedar: source.cedar, meta: source.meta });
}

function buildPolicy(
  pack: string,
  order: number,
  text: string,
  meta: PackMeta,
  schema: PolicySchema,
  diagnostics: string[],
): PackPolicy | undefined {
  const parsed = parsePolicy(text);
  if (!parsed.ok) {
    diagnostics.push(...parsed.errors.map((e) => `cedar: ${e}`));
    return undefined;
  }
  const json = parsed.value;
  const annotations = json.annotations ?? {};
  const id = annotations['id'];
  const where = `policy ${id === undefined ? `"${text.slice(0, 60)}…"` : `"${id}"`}`;
  const problems: string[] = [];
  if (id === undefined || !POLICY_ID.test(id)) {
    problems.push(`${where}: needs @id("lower-case-words") so refusals can name it`);
  }
  const reason = annotations['reason'];
  if (!reason) problems.push(`${where}: needs @reason("…") to explain a decision`);
  const attribute = annotations['attribute'];
  if (json.effect === 'forbid' && attribute === undefined) {
    problems.push(`${where}: a forbid needs @attribute("context.…") naming what decides it`);
  }
  if (attribute !== undefined && !ATTRIBUTE.test(attribute)) {
    problems.push(`${where}: @attribute("${attribute}") is not a path such as context.transfer.x`);
  } else if (attribute !== undefined && !conditionOf(text).includes(attribute)) {
    problems.push(`${where}: @attribute("${attribute}") is not read by the policy itself`);
  }
  const policyMeta = id === undefined ? undefined : meta.policies[id];
  if (id !== undefined && policyMeta === undefined) {
    problems.push(`${where}: missing from meta.policies (effective date and sources)`);
  }
  diagnostics.push(...problems);
  if (problems.length > 0 || id === undefined || !reason || policyMeta === undefined) {
    return undefined;
  }
  return {
    id,
    qualifiedId: `${pack}/${id}`,
    order,
    effect: json.effect,
    text,
    json,
    reason,
    ...(attribute === undefined ? {} : { attribute }),
    unconditional: isUnconditional(json),
    actions: actionScope(json, schema),
    window: {
      effective: policyMeta.effective,
      ...(policyMeta.retired === undefined ? {} : { retired: policyMeta.retired }),
      ...(policyMeta.retiredBy === undefined ? {} : { retiredBy: policyMeta.retiredBy }),
    },
    sources: policyMeta.sources,
    ...(policyMeta.note === undefined ? {} : { note: policyMeta.note }),
  };
}

function isUnconditional(json: PolicyJson): boolean {
  const scopes = [json.principal.op, json.action.op, json.resource.op];
  return (
    json.effect === 'permit' && scopes.every((op) => op === 'All') && json.conditions.length === 0
  );
}

/** The policy without its annotations: what it actually reads. */
function conditionOf(text: string): string {
  return text.replace(/@[A-Za-z_]+\s*\(\s*"(?:[^"\\]|\\.)*"\s*\)/g, '');
}

/** The actions a policy's scope admits, so notes about skipped rules stay relevant. */
function actionScope(json: PolicyJson, schema: PolicySchema): ReadonlySet<string> | 'all' {
  const scope = json.action;
  if (scope.op === 'All') return 'all';
  const named: string[] = [];
  const collect = (uid: EntityUidJson): void => {
    named.push('__entity' in uid ? uid.__entity.id : uid.id);
  };
  if ('entity' in scope) collect(scope.entity);
  if ('entities' in scope) scope.entities.forEach(collect);
  if (scope.op === '==') return new Set(named);
  const admitted = new Set<string>(named);
  for (const [action, groups] of schema.actionGroups) {
    if (named.some((group) => groups.has(group))) admitted.add(action);
  }
  return admitted;
}

/** Whether a policy is in force on `date` (YYYY-MM-DD); retired is exclusive. */
export function inForce(window: PolicyWindow, date: string): boolean {
  return window.effective <= date && (window.retired === undefined || date < window.retired);
}
