import { collect } from './options.js';
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { DatasetConfig } from '../learning/index.js';
import { readComputeSites } from '../federation/index.js';
import { initNodeDirectory, readIdentityCard, startNode } from '../node/index.js';
import { describeZodError } from '../node/config.js';
import { shutdownWithin } from '../node/stop-process.js';

/** A dataset file's relative paths are relative to that file, so configs can be moved as a set. */
async function readDatasetConfig(file: string) {
  const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const parsed = DatasetConfig.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: ${describeZodError(parsed.error)}`);
  const base = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const ds = parsed.data;
  return {
    ...ds,
    path: abs(ds.path),
    split: ds.split.kind === 'file' ? { ...ds.split, path: abs(ds.split.path) } : ds.split,
  };
}

export function nodeCommands(): Command {
  const node = new Command('node').description('create and run a Converge node');

  node
    .command('init')
    .description('create a node directory: Ed25519 key (0600), config, public identity card')
    .requiredOption('--dir <dir>', 'node directory to create')
    .requiredOption('--name <name>', 'node name (lower-case, digits, dashes)')
    .requiredOption('--institution <text>', 'legal name of the institution that runs it')
    .requiredOption('--jurisdiction <code>', 'ISO 3166-1 alpha-2 country code, e.g. US, HU, CH')
    .addOption(
      new Option('--role <role>', 'hub, site, witness or compute (repeatable)').argParser(collect),
    )
    .option('--port <port>', 'port a hub listens on (0 = any free port)', (v) => Number(v))
    .option('--hub-url <url>', 'URL of the hub this site connects to')
    .option('--hub-identity <file>', "the hub's identity.json (its public key)")
    .option('--collab <id>', 'collaboration this site takes part in (repeatable)', collect)
    .option(
      '--dataset <file>',
      'dataset declaration JSON (id, path, schema, split) (repeatable)',
      collect,
    )
    .option(
      '--compute-sites <file>',
      "a hub's compute sites (converge plan's sites format): where jobs' aggregation may run",
    )
    .action(
      async (o: {
        dir: string;
        name: string;
        institution: string;
        jurisdiction: string;
        role?: string[];
        port?: number;
        hubUrl?: string;
        hubIdentity?: string;
        collab?: string[];
        dataset?: string[];
        computeSites?: string;
      }) => {
        const hub = o.hubIdentity ? await readIdentityCard(o.hubIdentity) : undefined;
        // Read now, so that a malformed file is refused before the node exists.
        if (o.computeSites) await readComputeSites(resolve(o.computeSites));
        if (o.hubUrl && !hub)
          throw new Error('--hub-url needs --hub-identity (the hub public key)');
        const created = await initNodeDirectory(o.dir, {
          name: o.name,
          institution: o.institution,
          jurisdiction: o.jurisdiction,
          roles: o.role ?? ['site'],
          ...(o.port !== undefined ? { listen: { host: '127.0.0.1', port: o.port } } : {}),
          ...(hub && o.hubUrl
            ? { hub: { url: o.hubUrl, keyId: hub.keyId, publicKey: hub.publicKey } }
            : {}),
          collaborations: o.collab ?? [],
          datasets: await Promise.all((o.dataset ?? []).map(readDatasetConfig)),
          ...(o.computeSites ? { computeSites: resolve(o.computeSites) } : {}),
        });
        console.log(`node ${created.config.name} created in ${o.dir}`);
        console.log(`  key id   ${created.key.keyId} (private key in ${o.dir}/keys, mode 0600)`);
        console.log(`  identity ${o.dir}/identity.json: hand this file to your hub`);
      },
    );

  node
    .command('start')
    .description('run the node: a hub serves HTTP; a site polls its hub (outbound only)')
    .requiredOption('--dir <dir>', 'node directory')
    .option('--port <port>', 'override the listening port', (v) => Number(v))
    .option('--log-file <file>', 'write JSON logs to this file instead of the terminal')
    .action(async (o: { dir: string; port?: number; logFile?: string }) => {
      const running = await startNode(o.dir, {
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.logFile ? { logFile: o.logFile } : {}),
      });
      if (running.url) {
        console.log(`hub ${running.name} listening on ${running.url}`);
        console.log(`member API token: ${running.token}`);
        // The token rides in the fragment, which the browser keeps to itself (never sent).
        console.log(`dashboard: ${running.url}/#token=${running.token}`);
      } else {
        console.log(`site ${running.name} running; polling its hub`);
      }
      const shutdown = async () => {
        const code = await shutdownWithin(
          () => running.stop(),
          10_000,
          (message) => console.error(`${running.name}: ${message}`),
        );
        process.exit(code);
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });

  return node;
}
