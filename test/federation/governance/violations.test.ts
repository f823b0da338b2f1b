import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../src/federation/index.js';
import { TRUST_PURPOSE, signVote } from '../../../src/policy/index.js';
import { analytics, governanceWorld, PARTIES, type World } from './fixtures.js';

// The job gate decides trainFederated / runAnalytics per data site with the hub's facts, and
// the consortium pack is what decides (level 2 and secure aggregation for training). A job the
// packs refuse, or a witness's evidence of a forked log, lowers the level one step at once.

let world: World;
beforeEach(async () => {
  world = await governanceWorld();
});
afterEach(async () => {
  await world.db.close();
});

const training = (secureAggregation: boolean) => ({
  job: 'job-1',
  kind: 'train' as const,
  secureAggregation,
  differentialPrivacy: true,
});

const trustChanges = () =>
  world.log.filter(
    (e): e is Extract<LedgerEvent, { type: 'trust.changed' }> => e.type === 'trust.changed',
  );

async function raiseToTwo(): Promise<void> {
  const proposal = await world.governor.propose('heart', 'hub');
  for (const { name } of PARTIES) {
    const key = world.keys.get(name)!;
    await world.governor.vote('heart', name, signVote(TRUST_PURPOSE, proposal, key.privateKey));
  }
  expect((await world.governor.trustOf('heart')).level).toBe(2);
}

describe('the job gate', () => {
  it('asks the consortium pack per data site, with the hub’s facts, and logs each decision', async () => {
    await raiseToTwo();
    const gate = await world.governor.mayStartJob('heart', training(true));
    expect(gate.allowed).toBe(true);
    expect(gate.decisions.map((d) => d.site)).toEqual(['cleveland', 'hungary']);
    for (const { entry, decision } of gate.decisions) {
      const logged = world.log[entry];
      expect(logged).toMatchObject({
        type: 'policy.decision',
        action: 'trainFederated',
        decision: 'allow',
      });
      expect(decision.packs.map((p) => p.pack)).toContain('consortium');
    }
    // Hungary's update goes to the hub in Switzerland: the EU pack is consulted too.
    expect(gate.decisions[1]!.decision.jurisdictions).toEqual(['CH', 'HU']);
    expect(trustChanges().filter((c) => c.violation)).toEqual([]);
  });

  it('refuses training without secure aggregation by the consortium rule, and the level falls at once', async () => {
    await raiseToTwo();
    const gate = await world.governor.mayStartJob('heart', training(false));
    expect(gate.allowed).toBe(false);
    expect(gate.refusal).toMatchObject({
      site: 'cleveland',
      pack: 'consortium',
      policyId: 'consortium/training-needs-secure-aggregation',
      attribute: 'context.privacy.secureAggregation',
      value: false,
      reason: expect.stringContaining('secure aggregation'),
    });
    const trust = await world.governor.trustOf('heart');
    expect(trust.level).toBe(1);
    expect(trust.record).toEqual([]);
    const lowered = trustChanges().at(-1)!;
    expect(lowered).toMatchObject({
      from: 2,
      to: 1,
      violation: { kind: 'forbidden-job', entry: gate.refusal!.entry },
    });
    expect(lowered.why).toMatch(
      /violation \(forbidden-job, entry \d+\): job job-1 refused by consortium\/training-needs-secure-aggregation/,
    );
    // Exactly one violation for the job, however many sites were refused.
    expect(trustChanges().filter((c) => c.violation)).toHaveLength(1);
  });

  it('refuses training below level 2 (training-needs-level-2), and restarts the clean record', async () => {
    await world.governor.jobFinished('heart', 'earlier', false);
    expect((await world.governor.trustOf('heart')).record).toHaveLength(1);
    const gate = await world.governor.mayStartJob('heart', training(true));
    expect(gate.refusal?.policyId).toBe('consortium/training-needs-level-2');
    const trust = await world.governor.trustOf('heart');
    expect(trust.level).toBe(1); // not below 1
    expect(trust.record).toEqual([]);
    expect(trustChanges().at(-1)).toMatchObject({
      from: 1,
      to: 1,
      violation: { kind: 'forbidden-job' },
    });
  });

  it('decides analytics with the minimum cohort, and asking first is never a violation', async () => {
    const gate = await world.governor.mayStartJob('heart', analytics(12));
    expect(gate.allowed).toBe(true);
    const logged = world.log[gate.decisions[0]!.entry] as Extract<
      LedgerEvent,
      { type: 'policy.decision' }
    >;
    const request = logged.logged.request as { context: { privacy: object } };
    const tooSmall = {
      ...request,
      context: { ...request.context, privacy: { ...request.context.privacy, cohortSize: 4 } },
    };
    const asked = await world.governor.decide('heart', tooSmall);
    expect(asked.decision.deciding?.policyId).toBe('consortium/analytics-minimum-cohort');
    expect(trustChanges()).toEqual([]);
    const small = await world.governor.mayStartJob('heart', analytics(4));
    expect(small.refusal?.policyId).toBe('consortium/analytics-minimum-cohort');
    expect(trustChanges()).toHaveLength(1);
  });

  it('refuses a malformed job description naming the field', async () => {
    await expect(
      world.governor.mayStartJob('heart', { ...training(true), kind: 'fly' } as never),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/kind: /) });
    await expect(
      world.governor.mayStartJob('heart', { ...analytics(12), cohortSize: undefined }),
    ).rejects.toThrow(/cohortSize: required for analytics/);
    await expect(
      world.governor.mayStartJob('heart', { ...training(true), sites: ['pumch'] }),
    ).rejects.toThrow(/sites: pumch is not a data site/);
    expect(world.log).toEqual([]);
  });
});

describe('a forked log', () => {
  it('lowers the level once per witness, naming the evidence entry', async () => {
    await raiseToTwo();
    const toThree = await world.governor.propose('heart', 'hub');
    const evidence = world.log.length; // as if the recorder had appended ledger.evidence here
    await world.governor.forkedLog('heart', evidence, 'cleveland', 'two checkpoints of size 9');
    await world.governor.forkedLog('heart', evidence + 2, 'cleveland', 'two checkpoints of size 9');
    expect((await world.governor.trustOf('heart')).level).toBe(1);
    const violations = trustChanges().filter((c) => c.violation);
    expect(violations).toEqual([
      expect.objectContaining({
        from: 2,
        to: 1,
        violation: { kind: 'forked-log', entry: evidence },
      }),
    ]);
    // The vote opened at the old level is void: a raise needs a new proposal.
    const hubKey = world.keys.get('hub')!.privateKey;
    await expect(
      world.governor.vote('heart', 'hub', signVote(TRUST_PURPOSE, toThree, hubKey)),
    ).rejects.toMatchObject({ status: 409 });
  });
});
