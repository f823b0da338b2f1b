/**
 * Validation of accountant and mechanism inputs: zod schemas whose first failure becomes a
 * PrivacyParameterError naming the field, the rule and the value that broke it.
 */
import { z } from 'zod';
import { PrivacyParameterError } from './errors.js';

const finite = (rule: string) => z.number({ error: `${rule}, a finite number` });

export const sampleRateSchema = finite('must be in [0, 1]')
  .min(0, 'must be in [0, 1]')
  .max(1, 'must be in [0, 1]');
export const noiseMultiplierSchema = finite('must be ≥ 0').min(0, 'must be ≥ 0');
export const stepsSchema = finite('must be a whole number ≥ 0')
  .int('must be a whole number ≥ 0')
  .min(0, 'must be a whole number ≥ 0');
export const deltaSchema = finite('must be in (0, 1)')
  .gt(0, 'must be in (0, 1)')
  .lt(1, 'must be in (0, 1)');
export const epsilonSchema = finite('must be > 0').gt(0, 'must be > 0');
export const positiveSchema = finite('must be > 0').gt(0, 'must be > 0');
export const ordersSchema = z
  .array(finite('must be > 1').gt(1, 'must be > 1'), { error: 'must be an array of orders' })
  .min(1, 'must list at least one order');

export const privacyStepSchema = z.object({
  sampleRate: sampleRateSchema,
  noiseMultiplier: noiseMultiplierSchema,
  steps: stepsSchema,
});
export type PrivacyStep = z.infer<typeof privacyStepSchema>;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Parses `input`, or throws a PrivacyParameterError such as "epsilon: sampleRate must be in [0, 1] (got 1.5)". */
export function parseParameters<T>(schema: z.ZodType<T>, input: unknown, context: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length > 0 ? path.map(String).join('.') : 'value';
  const got = valueAt(input, path);
  throw new PrivacyParameterError(
    `${context}: ${field} ${issue?.message ?? 'is invalid'} (got ${String(got)})`,
  );
}
