import { Command } from 'commander';
import { readFile, writeFile } from 'node:fs/promises';
import { MemberClient } from '../node/index.js';
import { followJob } from './follow-job.js';
import { formatJobTable } from './job-table.js';

export function trainCommand(): Command {
  return new Command('train')
    .description('start a federated training job at a running hub and follow it to the end')
    .requiredOption('--dir <dir>', 'the hub node directory (for its address and API token)')
    .requiredOption('--collab <id>', 'collaboration id')
    .requiredOption(
      '--spec <file>',
      'job spec JSON (see README: dataset, model, strategy, rounds, local)',
    )
    .option('--rounds <n>', 'override the number of rounds', (v) => Number(v))
    .option('--seed <n>', 'override the seed', (v) => Number(v))
    .option('--json <file>', 'write the job summary as JSON')
    .action(
      async (o: {
        dir: string;
        collab: string;
        spec: string;
        rounds?: number;
        seed?: number;
        json?: string;
      }) => {
        const spec = JSON.parse(await readFile(o.spec, 'utf8')) as Record<string, unknown>;
        if (o.rounds !== undefined) spec['rounds'] = o.rounds;
        if (o.seed !== undefined) spec['seed'] = o.seed;
        const client = await MemberClient.forHubDirectory(o.dir);
        const { id } = await client.startJob(o.collab, spec);
        console.error(`job ${id} started at ${client.url}`);
        const job = await followJob(client, id);
        if (o.json) await writeFile(o.json, JSON.stringify(job, null, 2) + '\n');
        if (job.status === 'failed') {
          console.error(`job ${id} failed: ${job.error}`);
          process.exitCode = 1;
          return;
        }
        console.log(formatJobTable(job));
      },
    );
}
