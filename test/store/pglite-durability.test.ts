import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';

const child = fileURLToPath(new URL('./fixtures/commit-and-hang.ts', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'converge-durability-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Resolves with the child's first stdout line; rejects if it exits first. */
async function firstLine(proc: ChildProcess): Promise<string> {
  const stderr: string[] = [];
  proc.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const lines = createInterface({ input: proc.stdout! });
  const exited = once(proc, 'exit').then(([code]) => {
    throw new Error(`child exited (${String(code)}) before acknowledging: ${stderr.join('')}`);
  });
  const line = once(lines, 'line').then(([text]) => String(text));
  return Promise.race([line, exited]);
}

// One child serves both tests: starting one (tsx, PGlite's wasm, initdb) takes seconds.
describe('pglite durability: a child process commits, acknowledges, and is killed', () => {
  const dataDir = join(dir, 'db');
  let proc: ChildProcess;
  beforeAll(async () => {
    proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, 'acked'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(await firstLine(proc)).toBe('committed acked');
  }, 120_000);
  afterAll(() => {
    proc.kill('SIGKILL'); // no-op once dead; never leave it running if a test failed
  });

  it('refuses to open the directory while that process holds it', async () => {
    await expect(openStore({ dataDir })).rejects.toThrow(
      `pglite: data directory ${dataDir} is in use by process ${proc.pid}`,
    );
  });

  it('keeps the acknowledged commit after SIGKILL, and takes over the stale lock', async () => {
    proc.kill('SIGKILL');
    const [, signal] = await once(proc, 'exit');
    expect(signal).toBe('SIGKILL');

    const db = await openStore({ dataDir });
    try {
      const rows = await db.query('select key, value from node_meta');
      expect(rows).toEqual([{ key: 'acked', value: { pid: proc.pid } }]);
    } finally {
      await db.close();
    }
  });
});
