/**
 * A Cedar policy compiled to a JavaScript closure, from the JSON form cedar-wasm parses it to.
 *
 * Why: one cedar-wasm call costs 50 µs even for an empty request and 0.6–0.9 ms for a real
 * one (mostly turning JavaScript objects into Cedar's), twenty times the 100 µs a complete
 * decision may take. The closures follow Cedar's semantics for what Converge's packs use;
 * whatever they do not model exactly — an evaluation error, a Long beyond 2^53, an extension
 * other than decimal, tags, templates — throws NeedsCedar, and cedar-wasm decides instead.
 * test/policy/compiled-equivalence.test.ts holds both to the same answers.
 */
import type { CedarValueJson, PolicyJson } from './cedar.js';
import {
  CedarRecord,
  CedarSet,
  cedarEquals,
  cedarTypeOf,
  Decimal,
  EntityUid,
  entityUidOf,
  exactLong,
  fromCedarJson,
  NeedsCedar,
  parseDecimal,
  recordFrom,
  type CedarValue,
} from './cedar-values.js';

/** An entity as the evaluator sees it: attributes and direct parents (by key). */
export interface EntityData {
  readonly attrs: CedarRecord;
  readonly parents: readonly EntityUid[];
}

/** One request, ready for compiled policies (see compiled-request.ts). */
export interface Environment {
  readonly principal: EntityUid;
  readonly action: EntityUid;
  readonly resource: EntityUid;
  readonly context: CedarRecord;
  /** The entity as the request lists it, or undefined. */
  entity(uid: EntityUid): EntityData | undefined;
  /** Every ancestor of `uid`, transitively (none for an unknown entity). */
  ancestors(uid: EntityUid): readonly EntityUid[];
}

/** True when the policy's scope and conditions hold; throws NeedsCedar where Cedar must say. */
export type CompiledPolicy = (env: Environment) => boolean;

type Expression = (env: Environment) => CedarValue;
type ExprJson = PolicyJson['conditions'][number]['body'];

/** Throws NeedsCedar for anything outside the compiled subset: the set then stays on wasm. */
export function compilePolicy(json: PolicyJson): CompiledPolicy {
  const tests: CompiledPolicy[] = [
    scope('principal', json.principal),
    actionScope(json.action),
    scope('resource', json.resource),
  ];
  for (const { kind, body } of json.conditions) {
    const condition = compileExpression(body);
    tests.push(kind === 'when' ? (env) => bool(condition(env)) : (env) => !bool(condition(env)));
  }
  // Plain loops on the hot path: a callback would be one more allocation per policy.
  return (env) => {
    for (const test of tests) if (!test(env)) return false;
    return true;
  };
}

/** `a in b` for entities: the same entity, or b among a's ancestors. */
function isIn(env: Environment, a: EntityUid, b: EntityUid): boolean {
  if (a.is(b)) return true;
  for (const ancestor of env.ancestors(a)) if (ancestor.is(b)) return true;
  return false;
}

function scope(
  variable: 'principal' | 'resource',
  constraint: PolicyJson['principal'] | PolicyJson['resource'],
): CompiledPolicy {
  if (constraint.op === 'All') return () => true;
  if ('slot' in constraint) throw new NeedsCedar('templates are not compiled');
  if (constraint.op === '==') {
    const uid = entityUidOf(constraint.entity);
    return (env) => env[variable].is(uid);
  }
  if (constraint.op === 'in') {
    const uid = entityUidOf(constraint.entity);
    return (env) => isIn(env, env[variable], uid);
  }
  const type = constraint.entity_type;
  const within = constraint.in;
  if (within === undefined) return (env) => env[variable].type === type;
  if ('slot' in within) throw new NeedsCedar('templates are not compiled');
  const uid = entityUidOf(within.entity);
  return (env) => env[variable].type === type && isIn(env, env[variable], uid);
}

function actionScope(constraint: PolicyJson['action']): CompiledPolicy {
  if (constraint.op === 'All') return () => true;
  if ('slot' in constraint) throw new NeedsCedar('templates are not compiled');
  if (constraint.op === '==') {
    const uid = entityUidOf(constraint.entity);
    return (env) => env.action.is(uid);
  }
  const uids =
    'entities' in constraint
      ? constraint.entities.map(entityUidOf)
      : [entityUidOf(constraint.entity)];
  return (env) => {
    for (const uid of uids) if (isIn(env, env.action, uid)) return true;
    return false;
  };
}

