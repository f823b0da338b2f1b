import { Command } from 'commander';
import { epsilonReport, formatEpsilonReport, formatNoiseReport, noiseReport } from './dp-report.js';
import { numberFlag, RANGES } from './number-flags.js';

/** Prints a report as text, or as one JSON object for scripts with --json. */
function print<T>(report: T, json: boolean | undefined, format: (r: T) => string): void {
  console.log(json ? JSON.stringify(report, null, 2) : format(report));
}

export function dpCommands(): Command {
  const dp = new Command('dp').description(
    'differential privacy accounting for the sampled Gaussian mechanism (RDP accountant)',
  );

  dp.command('epsilon')
    .description(
      'ε spent by T steps at sampling rate q and noise multiplier σ, and the best RDP order',
    )
    .requiredOption(
      '--sample-rate <q>',
      'Poisson sampling rate, in (0, 1]',
      numberFlag('--sample-rate', RANGES.rate),
    )
    .requiredOption(
      '--noise-multiplier <z>',
      'noise std ÷ clipping norm, > 0',
      numberFlag('--noise-multiplier', RANGES.positive),
    )
    .requiredOption(
      '--steps <t>',
      'number of steps (rounds), a whole number ≥ 1',
      numberFlag('--steps', RANGES.positiveInteger),
    )
    .requiredOption('--delta <d>', 'δ, in (0, 1)', numberFlag('--delta', RANGES.openUnit))
    .option('--json', 'print JSON')
    .action(
      (o: {
        sampleRate: number;
        noiseMultiplier: number;
        steps: number;
        delta: number;
        json?: boolean;
      }) => {
        const { json, ...query } = o;
        print(epsilonReport(query), json, formatEpsilonReport);
      },
    );

  dp.command('noise')
    .description('the noise multiplier σ that keeps ε within a budget after T steps at rate q')
    .requiredOption('--epsilon <e>', 'target ε, > 0', numberFlag('--epsilon', RANGES.positive))
    .requiredOption('--delta <d>', 'δ, in (0, 1)', numberFlag('--delta', RANGES.openUnit))
    .requiredOption(
      '--sample-rate <q>',
      'Poisson sampling rate, in (0, 1]',
      numberFlag('--sample-rate', RANGES.rate),
    )
    .requiredOption(
      '--steps <t>',
      'number of steps (rounds), a whole number ≥ 1',
      numberFlag('--steps', RANGES.positiveInteger),
    )
    .option('--json', 'print JSON')
    .action(
      (o: {
        epsilon: number;
        delta: number;
        sampleRate: number;
        steps: number;
        json?: boolean;
      }) => {
        const { json, ...query } = o;
        print(noiseReport(query), json, formatNoiseReport);
      },
    );

  return dp;
}
