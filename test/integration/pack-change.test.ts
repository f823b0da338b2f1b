import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { placeOnH100Request } from '../../src/cli/demo/demo-governance.js';
import { decodeEntry, type LedgerEntry } from '../../src/federation/index.js';
import type { LocalNetwork, MemberClient } from '../../src/node/index.js';
import { openNodeDirectory } from '../../src/node/index.js';
import { PACK_CHANGE_PURPOSE, signVote, type PackSource } from '../../src/policy/index.js';
import {
  TileClient,
  newVerifier,
  parseCheckpoint,
  parseNote,
  parsePolicy,
} from '../../src/ledger/index.js';
import { runCli } from '../cli/support/run-cli.js';
import { packSource } from '../policy/packs.js';
import { heartNetwork } from '../support/heart-network.js';

// A pack change through a running hub, from the command line: an invalid version is refused
// with Cedar's diagnostics, a valid one is proposed with what it changes on the sample
// requests, signed by every member from their own node directories, decided by changePolicy
// and put in force for the collaboration (durably); a rival proposal made against the old
// version is refused as stale, and decisions on either side of the change replay from the log.

let net: LocalNetwork | undefined;
afterEach(async () => {
  await net?.stop();
  net = undefined;
});

/** The US pack with the 3A090.a.1 threshold raised from TPP 4800 to `tpp`. */
function usWithThreshold(tpp: number, version: string): PackSource {
  const us = packSource('us');
  const meta = structuredClone(us.meta) as { version: string };
  meta.version = version;
  if (!us.cedar.includes('context.accelerator.tpp >= 4800 &&')) throw new Error('fixture');
  return {
    ...us,
    cedar: us.cedar.replace(
      'context.accelerator.tpp >= 4800 &&',
      `context.accelerator.tpp >= ${tpp} &&`,
    ),
    meta,
  };
}

async function writePack(dir: string, file: string, source: PackSource): Promise<string> {
  await writeFile(join(dir, `${file}.cedar`), source.cedar);
  await writeFile(join(dir, `${file}.meta.json`), JSON.stringify(source.meta, null, 2));
  return join(dir, `${file}.cedar`);
}

async function logEntries(client: MemberClient): Promise<LedgerEntry[]> {
  const status = await client.ledgerPublished('heart');
  const tiles = new TileClient(client.logUrl('heart'), {
    origin: status.origin,
    verifiers: [newVerifier(parsePolicy(status.policy).logs[0]!.vkey)],
  });
  const checkpoint = parseCheckpoint(parseNote(status.checkpoint!).text);
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < checkpoint.size; i++)
    entries.push(decodeEntry(await tiles.entry(i, checkpoint)));
  return entries;
}

const placeOnH100 = () => placeOnH100Request({ name: 'pumch', jurisdiction: 'CN' }, 'heart');