// ---- values, checked as Cedar checks them (a wrong type is an error, so Cedar decides) ----

function fail(what: string): never {
  throw new NeedsCedar(what);
}

function bool(value: CedarValue): boolean {
  return typeof value === 'boolean' ? value : fail(`expected Bool, got ${cedarTypeOf(value)}`);
}

function long(value: CedarValue): number {
  return typeof value === 'number' ? value : fail(`expected Long, got ${cedarTypeOf(value)}`);
}

function string(value: CedarValue): string {
  return typeof value === 'string' ? value : fail(`expected String, got ${cedarTypeOf(value)}`);
}

function entity(value: CedarValue): EntityUid {
  return value instanceof EntityUid ? value : fail(`expected an entity, got ${cedarTypeOf(value)}`);
}

function set(value: CedarValue): CedarSet {
  return value instanceof CedarSet ? value : fail(`expected Set, got ${cedarTypeOf(value)}`);
}

function decimal(value: CedarValue): Decimal {
  return value instanceof Decimal ? value : fail(`expected decimal, got ${cedarTypeOf(value)}`);
}

/** The attributes of a record, or of an entity the request lists (Cedar: error otherwise). */
function attributesOf(env: Environment, value: CedarValue): CedarRecord {
  if (value instanceof CedarRecord) return value;
  const data = env.entity(entity(value));
  return data === undefined ? fail('attribute of an entity the request does not list') : data.attrs;
}

/** `has`: false for an entity the request does not list, an error for a non-record. */
function hasAttribute(env: Environment, value: CedarValue, attr: string): CedarValue | undefined {
  if (value instanceof CedarRecord) return value.get(attr);
  return env.entity(entity(value))?.attrs.get(attr);
}

// ---- expressions ------------------------------------------------------------------------

type Binary = { left: ExprJson; right: ExprJson };
type BinaryCompiler = (left: Expression, right: Expression) => Expression;

const compare =
  (test: (a: number, b: number) => boolean): BinaryCompiler =>
  (left, right) =>
  (env) =>
    test(long(left(env)), long(right(env)));

const arithmetic =
  (operation: (a: number, b: number) => number): BinaryCompiler =>
  (left, right) =>
  (env) =>
    exactLong(operation(long(left(env)), long(right(env))));

const BINARY: Record<string, BinaryCompiler> = {
  '==': (left, right) => (env) => cedarEquals(left(env), right(env)),
  '!=': (left, right) => (env) => !cedarEquals(left(env), right(env)),
  '<': compare((a, b) => a < b),
  '<=': compare((a, b) => a <= b),
  '>': compare((a, b) => a > b),
  '>=': compare((a, b) => a >= b),
  '+': arithmetic((a, b) => a + b),
  '-': arithmetic((a, b) => a - b),
  '*': arithmetic((a, b) => a * b),
  '&&': (left, right) => (env) => bool(left(env)) && bool(right(env)),
  '||': (left, right) => (env) => bool(left(env)) || bool(right(env)),
  in: (left, right) => membership(left, right),
  contains: (left, right) => (env) => set(left(env)).has(right(env)),
  containsAll: (left, right) => (env) => {
    const all = set(left(env));
    for (const item of set(right(env)).items) if (!all.has(item)) return false;
    return true;
  },
  containsAny: (left, right) => (env) => {
    const any = set(left(env));
    for (const item of set(right(env)).items) if (any.has(item)) return true;
    return false;
  },
};

/** `a in b` with b an entity or a set of entities (every element is checked first, as Cedar does). */
function membership(left: Expression, right: Expression): (env: Environment) => boolean {
  return (env) => {
    const member = entity(left(env));
    const target = right(env);
    if (!(target instanceof CedarSet)) return isIn(env, member, entity(target));
    for (const item of target.items) entity(item);
    for (const item of target.items) if (isIn(env, member, item as EntityUid)) return true;
    return false;
  };
}

const DECIMAL_METHODS: Record<string, (a: number, b: number) => boolean> = {
  lessThan: (a, b) => a < b,
  lessThanOrEqual: (a, b) => a <= b,
  greaterThan: (a, b) => a > b,
  greaterThanOrEqual: (a, b) => a >= b,
};

