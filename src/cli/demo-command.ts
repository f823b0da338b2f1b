import { Command } from 'commander';
import { join } from 'node:path';
import { runDemo } from './demo/run-demo.js';

export function demoCommand(): Command {
  return new Command('demo')
    .description('four hospitals in three countries train one model; data never leaves a hospital')
    .option('--seed <n>', 'seed for a repeatable run', (v) => Number(v), 0)
    .option('--rounds <n>', 'number of federated rounds (default: the tuned setting)', (v) =>
      Number(v),
    )
    .option('--json <file>', 'write the full result as JSON (schema in the README)')
    .option('--workdir <dir>', 'where the node directories go', join('.converge', 'demo'))
    .option('--exit', 'stop once the report is written (the default until the dashboard lands)')
    .action(
      async (o: {
        seed: number;
        rounds?: number;
        json?: string;
        workdir: string;
        exit?: boolean;
      }) => {
        if (!Number.isInteger(o.seed) || o.seed < 0)
          throw new Error('--seed: expected a non-negative integer');
        await runDemo({
          seed: o.seed,
          workdir: o.workdir,
          ...(o.rounds !== undefined ? { rounds: o.rounds } : {}),
          ...(o.json ? { json: o.json } : {}),
        });
      },
    );
}
