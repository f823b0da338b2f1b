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

  const store = new EntityStore();
  for (const entity of request.entities) {
    const declared = shapes.entities.get(entity.uid.type);
    if (declared === undefined || !declared.attrs(entity.attrs)) {
      throw new NeedsCedar(`entity ${entity.uid.id} does not conform to the schema`);
    }
    if (!entity.parents.every((parent) => declared.parents.has(parent.type))) {
      throw new NeedsCedar(`entity ${entity.uid.id} has a parent of an undeclared type`);
    }
    if (!store.add(entity.uid, entity)) throw new NeedsCedar(`${entity.uid.id} is listed twice`);
  }
  // Actions are entities too: their parents are the schema's action groups.
  const groups = [...(actionGroups.get(action.id) ?? [])].map((id) => new EntityUid('Action', id));
  store.add(action, { attrs: NO_ATTRIBUTES, parents: groups });
  return {
    principal,
    action,
    resource,
    context,
    entity: (uid) => store.get(uid),
    ancestors: (uid) => store.ancestors(uid),
  };
}

/** Entities by type, then id: lookups build no key strings. */
class EntityStore {
  readonly #byType = new Map<string, Map<string, EntityData>>();
  readonly #ancestors = new Map<EntityData, readonly EntityUid[]>();

  add(uid: EntityUid, data: EntityData): boolean {
    let ids = this.#byType.get(uid.type);
    if (ids === undefined) this.#byType.set(uid.type, (ids = new Map()));
    if (ids.has(uid.id)) return false;
    ids.set(uid.id, data);
    return true;
  }

  get(uid: EntityUid): EntityData | undefined {
    return this.#byType.get(uid.type)?.get(uid.id);
  }

  /** Transitive parents, worked out once per entity and request. */
  ancestors(uid: EntityUid): readonly EntityUid[] {
    const data = this.get(uid);
    if (data === undefined) return [];
    let found = this.#ancestors.get(data);
    if (found === undefined) {
      const into: EntityUid[] = [];
      const visit = (parents: readonly EntityUid[]): void => {
        for (const parent of parents) {
          if (into.some((known) => known.is(parent))) continue;
          into.push(parent);
          visit(this.get(parent)?.parents ?? []);
        }
      };
      visit(data.parents);
      found = into;
      this.#ancestors.set(data, found);
    }
    return found;
  }
}
