import type { DemoAnalytics, DemoQuery } from './air-analytics.js';
import { formatDelta } from './demo-privacy.js';

const value = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const signed = (x: number | null) => (x === null ? '—' : (x >= 0 ? '+' : '') + x.toFixed(2));
const count = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));

/** One table per query: group, federated (DP) value, its noise std, exact value, difference. */
export function formatAirQuery(q: DemoQuery, stations: number): string {
  const unit = q.answer.unit ? ` (${q.answer.unit})` : '';
  const by = q.query.by.join(' × ');
  const privacy = q.answer.privacy;
  const head = [
    '',
    `${q.query.stat} ${q.query.column}${unit} by ${by}`,
    `  federated: ${q.survivors.length} of ${stations} stations` +
      (privacy
        ? `, DP ε = ${Number(privacy.epsilon.toFixed(3))}, δ = ${formatDelta(privacy.delta)} spent`
        : ', no DP') +
      (q.entry !== null ? `, log entry ${q.entry}` : '') +
      `, ${(q.ms / 1000).toFixed(1)} s`,
    `  exact: ${q.reference.note}`,
    '  records, federated and noise std as published (noisy); exact and difference from the reference',
    '',
  ];
  const header = ['group', 'records', 'federated', 'noise std', 'exact', 'difference'];
  const rows = q.groups.map((g) =>
    g.suppressed !== null
      ? [g.group, '—', `suppressed: ${g.suppressed}`, '', value(g.exact), '']
      : [
          g.group,
          count(g.count),
          value(g.federated),
          value(g.noiseStd),
          value(g.exact),
          signed(g.difference),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    '  ' +
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const published = q.groups.filter((g) => g.difference !== null).length;
  const worst = q.maxAbsDifference;
  const tail = worst
    ? [
        '',
        `  largest |difference| ${Math.abs(worst.difference).toFixed(2)}${q.answer.unit ? ` ${q.answer.unit}` : ''} at ${worst.group}` +
          (worst.noiseStd !== null ? ` (noise std ${worst.noiseStd.toFixed(2)})` : '') +
          `; ${q.withinTwoStd} of ${published} groups within 2 noise std`,
      ]
    : [];
  return [...head, line(header), ...rows.map(line), ...tail].join('\n');
}

export function formatAirReport(a: Omit<DemoAnalytics, 'ledger'>): string {
  const where = (p: { name: string; jurisdiction: string }) => `${p.name} (${p.jurisdiction})`;
  const countries = [...new Set(a.stations.map((s) => s.jurisdiction))].join(', ');
  return [
    '',
    `Air quality: ${a.collab} (${a.domain}, trust level ${a.trustLevel}: analytics with DP only)`,
    `  ${a.stations.length} stations in ${countries}, hub ${where(a.hub)}` +
      (a.members.length ? `, partners ${a.members.map(where).join(', ')}` : '') +
      `; each station's table budget ε = ${a.table.budget.epsilon} at δ = ${formatDelta(a.table.budget.delta)}`,
    ...a.queries.map((q) => formatAirQuery(q, a.stations.length)),
  ].join('\n');
}
