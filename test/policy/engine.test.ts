import { describe, expect, it } from 'vitest';

import { loadPolicyEngine, type PackSource } from '../../src/policy/index.js';
import { edited, packSource } from './packs.js';
import { engineForTests, H100, requests as r, TODAY } from './world.js';

const usSource = (): PackSource => packSource('us');

describe('the two demo refusals', () => {
  const engine = engineForTests();

  it('explains why raw Hungarian records may not go to a US site (GDPR)', () => {
    const decision = engine.decide(
      r.move({
        owner: 'hu-cardiology',
        dataset: 'hu-records',
        transfer: {
          personalInformationSubjects: 294,
          sensitivePersonalInformationSubjects: 294,
          recipient: 'cleveland',
        },
        jurisdictions: ['HU', 'US', 'CH'],
      }),
    );
    expect(decision.decision).toBe('deny');
    expect(decision.deciding).toEqual({
      pack: 'eu',
      policyId: 'eu/gdpr-us-recipient-needs-dpf-or-safeguards',
      attribute: 'context.transfer.recipient.dpfCertified',
      value: false,
      reason: expect.stringContaining('Data Privacy Framework'),
    });
    expect(decision.packs.map((p) => [p.pack, p.decision])).toEqual([
      ['consortium', 'allow'],
      ['eu', 'deny'],
      ['us', 'allow'],
    ]);
    expect(decision.notes).toContain('no policy pack covers CH; the consortium pack still applies');
  });

  it('explains why a CN-headquartered workload may not run on an H100 (3A090)', () => {
    const decision = engine.decide(r.place({ owner: 'pumch', site: 'us-site', ...H100 }));
    expect(decision.deciding).toMatchObject({
      pack: 'us',
      policyId: 'us/eccn-3a090-a1-d5-headquartered',
      attribute: 'context.accelerator.tpp',
      value: 15_832,
    });
    expect(decision.jurisdictions).toEqual(['CN', 'US']);
    expect(decision.packs.find((p) => p.pack === 'us')?.policies).toEqual([
      'us/eccn-3a090-a1-d5-headquartered',
      'us/eccn-3a090-a2-d5-headquartered',
    ]);
  });
});

describe('retired rules', () => {
  const engine = engineForTests();

  it('keeps EO 14110 on record but does not apply it after 2025-01-20, and says so', () => {
    const decision = engine.decide(r.train({ owner: 'cleveland', exaOperations: 200_000_000 }));
    expect(decision.decision).toBe('allow');
    const us = decision.packs.find((p) => p.pack === 'us');
    expect(us?.notApplied).toEqual([
      {
        policyId: 'us/eo14110-large-training-notice',
        status: 'retired',
        date: '2025-01-20',
        note: 'EO 14148 revoked EO 14110 on 2025-01-20',
      },
    ]);
    expect(decision.notes).toContain(
      'retired rule us/eo14110-large-training-notice not applied: retired 2025-01-20 (EO 14148 revoked EO 14110 on 2025-01-20)',
    );
  });

  it('mentions a retired rule only for actions it could apply to', () => {
    const decision = engine.decide(r.proposeJob({ owner: 'cleveland' }));
    expect(decision.notes).toEqual([]);
  });

  it('reports a rule not yet in force', () => {
    const decision = engine.decide(
      r.move({
        owner: 'pumch',
        dataset: 'cn-records',
        date: '2024-01-15',
        transfer: { personalInformationSubjects: 200_000, sensitivePersonalInformationSubjects: 0 },
      }),
    );
    expect(decision.decision).toBe('allow');
    expect(decision.notes).toContain(
      'rule cn/personal-information-100k-needs-standard-contract not applied: in force from 2024-03-22',
    );
  });
});

