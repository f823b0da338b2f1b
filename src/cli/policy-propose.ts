import { existsSync, readFileSync } from 'node:fs';
import type { PackInForce, PackProposalView } from '../federation/index.js';
import { HubRefused, MemberClient, openNodeDirectory } from '../node/index.js';
import {
  PACK_CHANGE_PURPOSE,
  PACK_PROPOSE_PURPOSE,
  packHash,
  signVote,
  type PackSubmission,
} from '../policy/index.js';
import { packDiffLines } from './policy-diff.js';
import { messageOf, readJsonFile, shortHash, type PolicyOutcome } from './policy-io.js';

// Governed pack changes from the command line: a member proposes a new version of a pack to
// its hub (signed with its node key), and every member signs the proposal from its own node
// directory after checking that the text it was shown is the version it signs.

export interface HubOptions {
  /** The member's node directory: its key signs, its config names its hub. */
  readonly dir: string;
  /** The hub's URL (default: the hub in the node's config, or the node itself if it is one). */
  readonly hub?: string;
  readonly collab: string;
}

async function hubClient(dir: string, hub: string | undefined): Promise<MemberClient> {
  if (hub !== undefined) return new MemberClient(hub);
  const { config } = await openNodeDirectory(dir);
  return config.hub ? new MemberClient(config.hub.url) : MemberClient.forHubDirectory(dir);
}

export interface ProposeOptions extends HubOptions {
  readonly pack: string;
  /** The new version's Cedar text. */
  readonly file: string;
  /** Its metadata (default: FILE with .cedar replaced by .meta.json). */
  readonly meta?: string;
}

/** Send a new version of a pack; an invalid one is refused with Cedar's diagnostics (exit 2). */
export async function proposePack(
  options: ProposeOptions,
): Promise<{ view?: PackProposalView; outcome: PolicyOutcome }> {
  const metaPath = options.meta ?? options.file.replace(/\.cedar$/, '') + '.meta.json';
  if (!existsSync(options.file)) throw new Error(`${options.file}: no such file`);
  const cedar = readFileSync(options.file, 'utf8');
  const meta = readJsonFile(metaPath);
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    throw new Error(`${metaPath}: the pack's metadata must be a JSON object`);
  }
  const { config, key } = await openNodeDirectory(options.dir);
  const client = await hubClient(options.dir, options.hub);
  const submission: PackSubmission = {
    collaboration: options.collab,
    proposer: config.name,
    pack: options.pack,
    toHash: packHash({ name: options.pack, cedar, meta }),
    at: new Date().toISOString(),
  };
  let view: PackProposalView;
  try {
    view = await client.proposePack(options.collab, {
      proposer: submission.proposer,
      pack: submission.pack,
      cedar,
      meta: meta as Record<string, unknown>,
      at: submission.at,
      signature: signVote(PACK_PROPOSE_PURPOSE, submission, key.privateKey),
    });
  } catch (error) {
    // The hub validated the pack and refused it: Cedar's diagnostics, one per line.
    if (error instanceof HubRefused && error.status === 422) {
      const [, why = messageOf(error)] = /\(422\): ([\s\S]*)$/.exec(error.message) ?? [];
      return { outcome: { output: why, exitCode: 2 } };
    }
    throw error;
  }
  const lines = [
    `proposal ${view.id} in ${options.collab} by ${view.proposer}`,
    ...summaryLines(view),
    `each member signs with: converge policy vote --dir <its node dir> --collab ${options.collab} ${view.id}`,
  ];
  return { view, outcome: { output: lines.join('\n'), exitCode: 0 } };
}

/**
 * Sign a proposal with this node's key. The text the hub shows is checked against the hash in
 * the proposal first, so a member never signs a version other than the one it was shown.
 */
export async function votePack(
  options: HubOptions & { readonly id: string },
): Promise<{ view: PackProposalView; outcome: PolicyOutcome }> {
  const { config, key } = await openNodeDirectory(options.dir);
  const client = await hubClient(options.dir, options.hub);
  const shown = await client.packProposal(options.collab, options.id);
  const { proposal } = shown;
  if (proposal.collaboration !== options.collab) {
    throw new Error(
      `proposal ${options.id} is for ${proposal.collaboration}, not ${options.collab}`,
    );
  }
  const hash = packHash({
    name: proposal.pack,
    cedar: shown.source.cedar,
    meta: shown.source.meta,
  });
  if (hash !== proposal.toHash) {
    throw new Error(
      `the hub's text of proposal ${options.id} hashes to ${shortHash(hash)}, not ${shortHash(proposal.toHash)}: not signing`,
    );
  }
  const signature = signVote(PACK_CHANGE_PURPOSE, proposal, key.privateKey);
  const view = await client.votePack(options.collab, options.id, config.name, signature);
  const head = `${config.name} signed proposal ${view.id}`;
  const lines = [...summaryLines(view)];
  if (view.status === 'applied') {
    lines.unshift(
      `${head}: every member has; pack ${proposal.pack} ${shortHash(proposal.toHash)} is in force in ${options.collab}`,
    );
  } else if (view.status === 'refused') {
    lines.unshift(
      `${head}: every member has, but the packs in force refuse the change (changePolicy)`,
    );
  } else {
    lines.unshift(`${head}; waiting for ${view.missing.join(', ')}`);
  }
  return {
    view,
    outcome: { output: lines.join('\n'), exitCode: view.status === 'refused' ? 2 : 0 },
  };
}

/** The packs in force in a collaboration and its open proposals. */
export async function showPacks(options: {
  readonly hub: string;
  readonly collab: string;
}): Promise<{ packs: PackInForce[]; open: PackProposalView[]; output: string }> {
  const client = new MemberClient(options.hub);
  const packs = await client.packsInForce(options.collab);
  const open = await client.openPackProposals(options.collab);
  const lines = [`${options.collab}: packs in force`];
  for (const p of packs) {
    lines.push(
      `  ${p.pack.padEnd(11)} ${p.version.padEnd(8)} ${shortHash(p.hash)}  ${p.voted ? 'voted by the members' : "the hub's policies/"}`,
    );
  }
  for (const view of open) {
    lines.push(`open proposal ${view.id} by ${view.proposer}`);
    lines.push(...summaryLines(view).map((l) => `  ${l}`));
    lines.push(
      `  signed: ${view.signed.join(', ') || '(none)'}; missing: ${view.missing.join(', ')}`,
    );
  }
  if (open.length === 0) lines.push('no open proposal');
  return { packs, open, output: lines.join('\n') };
}

function summaryLines(view: PackProposalView): string[] {
  const { summary } = view;
  return packDiffLines(summary, summary.sampleLabels);
}
