import { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { renderTable } from '../analytics/index.js';
import { MemberClient } from '../node/index.js';
import { parseNumberFlag, RANGES } from './number-flags.js';

interface QueryOptions {
  dir: string;
  collab: string;
  dataset: string;
  stat: string;
  column: string;
  by?: string;
  epsilon?: string;
  delta?: string;
  bins?: string;
  quantiles?: string;
  minSurvivors?: string;
  json?: string;
}

/** The query as the hub takes it (src/analytics/query.ts), from the command's flags. */
export function queryFromFlags(o: QueryOptions): Record<string, unknown> {
  const list = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    stat: o.stat,
    column: o.column,
    ...(o.by ? { by: list(o.by) } : {}),
    ...(o.epsilon ? { epsilon: parseNumberFlag('--epsilon', o.epsilon, RANGES.positive) } : {}),
    ...(o.delta ? { delta: parseNumberFlag('--delta', o.delta, RANGES.openUnit) } : {}),
    ...(o.bins ? { bins: parseNumberFlag('--bins', o.bins, RANGES.positiveInteger) } : {}),
    ...(o.quantiles
      ? {
          quantiles: list(o.quantiles).map((q) =>
            parseNumberFlag('--quantiles', q, RANGES.openUnit),
          ),
        }
      : {}),
  };
}

export function queryCommand(): Command {
  return new Command('query')
    .description(
      'ask a federated analytics query of every site (secure aggregation, DP noise at --epsilon)',
    )
    .requiredOption('--dir <dir>', 'the hub node directory (for its address and API token)')
    .requiredOption('--collab <id>', 'collaboration id')
    .requiredOption('--dataset <id>', 'the table every site offers, e.g. air')
    .requiredOption('--stat <stat>', 'count | sum | mean | variance | histogram | quantile')
    .requiredOption('--column <name>', 'the column the statistic is over, e.g. PM2.5')
    .option('--by <columns>', 'group by these categorical columns, comma-separated')
    .option('--epsilon <e>', 'differential privacy: the ε this query may spend')
    .option('--delta <d>', 'δ (default 1e-5)')
    .option('--bins <n>', 'histogram / quantile: equal-width bins over the declared bounds')
    .option('--quantiles <qs>', 'quantile: comma-separated, e.g. 0.5,0.9')
    .option('--min-survivors <n>', 'fewest sites a published sum may hold (noise is sized for it)')
    .option('--json <file>', 'write the whole answer as JSON')
    .action(async (o: QueryOptions) => {
      const client = await MemberClient.forHubDirectory(o.dir);
      const body = {
        dataset: o.dataset,
        query: queryFromFlags(o),
        ...(o.minSurvivors
          ? {
              minimumSurvivors: parseNumberFlag(
                '--min-survivors',
                o.minSurvivors,
                RANGES.positiveInteger,
              ),
            }
          : {}),
      };
      const view = await client.runQuery(o.collab, body, (line) => console.error(line));
      if (o.json) await writeFile(o.json, JSON.stringify(view, null, 2) + '\n');
      if (view.status !== 'answered' || !view.answer) {
        console.error(`query ${view.id} failed: ${view.error ?? 'no answer'}`);
        process.exitCode = 1;
        return;
      }
      console.log(renderTable(view.answer.table));
      const spent =
        view.epsilon === null
          ? 'without differential privacy (the policy allowed it)'
          : `ε = ${view.epsilon.toPrecision(4)} at δ = ${view.delta}`;
      console.log(
        `spent ${spent}; ${view.survivors.length} sites in the sum (${view.survivors.join(', ')})` +
          (view.dropped.length > 0 ? `; left out: ${view.dropped.join(', ')}` : ''),
      );
    });
}