function compileExpression(json: ExprJson): Expression {
  const [[operator, operand]] = Object.entries(json) as [[string, unknown]];
  const binary = Object.hasOwn(BINARY, operator) ? BINARY[operator] : undefined;
  if (binary !== undefined) {
    const { left, right } = operand as Binary;
    return binary(compileExpression(left), compileExpression(right));
  }
  switch (operator) {
    case 'Value': {
      const value = fromCedarJson(operand as Parameters<typeof fromCedarJson>[0]);
      return () => value;
    }
    case 'Var': {
      const name = operand as 'principal' | 'action' | 'resource' | 'context';
      return (env) => env[name];
    }
    case '!': {
      const arg = compileExpression((operand as { arg: ExprJson }).arg);
      return (env) => !bool(arg(env));
    }
    case 'neg': {
      const arg = compileExpression((operand as { arg: ExprJson }).arg);
      return (env) => exactLong(-long(arg(env)));
    }
    case 'isEmpty': {
      const arg = compileExpression((operand as { arg: ExprJson }).arg);
      return (env) => set(arg(env)).items.length === 0;
    }
    case '.': {
      const { left, attr } = operand as { left: ExprJson; attr: string };
      const target = compileExpression(left);
      return (env) => attributesOf(env, target(env)).get(attr) ?? fail(`no attribute ${attr}`);
    }
    case 'has': {
      const { left, attr } = operand as { left: ExprJson; attr: string | string[] };
      const target = compileExpression(left);
      const path = typeof attr === 'string' ? [attr] : attr;
      return (env) => {
        let value: CedarValue | undefined = target(env);
        for (const step of path) {
          value = hasAttribute(env, value, step);
          if (value === undefined) return false;
        }
        return true;
      };
    }
    case 'like': {
      const { left, pattern } = operand as {
        left: ExprJson;
        pattern: ('Wildcard' | { Literal: string })[];
      };
      const target = compileExpression(left);
      const matcher = likePattern(pattern);
      return (env) => matcher.test(string(target(env)));
    }
    case 'is': {
      const {
        left,
        entity_type: type,
        in: within,
      } = operand as {
        left: ExprJson;
        entity_type: string;
        in?: ExprJson;
      };
      const target = compileExpression(left);
      if (within === undefined) return (env) => entity(target(env)).type === type;
      const inside = membership(target, compileExpression(within));
      return (env) => entity(target(env)).type === type && inside(env);
    }
    case 'if-then-else': {
      const branches = operand as { if: ExprJson; then: ExprJson; else: ExprJson };
      const test = compileExpression(branches.if);
      const then = compileExpression(branches.then);
      const otherwise = compileExpression(branches.else);
      return (env) => (bool(test(env)) ? then(env) : otherwise(env));
    }
    case 'Set': {
      const elements = operand as ExprJson[];
      // A list of literals (the packs' country lists) is built once, not on every request.
      if (elements.every((element) => 'Value' in element)) {
        const constant = fromCedarJson(
          elements.map((element) => (element as { Value: CedarValueJson }).Value),
        );
        return () => constant;
      }
      const items = elements.map(compileExpression);
      return (env) => new CedarSet(items.map((item) => item(env)));
    }
    case 'Record': {
      const fields = Object.entries(operand as Record<string, ExprJson>).map(
        ([key, value]) => [key, compileExpression(value)] as const,
      );
      return (env) => recordFrom(fields.map(([key, value]) => [key, value(env)] as const));
    }
    case 'decimal': {
      const args = (operand as ExprJson[]).map(compileExpression);
      const [arg] = args;
      // Cedar parses decimal("1.0", "2.0") and fails it at evaluation: leave that to Cedar.
      if (arg === undefined || args.length !== 1)
        throw new NeedsCedar('decimal() takes one argument');
      return (env) => parseDecimal(string(arg(env)));
    }
    default:
      return compileDecimalMethod(operator, operand);
  }
}

function compileDecimalMethod(operator: string, operand: unknown): Expression {
  const test = Object.hasOwn(DECIMAL_METHODS, operator) ? DECIMAL_METHODS[operator] : undefined;
  if (test === undefined || !Array.isArray(operand) || operand.length !== 2) {
    throw new NeedsCedar(`"${operator}" is not compiled`);
  }
  const [left, right] = (operand as ExprJson[]).map(compileExpression) as [Expression, Expression];
  return (env) => test(decimal(left(env)).scaled, decimal(right(env)).scaled);
}

/** Cedar's `like`: `*` matches any run of characters, everything else itself. */
function likePattern(pattern: readonly ('Wildcard' | { Literal: string })[]): RegExp {
  const source = pattern
    .map((element) =>
      element === 'Wildcard' ? '[\\s\\S]*' : element.Literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`, 'u');
}
