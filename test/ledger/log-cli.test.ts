import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FormatError,
  ProofError,
  SignatureError,
  TLOG_PROOF_HEADER,
  TileLog,
  ed25519Signer,
  formatNote,
  formatTlogProof,
  parseNote,
  parsePolicy,
  parseTlogProof,
  verifyTlogProof,
} from '../../src/ledger/index.js';
import { cosignedCheckpoint, logPrefix, openHubLog } from '../../src/cli/log-hub.js';
import { monitorLog } from '../../src/cli/log-monitor.js';
import { writeMonitorState } from '../../src/cli/monitor-state.js';
import { ORIGIN, logSigner, tempDir } from './fixtures/logs.js';
import {
  COLLAB,
  collaborationEntries,
  logEntry,
  serveWitnessedLog,
  type ServedLog,
} from './fixtures/served-log.js';

// `converge log`: show, prove, verify-proof and audit against a real hub-like server on
// loopback, a durable log cosigned by witnesses of two jurisdictions, and attacks on each.

const root = join(import.meta.dirname, '..', '..');
const served: ServedLog[] = [];

async function hub(count = 300, jurisdictions?: string[]): Promise<ServedLog> {
  const log = await serveWitnessedLog(collaborationEntries(count), jurisdictions);
  served.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(served.splice(0).map((log) => log.close()));
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The converge CLI from source, as a user runs it; HOME is a temporary directory. */
function converge(args: string[], home: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args],
      { cwd: root, env: { ...process.env, HOME: home } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A proof of `index` as `log prove` builds it. */
async function proofOf(log: ServedLog, index: number): Promise<string> {
  const hubLog = await openHubLog({ url: log.hubUrl, collab: COLLAB });
  const { note, checkpoint } = await cosignedCheckpoint(hubLog);
  return formatTlogProof({
    extra: await hubLog.client.entry(index, checkpoint),
    index,
    proof: await hubLog.client.proveInclusion(index, checkpoint),
    checkpoint: note,
  });
}

describe('log show', () => {
  it('prints the cosigned checkpoint and the entries from --from, as text and JSON', async () => {
    const log = await hub(300);
    const home = await tempDir();
    const text = await converge(['log', 'show', '--hub', log.hubUrl, '--collab', COLLAB], home);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`log        ${ORIGIN} (${log.logUrl})`);
    expect(text.stdout).toContain('size       300');
    expect(text.stdout).toContain(
      'cosigners  witness.test/eu, witness.test/us (quorum every-jurisdiction: met)',
    );
    expect(text.stdout).toMatch(/ {5}1 {2}member\.joined +jurisdiction=US member=cleveland\n/);
    expect(text.stdout).toMatch(
      / {3}299 {2}contribution\.receipt +job=job-1 round=148 site=hungary\n/,
    );

    const json = await converge(
      ['log', 'show', '--hub', log.logUrl, '--from', '298', '--json'],
      home,
    );
    expect(json.code).toBe(0);
    const shown = JSON.parse(json.stdout) as {
      size: number;
      cosigners: string[];
      entries: { index: number; entry: { type: string } }[];
    };
    expect(shown.size).toBe(300);
    expect(shown.cosigners).toEqual(['witness.test/eu', 'witness.test/us']);
    expect(shown.entries.map((e) => [e.index, e.entry.type])).toEqual([
      [298, 'contribution.receipt'],
      [299, 'contribution.receipt'],
    ]);

    // Only some types: every entry is still proven, only the matching ones are shown.
    const members = await converge(
      ['log', 'show', '--hub', log.logUrl, '--type', 'member.joined', '--json'],
      home,
    );
    expect(members.code).toBe(0);
    const joined = JSON.parse(members.stdout) as { entries: { entry: { type: string } }[] };
    expect(joined.entries.length).toBeGreaterThan(0);
    expect(new Set(joined.entries.map((e) => e.entry.type))).toEqual(new Set(['member.joined']));
    const none = await converge(['log', 'show', '--hub', log.logUrl, '--type', 'no.such'], home);
    expect(none.stdout).toContain('no entry of type no.such from 0 on');
  });

  it('refuses --from past the end, with one line', async () => {
    const log = await hub(5);
    const result = await converge(
      ['log', 'show', '--hub', log.logUrl, '--from', '6'],
      await tempDir(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('converge: --from 6 is past the end of the log (5 entries)\n');
  });

  it('refuses a checkpoint that lacks the witness quorum', async () => {
    const log = await hub(10);
    await log.append([logEntry({ type: 'round.closed', job: 'job-1', round: 1 })], {
      cosign: false,
    });
    const hubLog = await openHubLog({ url: log.logUrl });
    await expect(cosignedCheckpoint(hubLog)).rejects.toThrow(
      'checkpoint: cosignatures by [] do not satisfy the quorum every-jurisdiction',
    );
  });
});

describe('log URLs', () => {
  it('take a log URL, or a hub URL with --collab', () => {
    expect(logPrefix('http://hub:8080/log/c1').href).toBe('http://hub:8080/log/c1/');
    expect(logPrefix('http://hub:8080/', 'c1').href).toBe('http://hub:8080/log/c1/');
    expect(logPrefix('http://hub:8080/base', 'c1').href).toBe('http://hub:8080/base/log/c1/');
    expect(logPrefix('http://hub:8080/log/c1/', 'c1').href).toBe('http://hub:8080/log/c1/');
    expect(() => logPrefix('http://hub:8080/')).toThrow('give --collab with a hub URL');
    expect(() => logPrefix('http://hub:8080/log/c1/', 'c2')).toThrow('is the log of c1, not of c2');
    expect(() => logPrefix('hub:8080')).toThrow('is not an http(s) URL');
    expect(() => logPrefix('not a url')).toThrow('is not a URL');
  });
});

describe('tlog-proof files', () => {
  it('round-trip through the C2SP layout: header, extra, index, hashes, blank, checkpoint', async () => {
    const log = await hub(300);
    const text = await proofOf(log, 3);
    const lines = text.split('\n');
    expect(lines[0]).toBe(TLOG_PROOF_HEADER);
    expect(Buffer.from(lines[1]!.slice('extra '.length), 'base64').toString()).toBe(
      '{"job":"job-1","kind":"train","proposer":"cleveland","type":"job.proposed","v":1}',
    );
    expect(lines[2]).toBe('index 3');
    const parsed = parseTlogProof(text);
    expect(parsed.proof).toHaveLength(9);
    expect(lines[3 + parsed.proof.length]).toBe('');
    expect(lines[4 + parsed.proof.length]).toBe(ORIGIN);
    expect(formatTlogProof(parsed)).toBe(text);
  });

  it('reject malformed files naming the line', () => {
    expect(() => parseTlogProof('c2sp.org/tlog-proof@v2\nindex 0\n\nx')).toThrow(
      'proof file line 1: want "c2sp.org/tlog-proof@v1"',
    );
    expect(() => parseTlogProof(`${TLOG_PROOF_HEADER}\nindex 01\n\nx`)).toThrow(
      'proof file line 2: want "index <entry index>"',
    );
    expect(() => parseTlogProof(`${TLOG_PROOF_HEADER}\nindex 1\nnot-a-hash\n\nx`)).toThrow(
      'proof file line 3: not a base64 SHA-256 hash',
    );
    expect(() => parseTlogProof(`${TLOG_PROOF_HEADER}\nindex 1\n`)).toThrow(FormatError);
  });
});

describe('log prove and verify-proof', () => {
  it('write a proof that verifies offline with the policy file alone', async () => {
    const log = await hub(300);
    const work = await tempDir();
    const proof = join(work, 'entry-2.tlog-proof');
    const keys = join(work, 'witnesses.policy');
    await writeFile(keys, log.policyText);
    const proved = await converge(
      ['log', 'prove', '2', '--hub', log.hubUrl, '--collab', COLLAB, '--out', proof],
      work,
    );
    expect(proved.stderr).toBe('');
    expect(proved.stdout).toBe(
      `wrote ${proof}: entry 2 (member.joined) of ${ORIGIN} at size 300, cosigned by witness.test/eu, witness.test/us\n`,
    );
    await log.close(); // offline from here on
    const verified = await converge(['log', 'verify-proof', proof, '--witnesses', keys], work);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout.split('\n').slice(0, 3)).toEqual([
      `verified: entry 2 (member.joined) is in ${ORIGIN}`,
      expect.stringMatching(/^tree size {2}300, root [A-Za-z0-9+/]{43}=$/),
      'cosigners  witness.test/eu, witness.test/us (quorum every-jurisdiction)',
    ]);
    expect(verified.stdout).toContain('member.joined          jurisdiction=EU member=hungary');
  });

  it('refuses a proof whose entry was altered, naming the entry (attack b)', async () => {
    const log = await hub(300);
    const proof = parseTlogProof(await proofOf(log, 2));
    const forged = formatTlogProof({
      ...proof,
      extra: logEntry({ type: 'member.joined', member: 'mallory', jurisdiction: 'EU' }),
    });
    expect(() => verifyTlogProof(forged, log.policy, ORIGIN)).toThrow(ProofError);
    expect(() => verifyTlogProof(forged, log.policy, ORIGIN)).toThrow(
      "entry 2 is not proven in the checkpoint's tree of 300: root mismatch",
    );
    // The same bytes at another index do not verify either.
    const moved = formatTlogProof({ ...proof, index: 3 });
    expect(() => verifyTlogProof(moved, log.policy, ORIGIN)).toThrow('entry 3 is not proven');

    const work = await tempDir();
    await writeFile(join(work, 'forged.tlog-proof'), forged);
    await writeFile(join(work, 'keys'), log.policyText);
    const result = await converge(
      ['log', 'verify-proof', join(work, 'forged.tlog-proof'), '--witnesses', join(work, 'keys')],
      work,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "converge: entry 2 is not proven in the checkpoint's tree of 300: root mismatch\n",
    );
  });

  it('refuses a checkpoint whose cosignatures do not meet the quorum (attack c)', async () => {
    const log = await hub(300);
    const proof = parseTlogProof(await proofOf(log, 7));
    // Drop the US witness's cosignature: the EU alone cannot vouch for the tree.
    const note = parseNote(proof.checkpoint);
    const euOnly = formatNote({
      text: note.text,
      signatures: note.signatures.filter((s) => s.name !== 'witness.test/us'),
    });
    expect(() => verifyTlogProof({ ...proof, checkpoint: euOnly }, log.policy, ORIGIN)).toThrow(
      'checkpoint: cosignatures by [witness.test/eu] do not satisfy the quorum every-jurisdiction',
    );
    // A policy that also wants a witness in Brazil, which never saw this checkpoint.
    const withBrazil = await hub(1, ['EU', 'US', 'BR']);
    const strict = parsePolicy(
      log.policyText.replace(
        /^group every-jurisdiction .*$/m,
        [
          withBrazil.policyText.match(/^witness witness\.test\/br .*$/m)![0],
          'group BR any witness.test/br',
          'group every-jurisdiction all EU US BR',
        ].join('\n'),
      ),
    );
    expect(() => verifyTlogProof(proof, strict, ORIGIN)).toThrow(SignatureError);
    expect(() => verifyTlogProof(proof, strict, ORIGIN)).toThrow(
      'do not satisfy the quorum every-jurisdiction',
    );
  });

  it('refuses a checkpoint signed by another log key, or for another origin', async () => {
    const log = await hub(20);
    const proof = await proofOf(log, 1);
    const impostor = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));
    const impostorPolicy = parsePolicy(log.policyText.replace(/^log .*$/m, `log ${impostor.vkey}`));
    expect(() => verifyTlogProof(proof, impostorPolicy, ORIGIN)).toThrow(SignatureError);
    expect(() => verifyTlogProof(proof, log.policy, 'converge.test/log/other')).toThrow(
      `checkpoint is for the log ${ORIGIN}, want converge.test/log/other`,
    );
  });
});

