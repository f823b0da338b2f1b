import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A PostgreSQL server for one test file: a throwaway one, or DATABASE_URL's. */
export interface TestPostgres {
  readonly url: string;
  /** True when the server is DATABASE_URL's: tests must clean up what they create. */
  readonly external: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway PostgreSQL server (initdb into a temp dir, trust auth, a free port on
 * 127.0.0.1), or uses DATABASE_URL's server when set. Where none can be had, CI fails with
 * the reason; elsewhere this prints a notice and returns undefined so the suite can skip.
 */
export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  const external = process.env['DATABASE_URL'];
  if (external !== undefined && external !== '') {
    return { url: external, external: true, stop: () => Promise.resolve() };
  }
  try {
    return await startThrowawayServer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (inCi()) {
      throw new Error(`PostgreSQL tests cannot run in CI: ${reason}`, { cause: error });
    }
    console.warn(`\n[postgres] NOTICE: skipping PostgreSQL-backed tests: ${reason}\n`);
    return undefined;
  }
}

/** A fresh schema name, unique to this run, for tests sharing one server. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

/** Drops schemas a test created on a server it does not own. */
export async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

async function startThrowawayServer(): Promise<TestPostgres> {
  const bin = findServerBinaries();
  const runAs = serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'converge-pg-'));
  if (runAs !== undefined) await chown(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    await asServerUser(runAs, dir, join(bin, 'initdb'), [
      ...['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
    ]);
  } catch (error) {
    await cleanup();
    throw new Error(`initdb (${bin}) failed: ${commandError(error)}`, { cause: error });
  }
  const pgCtl = (args: string[]) =>
    asServerUser(runAs, dir, join(bin, 'pg_ctl'), ['-D', data, ...args]);
  const port = await startOnFreePort(pgCtl, dir).catch(async (error: unknown) => {
    await cleanup();
    throw error;
  });
  const stop = once(async () => {
    process.off('exit', stopOnExit);
    await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    await cleanup();
  });
  // A worker that dies before its afterAll must not leave a server behind.
  const stopOnExit = () => {
    try {
      execFileSync(
        ...asServerUserArgs(runAs, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']),
        {
          cwd: dir,
          stdio: 'ignore',
        },
      );
    } catch {
      // already stopped
    }
  };
  process.on('exit', stopOnExit);
  try {
    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query('create database converge_test');
    await client.end();
  } catch (error) {
    await stop();
    throw new Error(`could not create the test database: ${commandError(error)}`, { cause: error });
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/converge_test`, external: false, stop };
}

/** Starts the server, retrying with another port if one was taken meanwhile. */
async function startOnFreePort(
  pgCtl: (args: string[]) => Promise<unknown>,
  dir: string,
): Promise<number> {
  const log = join(dir, 'server.log');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // fsync off: a throwaway server needs no crash safety, and tests run faster.
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    try {
      await pgCtl(['-l', log, '-w', '-t', '60', '-o', serverOptions, 'start']);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`pg_ctl start failed: ${commandError(lastError)}\n${tail}`, { cause: lastError });
}

/** The directory holding initdb and pg_ctl: PATH first, then Debian's versioned dirs. */
function findServerBinaries(): string {
  const candidates = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const found = candidates.find(
    (d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')),
  );
  if (found === undefined) {
    throw new Error(
      'no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; install the postgresql package or set DATABASE_URL',
    );
  }
  return found;
}

interface ServerUser {
  readonly uid: number;
  readonly gid: number;
}

/** initdb refuses to run as root; then the server runs as the `postgres` user. */
function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'running as root, and there is no "postgres" user to run the server as (initdb refuses root)',
    );
  }
}

function asServerUserArgs(
  user: ServerUser | undefined,
  command: string,
  args: string[],
): [string, string[]] {
  if (user === undefined) return [command, args];
  if (existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser')) {
    return ['runuser', ['-u', 'postgres', '--', command, ...args]];
  }
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [command, ...args].map(shellQuote).join(' ')]];
}

function asServerUser(
  user: ServerUser | undefined,
  cwd: string,
  command: string,
  args: string[],
): Promise<unknown> {
  const [file, argv] = asServerUserArgs(user, command, args);
  return run(file, argv, { cwd, env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 });
}

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function commandError(error: unknown): string {
  if (error instanceof Error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    return typeof stderr === 'string' && stderr.trim() !== ''
      ? `${error.message.split('\n')[0]}: ${stderr.trim()}`
      : error.message;
  }
  return String(error);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
