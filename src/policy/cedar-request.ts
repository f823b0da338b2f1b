import type { CedarCall, Context, EntityJson } from './cedar.js';
import { PolicyError } from './errors.js';
import type { EntityRef, EntityType, PolicyRequest, RequestEntity } from './request.js';

/** Entities of a request by "Type::id", after checking that each appears once. */
export type EntityIndex = ReadonlyMap<string, RequestEntity>;

export function entityKey(type: string, id: string): string {
  return `${type}::${JSON.stringify(id)}`;
}

/**
 * Every entity the request names must be listed: Cedar treats an unknown entity as an
 * evaluation error and skips the policy, which for a forbid would quietly allow.
 */
export function indexEntities(request: PolicyRequest): EntityIndex {
  const index = new Map<string, RequestEntity>();
  const problems: string[] = [];
  for (const entity of request.entities) {
    const key = entityKey(entity.type, entity.id);
    if (index.has(key)) problems.push(`entities: ${key} is listed twice`);
    index.set(key, entity);
  }
  const need = (type: EntityType, id: string, where: string): void => {
    if (!index.has(entityKey(type, id)))
      problems.push(`${where}: unknown entity ${entityKey(type, id)}`);
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
      need(parent.type, parent.id, `entities.${i}.parents.${j}`),
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

const entityValue = (type: EntityType, id: string) => ({ __entity: { type, id } });

/**
 * The Cedar form of a request: entity references and decimals in Cedar's JSON escapes, and
 * only the entities a policy can reach (the request's own, the context's, their ancestors).
 * Each entity costs tens of microseconds inside cedar-wasm, and hubs tend to send them all.
 */
export function toCedarCall(request: PolicyRequest, index: EntityIndex): CedarCall {
  const { context } = request;
  const cedarContext: Context = {
    owner: entityValue('Institution', context.owner),
    collaboration: entityValue('Collaboration', context.collaboration),
  };
  if (context.privacy) cedarContext['privacy'] = { ...context.privacy };
  if (context.transfer) {
    cedarContext['transfer'] = {
      ...context.transfer,
      recipient: entityValue('Institution', context.transfer.recipient),
    };
  }
  if (context.training) cedarContext['training'] = { ...context.training };
  if (context.accelerator) {
    const { performanceDensity, ...rest } = context.accelerator;
    cedarContext['accelerator'] = {
      ...rest,
      performanceDensity: { __extn: { fn: 'decimal', arg: performanceDensity.toFixed(4) } },
    };
  }
  for (const key of ['proposedLevel', 'allMembersSigned', 'cleanRecord'] as const) {
    const value = context[key];
    if (value !== undefined) cedarContext[key] = value;
  }
  return {
    principal: request.principal,
    action: { type: 'Action', id: request.action },
    resource: request.resource,
    context: cedarContext,
    entities: reachable(request, index).map(toCedarEntity),
  };
}

function reachable(request: PolicyRequest, index: EntityIndex): RequestEntity[] {
  const found = new Map<string, RequestEntity>();
  const visit = (type: string, id: string): void => {
    const key = entityKey(type, id);
    const entity = index.get(key);
    if (entity === undefined || found.has(key)) return;
    found.set(key, entity);
    for (const parent of entity.parents) visit(parent.type, parent.id);
  };
  visit(request.principal.type, request.principal.id);
  visit(request.resource.type, request.resource.id);
  visit('Institution', request.context.owner);
  visit('Collaboration', request.context.collaboration);
  if (request.context.transfer) visit('Institution', request.context.transfer.recipient);
  return [...found.values()];
}

function toCedarEntity(entity: RequestEntity): EntityJson {
  return {
    uid: { type: entity.type, id: entity.id },
    attrs: entity.attrs,
    parents: entity.parents.map((parent: EntityRef) => ({ type: parent.type, id: parent.id })),
  };
}
