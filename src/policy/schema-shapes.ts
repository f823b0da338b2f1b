/**
 * What cedar-wasm checks about a request against the schema before it evaluates anything,
 * redone in JavaScript for the compiled evaluator: the principal's and resource's types are
 * ones the action applies to, the context and every entity's attributes have exactly the
 * declared shape, and parents are of declared types. A request that fails any of this is
 * not refused here: it goes to cedar-wasm (NeedsCedar), whose refusal names the problem.
 */
import type { SchemaJson } from './cedar.js';
import {
  CedarRecord,
  CedarSet,
  Decimal,
  EntityUid,
  NeedsCedar,
  type CedarValue,
} from './cedar-values.js';

type Conforms = (value: CedarValue) => boolean;

interface ActionShape {
  readonly principals: ReadonlySet<string>;
  readonly resources: ReadonlySet<string>;
  readonly context: Conforms;
}

interface EntityShape {
  readonly attrs: Conforms;
  readonly parents: ReadonlySet<string>;
}

/** The schema's declarations as checks; built once per schema. */
export interface SchemaShapes {
  readonly actions: ReadonlyMap<string, ActionShape>;
  readonly entities: ReadonlyMap<string, EntityShape>;
}

type Namespace = SchemaJson<string>[string];
type TypeJson = NonNullable<Namespace['commonTypes']>[string];

const PRIMITIVES: Record<string, Conforms> = {
  String: (v) => typeof v === 'string',
  Long: (v) => typeof v === 'number',
  Bool: (v) => typeof v === 'boolean',
  Boolean: (v) => typeof v === 'boolean',
  decimal: (v) => v instanceof Decimal,
};

/** Throws NeedsCedar if the schema uses what the compiled evaluator does not model. */
export function schemaShapes(json: SchemaJson<string>): SchemaShapes {
  const names = Object.keys(json);
  const namespace = json[''];
  if (names.length !== 1 || namespace === undefined) {
    throw new NeedsCedar('only a schema without namespaces is compiled');
  }
  const common = namespace.commonTypes ?? {};
  const entityTypes = namespace.entityTypes;

  const named = (name: string): Conforms => {
    const alias = common[name];
    if (alias !== undefined) return conformsTo(alias);
    if (Object.hasOwn(entityTypes, name)) return (v) => v instanceof EntityUid && v.type === name;
    const primitive = PRIMITIVES[name];
    if (primitive === undefined) throw new NeedsCedar(`schema type ${name} is not compiled`);
    return primitive;
  };

  function conformsTo(type: TypeJson): Conforms {
    // The declared union includes { type: string }, so narrow by the fields, not the tag.
    if ((type.type === 'EntityOrCommon' || type.type === 'Extension') && 'name' in type) {
      return named(type.name);
    }
    if (type.type === 'Entity' && 'name' in type) {
      const name = type.name;
      return (v) => v instanceof EntityUid && v.type === name;
    }
    if (type.type === 'Set' && 'element' in type) {
      const element = conformsTo(type.element);
      return (v) => v instanceof CedarSet && v.items.every(element);
    }
    if (type.type === 'Record' && 'attributes' in type) {
      if (type.additionalAttributes === true) throw new NeedsCedar('open records are not compiled');
      const fields = Object.entries(type.attributes).map(
        ([name, attribute]) => [name, conformsTo(attribute), attribute.required ?? true] as const,
      );
      const declared = new Set(fields.map(([name]) => name));
      return (v) => {
        if (!(v instanceof CedarRecord)) return false;
        for (const key of v.keys()) if (!declared.has(key)) return false;
        return fields.every(([name, conforms, required]) => {
          const field = v.get(name);
          return field === undefined ? !required : conforms(field);
        });
      };
    }
    return named(type.type);
  }

  const entities = new Map<string, EntityShape>();
  for (const [name, declaration] of Object.entries(entityTypes)) {
    if ('enum' in declaration) throw new NeedsCedar('enumerated entity types are not compiled');
    if (declaration.tags !== undefined) throw new NeedsCedar('entity tags are not compiled');
    const shape = declaration.shape ?? { type: 'Record' as const, attributes: {} };
    entities.set(name, {
      attrs: conformsTo(shape),
      parents: new Set(declaration.memberOfTypes ?? []),
    });
  }
  const actions = new Map<string, ActionShape>();
  for (const [name, declaration] of Object.entries(namespace.actions)) {
    const appliesTo = declaration.appliesTo;
    if (appliesTo === undefined || appliesTo === null) continue;
    actions.set(name, {
      principals: new Set(appliesTo.principalTypes),
      resources: new Set(appliesTo.resourceTypes),
      context: conformsTo(appliesTo.context ?? { type: 'Record', attributes: {} }),
    });
  }
  return { actions, entities };
}
