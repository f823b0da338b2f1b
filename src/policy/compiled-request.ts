/**
 * A request as the compiled evaluator sees it, checked against the schema as cedar-wasm
 * checks a call before evaluating it: the action applies to the principal's and resource's
 * types, the context and every entity have exactly the declared shape, parents are of
 * declared types. A request that fails is not refused here: it goes to cedar-wasm
 * (NeedsCedar), whose refusal names the problem.
 */
import type { CedarRequest } from './cedar-request.js';
import { CedarRecord, EntityUid, NeedsCedar } from './cedar-values.js';
import type { EntityData, Environment } from './compile-policy.js';
import type { SchemaShapes } from './schema-shapes.js';

const NO_ATTRIBUTES = new CedarRecord({});

export function environmentOf(
  request: CedarRequest,
  shapes: SchemaShapes,
  actionGroups: ReadonlyMap<string, ReadonlySet<string>>,
): Environment {
  const { principal, action, resource, context } = request;
  const shape = shapes.actions.get(action.id);
  if (shape === undefined) throw new NeedsCedar(`action ${action.id} is not declared`);
  if (!shape.principals.has(principal.type) || !shape.resources.has(resource.type)) {
    throw new NeedsCedar(`${action.id} does not apply to this principal or resource`);
  }
  if (!shape.context(context)) throw new NeedsCedar('the context does not conform to the schema');

  const entities = new Map<string, EntityData>();
  for (const entity of request.entities) {
    const declared = shapes.entities.get(entity.uid.type);
    if (declared === undefined || !declared.attrs(entity.attrs)) {
      throw new NeedsCedar(`entity ${entity.uid.id} does not conform to the schema`);
    }
    if (!entity.parents.every((parent) => declared.parents.has(parent.type))) {
      throw new NeedsCedar(`entity ${entity.uid.id} has a parent of an undeclared type`);
    }
    if (entities.has(entity.uid.key)) throw new NeedsCedar(`${entity.uid.id} is listed twice`);
    entities.set(entity.uid.key, entity);
  }
  // Actions are entities too: their parents are the schema's action groups.
  const groups = [...(actionGroups.get(action.id) ?? [])].map((id) => new EntityUid('Action', id));
  entities.set(action.key, { attrs: NO_ATTRIBUTES, parents: groups });

  const closures = new Map<string, ReadonlySet<string>>();
  const ancestors = (uid: EntityUid): ReadonlySet<string> => {
    let found = closures.get(uid.key);
    if (found === undefined) {
      const into = new Set<string>();
      const visit = (key: string): void => {
        for (const parent of entities.get(key)?.parents ?? []) {
          if (!into.has(parent.key)) {
            into.add(parent.key);
            visit(parent.key);
          }
        }
      };
      visit(uid.key);
      found = into;
      closures.set(uid.key, found);
    }
    return found;
  };
  return { principal, action, resource, context, entities, ancestors };
}
