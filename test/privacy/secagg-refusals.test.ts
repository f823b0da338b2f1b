import { describe, expect, it } from 'vitest';
import {
  SecAggRefusal,
  decodeMessage,
  encodeMessage,
  type MaskedInputRequest,
  type RefusalReason,
  type ShareKeys,
  type ShareKeysRequest,
} from '../../src/privacy/index.js';
import { generateKeyPair } from '../../src/privacy/secagg/keys.js';
import { openShares, sealShares } from '../../src/privacy/secagg/share-box.js';
import { randomUpdates, roundConfig, startRound } from './support/secagg-round.js';

const config = roundConfig({ sites: 6, neighbours: 4, threshold: 3, vectorLength: 50 });
const updates = randomUpdates(config);

function refusal(action: () => unknown): { reason: RefusalReason; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof SecAggRefusal) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A round advanced to the share-keys phase: every site advertised, the hub closed phase 1. */
function atShareKeys() {
  const parties = startRound(config);
  for (const site of parties.sites.values()) parties.hub.receive(site.advertise());
  const requests = new Map(parties.hub.closeAdvertise().map((r) => [r.site, r]));
  return { ...parties, requests };
}

/** A round advanced to the masked-input phase, with each site's share-keys message kept. */
function atMaskedInput() {
  const round = atShareKeys();
  const sent = new Map<string, ShareKeys>();
  for (const [name, request] of round.requests) {
    const message = round.sites.get(name)!.shareKeys(request);
    sent.set(name, message);
    round.hub.receive(message);
  }
  const requests = new Map(round.hub.closeShareKeys().map((r) => [r.site, r]));
  return { ...round, sent, requests };
}

/** A copy of a request with one neighbour entry changed. */
function alterNeighbour(
  request: MaskedInputRequest,
  change: (n: MaskedInputRequest['neighbours'][number]) => MaskedInputRequest['neighbours'][number],
): MaskedInputRequest {
  const [first, ...rest] = request.neighbours;
  return { ...request, neighbours: [change(first!), ...rest] };
}

