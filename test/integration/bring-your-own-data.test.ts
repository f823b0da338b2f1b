import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEntry, freePort, packageRoot } from '../../src/node/index.js';

/**
 * The README's "bring your own data" steps, run as a new user would: only the `converge`
 * CLI, a CSV per site with other columns and another label (Beijing air quality: is PM2.5
 * above 75 µg/m³?), dataset declarations and a job spec from examples/air-quality.
 */
const run = promisify(execFile);
const converge = (...args: string[]) =>
  run(process.execPath, [cliEntry(), ...args], { cwd: packageRoot() });
const started: ChildProcess[] = [];

afterAll(() => {
  for (const p of started) p.kill('SIGTERM');
});

describe('bring your own data through the CLI', () => {
  it('inits a hub and three sites, starts them, trains, and prints the per-site table', async () => {
    const work = await mkdtemp(join(tmpdir(), 'converge-byod-'));
    const examples = join(packageRoot(), 'examples', 'air-quality');
    const port = await freePort();
    await converge(
      'node',
      'init',
      '--dir',
      join(work, 'hub'),
      '--name',
      'hub',
      '--institution',
      'Air study hub',
      '--jurisdiction',
      'CN',
      '--role',
      'hub',
      '--port',
      String(port),
    );
    const stations = ['dongsi', 'changping', 'huairou'];
    for (const s of stations) {
      await converge(
        'node',
        'init',
        '--dir',
        join(work, s),
        '--name',
        s,
        '--institution',
        `${s} monitoring station`,
        '--jurisdiction',
        'CN',
        '--role',
        'site',
        '--hub-url',
        `http://127.0.0.1:${port}`,
        '--hub-identity',
        join(work, 'hub', 'identity.json'),
        '--collab',
        'air',
        '--dataset',
        join(examples, `${s}.dataset.json`),
      );
    }
    await converge(
      'collab',
      'create',
      '--dir',
      join(work, 'hub'),
      '--id',
      'air',
      '--domain',
      'environmental-protection',
      '--min-clean-jobs',
      '0',
      ...stations.flatMap((s) => ['--member', join(work, s, 'identity.json')]),
    );

    for (const dir of ['hub', ...stations]) {
      const p = spawn(
        process.execPath,
        [
          cliEntry(),
          'node',
          'start',
          '--dir',
          join(work, dir),
          '--log-file',
          join(work, dir, 'node.log'),
        ],
        { stdio: 'ignore' },
      );
      started.push(p);
      if (dir === 'hub') {
        while (!existsSync(join(work, 'hub', 'run', 'endpoint.json'))) await sleep(50);
      }
    }
    // Training needs trust level 2: the hub proposes it and every member signs.
    await converge(
      'trust',
      'propose',
      '--dir',
      join(work, 'hub'),
      '--collab',
      'air',
      '--level',
      '2',
    );
    for (const member of ['hub', ...stations]) {
      await converge('trust', 'vote', '--dir', join(work, member), '--collab', 'air');
    }
    const { stdout } = await converge(
      'train',
      '--dir',
      join(work, 'hub'),
      '--collab',
      'air',
      '--spec',
      join(examples, 'job.json'),
      '--json',
      join(work, 'job.json'),
    );
    expect(stdout).toMatch(/dongsi/);
    expect(stdout).toMatch(/pooled test/);
    const job = JSON.parse(await readFile(join(work, 'job.json'), 'utf8')) as {
      status: string;
      rounds: { participants: string[] }[];
      evaluation: { global: Record<string, { accuracy: number; n: number }> };
    };
    expect(job.status).toBe('finished');
    expect(job.rounds).toHaveLength(5);
    for (const s of stations) {
      // Better than always answering "not above 75" would be: the model learned something.
      expect(job.evaluation.global[s]!.accuracy).toBeGreaterThan(0.6);
      expect(job.evaluation.global[s]!.n).toBeGreaterThan(7_000);
    }
  }, 240_000);

  it('names the field when a dataset declaration is wrong', async () => {
    const work = await mkdtemp(join(tmpdir(), 'converge-byod-bad-'));
    const result = converge(
      'node',
      'init',
      '--dir',
      join(work, 's'),
      '--name',
      's',
      '--institution',
      'x',
      '--jurisdiction',
      'XX',
      '--role',
      'site',
    );
    await expect(result).rejects.toThrow(/jurisdiction: an ISO 3166-1 alpha-2 code/);
  });
});
