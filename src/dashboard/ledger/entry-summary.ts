// One line per ledger entry type, so that a list of entries reads as the collaboration's story.

import { askedPrivacy, describeQuery, querySpec } from '../privacy/logged-queries.js';
import { delta, figure } from '../privacy/format.js';

export interface DecodedEntry {
  index: number;
  type: string;
  /** The entry as parsed; shown in full on request. */
  value: Record<string, unknown>;
  bytes: Uint8Array;
}

const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** `name` turns a member key id into its name (receipts and rounds name sites by key). */
export function describeEntry(e: DecodedEntry, name: (keyId: string) => string): string {
  const v = e.value;
  switch (e.type) {
    case 'collab.created':
      return `collaboration ${str(v['collab'])} (${str(v['domain'])}) created`;
    case 'member.joined': {
      const m = (v['member'] ?? {}) as Record<string, unknown>;
      return `${str(m['name'])} (${str(m['jurisdiction'])}) joined: ${str(m['institution'])}`;
    }
    case 'job.proposed':
      return `job ${str(v['job'])} proposed`;
    case 'job.started':
      return `job ${str(v['job'])} started with ${(v['participants'] as unknown[] | undefined)?.length ?? 0} sites`;
    case 'job.placed': {
      const a = v['aggregation'] as Record<string, unknown> | null | undefined;
      return a
        ? `job ${str(v['job'])}: aggregation placed at ${str(a['site'])} (${str(a['country'])})`
        : `job ${str(v['job'])}: aggregation not placed (${str(v['error'])})`;
    }
    case 'contribution.receipt':
      return `round ${str(v['round'])}: receipt from ${name(str(v['site']))}, ${str(v['numSamples'])} samples`;
    case 'round.closed': {
      const loss = typeof v['trainLoss'] === 'number' ? v['trainLoss'].toFixed(4) : '?';
      const closed = `round ${str(v['round'])} closed, train loss ${loss}`;
      const s = v['secureAggregation'] as Record<string, unknown> | undefined;
      if (!s) return closed;
      const bound = typeof s['errorBound'] === 'number' ? s['errorBound'].toExponential(1) : '?';
      return `${closed}; SecAgg+ sum (k ${str(s['neighbours'])} neighbours, t ${str(s['threshold'])}, error ≤ ${bound})`;
    }
    case 'query.proposed': {
      const spec = querySpec(v['spec']);
      return `query ${str(v['query'])} on ${str(v['dataset'])}: ${describeQuery(spec)}, ${askedPrivacy(spec)}`;
    }
    case 'query.finished':
      return queryFinished(v);
    case 'model.released':
      return `model ${str(v['modelSha256']).slice(0, 16)}… released with its lineage`;
    case 'job.finished':
      return `job ${str(v['job'])} ${str(v['status'])} after ${str(v['rounds'])} rounds`;
    case 'policy.decision': {
      const d = v['deciding'] as Record<string, unknown> | null | undefined;
      return `${str(v['action'])}: ${str(v['decision'])}${d ? ` by ${str(d['pack'])}/${str(d['policyId'])}` : ''}`;
    }
    case 'trust.proposed': {
      const p = (v['proposal'] ?? {}) as Record<string, unknown>;
      return `${str(p['proposer'])} proposes trust level ${str(p['from'])} → ${str(p['to'])}`;
    }
    case 'trust.voted':
      return `${str(v['member'])} signed for trust level ${str(v['to'])}`;
    case 'trust.changed':
      return `trust level ${str(v['from'])} → ${str(v['to'])}: ${str(v['why'])}`;
    case 'policy.proposed': {
      const p = (v['proposal'] ?? {}) as Record<string, unknown>;
      return `${str(p['proposer'])} proposes pack ${str(p['pack'])} ${str(p['toHash']).slice(0, 12)}… (proposal ${str(p['id'])})`;
    }
    case 'policy.voted':
      return `${str(v['member'])} signed pack proposal ${str(v['proposal'])}`;
    case 'policy.changed':
      return `pack ${str(v['pack'])} ${str(v['version'])} in force (proposal ${str(v['proposal'])})`;
    case 'ledger.evidence':
      return `evidence from witness ${str(v['witness'])}: ${str(v['reason'])}`;
    default:
      return e.type;
  }
}

function queryFinished(v: Record<string, unknown>): string {
  if (v['status'] !== 'answered') return `query ${str(v['query'])} failed: ${str(v['error'])}`;
  const count = (key: string) => (Array.isArray(v[key]) ? v[key].length : 0);
  const groups = Array.isArray(v['groups']) ? (v['groups'] as Record<string, unknown>[]) : [];
  const withheld = groups.filter((g) => typeof g['suppressed'] === 'string').length;
  const p = v['privacy'] as { epsilon?: unknown; delta?: unknown } | null | undefined;
  const spent =
    typeof p?.epsilon === 'number'
      ? `ε ${figure(p.epsilon)}, δ ${typeof p.delta === 'number' ? delta(p.delta) : '?'} spent`
      : 'no differential privacy';
  const dropped = count('dropped') > 0 ? `, ${count('dropped')} dropped` : '';
  return `query ${str(v['query'])} answered from ${count('survivors')} sites${dropped}: ${groups.length - withheld} cells published, ${withheld} suppressed; ${spent}`;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses an entry's bytes; an unreadable one is listed as such rather than hidden. */
export function decodeEntry(index: number, bytes: Uint8Array): DecodedEntry {
  try {
    const value = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
    return {
      index,
      type: typeof value['type'] === 'string' ? value['type'] : '(no type)',
      value,
      bytes,
    };
  } catch {
    return { index, type: '(unreadable)', value: {}, bytes };
  }
}

/** Key id → member name, from the member.joined entries. */
export function memberNames(entries: readonly DecodedEntry[]): (keyId: string) => string {
  const names = new Map<string, string>();
  for (const e of entries) {
    const m = e.value['member'] as Record<string, unknown> | undefined;
    if (e.type === 'member.joined' && m) names.set(str(m['keyId']), str(m['name']));
  }
  return (keyId) => names.get(keyId) ?? keyId.slice(0, 16);
}