describe('decision cache', () => {
  it('answers a repeated request from the cache and forgets on pack change', () => {
    const engine = engineForTests(100);
    const request = r.train({ owner: 'pumch' });
    const first = engine.decide(request);
    expect(engine.decide(structuredClone(request))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    const source = usSource();
    expect(
      engine.installPack({ ...source, meta: { ...(source.meta as object), version: '2025.2' } }).ok,
    ).toBe(true);
    expect(engine.decide(request)).not.toBe(first);
    expect(engine.decide(request).decision).toBe(first.decision);
  });

  it('gives a dateless request today’s date', () => {
    expect(engineForTests().decide(r.proposeJob({ owner: 'cleveland' })).date).toBe(TODAY);
  });
});

describe('fail closed', () => {
  it('refuses when a rule cannot be evaluated (Cedar would skip it)', () => {
    const engine = engineForTests();
    const overflowing = edited(
      usSource(),
      'context.training.exaOperations > 100000000 &&',
      'context.training.exaOperations * 1000000000000 > 100000000 &&',
    );
    const meta = structuredClone(overflowing.meta) as { policies: Record<string, object> };
    meta.policies['eo14110-large-training-notice'] = {
      effective: '2023-10-30',
      sources: ['eo-14110'],
    };
    expect(engine.installPack({ ...overflowing, meta }).ok).toBe(true);
    const decision = engine.decide(r.train({ owner: 'cleveland', exaOperations: 100_000_000 }));
    expect(decision.decision).toBe('deny');
    expect(decision.deciding).toMatchObject({
      pack: 'us',
      policyId: 'us/eo14110-large-training-notice',
      reason: expect.stringMatching(/could not be evaluated.*overflow/),
    });
  });
});

describe('packs without an unconditional permit', () => {
  it('asks Cedar which packs permit when the combined set denies', () => {
    const engine = engineForTests();
    const consortium = packSource('consortium');
    const conditional = edited(
      consortium,
      'permit (principal, action, resource);',
      'permit (principal, action, resource) when { context.owner in context.collaboration || action == Action::"join" };',
    );
    expect(engine.installPack(conditional).ok).toBe(true);
    const decision = engine.decide(r.place({ owner: 'pumch', site: 'us-site', ...H100 }));
    expect(decision.packs.map((p) => [p.pack, p.decision, p.policies])).toEqual([
      ['consortium', 'allow', ['consortium/baseline']],
      ['cn', 'allow', ['cn/baseline']],
      ['us', 'deny', ['us/eccn-3a090-a1-d5-headquartered', 'us/eccn-3a090-a2-d5-headquartered']],
    ]);
  });
});

describe('decision dates', () => {
  it('refuses a request dated away from today unless the engine is for what-if checks', () => {
    const strict = loadPolicyEngine(undefined, { today: () => TODAY });
    const backdated = r.train({
      owner: 'cleveland',
      exaOperations: 200_000_000,
      date: '2024-06-01',
    });
    expect(strict.decide(backdated).error).toMatchObject({
      code: 'invalid-request',
      message: 'the request is dated 2024-06-01, not today (2025-06-01)',
    });
    expect(strict.decide({ ...backdated, date: '2025-06-02' }).error).toBeUndefined();
    expect(engineForTests().decide(backdated).deciding?.policyId).toBe(
      'us/eo14110-large-training-notice',
    );
  });
});

describe('decisions that go into a log', () => {
  it('are confirmed on cedar-wasm: one compiled and one cedar-wasm evaluation each', () => {
    const engine = engineForTests();
    const request = r.train({ owner: 'pumch' });
    const fresh = engine.decide(request);
    expect(engine.evaluatorCounts()).toEqual({ compiled: 1, cedar: 0 });
    const logged = engine.decideLogged(request);
    expect(logged.decision).toEqual(fresh);
    expect(engine.evaluatorCounts()).toEqual({ compiled: 2, cedar: 1 });
    // A malformed request is logged as it came, with no second evaluation.
    const malformed = engine.decideLogged({ ...request, action: 'launchMissiles' });
    expect(malformed.decision.error?.code).toBe('unknown-action');
    expect(engine.evaluatorCounts()).toEqual({ compiled: 2, cedar: 1 });
  });
});
