import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadPolicyEngine } from '../../src/policy/index.js';

const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../policies/examples/${name}`, import.meta.url), 'utf8'));

describe('the documented example requests (policies/examples)', () => {
  const engine = loadPolicyEngine(); // as the CLI would: today's date, no what-if

  it.each([
    [
      'hungarian-records-to-us.json',
      'eu',
      'eu/gdpr-us-recipient-needs-dpf-or-safeguards',
      'context.transfer.recipient.dpfCertified',
    ],
    [
      'cn-workload-on-h100.json',
      'us',
      'us/eccn-3a090-a1-d5-headquartered',
      'context.accelerator.tpp',
    ],
  ])('%s is refused by %s', (file, pack, policyId, attribute) => {
    const decision = engine.decide(example(file));
    expect(decision.decision).toBe('deny');
    expect(decision.deciding).toMatchObject({ pack, policyId, attribute });
  });
});
