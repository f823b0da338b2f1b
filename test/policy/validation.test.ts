/** Packs that fail validation, and requests that are malformed: refused, nothing changes. */
import { describe, expect, it } from 'vitest';

import type { PackSource } from '../../src/policy/index.js';
import { edited, packSource } from './packs.js';
import { engineForTests, H100, requests as r, worldEntities } from './world.js';

const usSource = (): PackSource => packSource('us');

describe('pack validation', () => {
  it('refuses a pack that fails strict validation, with Cedar diagnostics, and keeps the pack in force', () => {
    const engine = engineForTests();
    const before = engine.pack('us');
    const broken = edited(
      usSource(),
      'context.accelerator.tpp >= 4800',
      'context.accelerator.tpp >= "4800"',
    );
    const check = engine.installPack(broken);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.diagnostics.join('\n')).toMatch(/us\/eccn-3a090-a1-d5-headquartered/);
    expect(engine.pack('us')).toBe(before);
    expect(
      engine.decide(r.place({ owner: 'pumch', site: 'us-site', ...H100 })).deciding?.policyId,
    ).toBe('us/eccn-3a090-a1-d5-headquartered');
  });

  it.each([
    [
      'a parse error',
      (s: PackSource) =>
        edited(
          s,
          'forbid (principal, action == Action::"placeWorkload"',
          'forbid (principal action',
        ),
      /cedar:/,
    ],
    [
      'a forbid without @attribute',
      (s: PackSource) => edited(s, '@attribute("context.owner.identityVerified")\n', ''),
      /needs @attribute/,
    ],
    [
      'an unknown attribute',
      (s: PackSource) => edited(s, 'context.owner.identityVerified', 'context.owner.kycDone'),
      /schema validation: us\/iaas-foreign-customer-identity-verified/,
    ],
    [
      'an @attribute the policy does not read',
      (s: PackSource) =>
        edited(
          s,
          '@attribute("context.owner.identityVerified")',
          '@attribute("context.owner.headquartersCountry")',
        ),
      /not read by the policy/,
    ],
    [
      'a policy missing from the metadata',
      (s: PackSource) => edited(s, '@id("baseline")', '@id("baseline-2")'),
      /missing from meta\.policies/,
    ],
    [
      'no disclaimer',
      (s: PackSource) => ({ ...s, meta: { ...(s.meta as object), disclaimer: 'legal advice' } }),
      /not legal advice/,
    ],
    [
      'a retired rule without what retired it',
      (s: PackSource) => {
        const meta = structuredClone(s.meta) as {
          policies: Record<string, { retiredBy?: string }>;
        };
        delete meta.policies['eo14110-large-training-notice']?.retiredBy;
        return { ...s, meta };
      },
      /retiredBy/,
    ],
  ])('refuses %s', (_name, edit, message) => {
    const engine = engineForTests();
    const before = engine.pack('us');
    const check = engine.installPack(edit(usSource()));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.diagnostics.join('\n')).toMatch(message);
    expect(engine.pack('us')).toBe(before);
  });
});

describe('malformed and unknown input is refused, never a crash', () => {
  const engine = engineForTests();
  const good = r.proposeJob({ owner: 'cleveland' });
  const circular: Record<string, unknown> = { ...good };
  circular['self'] = circular;

  it.each([
    ['not an object', 'allow me', 'malformed-request', /expected object/],
    ['null', null, 'malformed-request', /expected object/],
    ['a missing principal', { ...good, principal: undefined }, 'malformed-request', /principal/],
    [
      'an unknown action',
      { ...good, action: 'launchMissiles' },
      'unknown-action',
      /launchMissiles/,
    ],
    [
      'an unknown entity type',
      { ...good, resource: { type: 'Spaceship', id: 'x' } },
      'malformed-request',
      /resource\.type/,
    ],
    [
      'an owner not listed',
      { ...good, context: { owner: 'nobody', collaboration: 'heart' } },
      'unknown-entity',
      /context\.owner: unknown entity Institution::"nobody"/,
    ],
    [
      'a bad country code',
      r.train({ owner: 'cleveland', transfer: { destinationCountry: 'USA' } }),
      'malformed-request',
      /context\.transfer\.destinationCountry/,
    ],
    [
      'PI without counts',
      r.move({
        owner: 'hu-cardiology',
        dataset: 'hu-records',
        transfer: { destinationCountry: 'DE', recipient: 'charite' },
      }),
      'malformed-request',
      /personalInformationSubjects: required/,
    ],
    [
      'a performance density with 5 decimals',
      r.place({ owner: 'pumch', site: 'us-site', tpp: 1600, performanceDensity: 5.91999 }),
      'malformed-request',
      /4 decimal places/,
    ],
    [
      'an extra context field',
      { ...good, context: { ...good.context, trustMe: true } },
      'malformed-request',
      /trustMe/,
    ],
    [
      'a resource of the wrong type for the action',
      { ...good, resource: { type: 'Dataset', id: 'hu-records' } },
      'invalid-request',
      /Cedar refused/,
    ],
    [
      'an entity with a missing attribute',
      {
        ...good,
        entities: [...worldEntities(), { type: 'Institution', id: 'x', attrs: { country: 'US' } }],
      },
      'malformed-request',
      /entities\.\d+\.attrs\.headquartersCountry/,
    ],
    [
      'an entity listed twice',
      { ...good, entities: [...worldEntities(), ...worldEntities().slice(0, 1)] },
      'unknown-entity',
      /listed twice/,
    ],
    ['a circular object', circular, 'malformed-request', /self/],
    [
      'an id that is not valid Unicode (a lone surrogate: cedar-wasm cannot read it)',
      { ...good, resource: { type: 'Job', id: 'job-\ud800' } },
      'malformed-request',
      /resource\.id: not valid Unicode text/,
    ],
  ])('%s', (_name, input, code, detail) => {
    const decision = engine.decide(input);
    expect(decision.decision).toBe('deny');
    expect(decision.error?.code).toBe(code);
    expect([decision.error?.message, ...(decision.error?.details ?? [])].join('\n')).toMatch(
      detail,
    );
    expect(decision.packs).toEqual([]);
  });
});
