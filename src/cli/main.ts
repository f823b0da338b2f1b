#!/usr/bin/env node
import { Command } from 'commander';
import { budgetCommands } from './budget-commands.js';
import { collabCommands } from './collab-commands.js';
import { demoCommand } from './demo-command.js';
import { dpCommands } from './dp-commands.js';
import { logCommands } from './log-commands.js';
import { nodeCommands } from './node-commands.js';
import { planCommands } from './plan-commands.js';
import { policyCommands } from './policy-commands.js';
import { trustCommands } from './trust-commands.js';
import { trainCommand } from './train-command.js';
import { queryCommand } from './query-commands.js';

const program = new Command('converge')
  .description('Converge: federated AI across borders; data stays home, every rule applies')
  .version('0.1.0');

program.addCommand(nodeCommands());
program.addCommand(collabCommands());
program.addCommand(trainCommand());
program.addCommand(demoCommand());
program.addCommand(logCommands());
program.addCommand(dpCommands());
program.addCommand(budgetCommands());
program.addCommand(planCommands());
program.addCommand(policyCommands());
program.addCommand(trustCommands());
program.addCommand(queryCommand());

program.parseAsync(process.argv).catch((e: unknown) => {
  // A clear one-line error, never a stack trace, for anything a user can get wrong.
  console.error(`converge: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env['CONVERGE_DEBUG'] && e instanceof Error) console.error(e.stack);
  process.exit(1);
});
