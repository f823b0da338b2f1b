import { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { checkOutcome, checkRequest } from './policy-check.js';
import { diffPolicyDirs, formatFolderDiff } from './policy-diff.js';
import { readRequests, type PolicyOutcome } from './policy-io.js';
import { proposePack, showPacks, votePack } from './policy-propose.js';
import { replayFile, replayLogEntry, replayOutcome } from './policy-replay.js';
import { validatePolicyDir, validationOutcome } from './policy-validate.js';
import { collect } from './options.js';

// `converge policy`: the governance packs from the command line, standalone (policies/ or
// --packs DIR); a hub is not consulted. Exit codes: 0 yes, 2 the policy says no, 1 error.

const PACKS_HELP = 'policies folder: schema and packs (default: the repository’s policies/)';

function finish(outcome: PolicyOutcome): void {
  console.log(outcome.output);
  if (outcome.exitCode !== 0) process.exitCode = outcome.exitCode;
}

export function policyCommands(): Command {
  const policy = new Command('policy').description(
    'governance: check requests against every party’s policy pack, replay, diff and validate packs',
  );

  policy
    .command('check')
    .description(
      'decide one request (JSON, see policies/README.md) against the consortium pack and each ' +
        'touched jurisdiction’s pack; exit 0 allowed, 2 denied, 1 error',
    )
    .argument('[request]', 'the request file (or --request)')
    .option('--request <file>', 'the request file')
    .option('--packs <dir>', PACKS_HELP)
    .option('--any-date', "accept the request's own date (what-if); by default only today's")
    .option('--record <file>', 'also write the decision as a hub logs it, for `policy replay`')
    .option('--json', 'print the decision as JSON')
    .action(
      (
        positional: string | undefined,
        o: { request?: string; packs?: string; anyDate?: boolean; record?: string; json?: boolean },
      ) => {
        if (positional !== undefined && o.request !== undefined)
          throw new Error('give the request file once: as an argument or with --request');
        const file = positional ?? o.request;
        if (file === undefined) throw new Error('give a request file: policy check REQUEST.json');
        const result = checkRequest({ file, packs: o.packs, anyDate: o.anyDate });
        if (o.record !== undefined)
          writeFileSync(o.record, JSON.stringify(result.logged, null, 2) + '\n');
        finish(checkOutcome(result, o.json));
      },
    );

  policy
    .command('replay')
    .description(
      'recompute a recorded decision ({ request, decision }) from the pack versions it names ' +
        'and say whether it reproduces; exit 0 reproduces, 2 differs, 1 error',
    )
    .argument(
      '<file-or-entry>',
      'the recorded decision (as `policy check --record` writes it), or with --hub the index of a policy.decision entry in the log',
    )
    .option(
      '--hub <url>',
      "replay an entry of a hub's log: the hub URL (with --collab) or the log URL",
    )
    .option('--collab <id>', 'the collaboration whose log holds the entry')
    .option('--packs <dir>', PACKS_HELP)
    .option(
      '--versions <dir>',
      'a folder of older pack versions the record may name (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print { matches, differences, recomputed } as JSON')
    .action(
      async (
        target: string,
        o: { hub?: string; collab?: string; packs?: string; versions: string[]; json?: boolean },
      ) => {
        if (o.hub === undefined) {
          finish(
            replayOutcome(
              replayFile({ file: target, packs: o.packs, versions: o.versions }),
              o.json,
            ),
          );
          return;
        }
        if (!/^(0|[1-9][0-9]*)$/.test(target)) {
          throw new Error(
            `with --hub, give the entry's index in the log, not ${JSON.stringify(target)}`,
          );
        }
        const report = await replayLogEntry({
          hub: o.hub,
          ...(o.collab ? { collab: o.collab } : {}),
          index: Number(target),
          ...(o.packs ? { packs: o.packs } : {}),
          versions: o.versions,
        });
        finish(replayOutcome(report, o.json));
      },
    );

  policy
    .command('diff')
    .description(
      'what changes between two policies folders: policies added, removed, changed, and which ' +
        'sample requests each changed pack would newly allow or deny',
    )
    .argument('<old>', 'the policies folder in force')
    .argument('<new>', 'the proposed policies folder (same schema)')
    .option(
      '--requests <path>',
      'sample requests: a folder of *.json requests, or a file with one request or an array',
    )
    .option('--json', 'print JSON')
    .action((oldDir: string, newDir: string, o: { requests?: string; json?: boolean }) => {
      const samples = o.requests === undefined ? [] : readRequests(o.requests);
      const diff = diffPolicyDirs(oldDir, newDir, samples);
      finish({
        output: o.json ? JSON.stringify(diff, null, 2) : formatFolderDiff(diff),
        exitCode: 0,
      });
    });

  policy
    .command('validate')
    .description(
      'validate every pack against the schema in Cedar’s strict mode, with the diagnostics of ' +
        'each failing pack; exit 0 all valid, 2 some invalid, 1 error',
    )
    .option('--packs <dir>', PACKS_HELP)
    .option('--json', 'print JSON')
    .action((o: { packs?: string; json?: boolean }) => {
      finish(validationOutcome(validatePolicyDir(o.packs), o.json));
    });

  policy
    .command('propose')
    .description(
      "propose a new version of one of a collaboration's packs: the hub validates it (strict), " +
        'logs it with what it changes on the sample requests, and every member must sign it; ' +
        'exit 0 proposed, 2 the pack is invalid (Cedar’s diagnostics), 1 error',
    )
    .argument('<file>', 'the new version’s Cedar text (PACK.cedar)')
    .requiredOption('--collab <id>', 'collaboration id')
    .requiredOption('--pack <name>', 'the pack it replaces (or adds), e.g. us')
    .requiredOption('--dir <dir>', "the proposing member's node directory (its key signs)")
    .option('--meta <file>', 'the pack’s metadata (default: FILE’s .meta.json beside it)')
    .option('--hub <url>', "the hub's URL (default: the node's hub)")
    .option('--json', 'print the proposal as JSON')
    .action(
      async (
        file: string,
        o: {
          collab: string;
          pack: string;
          dir: string;
          meta?: string;
          hub?: string;
          json?: boolean;
        },
      ) => {
        const { view, outcome } = await proposePack({ ...o, file });
        finish(o.json && view ? { output: JSON.stringify(view, null, 2), exitCode: 0 } : outcome);
      },
    );

  policy
    .command('vote')
    .description(
      "sign a proposed pack change with this node's key (after checking the text shown is the " +
        'version signed); the last signature puts it to changePolicy and into force; ' +
        'exit 0 signed, 2 refused by the packs in force, 1 error (e.g. a stale proposal)',
    )
    .argument('<proposal>', 'the proposal id `policy propose` printed')
    .requiredOption('--collab <id>', 'collaboration id')
    .requiredOption('--dir <dir>', "the member's node directory (its key signs)")
    .option('--hub <url>', "the hub's URL (default: the node's hub)")
    .option('--json', 'print the proposal as JSON')
    .action(
      async (id: string, o: { collab: string; dir: string; hub?: string; json?: boolean }) => {
        const { view, outcome } = await votePack({ ...o, id });
        finish(
          o.json ? { output: JSON.stringify(view, null, 2), exitCode: outcome.exitCode } : outcome,
        );
      },
    );

  policy
    .command('show')
    .description(
      "a collaboration's packs in force (and whether its members voted them) and its open proposals",
    )
    .requiredOption('--hub <url>', "the hub's URL")
    .requiredOption('--collab <id>', 'collaboration id')
    .option('--json', 'print JSON')
    .action(async (o: { hub: string; collab: string; json?: boolean }) => {
      const { packs, open, output } = await showPacks(o);
      console.log(o.json ? JSON.stringify({ packs, open }, null, 2) : output);
    });

  return policy;
}
