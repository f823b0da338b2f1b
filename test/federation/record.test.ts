import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ENTRY_VERSION,
  decodeEntry,
  encodeEntry,
  type LedgerEntry,
  type LedgerEvent,
} from '../../src/federation/record/entries.js';
import { verifyReceipt } from '../../src/federation/record/receipts.js';
import { generateNodeKey, sealEnvelope } from '../../src/identity/index.js';
import { sha256Hex } from '../../src/identity/encoding.js';
import {
  TLOG_SIZE_TYPE,
  formatNote,
  parseCheckpoint,
  parseNote,
  verifyCosignedCheckpoint,
} from '../../src/ledger/index.js';
import { COLLAB, Network, SITES, events, type SiteName } from './fixtures/record.js';

// The collaboration record end to end in one process: entry encoding, publication at the
// jurisdiction quorum as the log grows and the hub restarts, the two split-view attacks the
// witnesses must catch, and contribution receipts.

const ALL = SITES.map((s) => s.name);
const sorted = (names: readonly string[]): string[] => [...names].sort();

describe('entries', () => {
  const enc = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it('encodes RFC 8785: keys sorted at every depth, v added, numbers in ES form', () => {
    const event: LedgerEvent = {
      type: 'job.proposed',
      collab: 'heart',
      job: 'j1',
      specSha256: 'ab',
      spec: { zeta: 1.0, alpha: [1e21, 0.5], mu: { b: 'é', a: null } },
      at: 7,
    };
    expect(enc(encodeEntry(event))).toBe(
      '{"at":7,"collab":"heart","job":"j1","spec":{"alpha":[1e+21,0.5],"mu":{"a":null,"b":"é"},"zeta":1},"specSha256":"ab","type":"job.proposed","v":1}',
    );
  });

  it('decodes what it encoded, and refuses anything else', () => {
    const event: LedgerEvent = { type: 'member.left', collab: 'heart', keyId: 'k', at: 3 };
    const decoded: LedgerEntry = decodeEntry(encodeEntry(event));
    expect(decoded).toEqual({ ...event, v: ENTRY_VERSION });
    // Re-encoding what was read gives the very bytes that were hashed.
    expect(encodeEntry(decoded)).toEqual(encodeEntry(event));

    const canonical = '{"at":3,"collab":"heart","keyId":"k","type":"member.left","v":1}';
    expect(() => decodeEntry(bytes(canonical))).not.toThrow();
    // Unsorted keys, then insignificant whitespace: the same value, other bytes.
    expect(() =>
      decodeEntry(bytes('{"collab":"heart","at":3,"keyId":"k","type":"member.left","v":1}')),
    ).toThrow(/not RFC 8785/);
    expect(() => decodeEntry(bytes(canonical.replace(':3', ': 3')))).toThrow(/not RFC 8785/);
    expect(() => decodeEntry(bytes('{"at":3,"collab":"heart","v":1}'))).toThrow(/no type/);
    expect(() => decodeEntry(bytes('{"type":1,"v":1}'))).toThrow(/no type/);
    expect(() => decodeEntry(bytes(canonical.replace('"v":1', '"v":2')))).toThrow(/version 2/);
    expect(() => decodeEntry(bytes('{"type":"member.left"}'))).toThrow(/version undefined/);
    expect(() => decodeEntry(bytes('[{"type":"member.left","v":1}]'))).toThrow(/not a JSON object/);
    // A lone 0xff byte is not UTF-8; a lenient decoder would turn it into U+FFFD.
    const invalid = Uint8Array.of(...bytes('{"keyId":"'), 0xff, ...bytes('","type":"x","v":1}'));
    expect(() => decodeEntry(invalid)).toThrow(TypeError);
    expect(() => decodeEntry(invalid)).toThrow(/encoded|utf-8|invalid/i);
  });
});

