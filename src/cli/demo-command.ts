import { Command } from 'commander';
import { join } from 'node:path';
import { apiToken } from '../node/index.js';
import { runDemo } from './demo/run-demo.js';

/** Resolves on Ctrl-C (or SIGTERM): the demo keeps its nodes, and so the dashboard, up till then. */
function untilInterrupted(): Promise<void> {
  return new Promise((ok) => {
    process.once('SIGINT', () => ok());
    process.once('SIGTERM', () => ok());
  });
}

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'four hospitals in three countries train one model, six air-quality stations answer DP queries; data never leaves a site',
    )
    .option('--seed <n>', 'seed for a repeatable run', (v) => Number(v), 0)
    .option('--rounds <n>', 'number of federated rounds (default: the tuned setting)', (v) =>
      Number(v),
    )
    .option('--json <file>', 'write the full result as JSON (schema in the README)')
    .option('--workdir <dir>', 'where the node directories go', join('.converge', 'demo'))
    .option('--exit', 'stop once the report is written (default: serve the dashboard until Ctrl-C)')
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
        const say = (line: string) => process.stderr.write(line + '\n');
        const dashboards: string[] = [];
        await runDemo({
          seed: o.seed,
          workdir: o.workdir,
          log: say,
          ...(o.rounds !== undefined ? { rounds: o.rounds } : {}),
          ...(o.json ? { json: o.json } : {}),
          onRunning: async (net) => {
            // The member token rides in the link's fragment, which the browser never sends.
            const token = await apiToken(net.dir(net.spec.hub.name));
            const link = `${net.hubUrl}/#token=${token}`;
            const trains = net.spec.sites.some((site) => site.datasets.length > 0);
            const live = trains ? ' (watch the rounds live)' : '';
            dashboards.push(`${net.spec.collab.id}: ${link}`);
            say(`  dashboard of ${net.spec.collab.id}${live}: ${link}`);
          },
          ...(o.exit
            ? {}
            : {
                beforeStop: () => {
                  say(
                    `\nDashboards:\n${dashboards.map((d) => `  ${d}`).join('\n')}\nServing until Ctrl-C (--exit stops after the report).`,
                  );
                  return untilInterrupted();
                },
              }),
        });
      },
    );
}
