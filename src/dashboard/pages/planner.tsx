import { useState } from 'react';
import { getJson } from '../api';
import type { HubOverview, JobPlacement, PlacementListing, ScenarioPlan } from '../api-types';
import { KIND_COLORS, PlacementMap, type MapFlow, type MapSite } from '../map/placement-map';
import { placeOf } from '../map/world-map';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

const OBJECTIVES = ['balanced', 'cost', 'carbon'] as const;
type Objective = (typeof OBJECTIVES)[number];

/** Three significant digits: the planner's figures are estimates. */
const fmt = (n: number, digits = 3) => n.toLocaleString('en', { maximumSignificantDigits: digits });
const whole = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const percent = (share: number) => `${(100 * share).toFixed(1)} %`;

export function PlannerPage({ token, overview }: { token: string; overview: HubOverview }) {
  return (
    <section aria-labelledby="planner-title">
      <h1 id="planner-title">Planner</h1>
      <p>
        Where work runs, by price, grid carbon and data transfer, within every party’s rules.
        Training never moves: each site trains on its own rows. What may move is a job’s aggregation
        of model updates, which carry no personal information.
      </p>
      <JobPlacements token={token} overview={overview} />
      <Scenario token={token} />
    </section>
  );
}

async function loadPlacements(token: string, collabs: string[]) {
  return Promise.all(
    collabs.map((c) =>
      getJson<PlacementListing>(`/v1/collabs/${encodeURIComponent(c)}/placements`, token),
    ),
  );
}

/** Where each site goes on the map: its coordinates, else its country's centre. */
function siteAt(site: PlacementListing['sites'][number]): [number, number] | undefined {
  if (site.lat !== undefined && site.lon !== undefined) return [site.lon, site.lat];
  return placeOf({ name: site.id, jurisdiction: site.country, roles: [] });
}

