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
import { PolicyError } from './errors.js';
import {
  anObject,
  checkOrExplain,
  fault,
  flag,
  integer,
  listOf,
  matching,
  number,
  oneOf,
  optional,
  refined,
  required,
  strictObject,
  text,
  withDefault,
  type Check,
  type Fields,
} from './json-checks.js';
import {
  COUNTRY_CODE_FORMAT,
  ISO_DATE_FORMAT,
  isCalendarDate,
  isCountryCode,
} from './pack-meta.js';

const Id = text(1, 256);
const Count = integer(0, Number.MAX_SAFE_INTEGER);
const CountryCode: Check<string> = (value, path, problems) =>
  typeof value === 'string' && isCountryCode(value)
    ? value
    : fault(problems, path, COUNTRY_CODE_FORMAT);
const IsoDate = refined(matching(ISO_DATE_FORMAT, 'a date as YYYY-MM-DD'), (date, report) => {
  if (!isCalendarDate(date)) report('', 'not a calendar date');
});

/** Only these payloads may be declared free of personal information (checked in Cedar too). */
export const NON_PERSONAL_PAYLOADS = ['model-update', 'aggregate'] as const;
export const PAYLOAD_KINDS = ['raw-records', 'derived-records', ...NON_PERSONAL_PAYLOADS] as const;

export interface Privacy {
  differentialPrivacy: boolean;
  secureAggregation: boolean;
  cohortSize: number;
}

export interface Transfer {
  payloadKind: (typeof PAYLOAD_KINDS)[number];
  carriesPersonalInformation: boolean;
  originCountry: string;
  destinationCountry: string;
  recipient: string;
  personalInformationSubjects: number;
  sensitivePersonalInformationSubjects: number;
  importantData: boolean;
  cacSecurityAssessment: boolean;
  cacStandardContract: boolean;
  standardContractualClauses: boolean;
}

export interface Accelerator {
  model: string;
  tpp: number;
  performanceDensity: number;
}

export interface Training {
  exaOperations: number;
  governmentNoticeFiled: boolean;
}

const Privacy = strictObject<Privacy>({
  differentialPrivacy: required(flag),
  secureAggregation: required(flag),
  cohortSize: required(Count),
});

const TransferFields = strictObject<Transfer>({
  payloadKind: required(oneOf(PAYLOAD_KINDS)),
  carriesPersonalInformation: required(flag),
  originCountry: required(CountryCode),
  destinationCountry: required(CountryCode),
  recipient: required(Id),
  // Zero when no personal information is carried; required (checked below) when some is.
  personalInformationSubjects: withDefault(Count, 0),
  sensitivePersonalInformationSubjects: withDefault(Count, 0),
  importantData: required(flag),
  // Mechanisms default to "not in place": the conservative reading of silence.
  cacSecurityAssessment: withDefault(flag, false),
  cacStandardContract: withDefault(flag, false),
  standardContractualClauses: withDefault(flag, false),
});

const PEOPLE = ['personalInformationSubjects', 'sensitivePersonalInformationSubjects'] as const;

const Transfer: Check<Transfer> = (value, path, problems) => {
  const transfer = TransferFields(value, path, problems);
  if (transfer === undefined || !transfer.carriesPersonalInformation) return transfer;
  const given = value as Record<string, unknown>; // an object: TransferFields accepted it
  let ok = true;
  for (const key of PEOPLE) {
    if (given[key] === undefined) {
      ok = false;
      fault(
        problems,
        `${path}.${key}`,
        'required when carriesPersonalInformation is true (people since 1 January)',
      );
    }
  }
  return ok ? transfer : undefined;
};

const Accelerator = strictObject<Accelerator>({
  model: required(text(1, Number.MAX_SAFE_INTEGER)),
  tpp: required(Count),
  performanceDensity: required(
    refined(number(0, 1_000_000), (n, report) => {
      if (Number(n.toFixed(4)) !== n) report('', 'at most 4 decimal places (Cedar decimal)');
    }),
  ),
});

const Training = strictObject<Training>({
  exaOperations: required(Count),
  governmentNoticeFiled: withDefault(flag, false),
});

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

type Sections<K extends keyof RequestContext> = Fields<Required<Pick<RequestContext, K>>>;
const base: Sections<'owner' | 'collaboration'> = {
  owner: required(Id),
  collaboration: required(Id),
};
const privacy = { privacy: required(Privacy) };
const transfer = { transfer: required(Transfer) };
const training = { training: required(Training) };
const signed = { allMembersSigned: required(flag) };

/** Each action's context: exactly these sections, each checked field by field. */
const CONTEXTS = {
  join: context(base),
  proposeJob: context(base),
  runAnalytics: context({ ...base, ...privacy, ...transfer }),
  trainFederated: context({ ...base, ...privacy, ...transfer, ...training }),
  evaluate: context({ ...base, ...privacy, ...transfer }),
  releaseModel: context({ ...base, ...transfer }),
  placeWorkload: context({ ...base, accelerator: required(Accelerator), ...training }),
  moveData: context({ ...base, ...transfer }),
  raiseTrust: context({
    ...base,
    ...signed,
    proposedLevel: required(integer(1, 3)),
    cleanRecord: required(flag),
  }),
  changePolicy: context({ ...base, ...signed }),
} as const;

