/**
 * One SecAgg+ round in memory, every site contributing: how the hub and the sites will run an
 * analytics query once the federation wires it (no dropouts here; src/privacy tests those).
 */
import { randomBytes } from 'node:crypto';
import {
  SecAggHub,
  SecAggSite,
  planNeighbourhood,
  type AggregateResult,
} from '../../../src/privacy/index.js';
import { encodeForSecAgg, type QueryPlan } from '../../../src/analytics/index.js';

export function secureSum(
  plan: QueryPlan,
  contributions: ReadonlyMap<string, Float64Array>,
  round = `analytics-${randomBytes(4).toString('hex')}`,
): AggregateResult {
  const sites = [...contributions.keys()];
  const { neighbours, threshold } = planNeighbourhood({ sites: sites.length, dropoutRate: 0 });
  const config = {
    round,
    sites,
    neighbours,
    threshold,
    graphSeed: new Uint8Array(randomBytes(32)),
    vectorLength: plan.vectorLength,
    quantization: plan.encoding.quantization,
  };
  const hub = new SecAggHub(config);
  const parties = new Map(sites.map((s) => [s, new SecAggSite(config, s)]));
  for (const site of parties.values()) hub.receive(site.advertise());
  for (const req of hub.closeAdvertise()) hub.receive(parties.get(req.site)!.shareKeys(req));
  for (const req of hub.closeShareKeys()) {
    const encoded = encodeForSecAgg(contributions.get(req.site)!, plan.encoding);
    hub.receive(
      parties.get(req.site)!.maskInput(req, encoded, plan.encoding.quantization.maxWeight),
    );
  }
  for (const req of hub.closeMaskedInput()) hub.receive(parties.get(req.site)!.unmask(req));
  return hub.finish();
}
