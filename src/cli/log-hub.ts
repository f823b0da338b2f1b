import { readFile } from 'node:fs/promises';
import {
  TileClient,
  logOrigin,
  parsePolicy,
  verifyCosignedCheckpoint,
  type Checkpoint,
  type Policy,
} from '../ledger/index.js';

// A collaboration's log as a hub serves it: tlog-tiles under {hub}/log/{collab}/ and the witness
// policy at {hub}/log/{collab}/policy. Everything read is checked against the policy: the log
// key signed the checkpoint, the witness quorum cosigned it, and entries are proven in it.

export interface HubLog {
  /** The log's tlog-tiles prefix, ending in "/". */
  prefix: URL;
  policy: Policy;
  origin: string;
  client: TileClient;
}

export interface CosignedCheckpoint {
  /** The note as served: log signature and witness cosignatures. */
  note: string;
  checkpoint: Checkpoint;
  /** Policy names of the witnesses whose cosignatures verified. */
  cosigners: string[];
}

export interface OpenHubLogOptions {
  /** A hub URL (with `collab`), or a log URL ending in /log/<collab>/. */
  url: string;
  collab?: string;
  /** A tlog-policy file to check against instead of the policy the hub serves. */
  witnesses?: string;
  /** The checkpoint origin; by default the name of the policy's log key. */
  origin?: string;
  fetch?: typeof fetch;
}

const LOG_PATH = /\/log\/([^/]+)\/?$/;

/** The log's prefix from a hub URL and collaboration, or from a log URL alone. */
export function logPrefix(url: string, collab?: string): URL {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new Error(`${JSON.stringify(url)} is not a URL`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new Error(`${url} is not an http(s) URL`);
  }
  base.search = '';
  base.hash = '';
  const named = LOG_PATH.exec(base.pathname)?.[1];
  if (collab === undefined) {
    if (named === undefined) {
      throw new Error(`${url} is not a log URL (…/log/<collab>/); give --collab with a hub URL`);
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return base;
  }
  if (collab === '' || collab.includes('/')) {
    throw new Error(`collaboration id ${JSON.stringify(collab)} is not valid`);
  }
  if (named !== undefined) {
    if (decodeURIComponent(named) !== collab) {
      throw new Error(`${url} is the log of ${decodeURIComponent(named)}, not of ${collab}`);
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    return base;
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL(`log/${encodeURIComponent(collab)}/`, base);
}

/** A tlog-policy file; errors name the file. */
export async function readPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new Error(`cannot read ${path}: ${code ?? message}`);
  }
  try {
    return parsePolicy(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

/** Opens a hub's log for reading, with the policy it is checked against. */
export async function openHubLog(options: OpenHubLogOptions): Promise<HubLog> {
  const prefix = logPrefix(options.url, options.collab);
  const fetch = reachable(options.fetch ?? globalThis.fetch);
  const policy = options.witnesses
    ? await readPolicyFile(options.witnesses)
    : await fetchPolicy(new URL('policy', prefix), fetch);
  const origin = logOrigin(policy, options.origin);
  const client = new TileClient(prefix, {
    origin,
    verifiers: policy.logs.map((log) => log.verifier),
    fetch,
  });
  return { prefix, policy, origin, client };
}

/** The log's current checkpoint, verified: the log's signature and the witness quorum. */
export async function cosignedCheckpoint({ client, policy }: HubLog): Promise<CosignedCheckpoint> {
  const { note } = await client.checkpoint();
  try {
    return { note, ...verifyCosignedCheckpoint(note, policy) };
  } catch (error) {
    throw new Error(`checkpoint: ${(error as Error).message}`);
  }
}

async function fetchPolicy(url: URL, fetch: typeof globalThis.fetch): Promise<Policy> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
  try {
    return parsePolicy(await response.text());
  } catch (error) {
    throw new Error(`the witness policy at ${url}: ${(error as Error).message}`);
  }
}

/** fetch whose network failures name the URL and the cause, in one line. */
function reachable(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    try {
      return await fetch(input, init);
    } catch (error) {
      const url = input instanceof Request ? input.url : String(input);
      const cause = (error as Error).cause;
      const why = cause instanceof Error ? cause.message : (error as Error).message;
      throw new Error(`cannot reach ${url}: ${why}`);
    }
  };
}
