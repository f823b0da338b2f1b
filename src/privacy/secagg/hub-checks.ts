/**
 * The hub's checks on the two site messages that carry per-neighbour content: envelopes in
 * share-keys and revealed shares in unmask-response. Pure; each throws a SecAggRefusal.
 */
import { equalBytes } from './domain.js';
import { refuseUnless } from './errors.js';
import { shareIndex, type NeighbourGraph } from './graph.js';
import { maskKeyCommitment } from './keys.js';
import type { RevealedShare, ShareKeys, UnmaskResponse } from './messages.js';

/** The mask key opens the commitment, and there is exactly one envelope per live neighbour. */
export function checkShareKeys(
  m: ShareKeys,
  round: string,
  commitment: Uint8Array,
  recipients: ReadonlySet<string>,
): void {
  refuseUnless(
    equalBytes(maskKeyCommitment(round, m.site, m.maskPublicKey), commitment),
    'commitment-mismatch',
    `mask key of ${m.site} does not match its commitment`,
  );
  const seen = new Set<string>();
  for (const share of m.shares) {
    refuseUnless(
      share.round === round,
      'wrong-round',
      `share from ${m.site} to ${share.to} is for round ${share.round}, not ${round}`,
    );
    refuseUnless(
      share.from === m.site,
      'malformed',
      `a share from ${m.site} claims sender ${share.from}`,
    );
    refuseUnless(
      recipients.has(share.to),
      'not-a-neighbour',
      `${m.site} sent a share to ${share.to}, not a live neighbour`,
    );
    refuseUnless(!seen.has(share.to), 'duplicate', `${m.site} sent two shares to ${share.to}`);
    seen.add(share.to);
  }
  const missing = [...recipients].filter((v) => !seen.has(v));
  refuseUnless(
    missing.length === 0,
    'malformed',
    `${m.site} sent no share to ${missing.join(', ')}`,
  );
}

function checkReveals(
  m: UnmaskResponse,
  graph: NeighbourGraph,
  shares: readonly RevealedShare[],
  asked: ReadonlySet<string>,
  kind: string,
): Set<string> {
  const seen = new Set<string>();
  for (const s of shares) {
    refuseUnless(
      asked.has(s.owner),
      'malformed',
      `${m.site} revealed a ${kind} share of ${s.owner}, which was not asked for`,
    );
    refuseUnless(
      !seen.has(s.owner),
      'duplicate',
      `${m.site} revealed two ${kind} shares of ${s.owner}`,
    );
    const holder = graph.get(s.owner)?.includes(m.site) ?? false;
    refuseUnless(
      holder && s.x === shareIndex(graph, s.owner, m.site),
      'malformed',
      `${m.site}'s ${kind} share of ${s.owner} is not one it holds (wrong x-coordinate or not a neighbour)`,
    );
    seen.add(s.owner);
  }
  return seen;
}

/** Self-mask shares only of survivors, mask-key shares only of dropped sites, never both. */
export function checkUnmaskResponse(
  m: UnmaskResponse,
  graph: NeighbourGraph,
  survivors: ReadonlySet<string>,
  dropped: ReadonlySet<string>,
): void {
  const seeds = checkReveals(m, graph, m.selfMaskShares, survivors, 'self-mask');
  const keys = checkReveals(m, graph, m.maskKeyShares, dropped, 'mask-key');
  const both = [...seeds].filter((o) => keys.has(o));
  refuseUnless(
    both.length === 0,
    'double-reveal',
    `${m.site} revealed both secrets of ${both.join(', ')}`,
  );
}
