/**
 * The site's side of a SecAgg+ round, as a state machine: each method consumes the hub's request
 * for a phase and returns the site's message. Every check runs before any state changes, so a
 * refused request leaves the site exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { parseRoundConfig, type RoundConfig } from './config.js';
import { equalBytes } from './domain.js';
import { SecAggConfigError, SecAggRefusal, refuseUnless } from './errors.js';
import { neighbourGraph, shareIndex, type NeighbourGraph } from './graph.js';
import { agree, generateKeyPair, maskKeyCommitment, type KeyPair } from './keys.js';
import {
  maskedInputRequestSchema,
  parseMessage,
  shareKeysRequestSchema,
  unmaskRequestSchema,
  type AdvertiseKeys,
  type MaskedInput,
  type RevealedShare,
  type ShareKeys,
  type UnmaskResponse,
} from './messages.js';
import { addMask, pairwiseMaskKey, SEED_BYTES, selfMaskKey } from './prg.js';
import { QuantizationError, quantizeUpdate } from './quantization.js';
import { splitSecret } from './shamir.js';
import { openShares, sealShares, type EncryptedShare, type SharePair } from './share-box.js';

export type SitePhase = 'ready' | 'advertised' | 'shared' | 'masked' | 'done';

interface AdvertisedNeighbour {
  encryptionKey: Uint8Array;
  maskKeyCommitment: Uint8Array;
}

export class SecAggSite {
  readonly config: RoundConfig;
  private readonly graph: NeighbourGraph;
  private readonly neighbours: ReadonlySet<string>;
  private readonly encryptionKeys: KeyPair = generateKeyPair();
  private readonly maskKeys: KeyPair = generateKeyPair();
  private readonly selfMaskSeed = new Uint8Array(randomBytes(SEED_BYTES));
  private current: SitePhase = 'ready';
  private advertised = new Map<string, AdvertisedNeighbour>();
  /** Shares this site holds of its neighbours' secrets, by owner. */
  private held = new Map<string, SharePair>();

  constructor(
    config: unknown,
    readonly site: string,
  ) {
    this.config = parseRoundConfig(config);
    if (!this.config.sites.includes(site)) {
      throw new SecAggConfigError(`site ${site} is not selected for round ${this.config.round}`);
    }
    this.graph = neighbourGraph(this.config);
    this.neighbours = new Set(this.graph.get(site));
  }

  get phase(): SitePhase {
    return this.current;
  }

  /** Phase 1: a fresh share-encryption key, and a commitment to a fresh mask key. */
  advertise(): AdvertiseKeys {
    this.expectPhase('ready', 'advertise keys');
    this.current = 'advertised';
    return {
      type: 'advertise-keys',
      round: this.config.round,
      site: this.site,
      encryptionKey: this.encryptionKeys.publicKey,
      maskKeyCommitment: maskKeyCommitment(this.config.round, this.site, this.maskKeys.publicKey),
    };
  }

  /** Phase 2: t-of-k shares of the self-mask seed and mask key, sealed to each live neighbour. */
  shareKeys(request: unknown): ShareKeys {
    const req = parseMessage(shareKeysRequestSchema, request, 'share-keys request');
    this.expectPhase('advertised', 'share keys');
    this.expectAddressed(req);
    const advertised = new Map<string, AdvertisedNeighbour>();
    for (const n of req.neighbours) {
      this.expectNeighbour(n.site, advertised);
      advertised.set(n.site, n);
    }
    this.expectThreshold(advertised.size, 'neighbours advertised keys');
    const holders = [...advertised.keys()];
    const xs = holders.map((holder) => shareIndex(this.graph, this.site, holder));
    const { threshold } = this.config;
    const seedShares = splitSecret(this.selfMaskSeed, threshold, xs);
    const keyShares = splitSecret(this.maskKeys.privateKey, threshold, xs);
    const shares = holders.map((to, i) => {
      const envelope = { round: this.config.round, from: this.site, to };
      const pair = { x: xs[i]!, selfMaskSeed: seedShares[i]!.y, maskKey: keyShares[i]!.y };
      try {
        return sealShares(envelope, this.encryptionKeys, advertised.get(to)!.encryptionKey, pair);
      } catch (cause) {
        throw new SecAggRefusal(
          'malformed',
          `encryption key of ${to} is unusable: ${String(cause)}`,
        );
      }
    });
    this.advertised = advertised;
    this.current = 'shared';
    return {
      type: 'share-keys',
      round: this.config.round,
      site: this.site,
      maskPublicKey: this.maskKeys.publicKey,
      shares,
    };
  }

  /**
   * Phase 3: opens each live neighbour's shares, checks its mask key against its commitment,
   * and returns the quantized update masked by PRG(b) and ±PRG(s_uv) for every live neighbour v.
   */
  maskInput(request: unknown, update: Float32Array, sampleCount: number): MaskedInput {
    const req = parseMessage(maskedInputRequestSchema, request, 'masked-input request');
    this.expectPhase('shared', 'mask its input');
    this.expectAddressed(req);
    const { round, vectorLength } = this.config;
    if (update.length !== vectorLength) {
      throw new QuantizationError(
        `update has ${update.length} values; round ${round} expects ${vectorLength}`,
      );
    }
    const held = new Map<string, SharePair>();
    const pairwiseKeys = new Map<string, Uint8Array>();
    for (const n of req.neighbours) {
      const advertised = this.advertised.get(n.site);
      refuseUnless(advertised, 'not-a-neighbour', `${n.site} has no shares with ${this.site}`);
      refuseUnless(!held.has(n.site), 'duplicate', `${n.site} appears twice in the request`);
      refuseUnless(
        equalBytes(maskKeyCommitment(round, n.site, n.maskPublicKey), advertised.maskKeyCommitment),
        'commitment-mismatch',
        `mask key of ${n.site} does not match its commitment`,
      );
      held.set(n.site, this.openShareFrom(n.site, n.share, advertised.encryptionKey));
      pairwiseKeys.set(n.site, this.pairwiseKey(n.site, n.maskPublicKey));
    }
    this.expectThreshold(held.size, 'neighbours shared keys');
    const vector = quantizeUpdate(update, sampleCount, this.config.quantization);
    addMask(vector, selfMaskKey(this.selfMaskSeed, round, this.site), 1);
    for (const [v, key] of pairwiseKeys) addMask(vector, key, this.site < v ? 1 : -1);
    this.held = held;
    this.current = 'masked';
    return { type: 'masked-input', round, site: this.site, vector };
  }

  /**
   * Phase 4: reveals, for each neighbour it holds shares of, the self-mask seed share if that
   * neighbour survived or the mask-key share if it dropped; never both, and only once.
   */
  unmask(request: unknown): UnmaskResponse {
    const req = parseMessage(unmaskRequestSchema, request, 'unmask request');
    this.expectPhase('masked', 'unmask');
    this.expectAddressed(req);
    const survivors = new Set(req.survivors);
    const dropped = new Set(req.dropped);
    const both = [...survivors].filter((s) => dropped.has(s));
    refuseUnless(
      both.length === 0,
      'double-reveal',
      `asked to reveal both the self-mask seed and the mask key of ${both.join(', ')}`,
    );
    refuseUnless(
      survivors.has(this.site),
      'double-reveal',
      `${this.site} sent its masked input but is not listed as a survivor`,
    );
    this.expectThreshold(survivors.size, 'survivors');
    const selfMaskShares: RevealedShare[] = [];
    const maskKeyShares: RevealedShare[] = [];
    for (const [owner, pair] of this.held) {
      if (survivors.has(owner)) selfMaskShares.push({ owner, x: pair.x, y: pair.selfMaskSeed });
      else if (dropped.has(owner)) maskKeyShares.push({ owner, x: pair.x, y: pair.maskKey });
    }
    this.current = 'done';
    const { round } = this.config;
    return { type: 'unmask-response', round, site: this.site, selfMaskShares, maskKeyShares };
  }

  private openShareFrom(owner: string, share: EncryptedShare, senderKey: Uint8Array): SharePair {
    const { round } = this.config;
    refuseUnless(
      share.round === round,
      'wrong-round',
      `share from ${owner} is for round ${share.round}, not ${round}`,
    );
    refuseUnless(
      share.from === owner && share.to === this.site,
      'malformed',
      `share from ${owner} is addressed ${share.from} → ${share.to}`,
    );
    const pair = openShares(share, this.encryptionKeys, senderKey);
    refuseUnless(
      pair,
      'unauthenticated',
      `share from ${owner} does not authenticate: tampered, or sealed for another round or pair`,
    );
    const expected = shareIndex(this.graph, owner, this.site);
    refuseUnless(
      pair.x === expected,
      'malformed',
      `share from ${owner} has x = ${pair.x}, expected ${expected}`,
    );
    return pair;
  }

  private pairwiseKey(neighbour: string, maskPublicKey: Uint8Array): Uint8Array {
    try {
      const secret = agree(this.maskKeys, maskPublicKey);
      return pairwiseMaskKey(secret, this.config.round, this.site, neighbour);
    } catch (cause) {
      throw new SecAggRefusal(
        'malformed',
        `mask key of ${neighbour} is unusable: ${String(cause)}`,
      );
    }
  }

  private expectPhase(phase: SitePhase, action: string): void {
    refuseUnless(
      this.current === phase,
      'out-of-phase',
      `${this.site} cannot ${action} in phase ${this.current}`,
    );
  }

  private expectAddressed(req: { round: string; site: string }): void {
    const { round } = this.config;
    refuseUnless(
      req.round === round,
      'wrong-round',
      `request is for round ${req.round}, not ${round}`,
    );
    refuseUnless(
      req.site === this.site,
      'malformed',
      `request is addressed to ${req.site}, not ${this.site}`,
    );
  }

  private expectNeighbour(other: string, seen: ReadonlyMap<string, unknown>): void {
    refuseUnless(
      this.neighbours.has(other),
      'not-a-neighbour',
      `${other} is not a neighbour of ${this.site} in round ${this.config.round}`,
    );
    refuseUnless(!seen.has(other), 'duplicate', `${other} appears twice in the request`);
  }

  private expectThreshold(count: number, what: string): void {
    const { threshold } = this.config;
    refuseUnless(
      count >= threshold,
      'below-threshold',
      `only ${count} ${what}; threshold is ${threshold}`,
    );
  }
}
