/**
 * The decision table: every rule of every pack, both sides of every threshold. Each row says
 * the expected decision and, for a refusal, the policy that must be named as deciding it.
 */
import { describe, expect, it } from 'vitest';

import { CONSORTIUM } from './table-consortium.js';
import { CN, EU, US } from './table-jurisdictions.js';
import { engineForTests } from './world.js';

describe('policy decisions', () => {
  const engine = engineForTests();
  const rows = [...CONSORTIUM, ...CN, ...US, ...EU];

  it('covers at least 40 requests', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it.each(rows)('%s', (_name, request, expected) => {
    const decision = engine.decide(request);
    expect(decision.error).toBeUndefined();
    if (expected === 'allow') {
      expect(decision.deciding, JSON.stringify(decision.deciding)).toBeUndefined();
      expect(decision.decision).toBe('allow');
    } else {
      expect(decision.decision).toBe('deny');
      expect(decision.deciding?.policyId).toBe(expected);
      const refusing = decision.packs.find((p) => p.pack === decision.deciding?.pack);
      expect(refusing?.decision).toBe('deny');
      expect(refusing?.policies).toContain(expected);
      expect(refusing?.reason).toContain(expected);
    }
  });

  it('names every rule of every pack somewhere in the table', () => {
    const named = new Set(rows.map(([, , expected]) => expected));
    const rules = engine
      .packs()
      .flatMap((p) => p.policies)
      .filter((p) => p.effect === 'forbid')
      .map((p) => p.qualifiedId);
    expect(rules.filter((id) => !named.has(id))).toEqual([]);
  });
});
