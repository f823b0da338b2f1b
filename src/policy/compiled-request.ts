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
const MAX_REACHABLE = 64;

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

  // The store below searches a list; a request reaching this many entities goes to Cedar.
  if (request.entities.length > MAX_REACHABLE) {
    throw new NeedsCedar(`more than ${MAX_REACHABLE} entities are reachable`);
  }
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

/**
 * The reachable entities, a handful per request: a list searched in place costs less than
 * maps built for every request. Ancestors are worked out once per entity and request.
 */
class EntityStore {
  readonly #uids: EntityUid[] = [];
  readonly #data: EntityData[] = [];
  readonly #ancestors: (readonly EntityUid[] | undefined)[] = [];

  add(uid: EntityUid, data: EntityData): boolean {
    if (this.#indexOf(uid) >= 0) return false;
    this.#uids.push(uid);
    this.#data.push(data);
    return true;
  }

  get(uid: EntityUid): EntityData | undefined {
    const index = this.#indexOf(uid);
    return index < 0 ? undefined : this.#data[index];
  }

  ancestors(uid: EntityUid): readonly EntityUid[] {
    const index = this.#indexOf(uid);
    if (index < 0) return [];
    let found = this.#ancestors[index];
    if (found === undefined) {
      const into: EntityUid[] = [];
      const visit = (parents: readonly EntityUid[]): void => {
        for (const parent of parents) {
          if (into.some((known) => known.is(parent))) continue;
          into.push(parent);
          visit(this.get(parent)?.parents ?? []);
        }
      };
      visit(this.#data[index]?.parents ?? []);
      found = into;
      this.#ancestors[index] = found;
    }
    return found;
  }

  #indexOf(uid: EntityUid): number {
    for (let i = 0; i < this.#uids.length; i++) if (this.#uids[i]?.is(uid)) return i;
    return -1;
  }
}
