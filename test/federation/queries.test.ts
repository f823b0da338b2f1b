import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Hub,
  PrivacyBudgets,
  SecureSessions,
  SiteAnalytics,
  SiteWorker,
  addMember,
  createCollaboration,
  type LoadedTable,
  type QueryView,
} from '../../src/federation/index.js';
import { exactReference, type AnalyticsTable } from '../../src/analytics/index.js';
import { generateNodeKey } from '../../src/identity/index.js';
import { openStore } from '../../src/store/index.js';
import type { Db } from '../../src/store/index.js';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { COLUMNS, STATION_NAMES, loadStations } from '../analytics/support/stations.js';
import { playSite, type Seen } from '../support/play-sites.js';

/**
 * Federated analytics through the hub's state machine in process: six monitoring stations
 * (the real files) answer queries over SecAgg+; the test plays each site.
 */
const sites = STATION_NAMES.map((s) => s.toLowerCase());
let tables: Map<string, LoadedTable>;
let db: Db;
let hub: Hub;
let dir: string;
const workers = new Map<string, SiteWorker>();

beforeAll(async () => {
  const stations = await loadStations();
  tables = new Map(
    stations.map((s, i) => {
      const config: AnalyticsTable = {
        id: 'air',
        path: s.file,
        format: 'prsa-air-quality',
        columns: COLUMNS,
      };
      return [sites[i]!, { config, rows: s.rows }];
    }),
  );
}, 60_000);

beforeEach(async () => {
  db = await openStore({ dataDir: 'memory://' });
  hub = new Hub(db, pino({ level: 'silent' }));
  dir = await mkdtemp(join(tmpdir(), 'converge-queries-'));
  await createCollaboration(db, { id: 'air', domain: 'environmental-protection', title: '' });
  for (const name of sites) {
    await addMember(db, 'air', {
      name,
      institution: name,
      jurisdiction: 'CN',
      keyId: name,
      roles: ['site'],
      publicKey: generateNodeKey().publicKey,
    });
    workers.set(name, await worker(name, tables.get(name)!));
  }
});
afterEach(async () => {
  await hub.stop();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function worker(name: string, table: LoadedTable | undefined): Promise<SiteWorker> {
  const secure = new SecureSessions(name);
  await mkdir(join(dir, name), { recursive: true });
  const budgets = await PrivacyBudgets.open(join(dir, name));
  const offered = new Map(table ? [['air', table]] : []);
  return new SiteWorker(
    name,
    new Map(),
    budgets,
    secure,
    new SiteAnalytics(offered, secure, budgets),
  );
}

async function ask(body: unknown): Promise<{ view: QueryView; seen: Seen[] }> {
  const stop = { done: false };
  const seen: Seen[] = [];
  const playing = sites.map((s) => playSite(hub, 'air', s, () => workers.get(s)!, stop, seen));
  let view = await hub.startQuery('air', body);
  while (view.status === 'running') {
    await new Promise((ok) => setTimeout(ok, 20));
    view = hub.query('air', view.id);
  }
  stop.done = true;
  await Promise.all(playing);
  return { view, seen };
}

const seasonMean = { stat: 'mean', column: 'PM2.5', by: ['season'] } as const;

describe('federated analytics queries over secure aggregation', () => {
  it('without noise, gives the exact mean PM2.5 by season; the hub sees only masked words', async () => {
    const { view, seen } = await ask({ dataset: 'air', query: seasonMean });
    expect(view.status, view.error).toBe('answered');
    expect(view.survivors.sort()).toEqual([...sites].sort());
    const exact = exactReference(
      sites.map((s) => tables.get(s)!.rows),
      seasonMean,
      COLUMNS,
    );
    for (const g of view.answer!.groups) {
      const want = exact.groups.find((e) => e.label === g.label)!;
      expect(g.count).toBeCloseTo(want.count!, 3);
      expect(g.value!).toBeCloseTo(want.value!, 2);
    }
    // Every report the hub received carried keys, shares or masked words, never a vector.
    for (const s of seen) expect(['describe', 'query', 'secagg']).toContain(s.report.kind);
    expect(view.epsilon).toBeNull();
  });

  it('with ε = 1, charges every station’s budget and answers within a few noise std', async () => {
    for (const name of sites) {
      const t = tables.get(name)!;
      const budgeted = {
        ...t,
        config: { ...t.config, privacyBudget: { epsilon: 2, delta: 1e-5 } },
      };
      workers.set(name, await worker(name, budgeted));
    }
    const query = { ...seasonMean, epsilon: 1 };
    const { view } = await ask({ dataset: 'air', query });
    expect(view.status, view.error).toBe('answered');
    expect(view.epsilon).toBeGreaterThan(0.9);
    expect(view.epsilon).toBeLessThanOrEqual(1);
    const exact = exactReference(
      sites.map((s) => tables.get(s)!.rows),
      seasonMean,
      COLUMNS,
    );
    for (const g of view.answer!.groups) {
      const want = exact.groups.find((e) => e.label === g.label)!;
      expect(Math.abs(g.value! - want.value!)).toBeLessThan(6 * g.noiseStd!);
    }
    const budgets = await PrivacyBudgets.open(join(dir, 'dongsi'));
    expect(budgets.charges('air')).toHaveLength(1);
    // Under RDP, three releases at ε = 1 compose to ε = 1.82 and four to 2.14: the fourth does
    // not fit in ε = 2, every station refuses it, and it fails naming the budget, unpublished.
    await ask({ dataset: 'air', query });
    await ask({ dataset: 'air', query });
    const refused = await ask({ dataset: 'air', query });
    expect(refused.view.status).toBe('failed');
    expect(refused.view.error).toMatch(/privacy budget exceeded/);
    expect(refused.view.answer).toBeUndefined();
  });

  it('leaves out a site without the table, and refuses a query naming a column nobody declares', async () => {
    workers.set('huairou', await worker('huairou', undefined));
    const { view } = await ask({ dataset: 'air', query: { stat: 'count', column: 'PM2.5' } });
    expect(view.status, view.error).toBe('answered');
    expect(view.survivors).not.toContain('huairou');
    expect(view.survivors).toHaveLength(5);
    const unknown = await ask({ dataset: 'air', query: { stat: 'mean', column: 'PM25' } });
    expect(unknown.view.status).toBe('failed');
    expect(unknown.view.error).toMatch(/PM25/);
    await expect(
      hub.startQuery('air', { dataset: 'air', query: { stat: 'median' } }),
    ).rejects.toThrow(/invalid query/);
    await expect(
      hub.startQuery('air', { dataset: 'air', query: seasonMean, extra: 1 }),
    ).rejects.toThrow(/invalid query request/);
  });
});