describe('publication', () => {
  let net: Network;
  beforeEach(async () => {
    net = await Network.create();
  });
  afterEach(async () => {
    await net.close();
  });

  it('publishes only at the jurisdiction quorum, with proofs from what each witness holds', async () => {
    const { log } = await net.ledger();
    const publisher = net.publisher(log);

    await log.append(events(0, 5));
    const first = await publisher.publishNow();
    expect(first).toMatchObject({ size: 5, published: true, refusals: [], evidence: [] });
    expect(sorted(first.cosigners)).toEqual(sorted(ALL));
    const published5 = log.published!;
    expect(sorted(verifyCosignedCheckpoint(published5, net.policy).cosigners)).toEqual(sorted(ALL));
    expect(parseCheckpoint(parseNote(published5).text).size).toBe(5);

    // Hungary is the only witness of HU: without it there is no quorum, whoever else signs.
    await log.append(events(5, 3));
    net.offline.add('hungary');
    const noHungary = await publisher.publishNow();
    expect(noHungary.published).toBe(false);
    expect(noHungary.size).toBe(8);
    expect(sorted(noHungary.cosigners)).toEqual(['cleveland', 'long-beach', 'switzerland']);
    expect(noHungary.refusals).toEqual([
      { witness: 'hungary', reason: expect.stringContaining('hungary is offline') },
    ]);
    expect(log.published).toBe(published5);
    const onDisk = await readFile(join(net.root, 'hub', 'ledger', COLLAB, 'published'), 'utf8');
    expect(onDisk).toBe(published5);
    expect(await net.heldSize('hungary')).toBe(5);
    expect(await net.heldSize('cleveland')).toBe(8);

    // One of two US witnesses suffices; hungary catches up from the 5 it holds, the rest from 8.
    await log.append(events(8, 3));
    net.offline.delete('hungary');
    net.offline.add('long-beach');
    net.exchanges.length = 0;
    const noLongBeach = await publisher.publishNow();
    expect(noLongBeach).toMatchObject({ size: 11, published: true });
    expect(sorted(noLongBeach.cosigners)).toEqual(['cleveland', 'hungary', 'switzerland']);
    expect(noLongBeach.refusals.map((r) => r.witness)).toEqual(['long-beach']);
    expect(sorted(verifyCosignedCheckpoint(log.published!, net.policy).cosigners)).toEqual([
      'cleveland',
      'hungary',
      'switzerland',
    ]);
    expectProofsFromHeld(['cleveland', 'hungary', 'switzerland'], { hungary: 5, cleveland: 8 });
    for (const name of ['cleveland', 'hungary', 'switzerland'] as const) {
      expect(await net.heldSize(name)).toBe(11);
    }
    expect(await net.heldSize('long-beach')).toBe(8);

    // Back to all four: long-beach is proven from 8, the others from 11.
    await log.append(events(11, 2));
    net.offline.clear();
    net.exchanges.length = 0;
    const all = await publisher.publishNow();
    expect(all).toMatchObject({ size: 13, published: true });
    expect(sorted(verifyCosignedCheckpoint(log.published!, net.policy).cosigners)).toEqual(
      sorted(ALL),
    );
    expectProofsFromHeld(ALL, { 'long-beach': 8, cleveland: 11 });
    for (const name of ALL) expect(await net.heldSize(name)).toBe(13);

    // Nothing new: the published checkpoint stands, no witness is asked again.
    net.exchanges.length = 0;
    expect(await publisher.publishNow()).toMatchObject({ size: 13, published: true });
    expect(net.exchanges).toEqual([]);
  });

  /** Each witness got one request, from the size its state file held, with a proof. */
  function expectProofsFromHeld(
    names: readonly SiteName[],
    expected: Partial<Record<SiteName, number>>,
  ): void {
    expect(sorted(net.exchanges.map((e) => e.witness))).toEqual(sorted(names));
    for (const e of net.exchanges) {
      expect(e.reply.status).toBe(200);
      expect(e.oldSize).toBe(e.held);
      if (expected[e.witness] !== undefined) expect(e.oldSize).toBe(expected[e.witness]);
      expect(e.proofLength).toBeGreaterThan(0);
    }
  }

  it('publishes after a hub restart: witnesses say what they hold and the hub catches up', async () => {
    const before = await net.ledger();
    await before.log.append(events(0, 5));
    expect((await net.publisher(before.log).publishNow()).published).toBe(true);
    await before.ledger.close();

    // A new hub process over the same directories; the sites restart too.
    net.restartSites();
    const after = await net.ledger();
    expect(after.log.log.size).toBe(5);
    expect(after.log.published).toBe(before.log.published);
    await after.log.append(events(5, 4));
    net.exchanges.length = 0;
    const outcome = await net.publisher(after.log).publishNow();
    expect(outcome).toMatchObject({ size: 9, published: true });
    expect(sorted(outcome.cosigners)).toEqual(sorted(ALL));
    expect(sorted(verifyCosignedCheckpoint(after.log.published!, net.policy).cosigners)).toEqual(
      sorted(ALL),
    );
    // The new publisher believed every witness empty: 409 with its size, then a proof from it.
    for (const name of ALL) {
      const seen = net.exchanges.filter((e) => e.witness === name);
      expect(seen.map((e) => [e.oldSize, e.reply.status])).toEqual([
        [0, 409],
        [5, 200],
      ]);
      expect(seen[0]!.reply).toMatchObject({ contentType: TLOG_SIZE_TYPE, body: '5\n' });
      expect(seen[1]!.proofLength).toBeGreaterThan(0);
      expect(await net.heldSize(name)).toBe(9);
    }
  });
});

