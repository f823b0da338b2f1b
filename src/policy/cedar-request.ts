import type { CedarCall, Context, EntityJson } from './cedar.js';
import {
  CedarRecord,
  EntityUid,
  parseDecimal,
  toCedarJson,
  type CedarValue,
} from './cedar-values.js';
import { PolicyError } from './errors.js';
import type { EntityRef, EntityType, PolicyRequest, RequestEntity } from './request.js';

/** Entities of a request by type, then id (no key strings on the hot path). */
export class EntityIndex {
  readonly #byType = new Map<string, Map<string, RequestEntity>>();

  /** False if the entity was already listed. */
  add(entity: RequestEntity): boolean {
    let ids = this.#byType.get(entity.type);
    if (ids === undefined) this.#byType.set(entity.type, (ids = new Map()));
    if (ids.has(entity.id)) return false;
    ids.set(entity.id, entity);
    return true;
  }

  get(type: string, id: string): RequestEntity | undefined {
    return this.#byType.get(type)?.get(id);
  }
}

/** An entity as Cedar writes it, for messages: Institution::"pumch". */
export function entityName(type: string, id: string): string {
  return `${type}::${JSON.stringify(id)}`;
}

/**
 * Every entity the request names must be listed: Cedar treats an unknown entity as an
 * evaluation error and skips the policy, which for a forbid would quietly allow.
 */
export function indexEntities(request: PolicyRequest): EntityIndex {
  const index = new EntityIndex();
  const problems: string[] = [];
  for (const entity of request.entities) {
    if (!index.add(entity)) {
      problems.push(`entities: ${entityName(entity.type, entity.id)} is listed twice`);
    }
  }
  // `where` is a function so that a valid request builds no path strings.
  const need = (type: EntityType, id: string, where: string | (() => string)): void => {
    if (index.get(type, id) === undefined) {
      problems.push(
        `${typeof where === 'string' ? where : where()}: unknown entity ${entityName(type, id)}`,
      );
    }
  };
  need(request.principal.type, request.principal.id, 'principal');
  need(request.resource.type, request.resource.id, 'resource');
  need('Institution', request.context.owner, 'context.owner');
  need('Collaboration', request.context.collaboration, 'context.collaboration');
  if (request.context.transfer) {
    need('Institution', request.context.transfer.recipient, 'context.transfer.recipient');
  }
  request.entities.forEach((entity, i) =>
    entity.parents.forEach((parent, j) =>
      need(parent.type, parent.id, () => `entities.${i}.parents.${j}`),
    ),
  );
  if (problems.length > 0) {
    throw new PolicyError(
      'unknown-entity',
      'the request names entities it does not list',
      problems,
    );
  }
  return index;
}

/** A request in Cedar's terms: what both evaluators decide on. */
export interface CedarRequest {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  readonly context: CedarRecord;
  /** Only the entities a policy can reach (the request's own, the context's, their ancestors). */
  readonly entities: readonly CedarEntity[];
}

export interface CedarEntity {
  readonly uid: EntityUid;
  readonly attrs: CedarRecord;
  readonly parents: readonly EntityUid[];
}

/** A validated section as a record, unchanged: its fields are already Cedar values. */
function recordOf(fields: object): CedarRecord {
  return new CedarRecord(fields as Record<string, CedarValue>);
}

/**
 * The Cedar form of a request: ids in the context become entity references, the density a
 * decimal, and only reachable entities are kept. Each entity costs tens of microseconds
 * inside cedar-wasm, and hubs tend to send them all.
 */
export function toCedarRequest(request: PolicyRequest, index: EntityIndex): CedarRequest {
  const { context } = request;
  const fields: Record<string, CedarValue> = {
    owner: new EntityUid('Institution', context.owner),
    collaboration: new EntityUid('Collaboration', context.collaboration),
  };
  if (context.privacy) fields['privacy'] = recordOf(context.privacy);
  if (context.transfer) {
    const recipient = new EntityUid('Institution', context.transfer.recipient);
    fields['transfer'] = recordOf({ ...context.transfer, recipient });
  }
  if (context.training) fields['training'] = recordOf(context.training);
  if (context.accelerator) {
    const density = parseDecimal(context.accelerator.performanceDensity.toFixed(4));
    fields['accelerator'] = recordOf({ ...context.accelerator, performanceDensity: density });
  }
  for (const key of ['proposedLevel', 'allMembersSigned', 'cleanRecord'] as const) {
    const value = context[key];
    if (value !== undefined) fields[key] = value;
  }
  return {
    principal: new EntityUid(request.principal.type, request.principal.id),
    action: new EntityUid('Action', request.action),
    resource: new EntityUid(request.resource.type, request.resource.id),
    context: new CedarRecord(fields),
    entities: reachable(request, index).map((entity) => ({
      uid: new EntityUid(entity.type, entity.id),
      attrs: recordOf(entity.attrs),
      parents: entity.parents.map((parent: EntityRef) => new EntityUid(parent.type, parent.id)),
    })),
  };
}

/** The same request as cedar-wasm takes it: entity references and decimals escaped. */
export function toCedarCall(request: CedarRequest): CedarCall {
  const uid = ({ type, id }: EntityUid) => ({ type, id });
  return {
    principal: uid(request.principal),
    action: uid(request.action),
    resource: uid(request.resource),
    context: toCedarJson(request.context) as Context,
    entities: request.entities.map((entity): EntityJson => ({
      uid: uid(entity.uid),
      attrs: toCedarJson(entity.attrs) as EntityJson['attrs'],
      parents: entity.parents.map(uid),
    })),
  };
}

function reachable(request: PolicyRequest, index: EntityIndex): RequestEntity[] {
  const found = new Set<RequestEntity>();
  const visit = (type: string, id: string): void => {
    const entity = index.get(type, id);
    if (entity === undefined || found.has(entity)) return;
    found.add(entity);
    for (const parent of entity.parents) visit(parent.type, parent.id);
  };
  visit(request.principal.type, request.principal.id);
  visit(request.resource.type, request.resource.id);
  visit('Institution', request.context.owner);
  visit('Collaboration', request.context.collaboration);
  if (request.context.transfer) visit('Institution', request.context.transfer.recipient);
  return [...found.values()];
}
