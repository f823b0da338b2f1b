/**
 * The hub's side of a SecAgg+ round (honest-but-curious hub), as a state machine. The lead's
 * transport calls receive() for each authenticated site message and close…() at each phase's
 * deadline; sites not heard from by then have dropped. Each close checks that every secret the
 * round will need still has at least t live holders, and fails the round early and cleanly
 * otherwise. The hub only ever learns the sum of the survivors' updates.
 */
import { unmaskSum, type AggregateResult } from './aggregate.js';
import { parseRoundConfig, type RoundConfig } from './config.js';
import { RoundFailedError, refuseUnless, type Phase } from './errors.js';
import { neighbourGraph, type NeighbourGraph } from './graph.js';
import { checkShareKeys, checkUnmaskResponse } from './hub-checks.js';
import {
  parseMessage,
  siteMessageSchema,
  type AdvertiseKeys,
  type MaskedInputRequest,
  type RevealedShare,
  type ShareKeys,
  type ShareKeysRequest,
  type SiteMessage,
  type UnmaskRequest,
  type UnmaskResponse,
} from './messages.js';
import { addWords } from './prg.js';

export type { AggregateResult } from './aggregate.js';
export type HubPhase = Phase | 'finished' | 'failed';

const PHASE_OF: Record<SiteMessage['type'], Phase> = {
  'advertise-keys': 'advertise-keys',
  'share-keys': 'share-keys',
  'masked-input': 'masked-input',
  'unmask-response': 'unmasking',
};

export class SecAggHub {
  readonly config: RoundConfig;
  private readonly graph: NeighbourGraph;
  private current: HubPhase = 'advertise-keys';
  private failure: RoundFailedError | null = null;
  private readonly advertised = new Map<string, AdvertiseKeys>(); // U1
  private readonly shared = new Map<string, ShareKeys>(); // U2
  private readonly masked = new Set<string>(); // U3
  /** Σ y_u over U3, added as inputs arrive: the hub keeps no single site's vector. */
  private readonly maskedSum: Uint32Array;
  private readonly responses = new Map<string, UnmaskResponse>();

  constructor(config: unknown) {
    this.config = parseRoundConfig(config);
    this.graph = neighbourGraph(this.config);
    this.maskedSum = new Uint32Array(this.config.vectorLength + 1);
  }

  get phase(): HubPhase {
    return this.current;
  }

  /** Accepts one site message, or refuses it with a SecAggRefusal and changes nothing. */
  receive(message: unknown): void {
    const m = parseMessage(siteMessageSchema, message, 'site message');
    const { round } = this.config;
    refuseUnless(
      m.round === round,
      'wrong-round',
      `${m.type} from ${m.site} is for round ${m.round}, not ${round}`,
    );
    refuseUnless(this.graph.has(m.site), 'unknown-site', `${m.site} is not in round ${round}`);
    refuseUnless(
      PHASE_OF[m.type] === this.current,
      'out-of-phase',
      `${m.type} from ${m.site} arrived in phase ${this.current}`,
    );
    if (m.type === 'advertise-keys') this.acceptAdvertise(m);
    else if (m.type === 'share-keys') this.acceptShareKeys(m);
    else if (m.type === 'masked-input') this.acceptMaskedInput(m.site, m.vector);
    else this.acceptUnmask(m);
  }

  /** Ends phase 1; returns each advertised site's view of its live neighbours' keys. */
  closeAdvertise(): ShareKeysRequest[] {
    this.expectPhase('advertise-keys');
    const u1 = new Set(this.advertised.keys());
    this.requireHolders('advertise-keys', u1, u1);
    this.current = 'share-keys';
    return [...u1].map((site) => ({
      type: 'share-keys-request',
      round: this.config.round,
      site,
      neighbours: this.liveNeighbours(site, u1).map((v) => {
        const { encryptionKey, maskKeyCommitment } = this.advertised.get(v)!;
        return { site: v, encryptionKey, maskKeyCommitment };
      }),
    }));
  }

  /** Ends phase 2; forwards to each sharing site its live neighbours' mask keys and envelopes. */
  closeShareKeys(): MaskedInputRequest[] {
    this.expectPhase('share-keys');
    const u2 = new Set(this.shared.keys());
    this.requireHolders('share-keys', u2, u2);
    this.current = 'masked-input';
    return [...u2].map((site) => ({
      type: 'masked-input-request',
      round: this.config.round,
      site,
      neighbours: this.liveNeighbours(site, u2).map((v) => {
        const from = this.shared.get(v)!;
        return {
          site: v,
          maskPublicKey: from.maskPublicKey,
          share: from.shares.find((s) => s.to === site)!,
        };
      }),
    }));
  }

  /** Ends phase 3; asks each survivor for shares, naming survivors and dropped sites. */
  closeMaskedInput(): UnmaskRequest[] {
    this.expectPhase('masked-input');
    const u3 = new Set(this.masked);
    this.requireHolders('masked-input', u3, new Set([...u3, ...this.maskedPartners(u3)]));
    this.current = 'unmasking';
    const survivors = [...u3].sort();
    const dropped = this.droppedAfterSharing(u3);
    return survivors.map((site) => ({
      type: 'unmask-request',
      round: this.config.round,
      site,
      survivors,
      dropped,
    }));
  }

