import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type {
  JobSummary,
  LedgerStatus,
  PackInForce,
  PackProposalView,
  PackSubmissionBody,
  QueryView,
  TrustView,
} from '../federation/index.js';
import type { PolicyDecision, TrustProposal } from '../policy/index.js';
import { ENDPOINT_FILE, apiToken } from './node-dir.js';

/** The hub answered with an error status (e.g. 422: a proposed pack is invalid). */
export class HubRefused extends Error {
  override name = 'HubRefused';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A member's client for a running hub's API, found through the hub's node directory. */
export class MemberClient {
  constructor(
    readonly url: string,
    /** The hub's API token; without it only public routes answer (log, votes, open proposals). */
    private readonly token?: string,
  ) {}

  static async forHubDirectory(dir: string): Promise<MemberClient> {
    const path = join(dir, ENDPOINT_FILE);
    if (!existsSync(path)) {
      throw new Error(
        `the hub in ${dir} is not running (no ${ENDPOINT_FILE}); start it with: converge node start --dir ${dir}`,
      );
    }
    const endpoint = z.object({ url: z.string() }).parse(JSON.parse(await readFile(path, 'utf8')));
    return new MemberClient(endpoint.url, await apiToken(dir));
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const send = () =>
      fetch(new URL(path, this.url), {
        method,
        headers: {
          ...(this.token !== undefined ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    let res: Response;
    try {
      res = await send();
    } catch (e) {
      // A kept-alive connection the hub closed while this process was busy fails the next
      // request at once; a read is safe to send again, a write is not.
      if (method !== 'GET') throw e;
      res = await send();
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // not JSON: keep the raw text
      }
      throw new HubRefused(res.status, `hub refused ${method} ${path} (${res.status}): ${message}`);
    }
    return JSON.parse(text) as T;
  }

  /** Asks a federated analytics query; it runs in the background (poll with `query`). */
  startQuery(collab: string, body: unknown): Promise<QueryView> {
    return this.call('POST', `/v1/collabs/${encodeURIComponent(collab)}/queries`, body);
  }

  query(collab: string, id: string): Promise<QueryView> {
    return this.call(
      'GET',
      `/v1/collabs/${encodeURIComponent(collab)}/queries/${encodeURIComponent(id)}`,
    );
  }

  /** Asks a query and polls it until it is answered or failed (both resolve; see `status`). */
  async runQuery(
    collab: string,
    body: { dataset: string; query: unknown; minimumSurvivors?: number },
    onProgress: (line: string) => void = () => {},
  ): Promise<QueryView> {
    let view = await this.startQuery(collab, body);
    onProgress(`query ${view.id} asked of ${collab}`);
    while (view.status === 'running') {
      await new Promise((ok) => setTimeout(ok, 100));
      view = await this.query(collab, view.id);
    }
    onProgress(`query ${view.id} ${view.status}`);
    return view;
  }

  startJob(collab: string, spec: unknown): Promise<{ id: string }> {
    return this.call('POST', '/v1/jobs', { collab, spec });
  }

  refusals(): Promise<
    { id: number; at: number; sender: string | null; status: number; reason: string }[]
  > {
    return this.call('GET', '/v1/refusals');
  }

  job(id: string): Promise<JobSummary> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  /** Asks the hub to decide an action under every pack that applies; the decision is logged. */
  decide(collab: string, request: unknown): Promise<{ decision: PolicyDecision }> {
    return this.call('POST', `/v1/collabs/${encodeURIComponent(collab)}/decisions`, request);
  }

  trustState(collab: string): Promise<TrustView> {
    return this.call('GET', `/v1/collabs/${encodeURIComponent(collab)}/trust/state`);
  }

  proposeTrustRaise(collab: string, proposer: string): Promise<TrustProposal> {
    return this.call('POST', `/v1/collabs/${encodeURIComponent(collab)}/trust/proposals`, {
      proposer,
    });
  }

  /** The open vote to raise the trust level (public: members sign it from their own nodes). */
  openTrustProposal(collab: string): Promise<TrustProposal> {
    return this.call('GET', `/v1/collabs/${encodeURIComponent(collab)}/trust/proposal`);
  }

  voteTrust(collab: string, member: string, signature: string): Promise<TrustView> {
    return this.call('POST', `/v1/collabs/${encodeURIComponent(collab)}/trust/votes`, {
      member,
      signature,
    });
  }

  /** The version of each pack in force in the collaboration. */
  packsInForce(collab: string): Promise<PackInForce[]> {
    return this.call('GET', `/v1/collabs/${encodeURIComponent(collab)}/policy/packs`);
  }

  /** Submits a new version of a pack (signed by the proposer); the hub validates it first. */
  proposePack(collab: string, submission: PackSubmissionBody): Promise<PackProposalView> {
    return this.call(
      'POST',
      `/v1/collabs/${encodeURIComponent(collab)}/policy/proposals`,
      submission,
    );
  }

  packProposal(collab: string, id: string): Promise<PackProposalView> {
    return this.call(
      'GET',
      `/v1/collabs/${encodeURIComponent(collab)}/policy/proposals/${encodeURIComponent(id)}`,
    );
  }

  openPackProposals(collab: string): Promise<PackProposalView[]> {
    return this.call('GET', `/v1/collabs/${encodeURIComponent(collab)}/policy/proposals`);
  }

  votePack(
    collab: string,
    id: string,
    member: string,
    signature: string,
  ): Promise<PackProposalView> {
    return this.call(
      'POST',
      `/v1/collabs/${encodeURIComponent(collab)}/policy/proposals/${encodeURIComponent(id)}/votes`,
      { member, signature },
    );
  }

  /** The collaboration's log: its size, and the checkpoint its witness quorum cosigned. */
  ledgerStatus(collab: string): Promise<LedgerStatus> {
    return this.call('GET', `/log/${encodeURIComponent(collab)}/status`);
  }

  /** Waits until the published checkpoint covers every entry logged so far. */
  async ledgerPublished(collab: string, timeoutMs = 60_000): Promise<LedgerStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.ledgerStatus(collab);
      if (status.publishedSize === status.size && status.size > 0) return status;
      if (Date.now() > deadline) {
        throw new Error(
          `the log of ${collab} holds ${status.size} entries but only ${status.publishedSize} are cosigned by its witness quorum`,
        );
      }
      await new Promise((ok) => setTimeout(ok, 100));
    }
  }

  /** Where the collaboration's log is served (tlog-tiles), for monitors and proofs. */
  logUrl(collab: string): string {
    return new URL(`/log/${encodeURIComponent(collab)}/`, this.url).toString();
  }
}
