/**
 * The request format: what `converge policy check REQUEST.json` reads, what the hub asks,
 * and what the ledger records (after normalisation, so a replay sees every default filled):
 *
 *   {
 *     "date": "2025-06-01",                      // default today (UTC); others only for what-if
 *     "principal": { "type": "Node", "id": "pumch-node" },   // Node or Institution
 *     "action": "trainFederated",                 // one of ACTIONS
 *     "resource": { "type": "Job", "id": "job-7" },
 *     "context": { "owner": "pumch", "collaboration": "heart", ... },   // sections per action
 *     "entities": [ { "type": "Institution", "id": "pumch", "attrs": { ... },
 *                     "parents": [ { "type": "Collaboration", "id": "heart" } ] }, ... ],
 *     "jurisdictions": ["CN", "US"]               // countries of the members involved
 *   }
 *
 * Context sections, by action: see CONTEXTS below and policies/README.md. Ids inside the
 * context (owner, collaboration, transfer.recipient) name entities listed in `entities`.
 */
import { z } from 'zod';

import { PolicyError } from './errors.js';
import { CountryCode, describeIssues, IsoDate } from './pack-meta.js';

const Id = z.string().min(1).max(256);
const Count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Only these payloads may be declared free of personal information (checked in Cedar too). */
export const NON_PERSONAL_PAYLOADS = ['model-update', 'aggregate'] as const;
export const PAYLOAD_KINDS = ['raw-records', 'derived-records', ...NON_PERSONAL_PAYLOADS] as const;

const Privacy = z.strictObject({
  differentialPrivacy: z.boolean(),
  secureAggregation: z.boolean(),
  cohortSize: Count,
});

const Transfer = z
  .strictObject({
    payloadKind: z.enum(PAYLOAD_KINDS),
    carriesPersonalInformation: z.boolean(),
    originCountry: CountryCode,
    destinationCountry: CountryCode,
    recipient: Id,
    personalInformationSubjects: Count.optional(),
    sensitivePersonalInformationSubjects: Count.optional(),
    importantData: z.boolean(),
    // Mechanisms default to "not in place": the conservative reading of silence.
    cacSecurityAssessment: z.boolean().default(false),
    cacStandardContract: z.boolean().default(false),
    standardContractualClauses: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    if (!t.carriesPersonalInformation) return;
    for (const key of ['personalInformationSubjects', 'sensitivePersonalInformationSubjects']) {
      if (t[key as keyof typeof t] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'required when carriesPersonalInformation is true (people since 1 January)',
        });
      }
    }
  })
  .transform((t) => ({
    ...t,
    personalInformationSubjects: t.personalInformationSubjects ?? 0,
    sensitivePersonalInformationSubjects: t.sensitivePersonalInformationSubjects ?? 0,
  }));

const Accelerator = z.strictObject({
  model: z.string().min(1),
  tpp: Count,
  performanceDensity: z
    .number()
    .min(0)
    .max(1_000_000)
    .refine((n) => Number(n.toFixed(4)) === n, 'at most 4 decimal places (Cedar decimal)'),
});

const Training = z.strictObject({
  exaOperations: Count,
  governmentNoticeFiled: z.boolean().default(false),
});

const base = { owner: Id, collaboration: Id };
const signed = { allMembersSigned: z.boolean() };

/** Each action's context: exactly these sections, each checked field by field. */
const CONTEXTS = {
  join: z.strictObject(base),
  proposeJob: z.strictObject(base),
  runAnalytics: z.strictObject({ ...base, privacy: Privacy, transfer: Transfer }),
  trainFederated: z.strictObject({
    ...base,
    privacy: Privacy,
    transfer: Transfer,
    training: Training,
  }),
  evaluate: z.strictObject({ ...base, privacy: Privacy, transfer: Transfer }),
  releaseModel: z.strictObject({ ...base, transfer: Transfer }),
  placeWorkload: z.strictObject({ ...base, accelerator: Accelerator, training: Training }),
  moveData: z.strictObject({ ...base, transfer: Transfer }),
  raiseTrust: z.strictObject({
    ...base,
    ...signed,
    proposedLevel: z.number().int().min(1).max(3),
    cleanRecord: z.boolean(),
  }),
  changePolicy: z.strictObject({ ...base, ...signed }),
} as const;

export type PolicyAction = keyof typeof CONTEXTS;
export const ACTIONS = Object.keys(CONTEXTS) as PolicyAction[];

