import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnalyticsTable } from '../analytics/index.js';
import type { DatasetConfig } from '../learning/index.js';
import { createCollaborationAt } from './collab-setup.js';
import { ENDPOINT_FILE, identityCard, initNodeDirectory } from './node-dir.js';
import { MemberClient } from './member-client.js';
import { cliEntry } from './package-root.js';
import { stopProcess } from './stop-process.js';

export interface PartySpec {
  name: string;
  institution: string;
  jurisdiction: string;
}

export interface LocalNetworkSpec {
  /** `computeSites`: the hub's sites file (absolute path), where jobs' aggregation may run. */
  hub: PartySpec & { computeSites?: string };
  /**
   * Data sites: datasets they train on and tables they offer to analytics only (either may be
   * empty). Paths go into node.json as given, so give them absolute.
   */
  sites: (PartySpec & { datasets: DatasetConfig[]; tables?: AnalyticsTable[] })[];
  /** Members without a data site: admitted with a node directory and key, never started. */
  members?: PartySpec[];
  collab: { id: string; domain: string; title?: string; minCleanJobs?: number };
}

/** Niceness of site processes; CONVERGE_SITE_NICE=0 runs them at the hub's priority. */
const SITE_NICE = Number(process.env['CONVERGE_SITE_NICE'] ?? 10);

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/**
 * A hub and its sites as separate OS processes on loopback, each with its own node
 * directory, key and database: the demo, the benchmarks and the fault tests run on it.
 */
export class LocalNetwork {
  private readonly processes = new Map<string, ChildProcess>();
  private readonly stderr = new Map<string, string>();

  private constructor(
    readonly workdir: string,
    readonly spec: LocalNetworkSpec,
    readonly hubUrl: string,
  ) {}

  static async create(workdir: string, spec: LocalNetworkSpec): Promise<LocalNetwork> {
    await rm(workdir, { recursive: true, force: true });
    await mkdir(workdir, { recursive: true });
    const port = await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    const hub = await initNodeDirectory(join(workdir, spec.hub.name), {
      ...spec.hub,
      roles: ['hub'],
      listen: { host: '127.0.0.1', port },
    });
    const hubLink = {
      url: hubUrl,
      keyId: hub.key.keyId,
      publicKey: identityCard(hub.config, hub.key).publicKey,
    };
    const cards = [];
    for (const site of spec.sites) {
      const created = await initNodeDirectory(join(workdir, site.name), {
        ...site,
        roles: ['site'],
        hub: hubLink,
        collaborations: [spec.collab.id],
      });
      cards.push(identityCard(created.config, created.key));
    }
    for (const member of spec.members ?? []) {
      const created = await initNodeDirectory(join(workdir, member.name), {
        ...member,
        roles: ['member'],
        hub: hubLink,
        collaborations: [spec.collab.id],
      });
      cards.push(identityCard(created.config, created.key));
    }
    await createCollaborationAt(join(workdir, spec.hub.name), spec.collab, cards);
    return new LocalNetwork(workdir, spec, hubUrl);
  }

  /** What a node's process wrote to stderr (its errors; logs go to its node.log). */
  errorOutput(name: string): string {
    return this.stderr.get(name) ?? '';
  }

  dir(name: string): string {
    return join(this.workdir, name);
  }

  /** Start one node's process; resolves once a hub is listening (sites start polling on their own). */
  async start(name: string): Promise<ChildProcess> {
    const dir = this.dir(name);
    const isHub = name === this.spec.hub.name;
    const endpoint = join(dir, ENDPOINT_FILE);
    if (isHub) await rm(endpoint, { force: true });
    const child = spawn(
      process.execPath,
      [cliEntry(), 'node', 'start', '--dir', dir, '--log-file', join(dir, 'node.log')],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      this.stderr.set(name, stderr);
    });
    this.processes.set(name, child);
    // On one machine the sites' training would starve the coordinator of CPU, which it would
    // not be on its own machine in a real network: sites run at a lower priority.
    if (!isHub && child.pid !== undefined && SITE_NICE > 0) {
      try {
        setPriority(child.pid, SITE_NICE);
      } catch {
        // Not permitted here: run at equal priority.
      }
    }
    if (!isHub) {
      // Ready once it polls its hub (dataset loaded, model backend up), or once it has exited
      // (e.g. on a malformed dataset): jobs started after startAll() find every site there.
      const log = join(dir, 'node.log');
      const deadline = Date.now() + 60_000;
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) {
        const text = await readFile(log, 'utf8').catch(() => '');
        if (text.includes('site polling its hub')) break;
        await sleep(25);
      }
    }
    if (isHub) {
      const deadline = Date.now() + 30_000;
      while (!existsSync(endpoint)) {
        if (child.exitCode !== null)
          throw new Error(`hub exited (${child.exitCode}): ${stderr.trim()}`);
        if (Date.now() > deadline) throw new Error('hub did not start within 30 s');
        await sleep(25);
      }
    }
    return child;
  }

  async startAll(): Promise<void> {
    await this.start(this.spec.hub.name);
    // Together: a site's start-up is mostly waiting (loading, then its first poll).
    await Promise.all(this.spec.sites.map((site) => this.start(site.name)));
  }

  pid(name: string): number | undefined {
    return this.processes.get(name)?.pid;
  }

  pids(): Record<string, number> {
    return Object.fromEntries(
      [...this.processes].flatMap(([n, p]) =>
        p.pid !== undefined && p.exitCode === null ? [[n, p.pid]] : [],
      ),
    );
  }

  /** kill -9 (or another signal) one node, and wait until its process is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill(signal);
    await exited;
    this.processes.delete(name);
  }

  client(): Promise<MemberClient> {
    return MemberClient.forHubDirectory(this.dir(this.spec.hub.name));
  }

  /** SIGTERM every node; one not gone after `graceMs` is named on stderr and SIGKILLed. */
  async stop(graceMs = 15_000): Promise<void> {
    await Promise.all(
      [...this.processes].map(async ([name, child]) => {
        await stopProcess(child, graceMs, (message) =>
          process.stderr.write(`${name} ${message}\n`),
        );
        this.processes.delete(name);
      }),
    );
  }
}
