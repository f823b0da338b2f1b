import { getJson } from '../api';
import type { HubOverview, Refusal } from '../api-types';
import type { DecodedEntry } from '../ledger/entry-summary';
import { readLog } from '../ledger/read-log';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

interface Decision {
  collab: string;
  index: number;
  action: string;
  decision: string;
  deciding: { pack: string; policyId: string; attribute: string; reason: string } | null;
  policySetHash: string;
  at: number;
}

/** The policy decisions in every collaboration's published log. */
async function loggedDecisions(collabs: string[]): Promise<Decision[]> {
  const logs = await Promise.all(collabs.map(async (c) => ({ c, log: await readLog(c) })));
  return logs.flatMap(({ c, log }) =>
    log.entries
      .filter((e: DecodedEntry) => e.type === 'policy.decision')
      .map((e) => ({
        ...(e.value as unknown as Omit<Decision, 'collab' | 'index'>),
        collab: c,
        index: e.index,
      })),
  );
}

export function DecisionsPage({ token, overview }: { token: string; overview: HubOverview }) {
  const collabs = overview.collaborations.map((c) => c.id);
  const decisions = useLoad(() => loggedDecisions(collabs), [collabs.join(',')]);
  const refusals = useLoad(() => getJson<Refusal[]>('/v1/refusals', token), [token]);
  return (
    <section aria-labelledby="decisions-title">
      <h1 id="decisions-title">Decisions</h1>
      <h2>Policy decisions in the ledger</h2>
      <p className="small">
        Each decision is a ledger entry with the deciding pack, policy and reason, and the hash of
        the policy set, so that <code>converge policy replay</code> can recompute it.
      </p>
      {decisions.loaded.state === 'loading' && <Loading what="the logged decisions" />}
      {decisions.loaded.state === 'error' && <ErrorNotice error={decisions.loaded.error} />}
      {decisions.loaded.state === 'ready' &&
        (decisions.loaded.value.length === 0 ? (
          <p>No decision is in a published checkpoint yet.</p>
        ) : (
          <table>
            <caption>{decisions.loaded.value.length} decisions</caption>
            <thead>
              <tr>
                <th scope="col">Entry</th>
                <th scope="col">Action</th>
                <th scope="col">Decision</th>
                <th scope="col">Deciding pack and policy</th>
                <th scope="col">Reason</th>
                <th scope="col">Policy set</th>
              </tr>
            </thead>
            <tbody>
              {decisions.loaded.value.map((d) => (
                <tr key={`${d.collab}-${d.index}`}>
                  <th scope="row">
                    {d.collab} #{d.index}
                  </th>
                  <td>{d.action}</td>
                  <td className={d.decision === 'deny' ? 'failed' : 'verified'}>{d.decision}</td>
                  <td>{d.deciding ? `${d.deciding.pack} / ${d.deciding.policyId}` : '—'}</td>
                  <td>
                    {d.deciding
                      ? `${d.deciding.reason} (${d.deciding.attribute})`
                      : 'every consulted pack allows'}
                  </td>
                  <td>
                    <code>{String(d.policySetHash).slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      <h2>Refused messages</h2>
      <p className="small">
        Messages the hub refused before any policy was asked: bad signature, replay, stale
        timestamp, unknown member.
      </p>
      {refusals.loaded.state === 'loading' && <Loading what="refusals" />}
      {refusals.loaded.state === 'error' && <ErrorNotice error={refusals.loaded.error} />}
      {refusals.loaded.state === 'ready' &&
        (refusals.loaded.value.length === 0 ? (
          <p>The hub has refused no message.</p>
        ) : (
          <table>
            <caption>Latest {refusals.loaded.value.length} refusals, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Sender</th>
                <th scope="col">Route</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {refusals.loaded.value.map((r) => (
                <tr key={r.id}>
                  <td>{new Date(Number(r.at)).toISOString()}</td>
                  <td>{r.sender ?? 'unknown'}</td>
                  <td>
                    <code>{r.route}</code>
                  </td>
                  <td>{r.status}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}
