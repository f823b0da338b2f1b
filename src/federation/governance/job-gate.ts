import { z } from 'zod';
import type { Member } from '../collab-records.js';
import { Refusal } from '../refusal.js';
import { institutionId, memberEntities } from './member-entities.js';

// What the hub asks the policy engine before a job starts: may each data site contribute to
// it? One trainFederated (or runAnalytics) request per site, with the hub's own facts: the
// site's and the hub's members (their countries), what the contribution is (a model update or
// an aggregate, sent from the site's country to the hub's), and the job's privacy settings.

export const JobGateInput = z.strictObject({
  /** The job's id (the Job entity the requests name). */
  job: z.string().min(1).max(256),
  kind: z.enum(['train', 'analytics']),
  secureAggregation: z.boolean(),
  differentialPrivacy: z.boolean(),
  /**
   * People behind the smallest reported cell (analytics: required). Training does not know it
   * when a job starts; no rule reads it for training, so it defaults to 0 there.
   */
  cohortSize: z.number().int().min(0).optional(),
  /** Training compute in units of 1e18 operations (default 0). */
  exaOperations: z.number().int().min(0).optional(),
  /** The data sites taking part, by member name (default: every data site). */
  sites: z.array(z.string().min(1)).min(1).optional(),
});
export type JobGateInput = z.infer<typeof JobGateInput>;

/** Parse the hub's description of a job; a clear error naming each bad field. */
export function parseJobGateInput(input: unknown): JobGateInput {
  const parsed = JobGateInput.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'job'}: ${i.message}`);
    throw new Refusal(400, `invalid job for the policy gate: ${issues.join('; ')}`);
  }
  if (parsed.data.kind === 'analytics' && parsed.data.cohortSize === undefined) {
    throw new Refusal(400, 'invalid job for the policy gate: cohortSize: required for analytics');
  }
  return parsed.data;
}

/** The sites asked about: those named (each must be a data site), or every data site. */
export function gateSites(members: readonly Member[], input: JobGateInput): Member[] {
  const sites = members.filter((m) => m.roles.includes('site'));
  if (input.sites === undefined) return sites;
  return input.sites.map((name) => {
    const site = sites.find((m) => m.name === name);
    if (!site) throw new Refusal(400, `sites: ${name} is not a data site of the collaboration`);
    return site;
  });
}

/** One site's request: may it send its contribution to this job to the hub's country? */
export function siteRequest(
  collab: string,
  input: JobGateInput,
  site: Member,
  hub: Member,
): Record<string, unknown> {
  const training = input.kind === 'train';
  const entities = new Map<string, unknown>();
  for (const entity of [
    ...memberEntities(site, collab),
    ...memberEntities(hub, collab),
    {
      type: 'Job',
      id: input.job,
      attrs: { kind: input.kind },
      parents: [{ type: 'Collaboration', id: collab }],
    },
  ]) {
    const { type, id } = entity as { type: string; id: string };
    entities.set(`${type}/${id}`, entity);
  }
  return {
    principal: { type: 'Node', id: site.name },
    action: training ? 'trainFederated' : 'runAnalytics',
    resource: { type: 'Job', id: input.job },
    context: {
      owner: institutionId(site.name),
      collaboration: collab,
      privacy: {
        differentialPrivacy: input.differentialPrivacy,
        secureAggregation: input.secureAggregation,
        cohortSize: input.cohortSize ?? 0,
      },
      transfer: {
        payloadKind: training ? 'model-update' : 'aggregate',
        carriesPersonalInformation: false,
        originCountry: site.jurisdiction,
        destinationCountry: hub.jurisdiction,
        recipient: institutionId(hub.name),
        importantData: false,
      },
      ...(training ? { training: { exaOperations: input.exaOperations ?? 0 } } : {}),
    },
    entities: [...entities.values()],
    jurisdictions: [...new Set([site.jurisdiction, hub.jurisdiction])],
  };
}
