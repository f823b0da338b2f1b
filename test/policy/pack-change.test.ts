import { generateKeyPairSync } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import {
  applyPackChange,
  diffPacks,
  PACK_CHANGE_PURPOSE,
  proposePackChange,
  rawPublicKey,
  signVote,
  type PackChangeProposal,
  type PackSource,
} from '../../src/policy/index.js';
import { packSource } from './packs.js';
import { engineForTests, H100, requests as r } from './world.js';

const keys = ['cleveland', 'pumch'].map((id) => ({ id, ...generateKeyPairSync('ed25519') }));
const members = keys.map(({ id, publicKey }) => ({ id, publicKey: rawPublicKey(publicKey) }));
const signAll = (proposal: PackChangeProposal, by = keys) =>
  Object.fromEntries(by.map((k) => [k.id, signVote(PACK_CHANGE_PURPOSE, proposal, k.privateKey)]));

/** A stricter 3A090 reading (TPP 4000) and no Entity List rule for recipients. */
function amendedUs(): PackSource {
  const us = packSource('us');
  const cedar = us.cedar
    .replace('context.accelerator.tpp >= 4800 &&', 'context.accelerator.tpp >= 4000 &&')
    .replace(/@id\("entity-list-recipient-refused"\)[\s\S]*?};\n/, '');
  const meta = structuredClone(us.meta) as { version: string; policies: Record<string, unknown> };
  meta.version = '2025.2';
  delete meta.policies['entity-list-recipient-refused'];
  return { ...us, cedar, meta };
}

const samples = [
  r.place({ owner: 'pumch', site: 'us-site', tpp: 4_500, performanceDensity: 1 }),
  r.place({ owner: 'pumch', site: 'us-site', ...H100 }),
  r.train({ owner: 'cleveland', transfer: { destinationCountry: 'CN', recipient: 'listed-lab' } }),
  r.train({ owner: 'hu-cardiology' }),
  { not: 'a request' },
];

describe('diffPacks', () => {
  it('shows which sample requests a change newly allows or denies', () => {
    const engine = engineForTests();
    const diff = diffPacks(engine, engine.pack('us')!, amendedUs(), samples);
    expect(diff.newlyDenied.map((e) => e.index)).toEqual([0]);
    expect(diff.newlyDenied[0]?.after.policyId).toBe('us/eccn-3a090-a1-d5-headquartered');
    expect(diff.newlyAllowed.map((e) => e.index)).toEqual([2]);
    expect(diff.newlyAllowed[0]?.before.policyId).toBe('us/entity-list-recipient-refused');
    expect(diff.unchanged).toBe(3);
    expect(engine.pack('us')?.version).toBe('2025.1'); // nothing installed
  });
});

describe('governed pack changes', () => {
  it('takes effect only when every member signed', () => {
    const engine = engineForTests();
    const source = amendedUs();
    const proposed = proposePackChange(engine, source, 'heart', '2025-06-01T00:00:00Z');
    if (!proposed.ok) throw new Error(proposed.reasons.join('\n'));
    const partial = applyPackChange(
      engine,
      proposed.proposal,
      source,
      members,
      signAll(proposed.proposal, keys.slice(0, 1)),
    );
    expect(partial).toEqual({ ok: false, reasons: ['not every member signed (missing: pumch)'] });
    expect(engine.pack('us')?.version).toBe('2025.1');
    const full = applyPackChange(
      engine,
      proposed.proposal,
      source,
      members,
      signAll(proposed.proposal),
    );
    expect(full.ok).toBe(true);
    expect(engine.pack('us')?.version).toBe('2025.2');
    // The same votes cannot apply again: the pack in force is no longer the one they changed.
    const again = applyPackChange(
      engine,
      proposed.proposal,
      source,
      members,
      signAll(proposed.proposal),
    );
    expect(again.ok).toBe(false);
  });

  it('refuses text that is not what was signed', () => {
    const engine = engineForTests();
    const source = amendedUs();
    const proposed = proposePackChange(engine, source, 'heart', '2025-06-01T00:00:00Z');
    if (!proposed.ok) throw new Error('fixture');
    const swapped = { ...source, cedar: source.cedar.replace('>= 4000', '>= 90000') };
    const outcome = applyPackChange(
      engine,
      proposed.proposal,
      swapped,
      members,
      signAll(proposed.proposal),
    );
    expect(outcome).toMatchObject({
      ok: false,
      reasons: [expect.stringContaining('hash differs')],
    });
  });

  it('refuses to propose an invalid pack, and the pack in force stays', () => {
    const engine = engineForTests();
    const source = amendedUs();
    const broken = {
      ...source,
      cedar: source.cedar.replace('context.owner.entityListed', 'context.owner.listed'),
    };
    const proposed = proposePackChange(engine, broken, 'heart', '2025-06-01T00:00:00Z');
    expect(proposed.ok).toBe(false);
    expect(engine.pack('us')?.version).toBe('2025.1');
  });
});
