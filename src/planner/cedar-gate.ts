/**
 * The planner's gate through the Cedar policy engine: where a workload's data may go stays its
 * owner's declaration (personal data at home, `mayMoveTo`), as in the built-in gate, unless the
 * workload declares what would move (`data.payload`, e.g. model updates): then each move from
 * an origin country to the site's country is a `moveData` request that states whether it
 * carries personal information, and the packs decide. Whether the workload may run on a site's
 * accelerators is decided by the packs in force, as a `placeWorkload` request: the consortium
 * pack and the packs of every country it touches (the owner's headquarters, the site's country).
 * A refusal names the pack and policy that decided.
 */
import type { PolicyEngine } from '../policy/index.js';
import { acceleratorsFor, eccn3a090, residencyDecision } from './builtin-gate.js';
import { ALLOWED, type GateDecision, type PolicyGate, type Refusal } from './policy-gate.js';
import type { AcceleratorSpec, Site } from './sites.js';
import type { PayloadKind, Workload } from './workloads.js';

export interface CedarGateOptions {
  /** The collaboration the planned work belongs to, and its safe-zone domain and trust level. */
  collaboration?: { id: string; domain: string; trustLevel: number };
}

const DEFAULT_COLLABORATION = { id: 'planning', domain: 'healthcare', trustLevel: 2 };

type Decided = ReturnType<PolicyEngine['decide']>;

/** The engine's answer as the planner reports it; `subject` prefixes the reason. */
function gateDecision({ decision, deciding, error }: Decided, subject: string): GateDecision {
  if (decision === 'allow') return ALLOWED;
  const refusal: Refusal = {
    allowed: false,
    pack: deciding?.pack ?? 'policy engine',
    // Cedar ids carry their pack ("us/eccn-…"); reports print pack and policy apart.
    policyId: deciding ? deciding.policyId.replace(`${deciding.pack}/`, '') : 'default-deny',
    reason: deciding
      ? `${subject}: ${deciding.reason}`
      : `${subject}: ${error?.message ?? 'refused'}${error?.details.length ? ` (${error.details.join('; ')})` : ''}`,
  };
  return refusal;
}

export function cedarPolicyGate(engine: PolicyEngine, options: CedarGateOptions = {}): PolicyGate {
  const collab = options.collaboration ?? DEFAULT_COLLABORATION;
  const ownerOf = (workload: Workload) =>
    workload.owner.id ?? `owner-${workload.owner.headquarters}`;
  const collaborationEntity = {
    type: 'Collaboration',
    id: collab.id,
    attrs: { domain: collab.domain, trustLevel: collab.trustLevel },
  };
  const ownerEntity = (workload: Workload) => ({
    type: 'Institution',
    id: ownerOf(workload),
    attrs: {
      country: workload.owner.headquarters,
      headquartersCountry: workload.owner.headquarters,
      entityListed: false,
      // Customer identification is the hub's check on a real request; planning assumes it.
      identityVerified: true,
      criticalInformationInfrastructure: false,
    },
    parents: [{ type: 'Collaboration', id: collab.id }],
  });
  // Equal questions get the same answer: one decision per (owner, accelerator, site country)
  // and per (owner, payload, origin, destination).
  const decided = new Map<string, GateDecision>();
  /** Non-personal data of a declared kind moving from `origin` to the site's country. */
  const move = (
    workload: Workload,
    payload: PayloadKind,
    origin: string,
    site: Site,
  ): GateDecision => {
    const owner = ownerOf(workload);
    const key = ['move', owner, workload.owner.headquarters, payload, origin, site.country].join(
      '|',
    );
    const known = decided.get(key);
    if (known) return known;
    const dataset = `${payload}@${origin}`;
    const answer = gateDecision(
      engine.decide({
        principal: { type: 'Institution', id: owner },
        action: 'moveData',
        resource: { type: 'Dataset', id: dataset },
        context: {
          owner,
          collaboration: collab.id,
          transfer: {
            payloadKind: payload,
            // Stated, never assumed (personal data never gets here: it stays home). The
            // consortium pack lets only model updates and aggregates say they carry none; the
            // CN and EU packs then see no transfer of personal information.
            carriesPersonalInformation: false,
            originCountry: origin,
            destinationCountry: site.country,
            recipient: owner,
            importantData: false,
          },
        },
        entities: [
          collaborationEntity,
          ownerEntity(workload),
          {
            type: 'Dataset',
            id: dataset,
            attrs: { originCountry: origin },
            parents: [{ type: 'Collaboration', id: collab.id }],
          },
        ],
        jurisdictions: [],
      }),
      `${payload} from ${origin} to ${site.country}`,
    );
    decided.set(key, answer);
    return answer;
  };
  const place = (workload: Workload, site: Site, accelerator: AcceleratorSpec): GateDecision => {
    const owner = ownerOf(workload);
    const key = [
      owner,
      workload.owner.headquarters,
      site.country,
      accelerator.model,
      accelerator.tpp,
      accelerator.performanceDensity,
    ].join('|');
    const known = decided.get(key);
    if (known) return known;
    const answer = gateDecision(
      engine.decide({
        principal: { type: 'Institution', id: owner },
        action: 'placeWorkload',
        resource: { type: 'ComputeSite', id: site.id },
        context: {
          owner,
          collaboration: collab.id,
          accelerator: {
            model: accelerator.model,
            tpp: Math.round(accelerator.tpp),
            performanceDensity: Number(accelerator.performanceDensity.toFixed(4)),
          },
          training: { exaOperations: 0 },
        },
        entities: [
          collaborationEntity,
          ownerEntity(workload),
          { type: 'ComputeSite', id: site.id, attrs: { country: site.country } },
        ],
        // US export controls follow the item: an accelerator of a 3A090 class brings the US pack
        // in wherever it stands (the built-in gate's classification; the pack decides).
        jurisdictions: eccn3a090(accelerator) ? ['US'] : [],
      }),
      accelerator.model,
    );
    decided.set(key, answer);
    return answer;
  };
  return {
    name: `Cedar packs (${engine
      .packs()
      .map((p) => `${p.name} ${p.version}`)
      .join(', ')})`,
    allowed(workload, site) {
      const { data } = workload;
      if (data.personal || data.payload === undefined) {
        const residency = residencyDecision(workload, site);
        if (!residency.allowed) return residency;
      } else {
        for (const origin of data.origins ?? [data.country]) {
          const decision = move(workload, data.payload, origin, site);
          if (!decision.allowed) return decision;
        }
      }
      for (const accelerator of acceleratorsFor(workload, site)) {
        const decision = place(workload, site, accelerator);
        if (!decision.allowed) return decision;
      }
      return ALLOWED;
    },
  };
}
