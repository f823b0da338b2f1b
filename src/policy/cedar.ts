/**
 * The only file that touches cedar-wasm. Every call is wrapped so that a throw inside the
 * binding (it throws on malformed calls instead of answering "failure") becomes a value.
 */
import {
  getCedarVersion,
  policySetTextToParts,
  policyToJson,
  preparsePolicySet,
  preparseSchema,
  schemaToJson,
  statefulIsAuthorized,
  validate,
  type AuthorizationAnswer,
  type CedarValueJson,
  type Context,
  type DetailedError,
  type EntityJson,
  type EntityUidJson,
  type PolicyJson,
  type SchemaJson,
} from '@cedar-policy/cedar-wasm/nodejs';

export type { CedarValueJson, Context, EntityJson, EntityUidJson, PolicyJson, SchemaJson };

export type CedarResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Cedar's diagnostic as one line: message, then help when Cedar offers some. */
export function describeCedarError(error: DetailedError): string {
  return error.help ? `${error.message} (${error.help})` : error.message;
}

function failure<T>(errors: DetailedError[]): CedarResult<T> {
  return { ok: false, errors: errors.map(describeCedarError) };
}

function thrown<T>(error: unknown): CedarResult<T> {
  return { ok: false, errors: [error instanceof Error ? error.message : String(error)] };
}

export function cedarVersion(): string {
  return getCedarVersion();
}

/** Split a pack's text into one text per policy (comments dropped, annotations kept). */
export function splitPolicies(
  text: string,
): CedarResult<{ policies: string[]; templates: string[] }> {
  try {
    const answer = policySetTextToParts(text);
    if (answer.type === 'failure') return failure(answer.errors);
    return { ok: true, value: { policies: answer.policies, templates: answer.policy_templates } };
  } catch (error) {
    return thrown(error);
  }
}

export function parsePolicy(text: string): CedarResult<PolicyJson> {
  try {
    const answer = policyToJson(text);
    return answer.type === 'failure' ? failure(answer.errors) : { ok: true, value: answer.json };
  } catch (error) {
    return thrown(error);
  }
}

export function parseSchema(text: string): CedarResult<SchemaJson<string>> {
  try {
    const answer = schemaToJson(text);
    return answer.type === 'failure' ? failure(answer.errors) : { ok: true, value: answer.json };
  } catch (error) {
    return thrown(error);
  }
}

/** Strict validation; each problem is prefixed with the id of the policy it is about. */
export function validateStrict(schema: string, policies: Record<string, string>): string[] {
  try {
    const answer = validate({
      schema,
      policies: { staticPolicies: policies },
      validationSettings: { mode: 'strict' },
    });
    if (answer.type === 'failure') return answer.errors.map(describeCedarError);
    return answer.validationErrors.map((e) => `${e.policyId}: ${describeCedarError(e.error)}`);
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

/** Parse once into Cedar's thread-local cache; later calls name it by `name`. */
export function cacheSchema(name: string, schema: string): string[] {
  try {
    const answer = preparseSchema(name, schema);
    return answer.type === 'failure' ? answer.errors.map(describeCedarError) : [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

export function cachePolicySet(id: string, policies: Record<string, string>): string[] {
  try {
    const answer = preparsePolicySet(id, { staticPolicies: policies });
    return answer.type === 'failure' ? answer.errors.map(describeCedarError) : [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

export interface CedarCall {
  principal: EntityUidJson;
  action: EntityUidJson;
  resource: EntityUidJson;
  context: Context;
  entities: EntityJson[];
}

export interface CedarAnswer {
  decision: 'allow' | 'deny';
  /** Policies that determined the decision: satisfied permits on allow, satisfied forbids on deny. */
  reason: string[];
  /** Policies that failed to evaluate (Cedar skips them; the engine fails closed). */
  errors: { policyId: string; message: string }[];
}

export function authorize(
  call: CedarCall,
  policySetId: string,
  schemaName: string,
): CedarResult<CedarAnswer> {
  let answer: AuthorizationAnswer;
  try {
    answer = statefulIsAuthorized({
      ...call,
      preparsedPolicySetId: policySetId,
      preparsedSchemaName: schemaName,
      validateRequest: true,
    });
  } catch (error) {
    return thrown(error);
  }
  if (answer.type === 'failure') return failure(answer.errors);
  const { decision, diagnostics } = answer.response;
  return {
    ok: true,
    value: {
      decision,
      reason: diagnostics.reason,
      errors: diagnostics.errors.map((e) => ({
        policyId: e.policyId,
        message: describeCedarError(e.error),
      })),
    },
  };
}
