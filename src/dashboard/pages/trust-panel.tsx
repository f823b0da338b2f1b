import { ApiError, getJson } from '../api';
import type { TrustView } from '../api-types';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

const TRUST = ['', 'analytics only', 'federated training', 'model release'];

/** A collaboration's trust level, its history, and the open proposal with who has signed. */
export function TrustPanel({ collab, token }: { collab: string; token: string }) {
  const { loaded } = useLoad(
    () => getJson<TrustView>(`/v1/collabs/${encodeURIComponent(collab)}/trust/state`, token),
    [collab, token],
  );
  if (loaded.state === 'loading') return <Loading what="the trust record" />;
  if (loaded.state === 'error') {
    // A hub without governance has no trust record: say so rather than fail.
    if (loaded.error instanceof ApiError && loaded.error.status === 404) {
      return <p>This hub keeps no trust record for {collab}.</p>;
    }
    return <ErrorNotice error={loaded.error} />;
  }
  const trust = loaded.value;
  return (
    <>
      <dl className="facts">
        <dt>Trust level</dt>
        <dd>
          {trust.level}: {TRUST[trust.level] ?? ''}
        </dd>
        <dt>Open proposal</dt>
        <dd>
          {trust.proposal
            ? `${trust.proposal.proposer} proposes ${trust.proposal.from} → ${trust.proposal.to}; signed by ${trust.signed.join(', ') || 'nobody yet'}; waiting for ${trust.missing.join(', ') || 'nobody'}`
            : 'none'}
        </dd>
      </dl>
      <table>
        <caption>Trust history of {collab}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Level</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {trust.history.map((h, i) => (
            <tr key={i}>
              <td>{String(h.at)}</td>
              <td>
                {h.from} → {h.to}
              </td>
              <td>{h.why}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
