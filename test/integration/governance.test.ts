import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntry } from '../../src/federation/index.js';
import { placeOnH100Request } from '../../src/cli/demo/demo-governance.js';
import type { LedgerEntry } from '../../src/federation/index.js';
import {
  TileClient,
  newVerifier,
  parseCheckpoint,
  parseNote,
  parsePolicy,
} from '../../src/ledger/index.js';
import type { LocalNetwork, MemberClient } from '../../src/node/index.js';
import { openNodeDirectory } from '../../src/node/index.js';
import {
  TRUST_PURPOSE,
  loadPolicyEngine,
  parseLoggedDecision,
  replayDecision,
  signVote,
} from '../../src/policy/index.js';
import { heartNetwork } from '../support/heart-network.js';
import { runCli } from '../cli/support/run-cli.js';

// Governance through a running hub: trust rises only with every member's valid signature,
// the hub decides members' requests with the collaboration's real facts, and every decision,
// vote and change lands in the log, where anyone can replay the decision.

let net: LocalNetwork | undefined;
afterEach(async () => {
  await net?.stop();
  net = undefined;
});

async function logEntries(client: MemberClient): Promise<LedgerEntry[]> {
  const status = await client.ledgerPublished('heart');
  const policy = parsePolicy(status.policy);
  const tiles = new TileClient(client.logUrl('heart'), {
    origin: status.origin,
    verifiers: [newVerifier(policy.logs[0]!.vkey)],
  });
  const checkpoint = parseCheckpoint(parseNote(status.checkpoint!).text);
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < checkpoint.size; i++) {
    entries.push(decodeEntry(await tiles.entry(i, checkpoint)));
  }
  return entries;
}

/** The demo's export-control request, claiming a trust level the collaboration does not have. */
function placeOnH100(collab: string, trustLevel: number) {
  const request = placeOnH100Request({ name: 'pumch', jurisdiction: 'CN' }, collab) as {
    entities: unknown[];
  };
  // A requester's claim about the collaboration is replaced by the hub's own records.
  const claim = { type: 'Collaboration', id: collab, attrs: { domain: 'healthcare', trustLevel } };
  return { ...request, entities: [claim, ...request.entities] };
}

describe('governance at the hub', () => {
  it('raises trust only with every valid signature, decides requests, and logs it all replayably', async () => {
    net = await heartNetwork();
    await net.startAll();
    const client = await net.client();
    const before = await client.trustState('heart');
    expect(before.level).toBe(1);
    expect(before.members.sort()).toEqual(
      ['cleveland', 'hub', 'hungary', 'long-beach', 'pumch', 'switzerland'].sort(),
    );

    const proposal = await client.proposeTrustRaise('heart', 'hub');
    expect(proposal.to).toBe(2);
    // A signature by the wrong key is refused and counts for nothing.
    const { key: hubKey } = await openNodeDirectory(net.dir('hub'));
    await expect(
      client.voteTrust('heart', 'hungary', signVote(TRUST_PURPOSE, proposal, hubKey.privateKey)),
    ).rejects.toThrow(/401.*does not verify/);
    // All but one member sign: still level 1.
    const members = before.members;
    for (const member of members.slice(0, -1)) {
      const { key } = await openNodeDirectory(net.dir(member));
      const view = await client.voteTrust(
        'heart',
        member,
        signVote(TRUST_PURPOSE, proposal, key.privateKey),
      );
      expect(view.level).toBe(1);
    }
    // The last member votes from its own node directory, through the command line.
    const last = members.at(-1)!;
    const voted = await runCli(['trust', 'vote', '--dir', net.dir(last), '--collab', 'heart']);
    expect(voted.stderr).toBe('');
    expect(voted.stdout).toContain('heart is at level 2');
    expect((await client.trustState('heart')).level).toBe(2);

    // The hub's facts win: the request claims level 3, the hub knows 2; refused by 3A090 either way.
    const { decision } = await client.decide('heart', placeOnH100('heart', 3));
    expect(decision.decision).toBe('deny');
    expect(decision.deciding?.policyId).toBe('us/eccn-3a090-a1-d5-headquartered');
    // Malformed: default deny with a clear error, never a crash.
    const malformed = await client.decide('heart', { action: 'fly' });
    expect(malformed.decision.decision).toBe('deny');
    expect(malformed.decision.error?.message).toBeTruthy();

    const entries = await logEntries(client);
    const types = entries.map((e) => e.type);
    expect(types.filter((t) => t === 'trust.voted')).toHaveLength(members.length);
    expect(types).toContain('trust.proposed');
    const changed = entries.find((e) => e.type === 'trust.changed');
    expect(changed && changed.type === 'trust.changed' && [changed.from, changed.to]).toEqual([
      1, 2,
    ]);
    const decisions = entries.filter((e) => e.type === 'policy.decision');
    // The raise itself, the export-control refusal, the malformed request.
    expect(decisions.map((d) => d.type === 'policy.decision' && d.action)).toEqual([
      'raiseTrust',
      'placeWorkload',
      'fly',
    ]);
    const refusal = decisions[1]!;
    if (refusal.type !== 'policy.decision') throw new Error('not a decision');
    const logged = parseLoggedDecision(refusal.logged);
    const request = logged.request as {
      entities: { type: string; attrs: { trustLevel?: number } }[];
    };
    expect(request.entities.find((e) => e.type === 'Collaboration')?.attrs.trustLevel).toBe(2);
    // Anyone holding the packs replays the logged decision from the log alone.
    const engine = loadPolicyEngine(undefined, { anyDate: true });
    expect(replayDecision(engine, logged).matches).toBe(true);
    const tampered = parseLoggedDecision({
      ...refusal.logged,
      decision: { ...(refusal.logged.decision as object), decision: 'allow' },
    });
    expect(replayDecision(engine, tampered).matches).toBe(false);
    // The same from the command line, straight from the hub's log by entry index.
    const index = entries.indexOf(refusal);
    const replayed = await runCli([
      'policy',
      'replay',
      String(index),
      '--hub',
      client.logUrl('heart'),
    ]);
    expect(replayed.stderr).toBe('');
    expect(replayed.stdout).toMatch(/^reproduces: deny by us\/eccn-3a090-a1-d5-headquartered/);
    expect(replayed.code).toBe(0);
    const notDecision = await runCli(['policy', 'replay', '0', '--hub', client.logUrl('heart')]);
    expect(notDecision.stderr).toMatch(/entry 0 is a collab.created, not a policy.decision/);
  });
});
