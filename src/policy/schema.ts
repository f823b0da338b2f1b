import { cacheSchema, parseSchema } from './cedar.js';
import { PolicyError } from './errors.js';
import { sha256Hex } from './hash.js';
import { schemaShapes, type SchemaShapes } from './schema-shapes.js';

/** The domain schema, parsed once and cached inside Cedar under a name derived from its hash. */
export interface PolicySchema {
  readonly text: string;
  readonly hash: string;
  /** Name of the pre-parsed schema in Cedar's cache. */
  readonly cacheName: string;
  /** Every action (groups included) mapped to the groups it belongs to, transitively. */
  readonly actionGroups: ReadonlyMap<string, ReadonlySet<string>>;
  /** The schema's checks for the compiled evaluator; undefined leaves every call to wasm. */
  readonly shapes?: SchemaShapes;
}

export function loadSchema(text: string): PolicySchema {
  const parsed = parseSchema(text);
  if (!parsed.ok) {
    throw new PolicyError('invalid-schema', 'the policy schema does not parse', parsed.errors);
  }
  const hash = sha256Hex(text);
  const cacheName = `schema-${hash.slice(0, 16)}`;
  const errors = cacheSchema(cacheName, text);
  if (errors.length > 0) {
    throw new PolicyError('invalid-schema', 'Cedar refused the policy schema', errors);
  }
  const shapes = compiledShapes(parsed.value);
  return {
    text,
    hash,
    cacheName,
    actionGroups: actionGroupsOf(parsed.value),
    ...(shapes === undefined ? {} : { shapes }),
  };
}

function compiledShapes(json: SchemaJson): SchemaShapes | undefined {
  try {
    return schemaShapes(json);
  } catch {
    // A schema the checks cannot model, for any reason, leaves every request to Cedar.
    return undefined;
  }
}

type SchemaJson = Extract<ReturnType<typeof parseSchema>, { ok: true }>['value'];

function actionGroupsOf(json: SchemaJson): Map<string, Set<string>> {
  const direct = new Map<string, string[]>();
  for (const namespace of Object.values(json)) {
    for (const [name, action] of Object.entries(namespace.actions)) {
      direct.set(
        name,
        (action.memberOf ?? []).map((parent) => parent.id),
      );
    }
  }
  const closed = new Map<string, Set<string>>();
  const visit = (name: string, into: Set<string>): void => {
    for (const parent of direct.get(name) ?? []) {
      if (!into.has(parent)) {
        into.add(parent);
        visit(parent, into);
      }
    }
  };
  for (const name of direct.keys()) {
    const groups = new Set<string>();
    visit(name, groups);
    closed.set(name, groups);
  }
  return closed;
}
