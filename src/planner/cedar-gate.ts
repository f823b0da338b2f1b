/**
 * The planner's gate through the Cedar policy engine: where a workload's data may go stays its
 * owner's declaration (personal data at home, `mayMoveTo`), as in the built-in gate; whether
 * the workload may run on a site's accelerators is decided by the packs in force, as a
 * `placeWorkload` request: the consortium pack and the packs of every country it touches (the
 * owner's headquarters, the site's country). A refusal names the pack and policy that decided.
 */
import type { PolicyEngine } from '../policy/index.js';
import { acceleratorsFor, eccn3a090, residencyDecision } from './builtin-gate.js';
import { ALLOWED, type GateDecision, type PolicyGate } from './policy-gate.js';
import type { AcceleratorSpec, Site } from './sites.js';
import type { Workload } from './workloads.js';

export interface CedarGateOptions {
  /** The collaboration the planned work belongs to, and its safe-zone domain and trust level. */
  collaboration?: { id: string; domain: string; trustLevel: number };
}

const DEFAULT_COLLABORATION = { id: 'planning', domain: 'healthcare', trustLevel: 2 };

export function cedarPolicyGate(engine: PolicyEngine, options: CedarGateOptions = {}): PolicyGate {
  const collab = options.collaboration ?? DEFAULT_COLLABORATION;
  // Equal questions get the same answer: one decision per (owner, accelerator, site country).
  const decided = new Map<string, GateDecision>();
  const place = (workload: Workload, site: Site, accelerator: AcceleratorSpec): GateDecision => {
    const owner = workload.owner.id ?? `owner-${workload.owner.headquarters}`;
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
    const { decision, deciding, error } = engine.decide({
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
        {
          type: 'Collaboration',
          id: collab.id,
          attrs: { domain: collab.domain, trustLevel: collab.trustLevel },
        },
        {
          type: 'Institution',
          id: owner,
          attrs: {
            country: workload.owner.headquarters,
            headquartersCountry: workload.owner.headquarters,
            entityListed: false,
            // Customer identification is the hub's check on a real request; planning assumes it.
            identityVerified: true,
            criticalInformationInfrastructure: false,
          },
          parents: [{ type: 'Collaboration', id: collab.id }],
        },
        { type: 'ComputeSite', id: site.id, attrs: { country: site.country } },
      ],
      // US export controls follow the item: an accelerator of a 3A090 class brings the US pack
      // in wherever it stands (the built-in gate's classification; the pack decides).
      jurisdictions: eccn3a090(accelerator) ? ['US'] : [],
    });
    const answer: GateDecision =
      decision === 'allow'
        ? ALLOWED
        : {
            allowed: false,
            pack: deciding?.pack ?? 'policy engine',
            // Cedar ids carry their pack ("us/eccn-…"); reports print pack and policy apart.
            policyId: deciding
              ? deciding.policyId.replace(`${deciding.pack}/`, '')
              : 'default-deny',
            reason: deciding
              ? `${accelerator.model}: ${deciding.reason}`
              : `${accelerator.model}: ${error?.message ?? 'refused'}${error?.details.length ? ` (${error.details.join('; ')})` : ''}`,
          };
    decided.set(key, answer);
    return answer;
  };
  return {
    name: `Cedar packs (${engine
      .packs()
      .map((p) => `${p.name} ${p.version}`)
      .join(', ')})`,
    allowed(workload, site) {
      const residency = residencyDecision(workload, site);
      if (!residency.allowed) return residency;
      for (const accelerator of acceleratorsFor(workload, site)) {
        const decision = place(workload, site, accelerator);
        if (!decision.allowed) return decision;
      }
      return ALLOWED;
    },
  };
}
