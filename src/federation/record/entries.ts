import canonicalize from 'canonicalize';
import type { SealedEnvelope } from '../../identity/index.js';

// What a collaboration's transparency log records. Each entry is one RFC 8785 (canonical
// JSON) object with a `type` and a schema version `v`, so that any party can re-encode what it
// reads and get the very bytes that were hashed into the tree.

export const ENTRY_VERSION = 1;

export interface MemberRecord {
  name: string;
  institution: string;
  jurisdiction: string;
  roles: string[];
  keyId: string;
  /** Base64 raw Ed25519 public key: envelopes, checkpoints and cosignatures verify with it. */
  publicKey: string;
}

export type LedgerEvent =
  | {
      type: 'collab.created';
      collab: string;
      domain: string;
      title: string;
      hub: { name: string; keyId: string };
      at: number;
    }
  | {
      type: 'member.joined';
      collab: string;
      member: MemberRecord;
      /** SHA-256 of the identity card the hub admitted, as presented (canonical JSON). */
      cardSha256: string;
      at: number;
    }
  | { type: 'member.left'; collab: string; keyId: string; at: number }
  | {
      type: 'job.proposed';
      collab: string;
      job: string;
      specSha256: string;
      spec: unknown;
      at: number;
    }
  | {
      type: 'job.started';
      collab: string;
      job: string;
      participants: string[];
      preprocessingSha256: string;
      initialModelSha256: string;
      at: number;
    }
  | {
      type: 'job.placed';
      collab: string;
      job: string;
      /** Key ids of the data sites where training and evaluation run: their rows never move. */
      local: string[];
      objective: 'cost' | 'carbon' | 'balanced';
      /** The compute sites the hub offered the planner for the job's movable work. */
      candidates: string[];
      /** Where the aggregation of model updates should run; null if no site could be chosen. */
      aggregation: {
        site: string;
        country: string;
        /** Absent when the hub knows no coordinates for the site (its default site). */
        lat?: number;
        lon?: number;
        usd: number;
        kgCO2: number;
        energyKwh: number;
        /** One way, from the farthest participant whose location is known; null if none is. */
        latencyMs: number | null;
      } | null;
      /** Candidates a policy ruled out, with the pack and policy that decided and why. */
      excluded: { site: string; pack: string; policyId: string; reason: string }[];
      /** The LP bound on the objective and the answer's relative gap to it (null if unknown). */
      bound: { lp: number | null; gap: number | null };
      solver: { name: string; status: string; gate: string; ms: number };
      /** Why no site was chosen (the planner failed, or no site was legal); the job goes on. */
      error?: string;
      at: number;
    }
  | {
      type: 'round.closed';
      collab: string;
      job: string;
      round: number;
      /** Key ids whose updates were aggregated, with the SHA-256 of each update frame. */
      contributions: { site: string; payloadSha256: string; numSamples: number }[];
      dropped: string[];
      modelSha256: string;
      trainLoss: number;
      /**
       * (ε, δ) the job has spent through this round: the max over contributing sites, and each
       * site's own ε; null when the job trains without differential privacy.
       */
      privacySpent: {
        epsilon: number;
        delta: number;
        perSite?: { site: string; epsilon: number }[];
      } | null;
      /**
       * Set when the round ran SecAgg+: the hub saw only the sum. `errorBound` bounds each
       * coordinate's quantization error in that sum; k neighbours, t of them to unmask.
       */
      /** Client-level DP-FedAvg: what this round's sum carried and the job's ε so far. */
      clientPrivacy?: {
        epsilon: number;
        delta: number;
        noiseMultiplier: number;
        survivors: number;
      };
      secureAggregation?: {
        round: string;
        neighbours: number;
        threshold: number;
        errorBound: number;
      };
      at: number;
    }
  | {
      type: 'contribution.receipt';
      collab: string;
      job: string;
      round: number;
      site: string;
      payloadSha256: string;
      numSamples: number;
      /** The site's own signed envelope over the payload: the hub cannot forge a receipt. */
      sealed: SealedEnvelope;
    }
  | {
      /** A member asked a federated analytics query (`converge query`). */
      type: 'query.proposed';
      collab: string;
      query: string;
      dataset: string;
      spec: unknown;
      at: number;
    }
  | {
      /**
       * The query's released answer (every published cell; suppressed ones with the reason)
       * and what it spent, or why it failed. The hub saw only the noisy, secure sum.
       */
      type: 'query.finished';
      collab: string;
      query: string;
      status: 'answered' | 'failed';
      error?: string;
      survivors: string[];
      dropped: string[];
      privacy: { epsilon: number; delta: number } | null;
      groups?: unknown[];
      at: number;
    }
  | {
      type: 'job.finished';
      collab: string;
      job: string;
      status: 'finished' | 'failed';
      error?: string;
      rounds: number;
      /** Pooled accuracy of the final model over the sites' own test splits, if evaluated. */
      pooledAccuracy?: number;
      at: number;
    }
  | {
      type: 'model.released';
      collab: string;
      job: string;
      modelSha256: string;
      /** Where the model came from: the initial model, every round's model, the contributors. */
      lineage: {
        initialModelSha256: string;
        roundModels: string[];
        strategy: string;
        contributors: string[];
      };
      at: number;
    }
  | {
      type: 'policy.decision';
      collab: string;
      action: string;
      decision: 'allow' | 'deny';
      /** The pack, policy and attribute that refused, when refused. */
      deciding: { pack: string; policyId: string; attribute: string; reason: string } | null;
      policySetHash: string;
      /** All a replay needs: the normalised request and the full decision. */
      logged: { request: unknown; decision: unknown };
      at: number;
    }
  | {
      type: 'trust.proposed';
      collab: string;
      proposal: { from: number; to: number; epoch: number; proposer: string; createdAt: string };
      at: number;
    }
  | {
      type: 'trust.voted';
      collab: string;
      member: string;
      /** Base64 Ed25519 signature by the member's node key over the proposal. */
      signature: string;
      to: number;
      epoch: number;
      at: number;
    }
  | {
      type: 'trust.changed';
      collab: string;
      from: number;
      to: number;
      why: string;
      /** Set when a violation lowered the level: what it was, and the entry that shows it. */
      violation?: { kind: string; entry: number };
      at: number;
    }
  | {
      type: 'policy.proposed';
      collab: string;
      proposal: {
        id: string;
        pack: string;
        fromHash: string | null;
        toHash: string;
        proposer: string;
        createdAt: string;
      };
      /** The new version itself, so anyone can replay later decisions from the log alone. */
      source: { cedar: string; meta: unknown };
      /** What `converge policy diff` shows: metadata, policies changed, sample outcomes. */
      summary: unknown;
      at: number;
    }
  | {
      type: 'policy.voted';
      collab: string;
      proposal: string;
      member: string;
      /** Base64 Ed25519 signature by the member's node key over the proposal. */
      signature: string;
      at: number;
    }
  | {
      type: 'policy.changed';
      collab: string;
      proposal: string;
      pack: string;
      fromHash: string | null;
      toHash: string;
      version: string;
      /** Every pack in force for the collaboration after the change, by name: its hash. */
      inForce: Record<string, string>;
      at: number;
    }
  | {
      type: 'ledger.evidence';
      collab: string;
      /** The witness that saw the log contradict itself, and what it saw. */
      witness: string;
      reason: string;
      at: number;
    };

export type LedgerEntry = LedgerEvent & { v: typeof ENTRY_VERSION };
export type LedgerEventType = LedgerEvent['type'];

const encoder = new TextEncoder();

/** The exact bytes of an entry in the log. */
export function encodeEntry(event: LedgerEvent): Uint8Array {
  const text = canonicalize({ ...event, v: ENTRY_VERSION });
  if (text === undefined) throw new TypeError(`ledger entry ${event.type} is not JSON`);
  return encoder.encode(text);
}

/** Parses an entry read back from the log; it must be canonical, typed and versioned. */
export function decodeEntry(bytes: Uint8Array): LedgerEntry {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError('ledger entry is not a JSON object');
  }
  const { type, v } = value as { type?: unknown; v?: unknown };
  if (typeof type !== 'string') throw new TypeError('ledger entry has no type');
  if (v !== ENTRY_VERSION) throw new TypeError(`ledger entry ${type} has version ${String(v)}`);
  if (canonicalize(value) !== text) throw new TypeError(`ledger entry ${type} is not RFC 8785`);
  return value as LedgerEntry;
}
