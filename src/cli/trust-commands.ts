import { Command } from 'commander';
import { MemberClient, openNodeDirectory } from '../node/index.js';
import type { NodeConfig } from '../node/index.js';
import { TRUST_PURPOSE, signVote } from '../policy/index.js';

// Trust levels from the command line: the hub's operator opens a vote to raise a
// collaboration's level; each member signs it with its own node key, from its own directory.

/** A client for the hub a node talks to: its configured hub, or itself when it is the hub. */
function hubOf(dir: string, config: NodeConfig): Promise<MemberClient> | MemberClient {
  return config.hub ? new MemberClient(config.hub.url) : MemberClient.forHubDirectory(dir);
}

export function trustCommands(): Command {
  const trust = new Command('trust').description(
    "a collaboration's trust level: 1 analytics, 2 federated training, 3 model release",
  );

  trust
    .command('show')
    .description('the level, its history, and any open vote with who signed')
    .requiredOption('--dir <dir>', 'the hub node directory')
    .requiredOption('--collab <id>', 'collaboration id')
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; collab: string; json?: boolean }) => {
      const client = await MemberClient.forHubDirectory(o.dir);
      const view = await client.trustState(o.collab);
      if (o.json) return console.log(JSON.stringify(view, null, 2));
      console.log(`${o.collab}: trust level ${view.level}`);
      for (const h of view.history) console.log(`  ${h.at}  ${h.from} → ${h.to}  ${h.why}`);
      if (view.proposal) {
        console.log(`open vote: level ${view.proposal.to}, proposed by ${view.proposal.proposer}`);
        console.log(`  signed: ${view.signed.join(', ') || '(none)'}`);
        console.log(`  missing: ${view.missing.join(', ') || '(none)'}`);
      }
    });

  trust
    .command('propose')
    .description('open a vote to raise the level by one (every member must sign it)')
    .requiredOption('--dir <dir>', 'the hub node directory')
    .requiredOption('--collab <id>', 'collaboration id')
    .requiredOption('--level <n>', 'the level proposed (one above the current)', Number)
    .option('--proposer <member>', 'the proposing member (default: the hub)')
    .action(async (o: { dir: string; collab: string; level: number; proposer?: string }) => {
      const client = await MemberClient.forHubDirectory(o.dir);
      const { config } = await openNodeDirectory(o.dir);
      const current = await client.trustState(o.collab);
      if (o.level !== current.level + 1) {
        throw new Error(
          `--level: ${o.collab} is at level ${current.level}; only ${current.level + 1} can be proposed`,
        );
      }
      const proposal = await client.proposeTrustRaise(o.collab, o.proposer ?? config.name);
      console.log(`vote open: ${o.collab} level ${proposal.from} → ${proposal.to}`);
      console.log(
        `each member signs with: converge trust vote --dir <its node dir> --collab ${o.collab}`,
      );
    });

  trust
    .command('vote')
    .description("sign the open vote with this node's key and send the signature to the hub")
    .requiredOption('--dir <dir>', "the member's node directory")
    .requiredOption('--collab <id>', 'collaboration id')
    .action(async (o: { dir: string; collab: string }) => {
      const { config, key } = await openNodeDirectory(o.dir);
      const hub = await hubOf(o.dir, config);
      const proposal = await hub.openTrustProposal(o.collab);
      const signature = signVote(TRUST_PURPOSE, proposal, key.privateKey);
      const view = await hub.voteTrust(o.collab, config.name, signature);
      console.log(
        view.level === proposal.to
          ? `${config.name} signed: every member has, ${o.collab} is at level ${view.level}`
          : `${config.name} signed level ${proposal.to}; waiting for ${view.missing.join(', ')}`,
      );
    });

  return trust;
}
