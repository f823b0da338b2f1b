import { generateKeyPairSync, type KeyObject } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  decideRaise,
  MemoryTrustStore,
  proposeRaise,
  raiseTrustContext,
  rawPublicKey,
  recordJob,
  recordViolation,
  signVote,
  startTrust,
  TRUST_PURPOSE,
  updateTrust,
  type CollaborationTrust,
  type Member,
  type TrustProposal,
} from '../../src/policy/index.js';
import { engineForTests, requests as r } from './world.js';

interface Voter extends Member {
  privateKey: KeyObject;
}

function voter(id: string): Voter {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { id, publicKey: rawPublicKey(publicKey), privateKey };
}

const voters = ['cleveland', 'hu-cardiology', 'pumch'].map(voter);
const members: Member[] = voters.map(({ id, publicKey }) => ({ id, publicKey }));
const AT = '2025-06-01T10:00:00Z';

function withCleanJobs(trust: CollaborationTrust, n: number): CollaborationTrust {
  let next = trust;
  for (let i = 0; i < n; i++) {
    next = recordJob(next, {
      jobId: `job-${i}`,
      finishedAt: AT,
      violation: false,
      auditFailed: false,
    });
  }
  return next;
}

const signAll = (proposal: TrustProposal, by: Voter[] = voters) =>
  Object.fromEntries(by.map((v) => [v.id, signVote(TRUST_PURPOSE, proposal, v.privateKey)]));

describe('trust levels', () => {
  const start = startTrust('heart', members, AT);

  it('starts at level 1', () => {
    expect(start.level).toBe(1);
  });

  it('rises with every signature and five clean jobs', () => {
    const trust = withCleanJobs(start, 5);
    const proposal = proposeRaise(trust, 'pumch', AT);
    const outcome = decideRaise(trust, proposal, signAll(proposal));
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.trust.level).toBe(2);
      expect(outcome.trust.record).toEqual([]);
      expect(outcome.trust.history.at(-1)).toMatchObject({ from: 1, to: 2 });
    }
  });

  it('refuses with one signature missing, naming the member', () => {
    const trust = withCleanJobs(start, 5);
    const proposal = proposeRaise(trust, 'pumch', AT);
    const outcome = decideRaise(trust, proposal, signAll(proposal, voters.slice(0, 2)));
    expect(outcome).toMatchObject({
      ok: false,
      reasons: ['not every member signed (missing: pumch)'],
    });
  });

  it('refuses a signature by the wrong key or over another proposal', () => {
    const trust = withCleanJobs(start, 5);
    const proposal = proposeRaise(trust, 'pumch', AT);
    const signatures = signAll(proposal);
    const impostor = voter('pumch');
    const forged = { ...signatures, pumch: signVote(TRUST_PURPOSE, proposal, impostor.privateKey) };
    expect(decideRaise(trust, proposal, forged)).toMatchObject({
      ok: false,
      reasons: [expect.stringContaining('invalid: pumch')],
    });
    const other = { ...proposal, createdAt: '2025-06-02T00:00:00Z' };
    expect(decideRaise(trust, other, signatures)).toMatchObject({ ok: false });
    expect(decideRaise(trust, proposal, { ...signatures, cleveland: 'not base64!' }).ok).toBe(
      false,
    );
  });

  it('refuses without a clean record (too few jobs, or a failed audit in the streak)', () => {
    const four = withCleanJobs(start, 4);
    const p4 = proposeRaise(four, 'pumch', AT);
    expect(decideRaise(four, p4, signAll(p4))).toMatchObject({
      ok: false,
      reasons: ['record not clean: 4 of 5 consecutive clean finished jobs'],
    });
    const audited = withCleanJobs(
      recordJob(withCleanJobs(start, 5), {
        jobId: 'x',
        finishedAt: AT,
        violation: false,
        auditFailed: true,
      }),
      4,
    );
    const pa = proposeRaise(audited, 'pumch', AT);
    expect(decideRaise(audited, pa, signAll(pa)).ok).toBe(false);
    expect(decideRaise(withCleanJobs(audited, 1), pa, signAll(pa)).ok).toBe(true);
  });

  it('lowers the level at once on a violation and voids earlier votes', () => {
    const trust = withCleanJobs(start, 5);
    const proposal = proposeRaise(trust, 'pumch', AT);
    const raised = decideRaise(trust, proposal, signAll(proposal));
    if (!raised.ok) throw new Error('fixture');
    const atTwo = withCleanJobs(raised.trust, 5);
    const next = proposeRaise(atTwo, 'cleveland', AT);
    const lowered = recordJob(atTwo, {
      jobId: 'bad',
      finishedAt: AT,
      violation: true,
      auditFailed: false,
    });
    expect(lowered.level).toBe(1);
    expect(lowered.history.at(-1)?.why).toBe('violation in job bad');
    expect(decideRaise(withCleanJobs(lowered, 5), next, signAll(next))).toMatchObject({
      ok: false,
      reasons: expect.arrayContaining([
        'the proposal is stale: the trust level changed since it was made',
      ]),
    });
  });

  it('can be lowered to level 1 by a violation found outside a job', () => {
    const atThree = { ...start, level: 3 as const };
    expect(recordViolation(atThree, AT, 'failed audit of job 9').level).toBe(2);
    const strict = { minCleanJobs: 5, onViolation: 'to-level-1' as const };
    expect(recordViolation(atThree, AT, 'failed audit of job 9', strict).level).toBe(1);
  });

  it('refuses to propose above level 3 or by a non-member', () => {
    expect(() => proposeRaise(start, 'stranger', AT)).toThrow(/not a member/);
    expect(() => proposeRaise({ ...start, level: 3 }, 'pumch', AT)).toThrow(/highest level/);
  });

  it('feeds the same facts to the Cedar raiseTrust check', () => {
    const trust = withCleanJobs(start, 5);
    const proposal = proposeRaise(trust, 'pumch', AT);
    const engine = engineForTests();
    const ask = (signatures: Record<string, string>) =>
      engine.decide(
        r.raiseTrust({
          owner: 'pumch',
          collaboration: 'heart-l1',
          ...raiseTrustContext(trust, proposal, signatures),
        }),
      );
    expect(ask(signAll(proposal)).decision).toBe('allow');
    expect(ask(signAll(proposal, voters.slice(1))).deciding?.policyId).toBe(
      'consortium/trust-needs-every-signature',
    );
  });

  it('stores changes with a revision check', async () => {
    const store = new MemoryTrustStore();
    expect(await store.save(start, undefined)).toBe(true);
    const job = { jobId: 'j', finishedAt: AT, violation: false, auditFailed: false };
    const next = await updateTrust(store, 'heart', (t) => recordJob(t, job));
    expect(next.record).toHaveLength(1);
    expect(await store.save(recordJob(start, job), start.revision)).toBe(false); // stale writer loses
    await expect(updateTrust(store, 'nowhere', (t) => t)).rejects.toThrow(/no trust record/);
  });
});
