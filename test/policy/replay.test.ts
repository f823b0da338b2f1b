import { describe, expect, it } from 'vitest';

import {
  parseLoggedDecision,
  parsePolicyRequest,
  replayDecision,
  type LoggedDecision,
  type PolicyEngine,
} from '../../src/policy/index.js';
import { packSource } from './packs.js';
import { engineForTests, H100, requests as r, TODAY } from './world.js';

/** What a hub would write to the ledger: the normalised request and the decision, as JSON. */
function logged(engine: PolicyEngine, input: unknown): LoggedDecision {
  return parseLoggedDecision(JSON.parse(JSON.stringify(engine.decideLogged(input))));
}

describe('replay', () => {
  const refusal = r.place({ owner: 'pumch', site: 'us-site', ...H100 });
  const allowance = r.train({ owner: 'pumch' });

  it('logs the normalised request, every default filled', () => {
    const entry = engineForTests().decideLogged(allowance);
    expect(entry.request).toMatchObject({
      date: TODAY,
      context: { transfer: { cacSecurityAssessment: false } },
    });
  });

  it('recomputes a refusal and an allowance from the log and matches', () => {
    const engine = engineForTests();
    for (const input of [refusal, allowance]) {
      const result = replayDecision(engine, logged(engine, input));
      expect(result.differences).toEqual([]);
      expect(result.matches).toBe(true);
    }
  });

  it('replays against the pack version named in the log after the pack changed', () => {
    const engine = engineForTests();
    const before = logged(engine, refusal);
    const us = packSource('us');
    const relaxed = {
      ...us,
      cedar: us.cedar
        .replace('context.accelerator.tpp >= 4800 &&', 'context.accelerator.tpp >= 99999 &&')
        .replace('context.accelerator.tpp >= 1600 &&', 'context.accelerator.tpp >= 99999 &&'),
    };
    expect(engine.installPack(relaxed).ok).toBe(true);
    expect(engine.decide(refusal).decision).toBe('allow');
    expect(replayDecision(engine, before).matches).toBe(true);
  });

  it('reports a tampered decision', () => {
    const engine = engineForTests();
    const entry = logged(engine, refusal);
    const tampered = {
      ...entry,
      decision: { ...entry.decision, decision: 'allow' as const, deciding: undefined },
    };
    const result = replayDecision(engine, tampered);
    expect(result.matches).toBe(false);
    expect(result.differences).toContain('decision: logged "allow", recomputed "deny"');
  });

  it('reports a tampered request', () => {
    const engine = engineForTests();
    const entry = logged(engine, refusal);
    const request = parsePolicyRequest(entry.request, TODAY);
    const accelerator = { ...request.context.accelerator!, tpp: 100, performanceDensity: 1 };
    const tampered = {
      ...entry,
      request: { ...request, context: { ...request.context, accelerator } },
    };
    expect(replayDecision(engine, tampered).matches).toBe(false);
  });

  it('refuses a log whose pack hashes do not add up to its policy-set hash', () => {
    const engine = engineForTests();
    const entry = logged(engine, refusal);
    const result = replayDecision(engine, {
      ...entry,
      decision: { ...entry.decision, policySetHash: '0'.repeat(64) },
    });
    expect(result).toEqual({
      matches: false,
      differences: ['the logged pack hashes do not match the logged policySetHash'],
    });
  });

  it('says when a pack version is unknown to this engine', () => {
    const engine = engineForTests();
    const entry = logged(engine, refusal);
    const packs = entry.decision.packs.map((p) =>
      p.pack === 'us' ? { ...p, hash: 'f'.repeat(64) } : p,
    );
    const result = replayDecision(engine, { ...entry, decision: { ...entry.decision, packs } });
    expect(result.differences[0]).toMatch(/pack us version ffffffffffff… is not available/);
  });

  it('replays refusals of bad input as the same refusal', () => {
    const engine = engineForTests();
    const input = r.proposeJob({ owner: 'cleveland', date: TODAY });
    const unknownOwner = engine.decideLogged({
      ...input,
      context: { owner: 'nobody', collaboration: 'heart' },
    });
    expect(unknownOwner.decision.error?.code).toBe('unknown-entity');
    expect(replayDecision(engine, unknownOwner).matches).toBe(true);
    const unknownAction = engine.decideLogged({ ...input, action: 'launch' });
    expect(unknownAction.request).toMatchObject({ action: 'launch' }); // logged as it came
    expect(replayDecision(engine, unknownAction).matches).toBe(true);
  });

  it('refuses something that is not a logged decision', () => {
    expect(() => parseLoggedDecision({ request: {} })).toThrow(/not a logged policy decision/);
  });
});