describe('log audit', () => {
  it('audits an honest log, remembers its checkpoint, and proves growth on the next run', async () => {
    const log = await hub(300);
    const state = join(await tempDir(), 'state.json');
    const first = await monitorLog(await openHubLog({ url: log.logUrl }), state);
    expect(first).toMatchObject({ entries: 300, statePath: state });
    expect(first.previous).toBeUndefined();
    expect(first.cosigners).toEqual(['witness.test/eu', 'witness.test/us']);
    const saved = JSON.parse(await readFile(state, 'utf8')) as { size: number; origin: string };
    expect(saved).toMatchObject({ v: 1, origin: ORIGIN, size: 300 });

    await log.append(collaborationEntries(700).slice(300));
    const second = await monitorLog(await openHubLog({ url: log.logUrl }), state);
    expect(second.previous?.size).toBe(300);
    expect(second.checkpoint.size).toBe(700);
    expect(second.tilesCompared).toBe(3 + 1);
  });

  it('names the entry that was altered at rest (attack a)', async () => {
    const log = await hub(300);
    // Entry 1 names its member; rewrite it in place, same length, in the first bundle.
    const bundle = join(log.dir, 'tile', 'entries', '000');
    const bytes = await readFile(bundle);
    const at = bytes.indexOf('cleveland');
    expect(at).toBeGreaterThan(0);
    bytes.write('mallory!!', at);
    await writeFile(bundle, bytes);

    const result = await converge(
      ['log', 'audit', log.hubUrl, '--collab', COLLAB],
      await tempDir(),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `converge: audit of ${ORIGIN}: entry 1 does not match the leaf hash stored for it in tile 0/0 (width 256)\n`,
    );
  });

  it('names an altered entry in the partial bundle, even when it is no longer JSON', async () => {
    const log = await hub(300);
    const bundle = join(log.dir, 'tile', 'entries', '001.p', '44');
    const bytes = await readFile(bundle);
    bytes[2 + 2]! ^= 0xff; // entry 256, inside its JSON
    await writeFile(bundle, bytes);
    await expect(
      monitorLog(await openHubLog({ url: log.logUrl }), join(await tempDir(), 's.json')),
    ).rejects.toThrow(`audit of ${ORIGIN}: entry 256 does not match the leaf hash stored for it`);
  });

  it('remembers state under ~/.converge/monitor by default', async () => {
    const log = await hub(40);
    const home = await tempDir();
    const result = await converge(['log', 'audit', log.logUrl], home);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      'history    first run: this checkpoint is remembered for the next',
    );
    expect(result.stdout).toContain('audit      40 entries rebuild 1 stored tile and the root');
    expect(result.stdout).toMatch(
      new RegExp(`state      ${home}/\\.converge/monitor/[0-9a-f]{32}\\.json\\n`),
    );
    const again = await converge(['log', 'audit', log.logUrl], home);
    expect(again.stdout).toContain(
      'history    consistent with the checkpoint of size 40 seen last time',
    );
  });

  it('refuses a checkpoint inconsistent with the one last seen, naming both (attack d)', async () => {
    const log = await hub(300);
    // The same log key signed a different history of 100 entries: a fork the monitor saw before.
    const forkDir = await tempDir();
    const fork = await TileLog.open(forkDir, { origin: ORIGIN, signer: logSigner });
    await fork.append(
      collaborationEntries(100).map((e, i) => (i === 50 ? logEntry({ type: 'x' }) : e)),
    );
    const forkNote = fork.checkpoint();
    const forkRoot = Buffer.from(fork.root()).toString('base64');
    await fork.close();
    const state = join(await tempDir(), 'state.json');
    await writeMonitorState(state, {
      v: 1,
      origin: ORIGIN,
      url: log.logUrl,
      size: 100,
      root: forkRoot,
      checkpoint: forkNote,
      checkedAt: new Date(0).toISOString(),
    });
    const before = await readFile(state, 'utf8');
    await expect(monitorLog(await openHubLog({ url: log.logUrl }), state)).rejects.toThrow(
      `is not consistent with the checkpoint last seen (size 100, root ${forkRoot}, in ${state}): root1 mismatch`,
    );
    expect(await readFile(state, 'utf8')).toBe(before); // the evidence stays

    const result = await converge(['log', 'audit', log.logUrl, '--state', state], await tempDir());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^converge: the log's checkpoint \(size 300, root .*\) is not consistent with the checkpoint last seen \(size 100/,
    );
  });

  it('refuses a log that rolled back below the checkpoint last seen', async () => {
    const bigger = await hub(400);
    const state = join(await tempDir(), 'state.json');
    await monitorLog(await openHubLog({ url: bigger.logUrl }), state);
    const log = await hub(300);
    await expect(monitorLog(await openHubLog({ url: log.logUrl }), state)).rejects.toThrow(
      /^the log rolled back: its checkpoint \(size 300, .*\) is smaller than the checkpoint last seen \(size 400/,
    );
  });

  it('refuses an entry that is not canonical JSON, naming it', async () => {
    const log = await hub(10);
    await log.append([new TextEncoder().encode('{"v":1, "type":"round.closed"}')]);
    await expect(
      monitorLog(await openHubLog({ url: log.logUrl }), join(await tempDir(), 's.json')),
    ).rejects.toThrow('entry 10 is not RFC 8785 canonical JSON');
  });
});
