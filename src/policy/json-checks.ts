/**
 * Checks for untrusted JSON, built for the policy decision's hot path: zod spent 20–30 µs on
 * one request, a third of a decision's budget. A check runs first without `problems`, stopping
 * at the first fault and building no path strings; only a refused input is checked again with
 * `problems` to name every bad field ("context.transfer.originCountry: …").
 */

/** undefined: not valid (with `problems`, each fault is pushed as "path: message"). */
export type Check<T> = (value: unknown, path: string, problems?: string[]) => T | undefined;

export function fault(problems: string[] | undefined, path: string, message: string): undefined {
  problems?.push(`${path === '' ? '(root)' : path}: ${message}`);
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

const expected = (what: string, value: unknown): string =>
  `expected ${what}, received ${kindOf(value)}`;

/** An object literal or JSON object: its prototype is Object.prototype or none. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Lone UTF-16 surrogates: JSON can carry them, Cedar's strings (Rust) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const text =
  (min: number, max: number): Check<string> =>
  (value, path, problems) => {
    if (typeof value !== 'string') return fault(problems, path, expected('string', value));
    if (LONE_SURROGATE.test(value)) return fault(problems, path, 'not valid Unicode text');
    if (value.length < min || value.length > max) {
      return fault(problems, path, `expected ${min} to ${max} characters`);
    }
    return value;
  };

export const matching =
  (pattern: RegExp, description: string): Check<string> =>
  (value, path, problems) => {
    if (typeof value !== 'string') return fault(problems, path, expected('string', value));
    return pattern.test(value) ? value : fault(problems, path, description);
  };

export const oneOf =
  <T extends string>(options: readonly T[]): Check<T> =>
  (value, path, problems) =>
    options.includes(value as T)
      ? (value as T)
      : fault(problems, path, `expected one of ${options.join(', ')}`);

export const flag: Check<boolean> = (value, path, problems) =>
  typeof value === 'boolean' ? value : fault(problems, path, expected('boolean', value));

export const integer =
  (min: number, max: number): Check<number> =>
  (value, path, problems) => {
    if (typeof value !== 'number') return fault(problems, path, expected('number', value));
    if (!Number.isInteger(value)) return fault(problems, path, 'expected an integer');
    if (value < min || value > max) return fault(problems, path, `expected ${min} to ${max}`);
    return value;
  };

export const number =
  (min: number, max: number): Check<number> =>
  (value, path, problems) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return fault(problems, path, expected('a finite number', value));
    }
    return value >= min && value <= max
      ? value
      : fault(problems, path, `expected ${min} to ${max}`);
  };

export const anObject: Check<Record<string, unknown>> = (value, path, problems) =>
  isPlainObject(value) ? value : fault(problems, path, expected('object', value));

export const listOf =
  <T>(item: Check<T>, max: number): Check<T[]> =>
  (value, path, problems) => {
    if (!Array.isArray(value)) return fault(problems, path, expected('array', value));
    if (value.length > max) return fault(problems, path, `expected at most ${max} items`);
    const out: T[] = [];
    let ok = true;
    for (let i = 0; i < value.length; i++) {
      const checked = item(value[i], problems ? `${path}.${i}` : '', problems);
      if (checked === undefined) {
        ok = false;
        if (problems === undefined) return undefined;
      } else out.push(checked);
    }
    return ok ? out : undefined;
  };

/** A value that passed `check` and then `rule`, which reports through `report`. */
export const refined =
  <T>(check: Check<T>, rule: (value: T, report: (key: string, message: string) => void) => void) =>
  (value: unknown, path: string, problems?: string[]): T | undefined => {
    const checked = check(value, path, problems);
    if (checked === undefined) return undefined;
    let ok = true;
    rule(checked, (key, message) => {
      ok = false;
      fault(problems, key === '' ? path : `${path}.${key}`, message);
    });
    return ok ? checked : undefined;
  };

export interface Field<T> {
  readonly check: Check<Exclude<T, undefined>>;
  /** Used when the key is absent (or undefined): a default, or "leave it out". */
  readonly absent: 'required' | 'omit' | { readonly fallback: Exclude<T, undefined> };
}

export const required = <T>(check: Check<T>): Field<T> => ({
  check: check as Check<Exclude<T, undefined>>,
  absent: 'required',
});
export const optional = <T>(check: Check<T>): Field<T | undefined> => ({
  check: check as Check<Exclude<T, undefined>>,
  absent: 'omit',
});
export const withDefault = <T>(check: Check<T>, fallback: Exclude<T, undefined>): Field<T> => ({
  check: check as Check<Exclude<T, undefined>>,
  absent: { fallback },
});

export type Fields<T> = { readonly [K in keyof T]-?: Field<T[K]> };

/** Exactly these keys (an unknown key is a fault, so nothing unchecked slips through). */
export function strictObject<T extends object>(fields: Fields<T>): Check<T> {
  const entries = Object.entries(fields) as [string, Field<unknown>][];
  // A plain object inherits nothing enumerable and, with these names, nothing readable, so
  // value[key] and for-in below see own keys only.
  for (const [name] of entries) {
    if (name in Object.prototype) throw new Error(`field name ${name} is inherited by objects`);
  }
  const known = new Set(entries.map(([name]) => name));
  return (value, path, problems) => {
    if (!isPlainObject(value)) return fault(problems, path, expected('object', value));
    const out: Record<string, unknown> = {};
    let ok = true;
    let present = 0;
    for (const [key, field] of entries) {
      const raw = value[key];
      if (raw === undefined) {
        if (key in value) present++;
        if (field.absent === 'required') {
          ok = false;
          if (problems === undefined) return undefined;
          fault(problems, child(path, key), 'required');
        } else if (field.absent !== 'omit') out[key] = field.absent.fallback;
        continue;
      }
      present++;
      const checked = field.check(raw, problems === undefined ? '' : child(path, key), problems);
      if (checked === undefined) {
        ok = false;
        if (problems === undefined) return undefined;
      } else out[key] = checked;
    }
    // Every own key was one of ours unless there are more keys than we read.
    let keys = 0;
    for (const _ in value) keys++;
    if (keys !== present) {
      ok = false;
      for (const key of Object.keys(value)) {
        if (!known.has(key)) fault(problems, child(path, key), 'unrecognized key');
      }
    }
    return ok ? (out as T) : undefined;
  };
}

const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** Run a check fast; if it refuses, run it again to name every fault. */
export function checkOrExplain<T>(
  check: Check<T>,
  value: unknown,
  path: () => string = () => '',
): { ok: true; value: T } | { ok: false; problems: string[] } {
  const fast = check(value, '');
  if (fast !== undefined) return { ok: true, value: fast };
  const problems: string[] = [];
  check(value, path(), problems);
  return { ok: false, problems };
}
