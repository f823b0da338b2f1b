/**
 * A small world for policy tests: institutions in four jurisdictions, their nodes, four
 * collaborations, datasets, a model, a job and compute sites, plus request builders.
 */
import { loadPolicyEngine, type PolicyEngine } from '../../src/policy/index.js';

export const TODAY = '2025-06-01';

export function engineForTests(cacheSize = 0): PolicyEngine {
  return loadPolicyEngine(undefined, { today: () => TODAY, cacheSize, anyDate: true });
}

interface InstitutionFacts {
  country: string;
  headquartersCountry?: string;
  entityListed?: boolean;
  identityVerified?: boolean;
  dpfCertified?: boolean;
  criticalInformationInfrastructure?: boolean;
  member?: boolean;
}

const COLLABORATIONS = {
  heart: { domain: 'healthcare', trustLevel: 2 },
  'heart-l1': { domain: 'healthcare', trustLevel: 1 },
  'heart-l3': { domain: 'healthcare', trustLevel: 3 },
  air: { domain: 'environmental-protection', trustLevel: 1 },
  grid: { domain: 'clean-energy', trustLevel: 2 },
  weapons: { domain: 'defence', trustLevel: 3 },
} as const;
export type CollaborationId = keyof typeof COLLABORATIONS;
const ALL = Object.keys(COLLABORATIONS) as CollaborationId[];

const INSTITUTIONS: Record<string, InstitutionFacts> = {
  'hu-cardiology': { country: 'HU', identityVerified: true },
  cleveland: { country: 'US', identityVerified: true },
  'mayo-dpf': { country: 'US', identityVerified: true, dpfCertified: true },
  pumch: { country: 'CN', identityVerified: true },
  'cn-grid-ciio': {
    country: 'CN',
    identityVerified: true,
    criticalInformationInfrastructure: true,
  },
  'sg-sub-of-cn': { country: 'SG', headquartersCountry: 'CN', identityVerified: true },
  'macau-lab': { country: 'MO', identityVerified: true },
  'tokyo-univ': { country: 'JP', identityVerified: true },
  'sao-paulo': { country: 'BR', identityVerified: true },
  charite: { country: 'DE', identityVerified: true },
  'de-unverified': { country: 'DE', identityVerified: false },
  'listed-lab': { country: 'CN', entityListed: true, identityVerified: true },
  zurich: { country: 'CH', identityVerified: true },
  outsider: { country: 'US', identityVerified: true, member: false },
};
export type InstitutionId = keyof typeof INSTITUTIONS;

const DATASETS: Record<string, string> = {
  'hu-records': 'HU',
  'cn-records': 'CN',
  'us-records': 'US',
};
const SITES: Record<string, string> = { 'us-site': 'US', 'cn-site': 'CN', 'de-site': 'DE' };

const ref = (type: string, id: string) => ({ type, id });

/** Every entity of the world, as a request lists them. */
export function worldEntities(): Record<string, unknown>[] {
  const entities: Record<string, unknown>[] = [];
  for (const [id, attrs] of Object.entries(COLLABORATIONS)) {
    entities.push({ type: 'Collaboration', id, attrs });
  }
  for (const [id, facts] of Object.entries(INSTITUTIONS)) {
    const { member = true, headquartersCountry = facts.country, ...rest } = facts;
    entities.push({
      type: 'Institution',
      id,
      attrs: {
        entityListed: false,
        criticalInformationInfrastructure: false,
        ...rest,
        headquartersCountry,
      },
      parents: member ? ALL.map((c) => ref('Collaboration', c)) : [],
    });
    entities.push({
      type: 'Node',
      id: `${id}-node`,
      attrs: { country: facts.country },
      parents: [ref('Institution', id)],
    });
  }
  const inCollab = ALL.filter((c) => c !== 'air').map((c) => ref('Collaboration', c));
  for (const [id, originCountry] of Object.entries(DATASETS)) {
    entities.push({ type: 'Dataset', id, attrs: { originCountry }, parents: inCollab });
  }
  entities.push({
    type: 'Dataset',
    id: 'air-stations',
    attrs: { originCountry: 'CN' },
    parents: [ref('Collaboration', 'air')],
  });
  entities.push({ type: 'Model', id: 'heart-model', attrs: {}, parents: inCollab });
  entities.push({ type: 'Job', id: 'job-1', attrs: { kind: 'train' }, parents: inCollab });
  for (const [id, country] of Object.entries(SITES)) {
    entities.push({ type: 'ComputeSite', id, attrs: { country } });
  }
  return entities;
}

export function countryOf(institution: InstitutionId): string {
  const facts = INSTITUTIONS[institution];
  if (!facts) throw new Error(`no institution ${institution}`);
  return facts.country;
}

