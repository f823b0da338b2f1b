/** A plan as text for a terminal: sites in use, then what policy excluded and what did not fit. */
import type { Plan } from './plan.js';

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const money = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 0 });
const num = (x: number, digits = 1) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export interface TableOptions {
  /** Rows of excluded-pair groups and unplaceable workloads to show (default 20 each). */
  limit?: number;
}

export interface ExclusionGroup {
  pack: string;
  policyId: string;
  /** The reason, or for a coarse group the first of its reasons. */
  reason: string;
  pairs: number;
  sites: number;
  workloads: number;
}

function summarise(
  plan: Pick<Plan, 'exclusions'>,
  key: (e: Plan['exclusions'][number]) => string,
): ExclusionGroup[] {
  const groups = new Map<
    string,
    { first: Plan['exclusions'][number]; pairs: number; sites: Set<string>; workloads: Set<string> }
  >();
  for (const e of plan.exclusions) {
    const k = key(e);
    const g = groups.get(k) ?? {
      first: e,
      pairs: 0,
      sites: new Set<string>(),
      workloads: new Set<string>(),
    };
    groups.set(k, g);
    g.pairs += e.workloadIds.length;
    g.sites.add(e.siteId);
    for (const id of e.workloadIds) g.workloads.add(id);
  }
  return [...groups.values()]
    .map(({ first, pairs, sites, workloads }) => ({
      pack: first.pack,
      policyId: first.policyId,
      reason: first.reason,
      pairs,
      sites: sites.size,
      workloads: workloads.size,
    }))
    .sort((a, b) => b.pairs - a.pairs || a.reason.localeCompare(b.reason));
}

/** Refused pairs grouped by decision: one entry per (pack, policy, reason). */
export function exclusionSummary(plan: Pick<Plan, 'exclusions'>): ExclusionGroup[] {
  return summarise(plan, (e) => `${e.pack}\u0000${e.policyId}\u0000${e.reason}`);
}

/** Refused pairs grouped by (pack, policy) alone; the reason is one example. */
export function exclusionsByPolicy(plan: Pick<Plan, 'exclusions'>): ExclusionGroup[] {
  return summarise(plan, (e) => `${e.pack}\u0000${e.policyId}`);
}

export function formatPlanTable(plan: Plan, options: TableOptions = {}): string {
  const limit = options.limit ?? 20;
  const { solve, totals, bound } = plan;
  const out: string[] = [];
  const how = [solve.solver, solve.model, solve.strategy, solve.status].filter(Boolean).join(', ');
  out.push(`Plan — objective ${plan.objective}; ${how}; gate: ${plan.gate}`);
  out.push(
    `${totals.placed} of ${totals.workloads} workloads placed, ${plan.unplaced.length} left out for lack of room, ${plan.unplaceable.length} with no legal site`,
  );
  out.push('');
  const used = plan.sites
    .filter((s) => s.workloads > 0)
    .sort((a, b) => b.acceleratorHours - a.acceleratorHours);
  out.push(
    table(
      ['site', 'country', 'hub', 'workloads', 'accelerator-h', 'cost USD', 'kgCO2', 'utilisation'],
      [
        ...used.map((s) => [
          s.siteId,
          s.country,
          s.hub ?? '',
          String(s.workloads),
          num(s.acceleratorHours),
          money(s.usd),
          num(s.kgCO2),
          pct(s.utilisation),
        ]),
        [
          'total',
          '',
          '',
          String(totals.placed),
          num(totals.acceleratorHours),
          money(totals.usd),
          num(totals.kgCO2),
          '',
        ],
      ],
      new Set([3, 4, 5, 6, 7]),
    ),
  );
  const idle = plan.sites.length - used.length;
  if (idle > 0) out.push(`(${idle} site${idle === 1 ? '' : 's'} without work)`);
  out.push('');
  out.push(
    `objective ${num(totals.objective, 2)}; LP bound ${bound.lp === null ? 'not computed' : num(bound.lp, 2)}; gap ${bound.gap === null ? 'n/a' : pct(bound.gap)}; cost ${money(totals.usd)} USD (egress ${money(totals.egressUsd)}), ${num(totals.kgCO2)} kgCO2`,
  );

  const byPolicy = exclusionsByPolicy(plan);
  out.push('');
  out.push(
    `Excluded by policy: ${byPolicy.reduce((s, g) => s + g.pairs, 0)} (workload, site) pairs`,
  );
  if (byPolicy.length > 0) {
    out.push(
      table(
        ['pack', 'policy', 'pairs', 'workloads', 'sites', 'for example'],
        byPolicy
          .slice(0, limit)
          .map((g) => [
            g.pack,
            g.policyId,
            String(g.pairs),
            String(g.workloads),
            String(g.sites),
            g.reason,
          ]),
        new Set([2, 3, 4]),
      ),
    );
    if (byPolicy.length > limit) out.push(`… ${byPolicy.length - limit} more`);
  }

  if (plan.unplaced.length > 0) {
    out.push('');
    const ids = plan.unplaced.slice(0, limit).map((u) => u.workloadId);
    out.push(
      `Left out (no room at any legal site before the deadline): ${ids.join(', ')}${plan.unplaced.length > limit ? ` … ${plan.unplaced.length - limit} more` : ''}`,
    );
  }
  if (plan.unplaceable.length > 0) {
    out.push('');
    out.push('Unplaceable (no legal site):');
    for (const u of plan.unplaceable.slice(0, limit)) {
      out.push(`  ${u.workloadId}`);
      const byWho = new Map<string, { sites: string[]; reasons: string[] }>();
      for (const r of u.reasons) {
        const who = r.kind === 'policy' ? `${r.pack}/${r.policyId}` : r.kind;
        const entry = byWho.get(who) ?? { sites: [], reasons: [] };
        entry.sites.push(...r.siteIds);
        entry.reasons.push(r.reason);
        byWho.set(who, entry);
      }
      for (const [who, { sites, reasons }] of byWho) {
        const where =
          sites.length > 3
            ? `${sites.slice(0, 3).join(', ')} … (${sites.length} sites)`
            : sites.join(', ');
        const why =
          reasons.length > 1 ? `${reasons[0]} (and ${reasons.length - 1} like it)` : reasons[0];
        out.push(`    ${who} at ${where}: ${why}`);
      }
    }
    if (plan.unplaceable.length > limit) out.push(`  … ${plan.unplaceable.length - limit} more`);
  }
  return out.join('\n');
}