  /** Ends the round: removes every mask and returns the survivors' aggregate. */
  finish(): AggregateResult {
    this.expectPhase('unmasking');
    const u3 = new Set(this.masked);
    const dropped = this.droppedAfterSharing(u3);
    const selfMaskShares = this.sharesByOwner((r) => r.selfMaskShares);
    const maskKeyShares = this.sharesByOwner((r) => r.maskKeyShares);
    const short = [
      ...[...u3].filter((u) => (selfMaskShares.get(u)?.length ?? 0) < this.config.threshold),
      ...this.maskedPartners(u3).filter(
        (v) => (maskKeyShares.get(v)?.length ?? 0) < this.config.threshold,
      ),
    ];
    if (short.length > 0) {
      const detail = `fewer than ${this.config.threshold} shares arrived to unmask these sites`;
      this.fail('unmasking', short, detail);
    }
    try {
      const result = unmaskSum({
        config: this.config,
        graph: this.graph,
        survivors: [...u3].sort(),
        droppedAfterSharing: dropped,
        maskPublicKeys: new Map([...this.shared].map(([s, m]) => [s, m.maskPublicKey])),
        maskedSum: this.maskedSum,
        selfMaskShares,
        maskKeyShares,
      });
      this.current = 'finished';
      return { ...result, dropped: this.config.sites.filter((s) => !u3.has(s)).sort() };
    } catch (error) {
      if (error instanceof RoundFailedError) {
        this.failure = error;
        this.current = 'failed';
      }
      throw error;
    }
  }

  private acceptShareKeys(m: ShareKeys): void {
    const advertised = this.advertised.get(m.site);
    refuseUnless(advertised, 'out-of-phase', `${m.site} shares keys but advertised none`);
    refuseUnless(!this.shared.has(m.site), 'duplicate', `${m.site} already sent share-keys`);
    const recipients = new Set(this.liveNeighbours(m.site, new Set(this.advertised.keys())));
    checkShareKeys(m, this.config.round, advertised.maskKeyCommitment, recipients);
    this.shared.set(m.site, m);
  }

  private acceptMaskedInput(site: string, vector: Uint32Array): void {
    refuseUnless(
      this.shared.has(site),
      'out-of-phase',
      `${site} sends a masked input but shared no keys`,
    );
    const expected = this.config.vectorLength + 1;
    refuseUnless(
      vector.length === expected,
      'malformed',
      `masked input from ${site} has ${vector.length} values, expected ${expected}`,
    );
    refuseUnless(!this.masked.has(site), 'duplicate', `${site} already sent its masked input`);
    this.masked.add(site);
    addWords(this.maskedSum, vector, 1);
  }

  private acceptUnmask(m: UnmaskResponse): void {
    const u3 = new Set(this.masked);
    refuseUnless(
      u3.has(m.site),
      'out-of-phase',
      `${m.site} sent no masked input, so is not asked to unmask`,
    );
    refuseUnless(
      !this.responses.has(m.site),
      'duplicate',
      `${m.site} already sent unmask-response`,
    );
    checkUnmaskResponse(m, this.graph, u3, new Set(this.droppedAfterSharing(u3)));
    this.responses.set(m.site, m);
  }

  private acceptAdvertise(m: AdvertiseKeys): void {
    refuseUnless(!this.advertised.has(m.site), 'duplicate', `${m.site} already advertised keys`);
    this.advertised.set(m.site, m);
  }

  private liveNeighbours(site: string, live: ReadonlySet<string>): string[] {
    return (this.graph.get(site) ?? []).filter((v) => live.has(v));
  }

  /** Dropped sites some survivor masked with: their mask keys must be rebuilt. */
  private maskedPartners(u3: ReadonlySet<string>): string[] {
    return this.droppedAfterSharing(u3).filter((v) => this.liveNeighbours(v, u3).length > 0);
  }

  private droppedAfterSharing(u3: ReadonlySet<string>): string[] {
    return [...this.shared.keys()].filter((s) => !u3.has(s)).sort();
  }

  /** Fails the round unless every site in `owners` has ≥ t neighbours in `holders`. */
  private requireHolders(
    phase: Phase,
    holders: ReadonlySet<string>,
    owners: ReadonlySet<string>,
  ): void {
    const { threshold } = this.config;
    if (holders.size === 0) this.fail(phase, [], 'no site completed this phase');
    const short = [...owners]
      .filter((u) => this.liveNeighbours(u, holders).length < threshold)
      .sort();
    if (short.length > 0) {
      this.fail(phase, short, `these sites have fewer than t = ${threshold} live neighbours`);
    }
  }

  private sharesByOwner(pick: (r: UnmaskResponse) => readonly RevealedShare[]) {
    const byOwner = new Map<string, RevealedShare[]>();
    for (const r of this.responses.values()) {
      for (const s of pick(r)) byOwner.set(s.owner, [...(byOwner.get(s.owner) ?? []), s]);
    }
    return byOwner;
  }

  private expectPhase(phase: Phase): void {
    if (this.failure) throw this.failure;
    refuseUnless(
      this.current === phase,
      'out-of-phase',
      `cannot close ${phase} in phase ${this.current}`,
    );
  }

  private fail(phase: Phase, sites: readonly string[], detail: string): never {
    this.failure = new RoundFailedError(this.config.round, phase, sites, detail);
    this.current = 'failed';
    throw this.failure;
  }
}