export interface Transfer {
  payloadKind?: string;
  carriesPersonalInformation?: boolean;
  originCountry?: string;
  destinationCountry?: string;
  recipient?: string;
  personalInformationSubjects?: number;
  sensitivePersonalInformationSubjects?: number;
  importantData?: boolean;
  cacSecurityAssessment?: boolean;
  cacStandardContract?: boolean;
  standardContractualClauses?: boolean;
}

interface Common {
  owner: InstitutionId;
  collaboration?: CollaborationId;
  /** Defaults to the owner's node. */
  principal?: { type: string; id: string };
  date?: string;
  jurisdictions?: string[];
}

function envelope(
  action: string,
  resource: { type: string; id: string },
  common: Common,
  context: object,
) {
  return {
    ...(common.date ? { date: common.date } : {}),
    principal: common.principal ?? ref('Node', `${common.owner}-node`),
    action,
    resource,
    context: { owner: common.owner, collaboration: common.collaboration ?? 'heart', ...context },
    entities: worldEntities(),
    jurisdictions: common.jurisdictions ?? [],
  };
}

/** A contribution from the owner's site to a hub in the US: a model update, no PI. */
export function transferOf(owner: InstitutionId, transfer: Transfer = {}) {
  return {
    payloadKind: 'model-update',
    carriesPersonalInformation: false,
    originCountry: countryOf(owner),
    destinationCountry: 'US',
    recipient: 'cleveland',
    importantData: false,
    ...transfer,
  };
}

const privacyOf = (
  p: Partial<{ differentialPrivacy: boolean; secureAggregation: boolean; cohortSize: number }>,
) => ({
  differentialPrivacy: true,
  secureAggregation: true,
  cohortSize: 100,
  ...p,
});

export const requests = {
  analytics: (
    c: Common & {
      privacy?: Parameters<typeof privacyOf>[0];
      transfer?: Transfer;
      dataset?: string;
    },
  ) =>
    envelope('runAnalytics', ref('Dataset', c.dataset ?? 'hu-records'), c, {
      privacy: privacyOf(c.privacy ?? {}),
      transfer: { ...transferOf(c.owner, { payloadKind: 'aggregate' }), ...c.transfer },
    }),
  train: (
    c: Common & {
      privacy?: Parameters<typeof privacyOf>[0];
      transfer?: Transfer;
      exaOperations?: number;
    },
  ) =>
    envelope('trainFederated', ref('Job', 'job-1'), c, {
      privacy: privacyOf(c.privacy ?? {}),
      transfer: transferOf(c.owner, c.transfer),
      training: { exaOperations: c.exaOperations ?? 10 },
    }),
  evaluate: (c: Common) =>
    envelope('evaluate', ref('Model', 'heart-model'), c, {
      privacy: privacyOf({}),
      transfer: transferOf(c.owner, { payloadKind: 'aggregate' }),
    }),
  release: (c: Common) =>
    envelope('releaseModel', ref('Model', 'heart-model'), c, {
      transfer: transferOf(c.owner, { payloadKind: 'aggregate', destinationCountry: 'ZZ' }),
    }),
  move: (c: Common & { dataset: string; transfer: Transfer }) =>
    envelope('moveData', ref('Dataset', c.dataset), c, {
      transfer: transferOf(c.owner, {
        payloadKind: 'raw-records',
        carriesPersonalInformation: true,
        ...c.transfer,
      }),
    }),
  place: (
    c: Common & {
      site: string;
      tpp: number;
      performanceDensity: number;
      exaOperations?: number;
      noticeFiled?: boolean;
    },
  ) =>
    envelope('placeWorkload', ref('ComputeSite', c.site), c, {
      accelerator: { model: 'gpu', tpp: c.tpp, performanceDensity: c.performanceDensity },
      training: {
        exaOperations: c.exaOperations ?? 10,
        governmentNoticeFiled: c.noticeFiled ?? false,
      },
    }),
  join: (c: Common) => envelope('join', ref('Collaboration', c.collaboration ?? 'heart'), c, {}),
  proposeJob: (c: Common) => envelope('proposeJob', ref('Job', 'job-1'), c, {}),
  raiseTrust: (
    c: Common & { proposedLevel: number; allMembersSigned: boolean; cleanRecord: boolean },
  ) =>
    envelope('raiseTrust', ref('Collaboration', c.collaboration ?? 'heart'), c, {
      proposedLevel: c.proposedLevel,
      allMembersSigned: c.allMembersSigned,
      cleanRecord: c.cleanRecord,
    }),
  changePolicy: (c: Common & { allMembersSigned: boolean }) =>
    envelope('changePolicy', ref('Collaboration', c.collaboration ?? 'heart'), c, {
      allMembersSigned: c.allMembersSigned,
    }),
};

/** The H100 SXM: TPP 15,832 (FP8 dense 1,979 x 8), die 814 mm^2. */
export const H100 = { tpp: 15_832, performanceDensity: 19.45 };
