import { Command, InvalidArgumentError } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { formatTlogProof, logOrigin, verifyTlogProof, type Checkpoint } from '../ledger/index.js';
import { entryLine, entryType, parseLogEntry } from './log-entry.js';
import { cosignedCheckpoint, openHubLog, readPolicyFile, type HubLog } from './log-hub.js';
import { monitorLog } from './log-monitor.js';
import { collect } from './options.js';

// `converge log`: read a collaboration's transparency log from its hub, take an entry away as
// an offline proof, check such a proof with public keys alone, and monitor the log over time.

interface Source {
  hub: string;
  collab?: string;
  witnesses?: string;
  origin?: string;
}

const WITNESSES_HELP = "tlog-policy file to check against instead of the hub's policy";
const ORIGIN_HELP = "the log's checkpoint origin (default: the policy's log key name)";

export function logCommands(): Command {
  const log = new Command('log').description(
    "a collaboration's transparency log: show it, prove entries offline, monitor it",
  );

  log
    .command('show')
    .description('print the cosigned checkpoint and the entries, each proven in it')
    .requiredOption('--hub <url>', 'the hub URL (or the log URL, …/log/<collab>/)')
    .option('--collab <id>', 'collaboration id')
    .option('--from <n>', 'first entry to print', entryIndex, 0)
    .option(
      '--type <type>',
      'only entries of this type, e.g. policy.decision or round.closed (repeatable)',
      collect,
    )
    .option('--json', 'print JSON instead of text')
    .option('--witnesses <policy>', WITNESSES_HELP)
    .option('--origin <origin>', ORIGIN_HELP)
    .action(async (o: Source & { from: number; type?: string[]; json?: boolean }) => {
      const hubLog = await open(o);
      const { checkpoint, cosigners } = await cosignedCheckpoint(hubLog);
      if (o.from > checkpoint.size) {
        throw new Error(`--from ${o.from} is past the end of the log (${checkpoint.size} entries)`);
      }
      const entries: { index: number; bytes: Uint8Array }[] = [];
      for (let index = o.from; index < checkpoint.size; index++) {
        // Every entry is proven, shown or not: a filter must not hide a tampered log.
        const bytes = await hubLog.client.entry(index, checkpoint);
        if (!o.type || o.type.includes(entryType(index, bytes))) entries.push({ index, bytes });
      }
      if (o.json) {
        const json = {
          ...checkpointJson(hubLog, checkpoint, cosigners),
          entries: entries.map(({ index, bytes }) => entryJson(index, bytes)),
        };
        console.log(JSON.stringify(json, null, 2));
        return;
      }
      printCheckpoint(hubLog, checkpoint, cosigners);
      if (entries.length === 0) {
        if (o.type) console.log(`\nno entry of type ${o.type.join(', ')} from ${o.from} on`);
        return;
      }
      const which = o.type ? ` of type ${o.type.join(', ')}` : '';
      console.log(
        `\nentries ${o.from}..${checkpoint.size - 1}${which}, each proven in this checkpoint:`,
      );
      for (const { index, bytes } of entries) console.log(entryLine(index, bytes));
    });

  log
    .command('prove')
    .description('write an offline proof (C2SP tlog-proof) that an entry is in the cosigned log')
    .argument('<entry>', 'index of the entry', entryIndex)
    .requiredOption('--hub <url>', 'the hub URL (or the log URL, …/log/<collab>/)')
    .option('--collab <id>', 'collaboration id')
    .requiredOption('--out <file>', 'where to write the proof (by convention *.tlog-proof)')
    .option('--witnesses <policy>', WITNESSES_HELP)
    .option('--origin <origin>', ORIGIN_HELP)
    .action(async (index: number, o: Source & { out: string }) => {
      const hubLog = await open(o);
      const { note, checkpoint, cosigners } = await cosignedCheckpoint(hubLog);
      if (index >= checkpoint.size) {
        throw new Error(`entry ${index} is not in the log: it has ${checkpoint.size} entries`);
      }
      const entry = await hubLog.client.entry(index, checkpoint);
      const proof = await hubLog.client.proveInclusion(index, checkpoint);
      const text = formatTlogProof({ extra: entry, index, proof, checkpoint: note });
      // Never hand out a proof that would not verify against the policy it was built under.
      verifyTlogProof(text, hubLog.policy, hubLog.origin);
      await writeFile(o.out, text);
      console.log(
        `wrote ${o.out}: entry ${index} (${entryType(index, entry)}) of ${hubLog.origin} at size ${checkpoint.size}, cosigned by ${cosigners.join(', ') || 'no witness'}`,
      );
    });

  log
    .command('verify-proof')
    .description('check a proof offline against public keys alone (a tlog-policy file)')
    .argument('<file>', 'the proof file')
    .requiredOption('--witnesses <policy>', 'tlog-policy file: log key, witness keys, quorum')
    .option('--origin <origin>', ORIGIN_HELP)
    .action(async (file: string, o: { witnesses: string; origin?: string }) => {
      const policy = await readPolicyFile(o.witnesses);
      const origin = logOrigin(policy, o.origin);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const { code, message } = error as NodeJS.ErrnoException;
        throw new Error(`cannot read ${file}: ${code ?? message}`);
      }
      const { entry, index, checkpoint, cosigners } = verifyTlogProof(text, policy, origin);
      console.log(`verified: entry ${index} (${entryType(index, entry)}) is in ${origin}`);
      console.log(`tree size  ${checkpoint.size}, root ${base64(checkpoint.root)}`);
      console.log(`cosigners  ${cosigners.join(', ') || '(none)'} (quorum ${policy.quorum})`);
      console.log(entryLine(index, entry));
    });

  log
    .command('audit')
    .description(
      'monitor a log: check cosignatures, consistency with the last run, and every entry and tile',
    )
    .argument('<url>', 'the log URL (…/log/<collab>/), or the hub URL with --collab')
    .option('--collab <id>', 'collaboration id')
    .option('--state <file>', 'the monitor state (default ~/.converge/monitor/<origin hash>.json)')
    .option('--witnesses <policy>', WITNESSES_HELP)
    .option('--origin <origin>', ORIGIN_HELP)
    .action(async (url: string, o: Omit<Source, 'hub'> & { state?: string }) => {
      const hubLog = await open({ ...o, hub: url });
      const report = await monitorLog(hubLog, o.state);
      const { checkpoint, previous } = report;
      printCheckpoint(hubLog, checkpoint, report.cosigners);
      console.log(
        previous
          ? `history    consistent with the checkpoint of size ${previous.size} seen last time`
          : 'history    first run: this checkpoint is remembered for the next',
      );
      console.log(
        `audit      ${report.entries} entries rebuild ${report.tilesCompared} stored tile${report.tilesCompared === 1 ? '' : 's'} and the root`,
      );
      console.log(`state      ${report.statePath}`);
    });

  return log;
}

