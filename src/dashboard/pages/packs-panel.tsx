import type { ReactNode } from 'react';
import { ApiError, getJson } from '../api';
import type { PackInForce, PackMeta, PackProposalView, PackVersionsView } from '../api-types';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

// The policy packs in force in one collaboration: each pack's version and hash, whether it is
// the hub's own or one its members voted in (and the log entry that says when), its metadata
// (sources, effective dates, the not-legal-advice notice), and the open proposals to change a
// pack with who has signed. The hub's /policy/packs and /policy/proposals decide what is in
// force; the dashboard's /policy/versions adds the metadata and the policy.changed entries.

interface PacksState {
  packs: PackInForce[];
  proposals: PackProposalView[];
  /** Null, with the reason, when the metadata could not be read: the packs are still shown. */
  versions: PackVersionsView | null;
  versionsError: Error | null;
}

async function loadPacks(collab: string, token: string): Promise<PacksState> {
  const base = `/v1/collabs/${encodeURIComponent(collab)}/policy`;
  const [packs, proposals, versions] = await Promise.all([
    getJson<PackInForce[]>(`${base}/packs`, token),
    getJson<PackProposalView[]>(`${base}/proposals`, token),
    getJson<PackVersionsView>(`${base}/versions`, token).catch((e: unknown) =>
      e instanceof Error ? e : new Error(String(e)),
    ),
  ]);
  return versions instanceof Error
    ? { packs, proposals, versions: null, versionsError: versions }
    : { packs, proposals, versions, versionsError: null };
}

const short = (hash: string | null | undefined) => (hash ? `${hash.slice(0, 12)}…` : 'none');
const when = (at: number | string) =>
  `${new Date(at).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
const day = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The parts of a pack's metadata the page shows, if it has them. */
function asMeta(meta: unknown): PackMeta | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const m = meta as Partial<PackMeta>;
  const ok =
    typeof m.title === 'string' &&
    typeof m.disclaimer === 'string' &&
    typeof m.sources === 'object' &&
    m.sources !== null &&
    typeof m.policies === 'object' &&
    m.policies !== null;
  return ok ? (m as PackMeta) : null;
}

export function PacksPanel({ collab, token }: { collab: string; token: string }) {
  const { loaded } = useLoad(() => loadPacks(collab, token), [collab, token]);
  if (loaded.state === 'loading') return <Loading what="the policy packs" />;
  if (loaded.state === 'error') {
    // A hub without governance serves no packs: say so rather than fail.
    if (loaded.error instanceof ApiError && loaded.error.status === 404) {
      return <p>This hub decides no policy for {collab}: it serves no policy packs.</p>;
    }
    return <ErrorNotice error={loaded.error} />;
  }
  const { packs, proposals, versions, versionsError } = loaded.value;
  const meta = (pack: PackInForce) =>
    asMeta(versions?.versions.find((v) => v.hash === pack.hash && v.pack === pack.pack)?.meta);
  return (
    <>
      <table className="packs">
        <caption>Policy packs in force in {collab}</caption>
        <thead>
          <tr>
            <th scope="col">Pack</th>
            <th scope="col">Version and hash</th>
            <th scope="col">In force as</th>
          </tr>
        </thead>
        <tbody>
          {packs.map((p) => (
            <tr key={p.pack} data-pack={p.pack}>
              <th scope="row">{p.pack}</th>
              <td>
                {p.version}
                <br />
                <code className="short-hash">{short(p.hash)}</code>
              </td>
              <td>{brief(p, versions)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {versionsError && (
        <p className="notice error" role="alert">
          The packs' metadata could not be read: {versionsError.message}
        </p>
      )}
      {packs.map((p) => (
        <PackMetaView
          key={p.pack}
          id={`pack-${collab}-${p.pack}`}
          pack={p.pack}
          heading={`${p.pack} ${p.version}`}
          hash={p.hash}
          inForce={origin(p, versions)}
          meta={meta(p)}
          missing={versions ? 'the hub does not hold this version’s metadata' : null}
        />
      ))}
      <h3>Proposals to change a pack</h3>
      {proposals.length === 0 ? (
        <p>No open proposal to change a pack in {collab}.</p>
      ) : (
        proposals.map((p) => <ProposalView key={p.id} collab={collab} view={p} />)
      )}
    </>
  );
}

/** The log's policy.changed entry that put this version in force, if any. */
function changeOf(pack: PackInForce, versions: PackVersionsView | null) {
  return versions?.changes.findLast((c) => c.pack === pack.pack && c.toHash === pack.hash);
}

/** For the table: the hub's own, or voted in on which day. */
function brief(pack: PackInForce, versions: PackVersionsView | null): ReactNode {
  const at =
    changeOf(pack, versions)?.at ?? versions?.versions.find((v) => v.hash === pack.hash)?.since;
  if (!pack.voted) return "the hub's own";
  return at ? (
    <>
      voted in <span className="date">{day(at)}</span>
    </>
  ) : (
    'voted in'
  );
}

/** The hub's own version, or voted in by the members: when, and which log entry says so. */
function origin(pack: PackInForce, versions: PackVersionsView | null): string {
  const change = changeOf(pack, versions);
  const logged = change
    ? `${when(change.at)} (log entry ${change.index}, proposal ${change.proposal})`
    : null;
  if (!pack.voted) {
    return logged
      ? `the hub's own version (policies/), voted back in ${logged}`
      : "the hub's own version (policies/)";
  }
  if (logged) return `voted in by the members ${logged}`;
  const since = versions?.versions.find((v) => v.hash === pack.hash)?.since;
  return since ? `voted in by the members ${when(since)}` : 'voted in by the members';
}

