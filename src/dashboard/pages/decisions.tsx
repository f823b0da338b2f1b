import { getJson } from '../api';
import type { Refusal } from '../api-types';
import { ErrorNotice, Loading, NotWired } from '../notice';
import { useLoad } from '../use-load';

export function DecisionsPage({ token }: { token: string }) {
  const { loaded } = useLoad(() => getJson<Refusal[]>('/v1/refusals', token), [token]);
  return (
    <section aria-labelledby="decisions-title">
      <h1 id="decisions-title">Decisions</h1>
      <NotWired>
        <p>
          Policy decisions (allowed and refused actions with the deciding pack, policy and reason)
          are not wired into the hub yet; <code>converge policy check</code> decides requests on
          their own. What the hub does refuse today are messages that fail its checks (signature,
          replay, timestamp, membership), listed here.
        </p>
      </NotWired>
      <h2>Refused messages</h2>
      {loaded.state === 'loading' && <Loading what="refusals" />}
      {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
      {loaded.state === 'ready' &&
        (loaded.value.length === 0 ? (
          <p>The hub has refused no message.</p>
        ) : (
          <table>
            <caption>Latest {loaded.value.length} refusals, newest first</caption>
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
              {loaded.value.map((r) => (
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