describe('the hub refuses', () => {
  it('a mask key that does not match its commitment, and then accepts the true one', () => {
    const { hub, sites, requests } = atShareKeys();
    const genuine = sites.get('site-000')!.shareKeys(requests.get('site-000')!);
    const forged = { ...genuine, maskPublicKey: new Uint8Array(32).fill(9) };
    expect(refusal(() => hub.receive(forged))).toEqual({
      reason: 'commitment-mismatch',
      message: 'mask key of site-000 does not match its commitment',
    });
    expect(() => hub.receive(genuine)).not.toThrow();
  });

  it('a share for the wrong round', () => {
    const { hub, sites, requests } = atShareKeys();
    const genuine = sites.get('site-001')!.shareKeys(requests.get('site-001')!);
    const [first, ...rest] = genuine.shares;
    const stale = { ...genuine, shares: [{ ...first!, round: 'job-1/round-0' }, ...rest] };
    const refused = refusal(() => hub.receive(stale));
    expect(refused.reason).toBe('wrong-round');
    expect(refused.message).toContain('is for round job-1/round-0, not job-1/round-1');
  });

  it('malformed shares: wrong length, a missing neighbour, a stranger', () => {
    const { hub, sites, requests } = atShareKeys();
    const genuine = sites.get('site-002')!.shareKeys(requests.get('site-002')!);
    const [first, ...rest] = genuine.shares;
    const short = {
      ...genuine,
      shares: [{ ...first!, ciphertext: first!.ciphertext.slice(1) }, ...rest],
    };
    expect(refusal(() => hub.receive(short))).toMatchObject({ reason: 'malformed' });
    expect(refusal(() => hub.receive({ ...genuine, shares: rest })).message).toContain(
      `site-002 sent no share to ${first!.to}`,
    );
    const stranger = { ...genuine, shares: [{ ...first!, to: 'site-002' }, ...rest] };
    expect(refusal(() => hub.receive(stranger)).reason).toBe('not-a-neighbour');
  });

  it('a site that sends twice, in every phase', () => {
    const parties = startRound(config);
    const site = parties.sites.get('site-003')!;
    const advert = site.advertise();
    parties.hub.receive(advert);
    expect(refusal(() => parties.hub.receive(advert))).toEqual({
      reason: 'duplicate',
      message: 'site-003 already advertised keys',
    });
    const sharing = atShareKeys();
    const shareKeys = sharing.sites.get('site-003')!.shareKeys(sharing.requests.get('site-003')!);
    sharing.hub.receive(shareKeys);
    expect(refusal(() => sharing.hub.receive(shareKeys)).message).toBe(
      'site-003 already sent share-keys',
    );
    const round = atMaskedInput();
    const masked = round.sites
      .get('site-003')!
      .maskInput(round.requests.get('site-003')!, updates.get('site-003')!, 10);
    round.hub.receive(masked);
    expect(refusal(() => round.hub.receive(masked)).message).toBe(
      'site-003 already sent its masked input',
    );
  });

  it('messages from another round, from strangers, or out of phase', () => {
    const { hub, sites } = atShareKeys();
    const advert = sites.get('site-000')!;
    const other = startRound({ ...config, round: 'job-1/round-2' })
      .sites.get('site-000')!
      .advertise();
    expect(refusal(() => hub.receive(other)).reason).toBe('wrong-round');
    expect(
      refusal(() => hub.receive({ ...other, round: config.round, site: 'mallory' })).reason,
    ).toBe('unknown-site');
    expect(refusal(() => hub.receive({ ...other, round: config.round })).message).toBe(
      'advertise-keys from site-000 arrived in phase share-keys',
    );
    expect(advert.phase).toBe('advertised');
  });

  it('unmask responses that reveal what was not asked for', () => {
    const round = atMaskedInput();
    for (const [name, request] of round.requests) {
      round.hub.receive(round.sites.get(name)!.maskInput(request, updates.get(name)!, 10));
    }
    const [request] = round.hub.closeMaskedInput();
    const response = round.sites.get(request!.site)!.unmask(request);
    const [seed] = response.selfMaskShares;
    const keyOfSurvivor = { ...response, maskKeyShares: [seed!] };
    expect(refusal(() => round.hub.receive(keyOfSurvivor)).message).toContain(
      `revealed a mask-key share of ${seed!.owner}, which was not asked for`,
    );
    const wrongX = { ...response, selfMaskShares: [{ ...seed!, x: (seed!.x % 4) + 1 }] };
    expect(refusal(() => round.hub.receive(wrongX)).reason).toBe('malformed');
    expect(() => round.hub.receive(response)).not.toThrow();
    expect(refusal(() => round.hub.receive(response)).reason).toBe('duplicate');
  });
});

