/** A scenario's result as text: savings against run-at-data, where work went, then the plan. */
import { formatPlanTable } from './plan-table.js';
import type { ScenarioResult } from './scenario.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const int = (x: number) => Math.round(x).toLocaleString('en-US');

export function formatScenarioReport(
  result: ScenarioResult,
  options: { flows?: number } = {},
): string {
  const { comparison: c, plan } = result;
  const lines = [
    `Scenario ${result.scenario}, objective ${result.objective}`,
    `Against "run everything where its data is" (${c.planned.workloads} workloads both place):`,
    `  cost   ${int(c.runAtData.usd)} → ${int(c.planned.usd)} USD  (saved ${int(c.savedUsd)}, ${pct(c.savedUsdShare)})`,
    `  carbon ${int(c.runAtData.kgCO2)} → ${int(c.planned.kgCO2)} kgCO2  (saved ${int(c.savedKgCO2)}, ${pct(c.savedKgCO2Share)})`,
    `  grid intensity: yearly national averages (location-based); the saving depends on them and on the assumed prices`,
    `Kept at home by policy: ${result.keptHomeByPolicy.workloads.length} of ${plan.totals.workloads} workloads (${pct(result.keptHomeByPolicy.share)})`,
  ];
  if (result.notRunnableAtData.length > 0) {
    lines.push(
      `Placed, but not runnable where their data is: ${result.notRunnableAtData.join(', ')}`,
    );
  }
  lines.push('', 'Where work goes (data site → compute site):');
  for (const f of result.flows.slice(0, options.flows ?? 15)) {
    lines.push(
      `  ${f.from} → ${f.to}: ${f.workloads} workload(s), ${int(f.acceleratorHours)} accelerator-h`,
    );
  }
  if (result.flows.length > (options.flows ?? 15))
    lines.push(`  … ${result.flows.length - (options.flows ?? 15)} more`);
  lines.push('', formatPlanTable(plan));
  return lines.join('\n');
}
