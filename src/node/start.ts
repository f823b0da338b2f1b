import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import {
  Governor,
  Hub,
  HubLedger,
  Recorder,
  SiteWitness,
  PrivacyBudgets,
  SiteWorker,
  SecureSessions,
  SiteAnalytics,
  TaskBoard,
  loadTables,
  enablePlacement,
  hubComputeSite,
  readComputeSites,
} from '../federation/index.js';
import { loadPolicyEngine, readExampleRequests } from '../policy/index.js';
import { publicKeyFromBase64 } from '../identity/index.js';
import type { LoadedDataset } from '../federation/index.js';
import { loadSiteDataset } from '../learning/index.js';
import { openStore, schemaForNode } from '../store/index.js';
import type { Db } from '../store/index.js';
import { createHubApp } from './hub-server.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { apiToken, openNodeDirectory, writeEndpoint } from './node-dir.js';
import { SiteClient } from './site-client.js';

export interface RunningNode {
  name: string;
  url?: string;
  token?: string;
  db?: Db;
  hub?: Hub;
  log: Logger;
  stop(): Promise<void>;
}

/** Where a hub keeps its collaborations' transparency logs. */
export function ledgerDir(dir: string): string {
  return join(dir, 'ledger');
}

/** The store of a node: PGlite under its directory, or its own schema on DATABASE_URL's server. */
export function openNodeStore(dir: string, name: string): Promise<Db> {
  const databaseUrl = process.env['DATABASE_URL'];
  return databaseUrl
    ? openStore({ databaseUrl, schema: schemaForNode(`node_${name}`) })
    : openStore({ dataDir: join(dir, 'db') });
}

/** Start whatever roles the node directory declares: a hub's HTTP server, a site's polling loop. */
export async function startNode(
  dir: string,
  opts: { port?: number; logFile?: string } = {},
): Promise<RunningNode> {
  const node = await openNodeDirectory(dir);
  const { config, key } = node;
  const log = createLogger({ name: config.name, ...(opts.logFile ? { file: opts.logFile } : {}) });
  // Sites keep no durable state yet (their data is their CSV): only a hub opens the store.
  const db = config.roles.includes('hub') ? await openNodeStore(dir, config.name) : undefined;
  const abort = new AbortController();
  const stops: (() => Promise<void>)[] = [];
  const running: RunningNode = {
    name: config.name,
    db,
    log,
    stop: async () => {
      abort.abort();
      for (const s of stops.reverse()) await s();
      await db?.close();
    },
  };

  if (db) {
    const ledger = new HubLedger(ledgerDir(dir), key);
    const board = new TaskBoard();
    // A witness's evidence of a forked log is a violation: the trust level falls at once
    // (the governor is made below; evidence comes only once the hub runs).
    const recorder = new Recorder({
      ledger,
      db,
      board,
      hubPublicKey: key.publicKey,
      log: log.child({ part: 'ledger' }),
      onEvidence: (collab, entry, witness, reason) =>
        void governor
          .forkedLog(collab, entry, witness, reason)
          .catch((err: unknown) =>
            log.error({ collab, err: String(err) }, 'violation not recorded'),
          ),
    });
    // One engine (the packs take seconds to compile); collaborations that voted a pack change
    // get forks of it, for governance and job placement alike.
    const engine = loadPolicyEngine();
    const governor = new Governor(db, engine, (collab, events) => recorder.record(collab, events), {
      samples: readExampleRequests(),
    });
    const hub = new Hub(db, log.child({ part: 'hub' }), undefined, recorder, board, governor);
    // Each job's aggregation is placed among the hub's compute sites (its file, else the hub
    // alone); a malformed file stops the hub here, naming the field.
    enablePlacement(db, {
      hub: { name: config.name, jurisdiction: config.jurisdiction },
      sites: config.computeSites
        ? await readComputeSites(resolve(dir, config.computeSites))
        : await hubComputeSite(config),
      // A collaboration's voted pack versions gate its placements too.
      engineFor: (collab) => governor.engineFor(collab),
    });
    const token = await apiToken(dir);
    const app = createHubApp({ hub, db, key, log, token, nodeName: config.name, recorder });
    const host = config.listen?.host ?? '127.0.0.1';
    const port = opts.port ?? config.listen?.port ?? 0;
    const server = await new Promise<ReturnType<typeof serve>>((ok) => {
      const s = serve({ fetch: app.fetch, hostname: host, port }, () => ok(s));
    });
    const address = server.address() as AddressInfo;
    const url = `http://${host}:${address.port}`;
    await writeEndpoint(dir, { url, pid: process.pid });
    await hub.resume();
    stops.push(async () => {
      await hub.stop();
      (server as Server).closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await ledger.close();
    });
    Object.assign(running, { hub, url, token });
    log.info({ url, keyId: key.keyId }, 'hub listening');
  }

  if (config.roles.includes('site')) {
    if (!config.hub)
      throw new Error(
        `site ${config.name} has no hub in its config (hub.url, hub.keyId, hub.publicKey)`,
      );
    const datasets = new Map<string, LoadedDataset>();
    for (const ds of config.datasets) {
      const data = await loadSiteDataset(ds, resolve(dir));
      datasets.set(ds.id, { config: ds, data });
      log.info(
        { dataset: ds.id, train: data.train.length, test: data.test.length, dropped: data.dropped },
        'dataset loaded',
      );
    }
    // Spent privacy budget lives beside the key: it must survive restarts as the key does.
    const budgets = await PrivacyBudgets.open(dir);
    const secure = new SecureSessions(key.keyId);
    const tables = await loadTables(config.tables, resolve(dir));
    for (const [id, t] of tables) log.info({ table: id, rows: t.rows.length }, 'table loaded');
    const analytics = new SiteAnalytics(tables, secure, budgets);
    const worker = new SiteWorker(config.name, datasets, budgets, secure, analytics);
    const witness = new SiteWitness({
      key,
      dir: join(dir, 'witness'),
      hubKeyId: config.hub.keyId,
      hubPublicKey: publicKeyFromBase64(config.hub.publicKey),
      log: log.child({ part: 'witness' }),
    });
    const loops = config.collaborations.map((collab) =>
      new SiteClient(config.hub!, key, collab, worker, log.child({ collab }), witness).run(
        abort.signal,
      ),
    );
    stops.push(async () => {
      await Promise.allSettled(loops);
    });
    log.info(
      { hub: config.hub.url, collaborations: config.collaborations },
      'site polling its hub',
    );
  }
  return running;
}
