import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../src/federation/index.js';
import {
  loadPolicyEngine,
  parseLoggedDecision,
  replayDecision,
} from '../../../src/policy/index.js';
import {
  analytics,
  consortiumWithCohort,
  governanceWorld,
  packVote,
  PARTIES,
  submission,
  type World,
} from './fixtures.js';

// A pack changes through the hub only when every member signed: validated first (strict), then
// proposed and logged with its text and what it changes, signed by each member, decided by
// changePolicy, put in force for this collaboration alone and kept across restarts.

let world: World;
beforeEach(async () => {
  world = await governanceWorld();
});
afterEach(async () => {
  await world.db.close();
});

const ofType = <T extends LedgerEvent['type']>(type: T) =>
  world.log
    .map((e, index) => ({ e, index }))
    .filter((x): x is { e: Extract<LedgerEvent, { type: T }>; index: number } => x.e.type === type);

async function signAll(id: string, members = PARTIES.map((p) => p.name)) {
  const { proposal } = await world.governor.packs.get('heart', id);
  let view;
  for (const member of members) {
    view = await world.governor.packs.vote('heart', id, packVote(world, member, proposal));
  }
  return view!;
}

describe('pack changes through the hub', () => {
  it('refuses an invalid pack with Cedar’s diagnostics, and the pack in force stays', async () => {
    const broken = consortiumWithCohort(20);
    const invalid = {
      ...broken,
      cedar: broken.cedar.replace('cohortSize < 20', 'cohortSize < "20"'),
    };
    const before = await world.governor.packs.inForce('heart');
    await expect(
      world.governor.packs.propose('heart', submission(world, 'cleveland', invalid)),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(
        /pack consortium is invalid; the version in force stays:\nschema validation: consortium\/analytics-minimum-cohort/,
      ),
    });
    expect(await world.governor.packs.inForce('heart')).toEqual(before);
    expect(ofType('policy.proposed')).toHaveLength(0);
  });

  it('refuses submissions that are not signed by the proposer, or not by a member', async () => {
    const forged = {
      ...submission(world, 'cleveland', consortiumWithCohort(20)),
      proposer: 'hungary',
    };
    await expect(world.governor.packs.propose('heart', forged)).rejects.toMatchObject({
      status: 401,
    });
    const stranger = {
      ...submission(world, 'cleveland', consortiumWithCohort(20)),
      proposer: 'mallory',
    };
    await expect(world.governor.packs.propose('heart', stranger)).rejects.toMatchObject({
      status: 403,
    });
    const old = submission(
      world,
      'cleveland',
      consortiumWithCohort(20),
      new Date(Date.now() - 3_600_000),
    );
    await expect(world.governor.packs.propose('heart', old)).rejects.toThrow(/more than 5 minutes/);
    await expect(world.governor.packs.propose('heart', { pack: 'us' })).rejects.toThrow(
      /invalid pack proposal: proposer: .*cedar/,
    );
  });

  it('takes effect when every member signed, for later decisions only, and replays either side', async () => {
    const { decision: before } = await world.governor
      .mayStartJob('heart', analytics(15))
      .then((g) => g.decisions[0]!);
    expect(before.decision).toBe('allow');

    const source = consortiumWithCohort(20);
    const view = await world.governor.packs.propose(
      'heart',
      submission(world, 'cleveland', source),
    );
    expect(view.status).toBe('open');
    expect(view.summary).toMatchObject({
      pack: 'consortium',
      status: 'changed',
      from: { version: '2025.1' },
      to: { version: '2025.2', hash: view.proposal.toHash },
      metadata: ['version'],
      policies: [
        { policyId: 'consortium/analytics-minimum-cohort', change: 'changed', fields: ['cedar'] },
      ],
      samples: { unchanged: 3 },
    });
    const [proposed] = ofType('policy.proposed');
    expect(proposed?.e.proposal).toMatchObject({
      id: view.id,
      fromHash: before.packs.find((p) => p.pack === 'consortium')?.hash,
      toHash: view.proposal.toHash,
      proposer: 'cleveland',
    });
    expect(proposed?.e.source.cedar).toBe(source.cedar);

    // A signature by the wrong key counts for nothing; all but one member: still the old pack.
    await expect(
      world.governor.packs.vote('heart', view.id, {
        member: 'hungary',
        signature: packVote(world, 'cleveland', view.proposal).signature,
      }),
    ).rejects.toMatchObject({ status: 401 });
    const partial = await signAll(view.id, ['hub', 'cleveland', 'hungary']);
    expect(partial).toMatchObject({ status: 'open', missing: ['pumch'] });
    expect((await world.governor.mayStartJob('heart', analytics(15))).allowed).toBe(true);

    const done = await signAll(view.id, ['pumch']);
    expect(done.status).toBe('applied');
    expect(ofType('policy.voted').map((v) => v.e.member)).toEqual([
      'hub',
      'cleveland',
      'hungary',
      'pumch',
    ]);
    const change = ofType('policy.decision').find((d) => d.e.action === 'changePolicy');
    expect(change?.e.decision).toBe('allow');
    const [changed] = ofType('policy.changed');
    expect(changed?.e).toMatchObject({
      pack: 'consortium',
      toHash: view.proposal.toHash,
      version: '2025.2',
    });
    expect(changed!.index).toBeGreaterThan(change!.index);

    // Decisions now use the new version and carry the new policy-set hash.
    const gate = await world.governor.mayStartJob('heart', analytics(15));
    expect(gate.allowed).toBe(false);
    expect(gate.refusal?.policyId).toBe('consortium/analytics-minimum-cohort');
    const after = gate.decisions[0]!.decision;
    expect(after.policySetHash).not.toBe(before.policySetHash);
    expect(after.packs.find((p) => p.pack === 'consortium')?.hash).toBe(view.proposal.toHash);
    // The same engine gates the collaboration's placements (the hub hands it to the planner).
    const placing = await world.governor.engineFor('heart');
    expect(placing.pack('consortium')?.hash).toBe(view.proposal.toHash);

    // Replay: the old decision with the repository's packs; the new one needs the version the
    // log carries (policy.proposed), and reproduces with it.
    const engine = loadPolicyEngine(undefined, { anyDate: true });
    const logged = ofType('policy.decision').filter((d) => d.e.action === 'runAnalytics');
    const [first, last] = [logged[0]!, logged.at(-1)!].map((d) => parseLoggedDecision(d.e.logged));
    expect(replayDecision(engine, first!).matches).toBe(true);
    expect(replayDecision(engine, last!).differences[0]).toMatch(/is not available/);
    engine.checkPack({ name: 'consortium', ...proposed!.e.source });
    expect(replayDecision(engine, last!).matches).toBe(true);

    // Only this collaboration changed, and the change is durable.
    const restarted = world.restart();
    const packs = await restarted.packs.inForce('heart');
    expect(packs.find((p) => p.pack === 'consortium')).toMatchObject({
      version: '2025.2',
      voted: true,
    });
    expect(packs.find((p) => p.pack === 'us')).toMatchObject({ version: '2025.1', voted: false });
    expect((await restarted.mayStartJob('heart', analytics(15))).allowed).toBe(false);
  });

  it('refuses votes on a proposal made against a version no longer in force', async () => {
    const first = await world.governor.packs.propose(
      'heart',
      submission(world, 'cleveland', consortiumWithCohort(20)),
    );
    const rival = await world.governor.packs.propose(
      'heart',
      submission(world, 'pumch', consortiumWithCohort(30, '2025.3')),
    );
    const open = (await world.governor.packs.open('heart')).map((p) => p.id);
    expect(open.sort()).toEqual([first.id, rival.id].sort());
    await world.governor.packs.vote('heart', rival.id, packVote(world, 'hub', rival.proposal));
    expect((await signAll(first.id)).status).toBe('applied');
    await expect(
      world.governor.packs.vote('heart', rival.id, packVote(world, 'cleveland', rival.proposal)),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/is stale: it was made against a version no longer in force/),
    });
    expect(await world.governor.packs.open('heart')).toEqual([]);
    // Proposing the version now in force again is refused; a fresh proposal is fine.
    await expect(
      world.governor.packs.propose(
        'heart',
        submission(world, 'cleveland', consortiumWithCohort(20)),
      ),
    ).rejects.toMatchObject({ status: 409 });
    const again = await world.governor.packs.propose(
      'heart',
      submission(world, 'pumch', consortiumWithCohort(30, '2025.3')),
    );
    expect(again.proposal.fromHash).toBe(first.proposal.toHash);
  });
});