describe('a pack change through the hub', () => {
  it('is validated, proposed, signed by every member, in force durably, and replayable', async () => {
    const work = await mkdtemp(join(tmpdir(), 'converge-packs-'));
    onTestFinished(() => rm(work, { recursive: true, force: true }));
    net = await heartNetwork();
    await net.startAll();
    let client = await net.client();
    const hub = client.url;
    const members = (await client.trustState('heart')).members;

    // Invalid: Cedar's diagnostics, exit 2, and the pack in force stays.
    const broken = usWithThreshold(16000, '2025.2');
    const invalid = await writePack(work, 'broken', {
      ...broken,
      cedar: broken.cedar.replace(
        'context.accelerator.tpp >= 16000',
        'context.accelerator.tpp >= "16000"',
      ),
    });
    const refused = await runCli([
      'policy',
      'propose',
      invalid,
      '--meta',
      join(work, 'broken.meta.json'),
      '--collab',
      'heart',
      '--pack',
      'us',
      '--dir',
      net.dir('cleveland'),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(
      /pack us is invalid; the version in force stays:\nschema validation: us\/eccn-3a090-a1-d5-headquartered/,
    );
    expect((await client.packsInForce('heart')).find((p) => p.pack === 'us')).toMatchObject({
      version: '2025.1',
      voted: false,
    });

    const before = await client.decide('heart', placeOnH100());
    expect(before.decision.deciding?.policyId).toBe('us/eccn-3a090-a1-d5-headquartered');

    // Valid: proposed by Cleveland from its own node directory, with the diff on the samples.
    const file = await writePack(work, 'us', usWithThreshold(16000, '2025.2'));
    const proposed = await runCli([
      'policy',
      'propose',
      file,
      '--collab',
      'heart',
      '--pack',
      'us',
      '--dir',
      net.dir('cleveland'),
    ]);
    expect(proposed.stderr).toBe('');
    expect(proposed.code).toBe(0);
    const id = /^proposal ([0-9a-f]{16}) in heart by cleveland$/m.exec(proposed.stdout)?.[1];
    expect(id).toBeDefined();
    expect(proposed.stdout).toContain('changed us/eccn-3a090-a1-d5-headquartered: cedar');
    expect(proposed.stdout).toMatch(
      /denied by another rule: cn-workload-on-h100.json placeWorkload: deny \(us\/eccn-3a090-a1-d5-headquartered\) → deny \(us\/eccn-3a090-a2-d5-headquartered\)/,
    );
    const view = await client.packProposal('heart', id!);

    // A rival proposal against the same version in force: stale once the first one applies.
    const rivalFile = await writePack(work, 'rival', usWithThreshold(20000, '2025.3'));
    const rival = await runCli([
      'policy',
      'propose',
      rivalFile,
      '--collab',
      'heart',
      '--pack',
      'us',
      '--dir',
      net.dir('pumch'),
    ]);
    const rivalId = /^proposal ([0-9a-f]{16})/m.exec(rival.stdout)?.[1];
    expect(rivalId).toBeDefined();

    // A signature by the wrong key is refused; every member but one signs through the API.
    const { key: hubKey } = await openNodeDirectory(net.dir('hub'));
    await expect(
      client.votePack(
        'heart',
        id!,
        'hungary',
        signVote(PACK_CHANGE_PURPOSE, view.proposal, hubKey.privateKey),
      ),
    ).rejects.toThrow(/401.*does not verify/);
    for (const member of members.slice(0, -1)) {
      const { key } = await openNodeDirectory(net.dir(member));
      const signed = await client.votePack(
        'heart',
        id!,
        member,
        signVote(PACK_CHANGE_PURPOSE, view.proposal, key.privateKey),
      );
      expect(signed.status).toBe('open');
    }
    // The last member signs from its own node directory, through the command line.
    const last = members.at(-1)!;
    const voted = await runCli([
      'policy',
      'vote',
      id!,
      '--collab',
      'heart',
      '--dir',
      net.dir(last),
    ]);
    expect(voted.stderr).toBe('');
    expect(voted.stdout).toMatch(
      new RegExp(
        `^${last} signed proposal ${id}: every member has; pack us [0-9a-f]{12}… is in force in heart`,
      ),
    );

    const after = await client.decide('heart', placeOnH100());
    expect(after.decision.deciding?.policyId).toBe('us/eccn-3a090-a2-d5-headquartered');
    expect(after.decision.policySetHash).not.toBe(before.decision.policySetHash);

    const stale = await runCli([
      'policy',
      'vote',
      rivalId!,
      '--collab',
      'heart',
      '--dir',
      net.dir('hungary'),
    ]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/409.*is stale: it was made against a version no longer in force/);

    const shown = await runCli(['policy', 'show', '--hub', hub, '--collab', 'heart']);
    expect(shown.stdout).toMatch(/us\s+2025\.2\s+[0-9a-f]{12}…\s+voted by the members/);
    expect(shown.stdout).toContain('no open proposal');

    // The log: proposal (with the text), every vote, the changePolicy decision, the change.
    const entries = await logEntries(client);
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t === 'policy.proposed')).toHaveLength(2);
    expect(types.filter((t) => t === 'policy.voted')).toHaveLength(members.length);
    const changed = entries.findIndex((e) => e.type === 'policy.changed');
    const decided = entries.findIndex(
      (e) => e.type === 'policy.decision' && e.action === 'changePolicy',
    );
    expect(decided).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(decided);
    expect(entries[changed]).toMatchObject({
      pack: 'us',
      toHash: view.proposal.toHash,
      version: '2025.2',
    });

    // Both decisions replay straight from the log: the old one with the repository's packs, the
    // new one with the version the log itself carries.
    const placements = entries.flatMap((e, i) =>
      e.type === 'policy.decision' && e.action === 'placeWorkload' ? [i] : [],
    );
    expect(placements).toHaveLength(2);
    for (const [index, policyId] of [
      [placements[0]!, 'us/eccn-3a090-a1-d5-headquartered'],
      [placements[1]!, 'us/eccn-3a090-a2-d5-headquartered'],
    ] as const) {
      const replayed = await runCli([
        'policy',
        'replay',
        String(index),
        '--hub',
        client.logUrl('heart'),
      ]);
      expect(replayed.stderr).toBe('');
      expect(replayed.stdout).toMatch(new RegExp(`^reproduces: deny by ${policyId}`));
    }

    // Durable: after a restart the hub decides with the version its members voted in.
    await net.kill('hub', 'SIGTERM');
    await net.start('hub');
    client = await net.client();
    expect((await client.packsInForce('heart')).find((p) => p.pack === 'us')).toMatchObject({
      version: '2025.2',
      voted: true,
    });
    const restarted = await client.decide('heart', placeOnH100());
    expect(restarted.decision.policySetHash).toBe(after.decision.policySetHash);
  });
});
