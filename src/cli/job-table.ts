import type { JobSummary } from '../federation/index.js';

/** Per site: own-test accuracy of its local-only model and of the federated model, and the gain. */
export function formatJobTable(job: JobSummary): string {
  const global = job.evaluation['global'] ?? {};
  const sites = Object.keys(global).sort();
  const lines = [
    `${'site'.padEnd(16)} ${'local-only'.padStart(10)} ${'federated'.padStart(10)} ${'gain'.padStart(8)}`,
  ];
  let correct = 0;
  let n = 0;
  for (const site of sites) {
    const fed = global[site]!;
    correct += fed.correct;
    n += fed.n;
    const local = job.evaluation[`local:${site}`]?.[site] ?? job.baselines[site];
    const gain = local ? fed.accuracy - local.accuracy : undefined;
    lines.push(
      `${site.padEnd(16)} ${(local ? local.accuracy.toFixed(3) : '-').padStart(10)} ${fed.accuracy
        .toFixed(3)
        .padStart(
          10,
        )} ${(gain !== undefined ? (gain >= 0 ? '+' : '') + gain.toFixed(3) : '-').padStart(8)}`,
    );
  }
  lines.push(
    `${'pooled test'.padEnd(16)} ${''.padStart(10)} ${(n > 0 ? correct / n : 0).toFixed(3).padStart(10)}   (${n} rows, counted at the sites)`,
  );
  return lines.join('\n');
}
