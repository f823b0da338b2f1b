import { useMemo, useState } from 'react';
import type { HubOverview } from '../api-types';
import type { Checkpoint } from '../ledger/checkpoint';
import { describeEntry, memberNames, type DecodedEntry } from '../ledger/entry-summary';
import type { LogTiles } from '../ledger/tiles';
import { readLog, type LogView } from '../ledger/read-log';
import { verifyEntry, type Verification } from '../ledger/verify-entry';
import { toBase64 } from '../ledger/merkle';
import { checkNote } from '../ledger/note-signatures';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

export function LedgerPage({ overview }: { overview: HubOverview }) {
  const collabs = overview.collaborations.map((c) => c.id);
  const [collab, setCollab] = useState(collabs[0] ?? '');
  const { loaded, reload } = useLoad(() => readLog(collab), [collab]);
  return (
    <section aria-labelledby="ledger-title">
      <h1 id="ledger-title">Ledger</h1>
      <p className="controls">
        <label htmlFor="ledger-collab">Collaboration</label>
        <select id="ledger-collab" value={collab} onChange={(e) => setCollab(e.target.value)}>
          {collabs.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <button type="button" onClick={reload}>
          Reload
        </button>
      </p>
      {collabs.length === 0 && <p>This hub coordinates no collaboration yet.</p>}
      {loaded.state === 'loading' && <Loading what="the log" />}
      {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
      {loaded.state === 'ready' && <LogDetails view={loaded.value} />}
    </section>
  );
}

function LogDetails({ view }: { view: LogView }) {
  const { status, checkpoint, tiles, entries } = view;
  return (
    <>
      <h2>Latest cosigned checkpoint</h2>
      {!checkpoint || !status.checkpoint ? (
        <p role="status">
          No checkpoint is published yet: {status.size} entries are durable, waiting for the
          witnesses of every member jurisdiction to cosign.
        </p>
      ) : (
        <>
          <dl className="facts">
            <dt>Origin</dt>
            <dd>
              <code>{checkpoint.origin}</code>
            </dd>
            <dt>Tree size</dt>
            <dd>
              {checkpoint.size} entries ({status.size} durable)
            </dd>
            <dt>Root</dt>
            <dd>
              <code className="hash">{toBase64(checkpoint.root)}</code>
            </dd>
            <dt>Witnesses (cosignatures the hub verified)</dt>
            <dd>{status.cosigners.join(', ') || 'none'}</dd>
            <dt>Checked in this browser</dt>
            <dd>
              <NoteCheckResult note={status.checkpoint} policy={status.policy} />
            </dd>
          </dl>
          <details>
            <summary>The signed note</summary>
            <pre className="note">{status.checkpoint}</pre>
          </details>
        </>
      )}
      {checkpoint && tiles && <EntryList entries={entries} checkpoint={checkpoint} tiles={tiles} />}
    </>
  );
}

/**
 * The checkpoint's log signature and cosignatures verified here (WebCrypto Ed25519) against the
 * witness policy's keys, and its quorum evaluated: the hub's own claim is not relied on.
 */
function NoteCheckResult({ note, policy }: { note: string; policy: string }) {
  const { loaded } = useLoad(() => checkNote(note, policy), [note, policy]);
  if (loaded.state === 'loading') {
    return (
      <span role="status" data-testid="note-check">
        checking signatures…
      </span>
    );
  }
  if (loaded.state === 'error') {
    return (
      <span className="failed" data-testid="note-check">
        ✗ could not check: {loaded.error.message}
      </span>
    );
  }
  const c = loaded.value;
  const outcome = c.quorumMet ? '✓ quorum met' : '✗ quorum not met';
  return (
    <span className={c.quorumMet ? 'verified' : 'failed'} data-testid="note-check">
      {outcome}: log signature {c.logSigned ? 'valid' : 'missing or invalid'}; cosigned by{' '}
      {c.cosigners.join(', ') || 'no witness'} (quorum {c.quorum})
      {c.bad.length > 0 ? `; invalid signatures by ${c.bad.join(', ')}` : ''}. Keys from the witness
      policy the hub serves: compare them with your members' identity cards.
    </span>
  );
}

function EntryList(props: { entries: DecodedEntry[]; checkpoint: Checkpoint; tiles: LogTiles }) {
  const { entries, checkpoint, tiles } = props;
  const [type, setType] = useState('');
  const [results, setResults] = useState<Record<number, Verification | 'checking'>>({});
  const types = useMemo(() => [...new Set(entries.map((e) => e.type))].sort(), [entries]);
  const name = useMemo(() => memberNames(entries), [entries]);
  const shown = entries.filter((e) => !type || e.type === type);

  async function verify(index: number) {
    setResults((r) => ({ ...r, [index]: 'checking' }));
    const result = await verifyEntry(tiles, checkpoint, index);
    setResults((r) => ({ ...r, [index]: result }));
  }

  return (
    <>
      <h2>Entries</h2>
      <p className="controls">
        <label htmlFor="entry-type">Type</label>
        <select id="entry-type" value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">all types ({entries.length})</option>
          {types.map((t) => (
            <option key={t} value={t}>
              {t} ({entries.filter((e) => e.type === t).length})
            </option>
          ))}
        </select>
      </p>
      <p className="small">
        “Verify” recomputes the entry's inclusion proof in this browser (SHA-256 with WebCrypto)
        from the log's public tiles and checks it against the checkpoint's root above.
      </p>
      <table className="entries">
        <caption>
          {shown.length} of {entries.length} entries
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Type</th>
            <th scope="col">What</th>
            <th scope="col">Inclusion</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((e) => (
            <tr key={e.index} data-entry={e.index}>
              <th scope="row">{e.index}</th>
              <td>
                <code>{e.type}</code>
              </td>
              <td>{describeEntry(e, name)}</td>
              <td>
                <VerifyCell index={e.index} result={results[e.index]} onVerify={verify} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function VerifyCell(props: {
  index: number;
  result: Verification | 'checking' | undefined;
  onVerify: (index: number) => Promise<void>;
}) {
  const { index, result, onVerify } = props;
  if (result === 'checking') return <span role="status">checking…</span>;
  if (result?.ok) {
    return (
      <span className="verified" role="status">
        ✓ verified: in the tree of {result.size} ({result.proofLength} proof hashes)
      </span>
    );
  }
  return (
    <>
      <button
        type="button"
        onClick={() => void onVerify(index)}
        aria-label={`Verify entry ${index}`}
      >
        Verify
      </button>
      {result && (
        <span className="failed" role="alert">
          ✗ not verified: {result.reason}
        </span>
      )}
    </>
  );
}