/** Attributes of each entity type, as the schema declares them (defaults are conservative). */
const ENTITY_ATTRS = {
  Collaboration: z.strictObject({
    domain: z.string().min(1),
    trustLevel: z.number().int().min(1).max(3),
  }),
  Institution: z.strictObject({
    country: CountryCode,
    headquartersCountry: CountryCode,
    entityListed: z.boolean(),
    identityVerified: z.boolean().default(false),
    dpfCertified: z.boolean().default(false),
    criticalInformationInfrastructure: z.boolean(),
  }),
  Node: z.strictObject({ country: CountryCode }),
  Dataset: z.strictObject({ originCountry: CountryCode }),
  Model: z.strictObject({}),
  Job: z.strictObject({ kind: z.string().min(1) }),
  ComputeSite: z.strictObject({ country: CountryCode }),
} as const;

export type EntityType = keyof typeof ENTITY_ATTRS;
const EntityTypeName = z.enum(Object.keys(ENTITY_ATTRS) as [EntityType, ...EntityType[]]);

const EntityRef = z.strictObject({ type: EntityTypeName, id: Id });
export type EntityRef = z.infer<typeof EntityRef>;

const Entity = z.strictObject({
  type: EntityTypeName,
  id: Id,
  attrs: z.record(z.string(), z.unknown()),
  parents: z.array(EntityRef).default([]),
});

const Envelope = z.strictObject({
  date: IsoDate.optional(),
  principal: z.strictObject({ type: z.enum(['Node', 'Institution']), id: Id }),
  action: z.string().min(1),
  resource: EntityRef,
  context: z.record(z.string(), z.unknown()),
  entities: z.array(Entity).max(10_000),
  jurisdictions: z.array(CountryCode).default([]),
});

export type Privacy = z.infer<typeof Privacy>;
export type Transfer = z.output<typeof Transfer>;
export type Accelerator = z.infer<typeof Accelerator>;
export type Training = z.output<typeof Training>;

/** Every context section any action may carry; each action carries exactly its own. */
export interface RequestContext {
  owner: string;
  collaboration: string;
  privacy?: Privacy;
  transfer?: Transfer;
  training?: Training;
  accelerator?: Accelerator;
  proposedLevel?: number;
  allMembersSigned?: boolean;
  cleanRecord?: boolean;
}

export interface RequestEntity {
  type: EntityType;
  id: string;
  attrs: Record<string, string | number | boolean>;
  parents: EntityRef[];
}

/** A request after validation: explicit date, defaults filled. This is what gets logged. */
export interface PolicyRequest {
  date: string;
  principal: { type: 'Node' | 'Institution'; id: string };
  action: PolicyAction;
  resource: EntityRef;
  context: RequestContext;
  entities: RequestEntity[];
  jurisdictions: string[];
}

function isAction(name: string): name is PolicyAction {
  return Object.hasOwn(CONTEXTS, name);
}

/** Validate and normalise a request; throws PolicyError naming every bad field. */
export function parsePolicyRequest(input: unknown, today: string): PolicyRequest {
  const envelope = Envelope.safeParse(input);
  if (!envelope.success) {
    throw new PolicyError(
      'malformed-request',
      'the policy request is malformed',
      describeIssues(envelope.error),
    );
  }
  const { action } = envelope.data;
  if (!isAction(action)) {
    throw new PolicyError('unknown-action', `unknown action "${action}"`, [
      `action: must be one of ${ACTIONS.join(', ')}`,
    ]);
  }
  const problems: string[] = [];
  const context = CONTEXTS[action].safeParse(envelope.data.context);
  if (!context.success) problems.push(...describeIssues(context.error, 'context'));
  const entities: RequestEntity[] = [];
  envelope.data.entities.forEach((entity, index) => {
    const attrs = ENTITY_ATTRS[entity.type].safeParse(entity.attrs);
    if (!attrs.success) problems.push(...describeIssues(attrs.error, `entities.${index}.attrs`));
    else entities.push({ ...entity, attrs: attrs.data });
  });
  if (problems.length > 0 || !context.success) {
    throw new PolicyError('malformed-request', `the ${action} request is malformed`, problems);
  }
  return {
    date: envelope.data.date ?? today,
    principal: envelope.data.principal,
    action,
    resource: envelope.data.resource,
    context: context.data,
    entities,
    jurisdictions: [...new Set(envelope.data.jurisdictions)].sort(),
  };
}
