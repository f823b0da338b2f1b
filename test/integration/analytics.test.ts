/**
 * The demo's air-quality collaboration as real processes: a hub and six monitoring stations on
 * loopback, the two DP queries through the member API (SecAgg+ over the stations), each answer
 * beside the exact reference from the raw files, each station's budget file and the
 * collaboration's cosigned log. Then a query the budgets cannot pay for is refused, and charges
 * nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAirAnalytics } from '../../src/cli/demo/air-demo.js';
import type { DemoAnalytics } from '../../src/cli/demo/air-analytics.js';
import {
  AIR_BUDGET,
  AIR_STATIONS,
  AIR_TABLE,
  airQualityNetwork,
} from '../../src/cli/demo/air-network.js';
import { siteBudgetSpend, type DatasetSpend } from '../../src/cli/demo/demo-privacy.js';
import { LocalNetwork, type MemberClient } from '../../src/node/index.js';
import { RdpAccountant } from '../../src/privacy/index.js';
import { runCli } from '../cli/support/run-cli.js';

const stations = AIR_STATIONS.map((s) => s.toLowerCase());
let dir: string;
let net: LocalNetwork;
let client: MemberClient;
let analytics: DemoAnalytics;
let spend: DatasetSpend;
const lines: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'converge-air-'));
  net = await LocalNetwork.create(dir, airQualityNetwork());
  await net.startAll();
  client = await net.client();
  ({ analytics, spend } = await runAirAnalytics(net, client, (l) => lines.push(l), dir));
});

afterAll(async () => {
  await net?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the air-quality queries across OS processes', () => {
  it('answers both at trust level 1 from all six stations, at ε = 1 each', () => {
    expect(analytics.trustLevel).toBe(1);
    expect(analytics.queries.map((q) => q.groups.length)).toEqual([30, 4]);
    for (const q of analytics.queries) {
      expect([...q.survivors].sort()).toEqual(stations);
      expect(q.dropped).toEqual([]);
      expect(q.epsilon).toBeLessThanOrEqual(1);
      expect(q.epsilon).toBeCloseTo(1, 4);
      expect(q.delta).toBe(1e-5);
    }
    expect(lines.filter((l) => l.includes('answered'))).toHaveLength(2);
  });

  it('lands every published mean within noise of the exact one from the raw files', () => {
    for (const q of analytics.queries) {
      expect(q.reference.clamped).toBe(0);
      for (const g of q.groups) {
        expect(g.suppressed).toBeNull();
        // 6 noise std: a wrong group or scale, never bad luck; plus SecAgg's rounding.
        expect(Math.abs(g.difference!)).toBeLessThan(6 * g.noiseStd! + q.answer.roundingBound);
        expect(Math.abs(g.count! - g.exactCount)).toBeLessThan(60);
      }
    }
  });

  it("charges each station's budget file exactly the two releases the answers report", () => {
    const steps = analytics.queries.map((q) => q.answer.privacy!.step);
    const composed = new RdpAccountant(steps).epsilon(AIR_BUDGET.delta).epsilon;
    expect(spend.perSite.map((s) => s.site)).toEqual(stations);
    for (const site of spend.perSite) {
      expect(site.releases).toBe(2);
      expect(site.epsilon).toBeCloseTo(composed, 6);
      expect(site.remaining).toBeCloseTo(AIR_BUDGET.epsilon - composed, 6);
    }
  });

  it('records both queries in the log the stations cosign', () => {
    const { ledger } = analytics;
    expect(ledger.entries['query.proposed']).toBe(2);
    expect(ledger.entries['query.finished']).toBe(2);
    // Each answer names its query.finished entry, which the audited log holds.
    for (const q of analytics.queries) {
      expect(q.entry).toBeGreaterThan(0);
      expect(q.entry).toBeLessThan(ledger.size);
    }
    expect(ledger.cosigners.map((c) => c.jurisdiction)).toContain('CN');
    expect(ledger.audit.entries).toBe(ledger.size);
  });

  it('refuses a query the budgets can no longer pay for, and charges nothing', async () => {
    // ε = 9.9 alone fits the budget of 10; composed with the two ε = 1 releases it is 10.1.
    const view = await client.runQuery(analytics.collab, {
      dataset: AIR_TABLE,
      query: { stat: 'mean', column: 'PM2.5', by: ['season'], epsilon: 9.9 },
    });
    expect(view.status).toBe('failed');
    expect(view.error).toMatch(/privacy budget exceeded/);
    const after = await siteBudgetSpend(
      analytics.collab,
      AIR_TABLE,
      AIR_BUDGET,
      stations.map((site) => ({ site, dir: net.dir(site) })),
    );
    expect(after.perSite.map((s) => s.releases)).toEqual(stations.map(() => 2));
  });

  it('answers from the command line too (converge query), after the refusal charged nothing', async () => {
    const hubDir = net.dir(net.spec.hub.name);
    const ask = (...flags: string[]) =>
      runCli([
        'query',
        '--dir',
        hubDir,
        '--collab',
        analytics.collab,
        '--dataset',
        AIR_TABLE,
        ...flags,
      ]);
    const out = await ask(
      '--stat',
      'count',
      '--column',
      'PM2.5',
      '--by',
      'season',
      '--epsilon',
      '0.5',
    );
    expect(out.code, out.stderr).toBe(0);
    for (const season of ['winter', 'spring', 'summer', 'autumn'])
      expect(out.stdout).toContain(season);
    expect(out.stdout).toMatch(/spent ε = 0\.\d+ at δ = 0\.00001; 6 sites in the sum/);
    const bad = await ask('--stat', 'mean', '--column', 'PM2.5', '--epsilon', 'NaN');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--epsilon: expected a number > 0, got 'NaN'/);
  });
});