describe('a site refuses', () => {
  it('a neighbour mask key that does not match the commitment it advertised', () => {
    const round = atMaskedInput();
    const request = round.requests.get('site-000')!;
    const swapped = alterNeighbour(request, (n) => ({
      ...n,
      maskPublicKey: round.sent.get('site-005')!.maskPublicKey,
    }));
    expect(
      refusal(() => round.sites.get('site-000')!.maskInput(swapped, updates.get('site-000')!, 10))
        .reason,
    ).toBe('commitment-mismatch');
    // Refused without a change: the genuine request still goes through.
    expect(() =>
      round.sites.get('site-000')!.maskInput(request, updates.get('site-000')!, 10),
    ).not.toThrow();
  });

  it('a share labelled for another round, or sealed for another round', () => {
    const round = atMaskedInput();
    const site = round.sites.get('site-001')!;
    const request = round.requests.get('site-001')!;
    const labelled = alterNeighbour(request, (n) => ({
      ...n,
      share: { ...n.share, round: 'job-1/round-0' },
    }));
    expect(refusal(() => site.maskInput(labelled, updates.get('site-001')!, 10)).reason).toBe(
      'wrong-round',
    );
  });

  it('binds each envelope to its round, sender and receiver', () => {
    const alice = generateKeyPair();
    const bob = generateKeyPair();
    const pair = {
      x: 1,
      selfMaskSeed: new Uint8Array(32).fill(1),
      maskKey: new Uint8Array(32).fill(2),
    };
    const sealed = sealShares(
      { round: 'r-0', from: 'alice', to: 'bob' },
      alice,
      bob.publicKey,
      pair,
    );
    expect(openShares(sealed, bob, alice.publicKey)).toEqual(pair);
    expect(openShares({ ...sealed, round: 'r-1' }, bob, alice.publicKey)).toBeNull();
    expect(openShares({ ...sealed, to: 'carol' }, bob, alice.publicKey)).toBeNull();
    expect(openShares({ ...sealed, from: 'carol' }, bob, alice.publicKey)).toBeNull();
  });

  it('a tampered share', () => {
    const round = atMaskedInput();
    const request = round.requests.get('site-002')!;
    const tampered = alterNeighbour(request, (n) => {
      const ciphertext = n.share.ciphertext.slice();
      ciphertext[5] = ciphertext[5]! ^ 1;
      return { ...n, share: { ...n.share, ciphertext } };
    });
    expect(
      refusal(() => round.sites.get('site-002')!.maskInput(tampered, updates.get('site-002')!, 10)),
    ).toMatchObject({
      reason: 'unauthenticated',
    });
  });

  it('a request to reveal both secrets of one site, and a second unmask request', () => {
    const round = atMaskedInput();
    for (const [name, request] of round.requests) {
      round.hub.receive(round.sites.get(name)!.maskInput(request, updates.get(name)!, 10));
    }
    const [request] = round.hub.closeMaskedInput();
    const site = round.sites.get(request!.site)!;
    const neighbour = config.sites.find((s) => s !== request!.site)!;
    const greedy = { ...request!, dropped: [...request!.dropped, neighbour] };
    expect(refusal(() => site.unmask(greedy))).toEqual({
      reason: 'double-reveal',
      message: `asked to reveal both the self-mask seed and the mask key of ${neighbour}`,
    });
    const selfDropped = {
      ...request!,
      survivors: request!.survivors.filter((s) => s !== request!.site),
    };
    expect(refusal(() => site.unmask(selfDropped)).reason).toBe('double-reveal');
    site.unmask(request);
    expect(refusal(() => site.unmask(request)).reason).toBe('out-of-phase');
  });

  it('a request naming a non-neighbour, or too few neighbours', () => {
    const { sites, requests, hub } = atShareKeys();
    const request: ShareKeysRequest = requests.get('site-000')!;
    const outsider = config.sites.find(
      (s) => s !== 'site-000' && !request.neighbours.some((n) => n.site === s),
    )!;
    const widened = {
      ...request,
      neighbours: [...request.neighbours.slice(1), { ...request.neighbours[0]!, site: outsider }],
    };
    expect(refusal(() => sites.get('site-000')!.shareKeys(widened)).reason).toBe('not-a-neighbour');
    const thin = { ...request, neighbours: request.neighbours.slice(0, 2) };
    expect(refusal(() => sites.get('site-000')!.shareKeys(thin))).toEqual({
      reason: 'below-threshold',
      message: 'only 2 neighbours advertised keys; threshold is 3',
    });
    expect(hub.phase).toBe('share-keys');
  });
});

describe('the wire format refuses', () => {
  const advert = startRound(config).sites.get('site-000')!.advertise();
  const bytes = encodeMessage(advert);

  it('truncated, padded or foreign bytes', () => {
    expect(refusal(() => decodeMessage(bytes.slice(0, -1))).message).toContain('truncated');
    expect(refusal(() => decodeMessage(new Uint8Array([...bytes, 0]))).message).toContain(
      'trailing',
    );
    expect(refusal(() => decodeMessage(new Uint8Array([1, 2, 3, 4, 5]))).message).toContain(
      'bad magic',
    );
  });

  it('a key of the wrong length', () => {
    const short = encodeMessage({ ...advert, encryptionKey: new Uint8Array(31) });
    expect(refusal(() => decodeMessage(short)).message).toBe(
      'malformed advertise-keys message: encryptionKey must be 32 bytes',
    );
  });

  it('round-trips every message of a round', () => {
    const round = atMaskedInput();
    const messages = [advert, ...round.sent.values(), ...round.requests.values()];
    for (const m of messages) expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });
});