describe('split view', () => {
  let net: Network;
  beforeEach(async () => {
    net = await Network.create();
  });
  afterEach(async () => {
    await net.close();
  });

  /** Two copies of the hub's log, same key and origin, agreeing on `n` entries, then not. */
  async function fork(n: number) {
    const a = await net.ledger('fork-a');
    const b = await net.ledger('fork-b');
    for (const side of [a, b]) await side.log.append(events(0, n));
    expect(b.log.log.checkpoint()).toBe(a.log.log.checkpoint());
    await a.log.append(events(n, 1, 'fork-a'));
    await b.log.append(events(n, 1, 'fork-b'));
    expect(a.log.origin).toBe(b.log.origin);
    expect(a.log.log.size).toBe(b.log.log.size);
    expect(a.log.log.root()).not.toEqual(b.log.log.root());
    return { a: a.log, b: b.log };
  }

  it('same size: every witness that cosigned fork A refuses fork B', async () => {
    const { a, b } = await fork(6);
    expect((await net.publisher(a).publishNow()).published).toBe(true);
    const rootA = parseCheckpoint(parseNote(a.published!).text).root;

    const reported: string[] = [];
    net.exchanges.length = 0;
    const outcome = await net
      .publisher(b, ALL, {
        onEvidence: (witness) => reported.push(witness),
      })
      .publishNow();
    expect(outcome.published).toBe(false);
    expect(outcome.cosigners).toEqual([]);
    expect(sorted(outcome.refusals.map((r) => r.witness))).toEqual(sorted(ALL));
    for (const r of outcome.refusals) expect(r.reason).toMatch(/different checkpoint/);
    expect(b.published).toBeUndefined();
    await expect(access(join(net.root, 'fork-b', 'ledger', COLLAB, 'published'))).rejects.toThrow();
    for (const name of ALL) {
      const replies = net.exchanges.filter((e) => e.witness === name).map((e) => e.reply);
      expect(replies.map((r) => r.status)).toEqual([409, 409]);
      // Each witness still holds fork A, and kept the two roots at size 7 as evidence.
      const held = parseCheckpoint(parseNote(await net.cosignedNote(name)).text);
      expect(held.size).toBe(7);
      expect(held.root).toEqual(rootA);
      const evidence = await net.evidence(name);
      expect(evidence).toHaveLength(1);
      expect(evidence[0]).toMatchObject({ collab: COLLAB, origin: net.origin });
      expect(evidence[0]!.reason).toMatch(/two roots at size 7/);
    }
    // The refusals carry the evidence back to the hub, which records it.
    expect(sorted(reported)).toEqual(sorted(ALL));
    expect(sorted(outcome.evidence.map((e) => e.witness))).toEqual(sorted(ALL));
  });

  it('disjoint witnesses: what cleveland cosigned of fork A catches fork B at long-beach', async () => {
    const { a, b } = await fork(6);
    // Fork A goes to cleveland alone: cosigned, though short of the quorum.
    const onlyCleveland = await net.publisher(a, ['cleveland']).publishNow();
    expect(onlyCleveland).toMatchObject({ published: false, cosigners: ['cleveland'] });
    const noteA = await net.cosignedNote('cleveland');

    // Fork B goes to everyone; the sites pass long-beach what cleveland cosigned.
    const reported: { witness: string; reason: string }[] = [];
    net.exchanges.length = 0;
    const outcome = await net
      .publisher(b, ALL, {
        onEvidence: (witness, reason) => reported.push({ witness, reason }),
        channel: (site) => (site.name === 'long-beach' ? { extraPeers: () => [noteA] } : {}),
      })
      .publishNow();

    const atLongBeach = net.exchanges.filter((e) => e.witness === 'long-beach');
    expect(atLongBeach).toHaveLength(1);
    expect(atLongBeach[0]!.peers).toContain(noteA);
    expect(atLongBeach[0]!.reply.status).toBe(409);
    expect(atLongBeach[0]!.reply.evidence).toMatch(/split view of log .* at size 7/);
    const evidence = await net.evidence('long-beach');
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ collab: COLLAB, origin: net.origin, request: noteA });
    expect(evidence[0]!.reason).toContain(`converge/witness/${net.site('cleveland').key.keyId}`);
    expect(evidence[0]!.reason).toMatch(/split view of log .* at size 7/);
    // Long-beach cosigned nothing of fork B.
    expect(await net.heldSize('long-beach')).toBe(0);

    expect(reported.map((r) => r.witness)).toContain('long-beach');
    expect(outcome.evidence.map((e) => e.witness)).toContain('long-beach');
    // Neither US witness cosigned B, so HU and CH alone cannot make a quorum.
    expect(outcome.published).toBe(false);
    expect(sorted(outcome.cosigners)).toEqual(['hungary', 'switzerland']);
    expect(b.published).toBeUndefined();
    expect(a.published).toBeUndefined();
  });

  it('a peer note with a bad signature is no evidence: the witness still cosigns', async () => {
    const { a, b } = await fork(6);
    await net.publisher(a, ['cleveland']).publishNow();
    const noteA = await net.cosignedNote('cleveland');
    const cleveland = `converge/witness/${net.site('cleveland').key.keyId}`;
    const tamper = (note: string, name: (n: string) => boolean): string => {
      const { text, signatures } = parseNote(note);
      return formatNote({
        text,
        signatures: signatures.map((s) => {
          if (!name(s.name)) return s;
          const signature = s.signature.slice();
          signature[signature.length - 1]! ^= 1;
          return { ...s, signature };
        }),
      });
    };
    // Cleveland's cosignature broken, then the log's signature broken.
    const badCosignature = tamper(noteA, (n) => n === cleveland);
    const badLogSignature = tamper(noteA, (n) => n === net.origin);
    expect(badCosignature).not.toBe(noteA);
    expect(badLogSignature).not.toBe(noteA);

    // Long-beach gets the tampered notes; switzerland, the control, gets the genuine one.
    net.exchanges.length = 0;
    const outcome = await net
      .publisher(b, ['long-beach', 'switzerland'], {
        channel: (site) => ({
          extraPeers: () =>
            site.name === 'long-beach' ? [badCosignature, badLogSignature] : [noteA],
        }),
      })
      .publishNow();
    expect(outcome.cosigners).toEqual(['long-beach']);
    expect(outcome.evidence.map((e) => e.witness)).toEqual(['switzerland']);
    const reply = (name: SiteName) => net.exchanges.find((e) => e.witness === name)!.reply;
    expect(reply('long-beach')).toMatchObject({ status: 200 });
    expect(reply('long-beach').evidence).toBeUndefined();
    expect(reply('switzerland')).toMatchObject({ status: 409, evidence: expect.any(String) });
    expect(await net.evidence('long-beach')).toEqual([]);
    expect(await net.heldSize('long-beach')).toBe(7);
  });
});

