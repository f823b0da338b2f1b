/**
 * Cedar's values in JavaScript, for the compiled evaluator (compile-policy.ts). Anything this
 * model cannot represent exactly (a Long beyond 2^53, an extension other than decimal) throws
 * NeedsCedar, and the decision is then made by cedar-wasm itself.
 */
import type { CedarValueJson, EntityUidJson } from './cedar.js';

/** The compiled evaluator cannot answer this exactly: ask cedar-wasm. Never a decision. */
export class NeedsCedar extends Error {
  override readonly name = 'NeedsCedar';
}

export class EntityUid {
  constructor(
    readonly type: string,
    readonly id: string,
  ) {}
  /** The same entity: type and id both equal (no key string is built on the hot path). */
  is(other: EntityUid): boolean {
    return this.id === other.id && this.type === other.type;
  }
}

/** An entity reference in either of Cedar's JSON forms. */
export function entityUidOf(json: EntityUidJson): EntityUid {
  const { type, id } = '__entity' in json ? json.__entity : json;
  return new EntityUid(type, id);
}

export class CedarSet {
  /** Strings, numbers and booleans among the items, for one-step lookups (country lists). */
  #primitives: Set<CedarValue> | undefined;
  constructor(readonly items: readonly CedarValue[]) {}
  has(value: CedarValue): boolean {
    // A primitive equals only the same primitive, so the index answers alone.
    if (typeof value !== 'object') {
      this.#primitives ??= new Set(this.items.filter((item) => typeof item !== 'object'));
      return this.#primitives.has(value);
    }
    return this.items.some((item) => cedarEquals(item, value));
  }
}

/**
 * A record over a plain object: a request's validated sections are wrapped as they are, not
 * copied. Only own keys count, so an inherited name is never an attribute.
 */
export class CedarRecord {
  constructor(readonly fields: Readonly<Record<string, CedarValue>>) {}
  get(key: string): CedarValue | undefined {
    return Object.hasOwn(this.fields, key) ? this.fields[key] : undefined;
  }
  keys(): string[] {
    return Object.keys(this.fields);
  }
}

/** A record from entries whose keys come from outside ("__proto__" stays a key). */
export function recordFrom(entries: Iterable<readonly [string, CedarValue]>): CedarRecord {
  const fields: Record<string, CedarValue> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(fields, key, { value, enumerable: true });
  }
  return new CedarRecord(fields);
}

/** Cedar's decimal: four decimal places, held as an integer count of 1/10,000ths. */
export class Decimal {
  constructor(readonly scaled: number) {}
}

export type CedarValue = boolean | number | string | EntityUid | CedarSet | CedarRecord | Decimal;

const DECIMAL = /^(-?)([0-9]+)\.([0-9]{1,4})$/;

/** decimal("…") as Cedar parses it: digits, a point, one to four decimals. */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text);
  if (match === null) throw new NeedsCedar(`decimal("${text}") is not a Cedar decimal`);
  const [, sign = '', whole = '', fraction = ''] = match;
  const scaled = Number(whole) * 10_000 + Number(fraction.padEnd(4, '0'));
  if (!Number.isSafeInteger(scaled)) throw new NeedsCedar(`decimal("${text}") is out of range`);
  return new Decimal(sign === '-' ? -scaled : scaled);
}

/** A Long that JavaScript holds exactly; beyond that Cedar's i64 arithmetic decides. */
export function exactLong(value: number): number {
  if (!Number.isSafeInteger(value)) throw new NeedsCedar(`${value} is beyond exact integers`);
  return value;
}

/** A value in Cedar's JSON form (entity and extension escapes) as a CedarValue. */
export function fromCedarJson(json: CedarValueJson): CedarValue {
  if (typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number') return exactLong(json);
  if (json === null) throw new NeedsCedar('null is not a Cedar value');
  if (Array.isArray(json)) return new CedarSet(json.map(fromCedarJson));
  if ('__entity' in json && isTypeAndId(json['__entity'])) {
    return new EntityUid(json['__entity'].type, json['__entity'].id);
  }
  if ('__extn' in json) {
    const extension = json['__extn'];
    if (
      typeof extension === 'object' &&
      extension !== null &&
      'fn' in extension &&
      extension.fn === 'decimal' &&
      'arg' in extension &&
      typeof extension.arg === 'string'
    ) {
      return parseDecimal(extension.arg);
    }
    throw new NeedsCedar('only the decimal extension is compiled');
  }
  return recordFrom(
    Object.entries(json as Record<string, CedarValueJson>).map(
      ([key, value]) => [key, fromCedarJson(value)] as const,
    ),
  );
}

/** A value in Cedar's JSON form, as cedar-wasm takes it (the inverse of fromCedarJson). */
export function toCedarJson(value: CedarValue): CedarValueJson {
  if (typeof value !== 'object') return value;
  if (value instanceof EntityUid) return { __entity: { type: value.type, id: value.id } };
  if (value instanceof Decimal) return { __extn: { fn: 'decimal', arg: formatDecimal(value) } };
  if (value instanceof CedarSet) return value.items.map(toCedarJson);
  const json: Record<string, CedarValueJson> = {};
  for (const key of value.keys()) {
    const field = value.get(key);
    if (field !== undefined) {
      Object.defineProperty(json, key, { value: toCedarJson(field), enumerable: true });
    }
  }
  return json;
}

function formatDecimal({ scaled }: Decimal): string {
  const digits = String(Math.abs(scaled)).padStart(5, '0');
  return `${scaled < 0 ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

function isTypeAndId(value: unknown): value is { type: string; id: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    typeof (value as { id?: unknown }).id === 'string'
  );
}

/** Cedar's `==`: structural, and false (never an error) between values of different types. */
export function cedarEquals(a: CedarValue, b: CedarValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object') return false;
  if (a instanceof EntityUid) return b instanceof EntityUid && a.is(b);
  if (a instanceof Decimal) return b instanceof Decimal && a.scaled === b.scaled;
  if (a instanceof CedarSet) {
    return (
      b instanceof CedarSet &&
      a.items.every((item) => b.has(item)) &&
      b.items.every((item) => a.has(item))
    );
  }
  if (!(b instanceof CedarRecord)) return false;
  const keys = a.keys();
  if (keys.length !== b.keys().length) return false;
  return keys.every((key) => {
    const [mine, theirs] = [a.get(key), b.get(key)];
    return mine !== undefined && theirs !== undefined && cedarEquals(mine, theirs);
  });
}

/** The Cedar type name of a value, for the messages of evaluation errors. */
export function cedarTypeOf(value: CedarValue): string {
  if (typeof value === 'boolean') return 'Bool';
  if (typeof value === 'number') return 'Long';
  if (typeof value === 'string') return 'String';
  if (value instanceof EntityUid) return `entity of type ${value.type}`;
  if (value instanceof CedarSet) return 'Set';
  if (value instanceof CedarRecord) return 'Record';
  return 'decimal';
}