/** A pack version's title, notice, scope, sources and each policy's dates. */
function PackMetaView(props: {
  id: string;
  pack: string;
  heading: string;
  /** For a version in force: its full hash and how it came to be in force. */
  hash?: string;
  inForce?: string;
  meta: PackMeta | null;
  missing: string | null;
  level?: 'h4' | 'h5';
}) {
  const { id, pack, heading, hash, inForce, meta, missing } = props;
  const Heading = props.level ?? 'h4';
  const policies = meta ? Object.entries(meta.policies) : [];
  const sources = meta ? Object.entries(meta.sources) : [];
  return (
    <article aria-labelledby={id} className="pack" data-pack-meta={pack}>
      <Heading id={id}>
        Pack {heading}
        {meta && `: ${meta.title}`}
      </Heading>
      {meta && (
        <p className="disclaimer">
          <strong>Notice:</strong> {meta.disclaimer}
        </p>
      )}
      <dl className="facts">
        {inForce && (
          <>
            <dt>In force as</dt>
            <dd data-testid="in-force">{inForce}</dd>
          </>
        )}
        {hash && (
          <>
            <dt>Version hash</dt>
            <dd>
              <code className="hash">{hash}</code>
            </dd>
          </>
        )}
        {meta && (
          <>
            <dt>Scope</dt>
            <dd>
              {meta.scope.kind === 'jurisdiction'
                ? `jurisdiction: ${meta.scope.countries.join(', ')}`
                : 'every action in the consortium'}
            </dd>
            <dt>Effective</dt>
            <dd>{effectiveRange(meta)}</dd>
          </>
        )}
      </dl>
      {!meta && missing && <p className="small">Metadata not shown: {missing}.</p>}
      {meta && (
        <>
          <details>
            <summary>
              Sources ({sources.length}) and policies ({policies.length}) with their dates
            </summary>
            <ul className="sources">
              {sources.map(([key, s]) => (
                <li key={key}>
                  <code>{key}</code>: {s.url ? <a href={s.url}>{s.title}</a> : s.title},{' '}
                  {s.citation}
                </li>
              ))}
            </ul>
            <table className="policies">
              <caption>Policies of pack {heading}</caption>
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">In force</th>
                  <th scope="col">Sources and notes</th>
                </tr>
              </thead>
              <tbody>
                {policies.map(([policy, p]) => (
                  <tr key={policy}>
                    <th scope="row">
                      <code className="policy-id">{policy}</code>
                    </th>
                    <td>
                      from <span className="date">{p.effective}</span>
                      {p.retired && (
                        <>
                          {' '}
                          until <span className="date">{p.retired}</span>
                        </>
                      )}
                    </td>
                    <td>
                      {p.sources.join(', ')}
                      {p.retiredBy && <span className="block small">retired: {p.retiredBy}</span>}
                      {p.note && <span className="block small">{p.note}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </article>
  );
}

/** When its policies took effect (each policy's date is in the table); retired ones apart. */
function effectiveRange(meta: PackMeta): string {
  const policies = Object.values(meta.policies);
  const dates = [...new Set(policies.map((p) => p.effective))].sort();
  const retired = policies.filter((p) => p.retired !== undefined).length;
  if (dates.length === 0) return 'no policy';
  const range =
    dates.length === 1
      ? `its policies took effect on ${dates[0]}`
      : `its policies took effect between ${dates[0]} and ${dates.at(-1)}`;
  return retired > 0 ? `${range}; ${retired} since retired` : range;
}

function ProposalView({ collab, view }: { collab: string; view: PackProposalView }) {
  const { summary, proposal } = view;
  const id = `proposal-${collab}-${view.id}`;
  const from = summary.from
    ? `${summary.from.version} (${short(summary.from.hash)})`
    : 'no version';
  const samples = summary.samples;
  return (
    <article aria-labelledby={id} className="card proposal" data-proposal={view.id}>
      <h4 id={id}>
        Proposal <code>{view.id}</code>: pack {proposal.pack}{' '}
        {summary.from ? `${summary.from.version} → ` : 'added, '}
        {summary.to.version}
      </h4>
      <dl className="facts">
        <dt>Proposed by</dt>
        <dd>
          {view.proposer}, {when(proposal.createdAt)}
        </dd>
        <dt>Change</dt>
        <dd>
          {from} → {summary.to.version} ({short(summary.to.hash)})
        </dd>
        <dt>What changes</dt>
        <dd>
          {[
            summary.metadata.length > 0 ? `metadata: ${summary.metadata.join(', ')}` : '',
            ...summary.policies.map(
              (p) =>
                `${p.change} ${p.policyId}${p.fields.length > 0 ? ` (${p.fields.join(', ')})` : ''}`,
            ),
          ]
            .filter(Boolean)
            .join('; ') || 'nothing in the policies or metadata'}
        </dd>
        {samples && (
          <>
            <dt>Sample requests</dt>
            <dd>
              {samples.newlyAllowed.length} newly allowed, {samples.newlyDenied.length} newly
              denied, {samples.newReason.length} denied by another rule, {samples.unchanged}{' '}
              unchanged
            </dd>
          </>
        )}
        <dt>Signed by</dt>
        <dd data-testid="signed">{view.signed.join(', ') || 'nobody yet'}</dd>
        <dt>Waiting for</dt>
        <dd data-testid="missing">{view.missing.join(', ') || 'nobody'}</dd>
      </dl>
      <PackMetaView
        id={`${id}-meta`}
        pack={proposal.pack}
        hash={summary.to.hash}
        heading={`${proposal.pack} ${summary.to.version} (proposed)`}
        meta={asMeta(view.source.meta)}
        missing="the proposed metadata is not in the expected form"
        level="h5"
      />
    </article>
  );
}
