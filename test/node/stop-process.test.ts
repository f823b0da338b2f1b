import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { describe, expect, it } from 'vitest';

import { shutdownWithin, stopProcess } from '../../src/node/stop-process.js';

/** A node process that says it is ready, then (optionally) ignores SIGTERM. */
async function child(ignoreTerm: boolean) {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
    setInterval(() => {}, 1000); process.stdout.write('ready\\n');`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(proc.stdout, 'data');
  return proc;
}

describe('stopping a node process', () => {
  it('ends with SIGTERM when the process exits, with no warning', async () => {
    const proc = await child(false);
    const warnings: string[] = [];
    expect(await stopProcess(proc, 5_000, (m) => warnings.push(m))).toBe('exited');
    expect(proc.signalCode).toBe('SIGTERM');
    expect(warnings).toEqual([]);
  });

  it('kills a process that ignores SIGTERM after the grace period, and says so', async () => {
    const proc = await child(true);
    const warnings: string[] = [];
    const started = Date.now();
    expect(await stopProcess(proc, 300, (m) => warnings.push(m))).toBe('killed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(proc.signalCode).toBe('SIGKILL');
    expect(warnings).toEqual(['did not stop within 300 ms of SIGTERM: SIGKILL']);
  });

  it('returns at once for a process that already exited', async () => {
    const proc = await child(false);
    proc.kill('SIGKILL');
    await once(proc, 'exit');
    expect(await stopProcess(proc, 5_000, () => undefined)).toBe('exited');
  });
});

describe("a node's own shutdown", () => {
  it('exits 0 when the stop finishes in time', async () => {
    const warnings: string[] = [];
    expect(
      await shutdownWithin(
        async () => {},
        1_000,
        (m) => warnings.push(m),
      ),
    ).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('gives up on a stop that never settles, and says so', async () => {
    const warnings: string[] = [];
    const never = () => new Promise<void>(() => {});
    expect(await shutdownWithin(never, 200, (m) => warnings.push(m))).toBe(1);
    expect(warnings).toEqual(['shutdown did not finish within 200 ms; exiting anyway']);
  });

  it('exits 1 naming the error when the stop fails', async () => {
    const warnings: string[] = [];
    const failing = () => Promise.reject(new Error('ledger busy'));
    expect(await shutdownWithin(failing, 1_000, (m) => warnings.push(m))).toBe(1);
    expect(warnings).toEqual(['shutdown failed: ledger busy']);
  });
});