function open(o: Source): Promise<HubLog> {
  return openHubLog({
    url: o.hub,
    ...(o.collab === undefined ? {} : { collab: o.collab }),
    ...(o.witnesses === undefined ? {} : { witnesses: o.witnesses }),
    ...(o.origin === undefined ? {} : { origin: o.origin }),
  });
}

function entryIndex(value: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('want an entry index (0, 1, 2, …)');
  }
  return Number(value);
}

function printCheckpoint(hubLog: HubLog, checkpoint: Checkpoint, cosigners: string[]): void {
  console.log(`log        ${checkpoint.origin} (${hubLog.prefix.href})`);
  console.log(`size       ${checkpoint.size}`);
  console.log(`root       ${base64(checkpoint.root)}`);
  console.log(
    `cosigners  ${cosigners.join(', ') || '(none)'} (quorum ${hubLog.policy.quorum}: met)`,
  );
}

function checkpointJson(hubLog: HubLog, checkpoint: Checkpoint, cosigners: string[]) {
  return {
    origin: checkpoint.origin,
    url: hubLog.prefix.href,
    size: checkpoint.size,
    root: base64(checkpoint.root),
    cosigners,
    quorum: hubLog.policy.quorum,
  };
}

function entryJson(index: number, bytes: Uint8Array) {
  try {
    return { index, entry: parseLogEntry(index, bytes) };
  } catch (error) {
    return { index, error: (error as Error).message, base64: base64(bytes) };
  }
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
