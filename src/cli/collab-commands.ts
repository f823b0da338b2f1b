import { collect } from './options.js';
import { numberFlag, RANGES } from './number-flags.js';
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listMembers } from '../federation/index.js';
import {
  createCollaborationAt,
  openNodeDirectory,
  openNodeStore,
  readIdentityCard,
} from '../node/index.js';

/** PGlite has one owner: edit a hub's membership only while the hub is stopped. */
function assertHubStopped(dir: string): void {
  const endpoint = join(dir, 'run', 'endpoint.json');
  if (!existsSync(endpoint)) return;
  const { pid } = JSON.parse(readFileSync(endpoint, 'utf8')) as { pid: number };
  try {
    process.kill(pid, 0);
  } catch {
    return;
  }
  throw new Error(
    `the hub in ${dir} is running (pid ${pid}); stop it before changing collaborations`,
  );
}

export function collabCommands(): Command {
  const collab = new Command('collab').description('collaborations coordinated by a hub');

  collab
    .command('create')
    .description('create a collaboration at a (stopped) hub and admit members by identity card')
    .requiredOption('--dir <dir>', 'the hub node directory')
    .requiredOption('--id <id>', 'collaboration id')
    .requiredOption('--domain <domain>', 'healthcare, environmental-protection or clean-energy')
    .option('--title <text>', 'a readable title', '')
    .option('--member <identity.json>', "a member's identity card (repeatable)", collect)
    .option(
      '--min-clean-jobs <n>',
      'finished jobs and queries without violation needed before each trust raise (default 5)',
      numberFlag('--min-clean-jobs', RANGES.wholeNumber),
    )
    .action(
      async (o: {
        dir: string;
        id: string;
        domain: string;
        title: string;
        member?: string[];
        minCleanJobs?: number;
      }) => {
        assertHubStopped(o.dir);
        const cards = await Promise.all((o.member ?? []).map(readIdentityCard));
        const spec = {
          id: o.id,
          domain: o.domain,
          title: o.title,
          ...(o.minCleanJobs !== undefined ? { minCleanJobs: o.minCleanJobs } : {}),
        };
        await createCollaborationAt(o.dir, spec, cards);
        console.log(`collaboration ${o.id} (${o.domain}) created with ${cards.length + 1} members`);
      },
    );

  collab
    .command('members')
    .description('list the members of a collaboration')
    .requiredOption('--dir <dir>', 'the hub node directory')
    .requiredOption('--id <id>', 'collaboration id')
    .action(async (o: { dir: string; id: string }) => {
      assertHubStopped(o.dir);
      const hub = await openNodeDirectory(o.dir);
      const db = await openNodeStore(o.dir, hub.config.name);
      try {
        for (const m of await listMembers(db, o.id)) {
          console.log(
            `${m.name.padEnd(16)} ${m.jurisdiction}  ${m.roles.join(',').padEnd(10)} ${m.keyId}  ${m.institution}`,
          );
        }
      } finally {
        await db.close();
      }
    });

  return collab;
}
