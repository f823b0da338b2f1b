import type { Checkpoint } from '../ledger/index.js';
import {
  loadPolicyEngine,
  packHash,
  parseLoggedDecision,
  readPolicyDir,
  replayDecision,
  type LoggedDecision,
  type PolicyEngine,
  type ReplayResult,
} from '../policy/index.js';
import { decodeEntry } from '../federation/index.js';
import { cosignedCheckpoint, openHubLog, type HubLog } from './log-hub.js';
import { readJsonFile, shortHash, withPolicyErrors, type PolicyOutcome } from './policy-io.js';

export interface ReplayOptions {
  /** A recorded decision: `{ request, decision }` as decideLogged (and `check --record`) write. */
  readonly file: string;
  /** Policies folder in force; default the repository's policies/. */
  readonly packs?: string;
  /** Folders holding older pack versions a recorded decision may name by hash. */
  readonly versions?: readonly string[];
}

export interface ReplayReport {
  readonly logged: LoggedDecision;
  readonly result: ReplayResult;
}

/** Recompute a recorded decision from the exact pack versions it names, and compare. */
export function replayFile(options: ReplayOptions): ReplayReport {
  const logged = withPolicyErrors(options.file, () =>
    parseLoggedDecision(readJsonFile(options.file)),
  );
  return { logged, result: replayDecision(replayEngine(options), logged) };
}

/**
 * The packs in force, with every older version in `versions` archived for replay. Replays
 * run on cedar-wasm itself, so each one also confirms what the compiled packs decided.
 */
function replayEngine(options: {
  readonly packs?: string;
  readonly versions?: readonly string[];
}): PolicyEngine {
  const engine = withPolicyErrors(options.packs ?? '', () =>
    loadPolicyEngine(options.packs, { evaluator: 'cedar' }),
  );
  for (const dir of options.versions ?? []) {
    // checkPack keeps every valid version in the engine's archive, where replay looks it up.
    const { packs } = withPolicyErrors(dir, () => readPolicyDir(dir));
    for (const source of packs) engine.checkPack(source);
  }
  return engine;
}

/**
 * Recompute the decision logged at `index` in a collaboration's log, fetched from its hub with
 * an inclusion proof against the witness-cosigned checkpoint: what the hub decided, replayed
 * by anyone who holds the packs.
 */
export async function replayLogEntry(options: {
  readonly hub: string;
  readonly collab?: string;
  readonly index: number;
  readonly packs?: string;
  readonly versions?: readonly string[];
}): Promise<ReplayReport> {
  const log = await openHubLog({
    url: options.hub,
    ...(options.collab ? { collab: options.collab } : {}),
  });
  const { checkpoint } = await cosignedCheckpoint(log);
  if (
    !Number.isSafeInteger(options.index) ||
    options.index < 0 ||
    options.index >= checkpoint.size
  ) {
    throw new Error(
      `entry ${options.index} is not in the log (its cosigned size is ${checkpoint.size})`,
    );
  }
  const entry = decodeEntry(await log.client.entry(options.index, checkpoint));
  if (entry.type !== 'policy.decision') {
    throw new Error(`entry ${options.index} is a ${entry.type}, not a policy.decision`);
  }
  const logged = withPolicyErrors(`entry ${options.index}`, () =>
    parseLoggedDecision(entry.logged),
  );
  const engine = replayEngine(options);
  await loggedVersions(engine, log, checkpoint, logged, options.index);
  return { logged, result: replayDecision(engine, logged) };
}

/**
 * Pack versions a decision names that the replayer does not hold are looked up in the log
 * itself: every version members voted on is in a policy.proposed entry before the decision,
 * text and metadata included, each entry proven and its text checked against its hash.
 */
async function loggedVersions(
  engine: PolicyEngine,
  log: HubLog,
  checkpoint: Checkpoint,
  logged: LoggedDecision,
  before: number,
): Promise<void> {
  const missing = new Set(
    logged.decision.packs.map((p) => p.hash).filter((hash) => !engine.packByHash(hash)),
  );
  for (let index = 0; index < before && missing.size > 0; index++) {
    const entry = decodeEntry(await log.client.entry(index, checkpoint));
    if (entry.type !== 'policy.proposed' || !missing.has(entry.proposal.toHash)) continue;
    const source = { name: entry.proposal.pack, ...entry.source };
    if (packHash(source) !== entry.proposal.toHash) {
      throw new Error(`entry ${index}: the pack text does not match the proposal's hash`);
    }
    const check = engine.checkPack(source);
    if (check.ok) missing.delete(check.pack.hash);
  }
}

/** Reproduces exits 0, differs 2. */
export function replayOutcome(report: ReplayReport, json = false): PolicyOutcome {
  const { matches, differences, recomputed } = report.result;
  return {
    output: json
      ? JSON.stringify({ matches, differences, recomputed }, null, 2)
      : formatReplay(report),
    exitCode: matches ? 0 : 2,
  };
}

export function formatReplay({ logged, result }: ReplayReport): string {
  const { decision } = logged;
  // The record was only loosely checked; print what it says without trusting its shape.
  const policyId: unknown = decision.deciding?.policyId;
  const by = typeof policyId === 'string' ? ` by ${policyId}` : '';
  const packs = decision.packs.map((p) => `${p.pack} ${p.hash.slice(0, 12)}…`).join(', ');
  const what = `${decision.decision}${by} on ${decision.date} (${decision.action || 'no action'})`;
  const set = `policy set ${shortHash(decision.policySetHash)}: ${packs || 'no pack consulted'}`;
  if (result.matches) return [`reproduces: ${what}`, set].join('\n');
  return [
    `does not reproduce: recorded ${what}`,
    ...result.differences.map((d) => `  ${d}`),
    set,
    ...(result.differences.some((d) => d.endsWith('is not available'))
      ? ['(give a folder holding that version with --versions DIR)']
      : []),
  ].join('\n');
}
