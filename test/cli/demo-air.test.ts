/**
 * The demo's air-quality collaboration on the real station files: the network it writes, the two
 * queries' answers set beside the exact reference, the report's tables, and each station's spend
 * read from its own budget file. The queries run in process here (the sites' and the hub's
 * analytics code, float64 sums instead of SecAgg+); test/integration/analytics.test.ts runs them
 * through real nodes.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactReference, type AnalyticsRow } from '../../src/analytics/index.js';
import {
  AIR_QUERIES,
  REFERENCE_NOTE,
  airReferences,
  runAirQueries,
  type DemoQuery,
} from '../../src/cli/demo/air-analytics.js';
import {
  AIR_BUDGET,
  AIR_STATIONS,
  AIR_TABLE,
  airQualityNetwork,
} from '../../src/cli/demo/air-network.js';
import { formatAirQuery, formatAirReport } from '../../src/cli/demo/air-report.js';
import { airReferencesInWorker } from '../../src/cli/demo/in-worker.js';
import { siteBudgetSpend } from '../../src/cli/demo/demo-privacy.js';
import { PrivacyBudgets } from '../../src/federation/index.js';
import { loadNodeConfig } from '../../src/node/config.js';
import { LocalNetwork } from '../../src/node/index.js';
import { RdpAccountant } from '../../src/privacy/index.js';
import { COLUMNS, loadStations } from '../analytics/support/stations.js';
import { inProcessRunner } from './support/in-process-query.js';

let rows: AnalyticsRow[][];
let queries: DemoQuery[];
const lines: string[] = [];

beforeAll(async () => {
  const stations = await loadStations();
  rows = stations.map((s) => s.rows);
  const runner = inProcessRunner(
    stations.map((s) => ({ name: s.station.toLowerCase(), rows: s.rows })),
    COLUMNS,
  );
  const references = await airReferences(COLUMNS, rows);
  queries = await runAirQueries(runner, 'beijing-air', references, (l) => lines.push(l));
});

describe('the air-quality network', () => {
  it('is six monitoring stations in China offering one budgeted table, and a partner in Korea', () => {
    const spec = airQualityNetwork();
    expect(spec.collab.domain).toBe('environmental-protection');
    expect(spec.sites.map((s) => s.name)).toEqual(AIR_STATIONS.map((s) => s.toLowerCase()));
    for (const site of spec.sites) {
      expect(site.jurisdiction).toBe('CN');
      expect(site.datasets).toEqual([]);
      expect(site.tables).toHaveLength(1);
      const table = site.tables![0]!;
      expect(table.id).toBe(AIR_TABLE);
      expect(existsSync(table.path)).toBe(true);
      expect(table.columns).toEqual(COLUMNS);
      expect(table.privacyBudget).toEqual(AIR_BUDGET);
    }
    expect(spec.hub.jurisdiction).toBe('CN');
    expect(spec.members?.map((m) => m.jurisdiction)).toEqual(['KR']);
  });

  it("writes each station's table into its node.json, with an absolute path", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-air-'));
    try {
      const spec = airQualityNetwork();
      const net = await LocalNetwork.create(dir, spec);
      for (const site of spec.sites) {
        const config = await loadNodeConfig(net.dir(site.name));
        expect(config.datasets).toEqual([]);
        expect(config.tables).toEqual(site.tables);
        expect(config.tables[0]!.path.startsWith('/')).toBe(true);
      }
      expect(existsSync(join(dir, 'nier', 'node.json'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the demo's two queries beside the exact reference", () => {
  it('answers every group of station × year and of season, at ε = 1 each', () => {
    expect(queries.map((q) => q.groups.length)).toEqual([30, 4]);
    for (const q of queries) {
      // σ is rounded up, so the release spends at most the ε asked for.
      expect(q.epsilon).toBeLessThanOrEqual(1);
      expect(q.epsilon).toBeCloseTo(1, 4);
      expect(q.delta).toBe(1e-5);
      expect(q.survivors).toHaveLength(6);
      expect(q.reference.note).toBe(REFERENCE_NOTE);
      expect(q.answer.privacy?.epsilon).toBe(q.epsilon);
    }
    expect(lines.filter((l) => l.includes('query:'))).toHaveLength(2);
  });

  it('sets each published mean against the exact one from the raw rows', () => {
    for (const [i, q] of queries.entries()) {
      const reference = exactReference(rows, AIR_QUERIES[i]!.query, COLUMNS);
      for (const g of q.groups) {
        const exact = reference.groups.find((r) => r.label === g.group)!;
        expect(g.exact).toBe(exact.value);
        expect(g.exactCount).toBe(exact.count);
        if (g.suppressed !== null) continue;
        expect(g.difference).toBeCloseTo(g.federated! - g.exact!, 9);
        // Far beyond 6 noise std would mean a wrong group or a wrong scale, not bad luck.
        expect(Math.abs(g.difference!)).toBeLessThan(6 * g.noiseStd! + 0.01);
      }
      const largest = Math.max(...q.groups.map((g) => Math.abs(g.difference ?? 0)));
      expect(Math.abs(q.maxAbsDifference!.difference)).toBe(largest);
    }
  });

  it('computes the same reference on a worker thread, as the demo does', async () => {
    const there = await airReferencesInWorker();
    expect(there).toEqual(await airReferences(COLUMNS, rows));
  });

  it("counts each station's hours with a PM2.5 reading (SOURCE.md: Dongsi 35,064 rows, 750 NA)", () => {
    const dongsi = queries[0]!.groups.filter((g) => g.group.startsWith('Dongsi'));
    expect(dongsi).toHaveLength(5);
    expect(dongsi.reduce((a, g) => a + g.exactCount, 0)).toBe(35_064 - 750);
  });

  it('prints one readable table per query', () => {
    const spec = airQualityNetwork();
    const text = formatAirReport({
      collab: spec.collab.id,
      domain: spec.collab.domain,
      trustLevel: 1,
      hub: spec.hub,
      stations: spec.sites,
      members: spec.members ?? [],
      table: { id: AIR_TABLE, format: 'prsa-air-quality', budget: AIR_BUDGET },
      queries,
    });
    expect(text).toContain('beijing-air (environmental-protection, trust level 1');
    expect(text).toContain('6 stations in CN, hub air-hub (CN), partners nier (KR)');
    expect(text).toContain('budget ε = 10 at δ = 1e-5');
    const [byYear, bySeason] = queries.map((q) => formatAirQuery(q, 6));
    for (const [q, table] of [
      [queries[0]!, byYear!],
      [queries[1]!, bySeason!],
    ] as const) {
      expect(table).toContain(REFERENCE_NOTE);
      expect(table).toMatch(/group\s+records\s+federated\s+noise std\s+exact\s+difference/);
      for (const g of q.groups) expect(table).toContain(g.group);
      expect(table).toContain(`${q.withinTwoStd} of ${q.groups.length} groups within 2 noise std`);
    }
    expect(bySeason).toContain('winter');
  });
});

describe("each station's spend, from its own budget file", () => {
  it('composes the charged releases under RDP at the budget’s δ', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-budget-'));
    try {
      const steps = queries.map((q) => q.answer.privacy!.step);
      const budgets = await PrivacyBudgets.open(dir);
      for (const [i, step] of steps.entries()) {
        await budgets.charge(AIR_TABLE, AIR_BUDGET, step, `query ${i}`, {
          job: `query-${i}`,
          round: 0,
          ...step,
          at: Date.now(),
        });
      }
      const spend = await siteBudgetSpend('beijing-air', AIR_TABLE, AIR_BUDGET, [
        { site: 'dongsi', dir },
      ]);
      const composed = new RdpAccountant(steps).epsilon(AIR_BUDGET.delta).epsilon;
      expect(spend.perSite[0]!.epsilon).toBeCloseTo(composed, 9);
      expect(spend.perSite[0]!.releases).toBe(2);
      // Two ε = 1 releases compose to less than 2 under RDP, and more than 1.
      expect(spend.epsilon).toBeGreaterThan(1);
      expect(spend.epsilon).toBeLessThan(2);
      expect(spend.perSite[0]!.remaining).toBeCloseTo(AIR_BUDGET.epsilon - composed, 9);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