function JobPlacements({ token, overview }: { token: string; overview: HubOverview }) {
  const collabs = overview.collaborations.map((c) => c.id);
  const { loaded } = useLoad(() => loadPlacements(token, collabs), [token, collabs.join(',')]);
  return (
    <>
      <h2 id="placements-title">Where this hub placed its jobs</h2>
      <p className="small">
        For every training job the hub asks the planner where its aggregation should run among the
        compute sites it knows, through the policy packs; each answer is a <code>job.placed</code>{' '}
        ledger entry. The hub still aggregates itself: the placement is advice, recorded.
      </p>
      {loaded.state === 'loading' && <Loading what="the job placements" />}
      {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
      {loaded.state === 'ready' && <PlacementsView listings={loaded.value} />}
    </>
  );
}

function PlacementsView({ listings }: { listings: PlacementListing[] }) {
  const placements = listings.flatMap((l) => l.placements).sort((a, b) => b.at - a.at);
  const sources = [...new Set(listings.flatMap((l) => (l.source ? [l.source] : [])))];
  const sites = new Map(listings.flatMap((l) => l.sites.map((s) => [s.id, s] as const)));
  const chosen = new Map<string, JobPlacement[]>();
  for (const p of placements) {
    if (p.aggregation)
      chosen.set(p.aggregation.site, [...(chosen.get(p.aggregation.site) ?? []), p]);
  }
  const refused = new Set(placements.flatMap((p) => p.excluded.map((e) => e.site)));
  const marks: MapSite[] = [...sites.values()].flatMap((s) => {
    const at = siteAt(s);
    if (!at) return [];
    const jobs = chosen.get(s.id) ?? [];
    const kind = jobs.length > 0 ? 'chosen' : refused.has(s.id) ? 'excluded' : 'idle';
    const cost = jobs.reduce((sum, p) => sum + (p.aggregation?.usd ?? 0), 0);
    const carbon = jobs.reduce((sum, p) => sum + (p.aggregation?.kgCO2 ?? 0), 0);
    const label =
      kind === 'chosen'
        ? `${s.name} (${s.country}): aggregation of ${jobs.length} job(s), ${fmt(cost)} USD, ${fmt(carbon)} kgCO2`
        : kind === 'excluded'
          ? `${s.name} (${s.country}): excluded by policy`
          : `${s.name} (${s.country}): not chosen`;
    return [{ id: s.id, at, weight: jobs.length, kind, label }];
  });
  return (
    <>
      {sources.length > 0 && <p className="small">Compute sites: {sources.join('; ')}.</p>}
      {marks.length > 0 && (
        <figure className="map-figure">
          <figcaption id="placements-map-title">
            The hub’s {marks.length} compute site(s): green where aggregation was placed (larger for
            more jobs), a cross where a policy excluded it, grey where it was not chosen.
          </figcaption>
          <PlacementMap sites={marks} titleId="placements-map-title" />
          <Legend kinds={['chosen', 'excluded', 'idle']} />
        </figure>
      )}
      {placements.length === 0 ? (
        <p>No job has been placed yet: placements appear when a training job starts.</p>
      ) : (
        <table>
          <caption>{placements.length} job placement(s), newest first</caption>
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Aggregation at</th>
              <th scope="col">Cost (USD)</th>
              <th scope="col">kgCO2</th>
              <th scope="col">Latency</th>
              <th scope="col">Excluded by policy</th>
              <th scope="col">Gap</th>
              <th scope="col">Entry</th>
            </tr>
          </thead>
          <tbody>
            {placements.map((p) => (
              <tr key={`${p.collab}-${p.index}`}>
                <th scope="row">
                  {p.job}
                  <span className="small">
                    {' '}
                    ({p.collab}; training at {p.local.length} sites)
                  </span>
                </th>
                {p.aggregation ? (
                  <>
                    <td>
                      {p.aggregation.site} ({p.aggregation.country})
                    </td>
                    <td>{fmt(p.aggregation.usd)}</td>
                    <td>{fmt(p.aggregation.kgCO2)}</td>
                    <td>
                      {p.aggregation.latencyMs === null
                        ? 'unknown'
                        : `${fmt(p.aggregation.latencyMs)} ms`}
                    </td>
                  </>
                ) : (
                  <td colSpan={4} className="failed">
                    {p.error ?? 'not placed'}
                  </td>
                )}
                <td>
                  {p.excluded.length === 0
                    ? 'none'
                    : p.excluded.map((e) => (
                        <span key={e.site} className="block">
                          {e.site}: {e.pack}/{e.policyId} — {e.reason}
                        </span>
                      ))}
                </td>
                <td>{p.bound.gap === null ? '—' : percent(p.bound.gap)}</td>
                <td>#{p.index}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Legend({ kinds }: { kinds: MapSite['kind'][] }) {
  const words: Record<MapSite['kind'], string> = {
    used: 'runs work',
    chosen: 'aggregation placed here',
    idle: 'not used',
    excluded: 'excluded by policy',
  };
  return (
    <ul className="legend" aria-label="Map legend">
      {kinds.map((k) => (
        <li key={k}>
          <span className="swatch" style={{ background: KIND_COLORS[k] }} aria-hidden="true" />{' '}
          {words[k]}
        </li>
      ))}
    </ul>
  );
}

function Scenario({ token }: { token: string }) {
  const [objective, setObjective] = useState<Objective>('balanced');
  const { loaded } = useLoad(
    () => getJson<ScenarioPlan>(`/v1/planner/scenario?objective=${objective}`, token),
    [token, objective],
  );
  return (
    <>
      <h2 id="scenario-title">Scenario: East Data, West Computing</h2>
      <p className="small">
        China’s eight national hub nodes and nine partner regions over one day, planned by{' '}
        <code>converge plan --scenario east-data-west-computing</code> on the hub (in its own
        process; kept once planned). Sources and assumptions: the scenario’s SOURCE.md.
      </p>
      <p className="controls">
        <label htmlFor="planner-objective">Objective</label>
        <select
          id="planner-objective"
          value={objective}
          onChange={(e) => setObjective(OBJECTIVES.find((o) => o === e.target.value) ?? 'balanced')}
        >
          {OBJECTIVES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </p>
      {loaded.state === 'loading' && (
        <Loading what="the plan (the first time the hub runs converge plan: several seconds)" />
      )}
      {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
      {loaded.state === 'ready' && <ScenarioView plan={loaded.value} />}
    </>
  );
}

function ScenarioView({ plan }: { plan: ScenarioPlan }) {
  const at = new Map(plan.sites.map((s) => [s.siteId, [s.lon, s.lat] as [number, number]]));
  const marks: MapSite[] = plan.sites.map((s) => ({
    id: s.siteId,
    at: [s.lon, s.lat],
    weight: s.acceleratorHours,
    kind: s.workloads > 0 ? 'used' : 'idle',
    label: `${s.name} (${s.country}): ${s.workloads} workload(s), ${whole(s.acceleratorHours)} accelerator-h, ${whole(s.usd)} USD, ${fmt(s.kgCO2)} kgCO2`,
  }));
  const flows: MapFlow[] = plan.flows.flatMap((f) => {
    const from = at.get(f.from);
    const to = at.get(f.to);
    return from && to && f.from !== f.to
      ? [{ id: `${f.from}-${f.to}`, from, to, weight: f.acceleratorHours }]
      : [];
  });
  const c = plan.comparison;
  const used = plan.sites.filter((s) => s.workloads > 0);
  return (
    <>
      <dl className="facts" data-testid="scenario-summary">
        <dt>Placed</dt>
        <dd>
          {plan.totals.placed} of {plan.totals.workloads} workloads
        </dd>
        <dt>Against running where the data is</dt>
        <dd>
          cost {whole(c.runAtData.usd)} → {whole(c.planned.usd)} USD (saved{' '}
          {percent(c.savedUsdShare)}); carbon {whole(c.runAtData.kgCO2)} → {whole(c.planned.kgCO2)}{' '}
          kgCO2 (saved {percent(c.savedKgCO2Share)}), over the {c.planned.workloads} workloads both
          place
        </dd>
        <dt>Kept at home by policy</dt>
        <dd>
          {plan.keptHome.workloads} workloads ({percent(plan.keptHome.share)})
        </dd>
        <dt>Bound</dt>
        <dd>
          objective {fmt(plan.totals.objective, 6)}, LP bound{' '}
          {plan.bound.lp === null ? '—' : fmt(plan.bound.lp, 6)}, gap{' '}
          {plan.bound.gap === null ? '—' : percent(plan.bound.gap)} ({plan.solve.solver},{' '}
          {plan.solve.model ?? ''} {plan.solve.status}; planned in {(plan.wallMs / 1000).toFixed(1)}{' '}
          s)
        </dd>
        <dt>Policy gate</dt>
        <dd>{plan.gate}</dd>
      </dl>
      <figure className="map-figure">
        <figcaption id="scenario-map-title">
          {used.length} of {plan.sites.length} sites run work (circle area: accelerator-hours);
          lines carry work from its data’s site to where it runs (width: accelerator-hours).
        </figcaption>
        <PlacementMap sites={marks} flows={flows} titleId="scenario-map-title" />
        <Legend kinds={['used', 'idle']} />
      </figure>
      <table data-testid="plan-table">
        <caption>The plan by site (objective {plan.objective})</caption>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col">Country</th>
            <th scope="col">Workloads</th>
            <th scope="col">Accelerator-hours</th>
            <th scope="col">Cost (USD)</th>
            <th scope="col">kgCO2</th>
            <th scope="col">Utilisation</th>
          </tr>
        </thead>
        <tbody>
          {[...plan.sites]
            .sort((a, b) => b.acceleratorHours - a.acceleratorHours)
            .map((s) => (
              <tr key={s.siteId}>
                <th scope="row">{s.siteId}</th>
                <td>{s.country}</td>
                <td>{s.workloads}</td>
                <td>{whole(s.acceleratorHours)}</td>
                <td>{whole(s.usd)}</td>
                <td>{fmt(s.kgCO2)}</td>
                <td>{percent(s.utilisation)}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <table>
        <caption>
          Excluded by policy: {plan.exclusions.reduce((n, e) => n + e.pairs, 0)} (workload, site)
          pairs
        </caption>
        <thead>
          <tr>
            <th scope="col">Pack</th>
            <th scope="col">Policy</th>
            <th scope="col">Pairs</th>
            <th scope="col">Workloads</th>
            <th scope="col">Sites</th>
            <th scope="col">For example</th>
          </tr>
        </thead>
        <tbody>
          {plan.exclusions.map((e) => (
            <tr key={`${e.pack}/${e.policyId}`}>
              <th scope="row">{e.pack}</th>
              <td>{e.policyId}</td>
              <td>{e.pairs}</td>
              <td>{e.workloads}</td>
              <td>{e.sites}</td>
              <td>{e.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {plan.unplaceable.length > 0 && (
        <>
          <h3>No legal site</h3>
          <ul>
            {plan.unplaceable.map((u) => (
              <li key={u.workloadId}>
                <strong>{u.workloadId}</strong>:{' '}
                {u.reasons
                  .map(
                    (r) =>
                      `${r.pack ? `${r.pack}/${r.policyId}` : r.kind} at ${r.sites} site(s): ${r.reason}`,
                  )
                  .join('; ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