/** A context check from some of RequestContext's sections (those left out are refused). */
function context(fields: Partial<Fields<RequestContext>>): Check<RequestContext> {
  return strictObject<RequestContext>(fields as Fields<RequestContext>);
}

export type PolicyAction = keyof typeof CONTEXTS;
export const ACTIONS = Object.keys(CONTEXTS) as PolicyAction[];

type Attrs = Record<string, string | number | boolean>;
const attrs = (fields: Record<string, Field>): Check<Attrs> =>
  strictObject<Attrs>(fields as Fields<Attrs>);
type Field = Fields<Attrs>[string];

/** Attributes of each entity type, as the schema declares them (defaults are conservative). */
const ENTITY_ATTRS = {
  Collaboration: attrs({
    domain: required(text(1, Number.MAX_SAFE_INTEGER)),
    trustLevel: required(integer(1, 3)),
  }),
  Institution: attrs({
    country: required(CountryCode),
    headquartersCountry: required(CountryCode),
    entityListed: required(flag),
    identityVerified: withDefault(flag, false),
    dpfCertified: withDefault(flag, false),
    criticalInformationInfrastructure: required(flag),
  }),
  Node: attrs({ country: required(CountryCode) }),
  Dataset: attrs({ originCountry: required(CountryCode) }),
  Model: attrs({}),
  Job: attrs({ kind: required(text(1, Number.MAX_SAFE_INTEGER)) }),
  ComputeSite: attrs({ country: required(CountryCode) }),
} as const;

export type EntityType = keyof typeof ENTITY_ATTRS;
const ENTITY_TYPES = Object.keys(ENTITY_ATTRS) as EntityType[];

export interface EntityRef {
  type: EntityType;
  id: string;
}
const EntityRef = strictObject<EntityRef>({
  type: required(oneOf(ENTITY_TYPES)),
  id: required(Id),
});

export interface RequestEntity {
  type: EntityType;
  id: string;
  attrs: Attrs;
  parents: EntityRef[];
}

/** An entity as listed; its attributes are checked against its type afterwards. */
const Entity = strictObject<Omit<RequestEntity, 'attrs'> & { attrs: Record<string, unknown> }>({
  type: required(oneOf(ENTITY_TYPES)),
  id: required(Id),
  attrs: required(anObject),
  parents: withDefault(listOf(EntityRef, 10_000), []),
});

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

interface Envelope {
  date?: string;
  principal: PolicyRequest['principal'];
  action: string;
  resource: EntityRef;
  context: Record<string, unknown>;
  entities: (Omit<RequestEntity, 'attrs'> & { attrs: Record<string, unknown> })[];
  jurisdictions: string[];
}

const Envelope = strictObject<Envelope>({
  date: optional(IsoDate),
  principal: required(
    strictObject<PolicyRequest['principal']>({
      type: required(oneOf(['Node', 'Institution'] as const)),
      id: required(Id),
    }),
  ),
  action: required(text(1, Number.MAX_SAFE_INTEGER)),
  resource: required(EntityRef),
  context: required(anObject),
  entities: required(listOf(Entity, 10_000)),
  jurisdictions: withDefault(listOf(CountryCode, 10_000), []),
});

function isAction(name: string): name is PolicyAction {
  return Object.hasOwn(CONTEXTS, name);
}

/** Validate and normalise a request; throws PolicyError naming every bad field. */
export function parsePolicyRequest(input: unknown, today: string): PolicyRequest {
  const envelope = checkOrExplain(Envelope, input);
  if (!envelope.ok) {
    throw new PolicyError(
      'malformed-request',
      'the policy request is malformed',
      envelope.problems,
    );
  }
  const { action } = envelope.value;
  if (!isAction(action)) {
    throw new PolicyError('unknown-action', `unknown action "${action}"`, [
      `action: must be one of ${ACTIONS.join(', ')}`,
    ]);
  }
  const problems: string[] = [];
  const context = checkOrExplain(CONTEXTS[action], envelope.value.context, () => 'context');
  if (!context.ok) problems.push(...context.problems);
  const entities: RequestEntity[] = [];
  envelope.value.entities.forEach((entity, index) => {
    const checked = checkOrExplain(
      ENTITY_ATTRS[entity.type],
      entity.attrs,
      () => `entities.${index}.attrs`,
    );
    if (!checked.ok) problems.push(...checked.problems);
    else entities.push({ ...entity, attrs: checked.value });
  });
  if (problems.length > 0 || !context.ok) {
    throw new PolicyError('malformed-request', `the ${action} request is malformed`, problems);
  }
  return {
    date: envelope.value.date ?? today,
    principal: envelope.value.principal,
    action,
    resource: envelope.value.resource,
    context: context.value,
    entities,
    jurisdictions: [...new Set(envelope.value.jurisdictions)].sort(),
  };
}