describe('receipts', () => {
  type Receipt = Extract<LedgerEntry, { type: 'contribution.receipt' }>;
  const site = generateNodeKey();
  const other = generateNodeKey();
  const payload = new TextEncoder().encode('update frame of round 3');

  function receipt(sealer = site, round = 3): Receipt {
    const sealed = sealEnvelope(sealer, { collab: COLLAB, type: 'train', round }, payload);
    const entry: Receipt = {
      type: 'contribution.receipt',
      v: ENTRY_VERSION,
      collab: COLLAB,
      job: 'j1',
      round: 3,
      site: site.keyId,
      payloadSha256: sha256Hex(payload),
      numSamples: 120,
      sealed,
    };
    // What an auditor verifies is what it read back from the log.
    return decodeEntry(encodeEntry(entry)) as Receipt;
  }

  it('accepts a genuine receipt', () => {
    expect(() => verifyReceipt(receipt(), site.publicKey)).not.toThrow();
  });

  it('refuses a receipt for another payload', () => {
    const r = { ...receipt(), payloadSha256: sha256Hex(new TextEncoder().encode('other')) };
    expect(() => verifyReceipt(r, site.publicKey)).toThrow(/another payload/);
  });

  it('refuses a receipt signed by another key', () => {
    // Sealed by another node as itself: not the site's message.
    expect(() => verifyReceipt(receipt(other), site.publicKey)).toThrow(/another message/);
    // Sealed by another node, sender rewritten to the site: the signature gives it away.
    const forged = receipt(other);
    forged.sealed = {
      ...forged.sealed,
      envelope: { ...forged.sealed.envelope, sender: site.keyId },
    };
    expect(() => verifyReceipt(forged, site.publicKey)).toThrow(/signature does not verify/);
    // A genuine receipt checked against the wrong site key.
    expect(() => verifyReceipt(receipt(), other.publicKey)).toThrow(/signature does not verify/);
  });

  it('refuses a receipt whose envelope is for another round', () => {
    expect(() => verifyReceipt(receipt(site, 4), site.publicKey)).toThrow(/another message/);
  });
});
