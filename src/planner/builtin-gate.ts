/**
 * A built-in PolicyGate with two simplified public rules, so the planner works without the
 * Cedar engine. Illustrative, not legal advice.
 *
 * - Data residency (pack: the data's country): personal data stays at its own site; other data
 *   stays in its country unless `data.mayMoveTo` lists the site's country.
 * - ECCN 3A090 (pack "US"; BIS IFR 88 FR 73458): an accelerator with TPP ≥ 4800, or TPP ≥ 1600
 *   and performance density ≥ 5.92, is refused to an owner headquartered in a Country Group D:5
 *   country or Macau. The planner does not pin chips inside a site, so a site is refused when any
 *   of its accelerators that meet the workload's needs is controlled; list controlled and
 *   uncontrolled pools as separate sites to offer the latter.
 */
import { ALLOWED, type GateDecision, type PolicyGate, type Refusal } from './policy-gate.js';
import type { AcceleratorSpec, Site } from './sites.js';
import type { Workload } from './workloads.js';

/**
 * 15 CFR 740 Supp. 1 Country Group D:5 (US arms embargo), alpha-2, as understood in 2024
 * [uncertain: check the current supplement; membership changes by rule].
 */
export const COUNTRY_GROUP_D5: ReadonlySet<string> = new Set(
  'AF BY CD CF CN CU ER HT IQ IR KP LB LY MM RU SD SO SS SY VE ZW'.split(' '),
);
/** The 3A090 headquarters rule names Macau beside D:5. */
export const MACAU = 'MO';

export type Eccn3a090Class = '3A090.a.1' | '3A090.a.2' | undefined;

/** The licence-requiring 3A090.a class of an accelerator, if any (REFERENCES §2.2). */
export function eccn3a090(accelerator: AcceleratorSpec): Eccn3a090Class {
  if (accelerator.tpp >= 4800) return '3A090.a.1';
  if (accelerator.tpp >= 1600 && accelerator.performanceDensity >= 5.92) return '3A090.a.2';
  return undefined;
}

/** Accelerators at the site that meet the workload's needs (all of them if none does). */
function usableAccelerators(workload: Workload, site: Site): AcceleratorSpec[] {
  const fit = site.accelerators.filter(
    (a) => a.tpp >= workload.minTpp && a.memoryGiB >= workload.minMemoryGiB,
  );
  return fit.length > 0 ? fit : site.accelerators;
}

/**
 * What the rules need to know about one workload, worked out once: the planner asks about
 * thousands of sites per workload, and equal refusals are returned as the same object.
 */
interface WorkloadFacts {
  restrictedOwner: boolean;
  allowedCountries: ReadonlySet<string>;
  /** Refusals made so far, by site country (residency) or accelerator (export control). */
  residencyRefusals: Map<string, Refusal>;
  exportRefusals: Map<AcceleratorSpec, Refusal>;
  personalRefusal?: Refusal;
}

const factsOf = new WeakMap<Workload, WorkloadFacts>();

function facts(workload: Workload): WorkloadFacts {
  let f = factsOf.get(workload);
  if (f === undefined) {
    const hq = workload.owner.headquarters;
    f = {
      restrictedOwner: COUNTRY_GROUP_D5.has(hq) || hq === MACAU,
      allowedCountries: new Set([workload.data.country, ...workload.data.mayMoveTo]),
      residencyRefusals: new Map(),
      exportRefusals: new Map(),
    };
    factsOf.set(workload, f);
  }
  return f;
}

function residency(workload: Workload, site: Site, f: WorkloadFacts): GateDecision {
  const { data } = workload;
  if (data.personal) {
    const home = data.site === undefined ? site.country === data.country : site.id === data.site;
    if (home) return ALLOWED;
    f.personalRefusal ??= {
      allowed: false,
      pack: data.country,
      policyId: 'personal-data-stays-local',
      reason: `personal data at ${data.site ?? data.country} is processed only where it lives`,
    };
    return f.personalRefusal;
  }
  if (f.allowedCountries.has(site.country)) return ALLOWED;
  let refusal = f.residencyRefusals.get(site.country);
  if (refusal === undefined) {
    const listed = data.mayMoveTo.length > 0 ? data.mayMoveTo.join(', ') : 'none';
    refusal = {
      allowed: false,
      pack: data.country,
      policyId: 'data-residency',
      reason: `data from ${data.country} may not move to ${site.country} (mayMoveTo: ${listed})`,
    };
    f.residencyRefusals.set(site.country, refusal);
  }
  return refusal;
}

function exportControl(workload: Workload, site: Site, f: WorkloadFacts): GateDecision {
  if (!f.restrictedOwner) return ALLOWED;
  const hq = workload.owner.headquarters;
  for (const accelerator of usableAccelerators(workload, site)) {
    const eccn = eccn3a090(accelerator);
    if (eccn === undefined) continue;
    let refusal = f.exportRefusals.get(accelerator);
    if (refusal === undefined) {
      const group = hq === MACAU ? 'Macau' : 'D:5';
      refusal = {
        allowed: false,
        pack: 'US',
        policyId: 'eccn-3a090',
        reason: `${accelerator.model} (TPP ${accelerator.tpp}, PD ${accelerator.performanceDensity}) is ${eccn}; owner headquartered in ${hq} (${group})`,
      };
      f.exportRefusals.set(accelerator, refusal);
    }
    return refusal;
  }
  return ALLOWED;
}

/** The data owner's own declaration (personal data stays home; mayMoveTo), as a gate step. */
export function residencyDecision(workload: Workload, site: Site): GateDecision {
  return residency(workload, site, facts(workload));
}

/** Accelerators at the site that meet the workload's needs (all of them if none does). */
export function acceleratorsFor(workload: Workload, site: Site): AcceleratorSpec[] {
  return usableAccelerators(workload, site);
}

/** Residency first, then export control; the first refusal decides. */
export const builtinPolicyGate: PolicyGate = {
  name: 'built-in (data residency, ECCN 3A090)',
  allowed(workload, site) {
    const f = facts(workload);
    const decision = residency(workload, site, f);
    return decision.allowed ? exportControl(workload, site, f) : decision;
  },
};
