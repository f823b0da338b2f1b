import type { PrivateSgd } from '../learning/index.js';
import {
  epsilon,
  noiseForBudget,
  poissonBatch,
  privatizeBatchGradient,
  type PrivacyStep,
} from '../privacy/index.js';
import type { DpTask, PrivacyReport } from './privacy-spec.js';

/** One site's DP-SGD parameters for one job, fixed by its own training-set size. */
export interface DpPlan {
  /** Poisson rate q = batchSize / n (capped at 1): what the accountant assumes. */
  sampleRate: number;
  noiseMultiplier: number;
  clipNorm: number;
  delta: number;
  stepsPerRound: number;
  rounds: number;
  /** Training-set size n; qn is the expected batch size the noisy sum is divided by. */
  n: number;
}

/**
 * The site's plan: with a target ε it calibrates its own noise multiplier so that the whole job
 * (rounds × steps at its q) spends exactly that ε; with a noise multiplier its ε follows from q.
 */
export function planDpSgd(
  task: DpTask,
  local: { steps: number; batchSize: number },
  n: number,
): DpPlan {
  const sampleRate = Math.min(1, local.batchSize / n);
  const totalSteps = local.steps * task.rounds;
  const noiseMultiplier =
    task.noiseMultiplier ??
    noiseForBudget({
      epsilon: task.epsilon as number,
      delta: task.delta,
      sampleRate,
      steps: totalSteps,
    });
  return {
    sampleRate,
    noiseMultiplier,
    clipNorm: task.clipNorm,
    delta: task.delta,
    stepsPerRound: local.steps,
    rounds: task.rounds,
    n,
  };
}

/** The accountant's view of `rounds` rounds of the plan. */
export function planSteps(plan: DpPlan, rounds: number): PrivacyStep {
  return {
    sampleRate: plan.sampleRate,
    noiseMultiplier: plan.noiseMultiplier,
    steps: plan.stepsPerRound * rounds,
  };
}

/** The (ε, δ) spent by the job's first `round` rounds at this site. */
export function spentThrough(plan: DpPlan, round: number): PrivacyReport {
  const step = planSteps(plan, round);
  return {
    epsilon: epsilon({ ...step, delta: plan.delta }).epsilon,
    delta: plan.delta,
    steps: step.steps,
    sampleRate: plan.sampleRate,
    noiseMultiplier: plan.noiseMultiplier,
  };
}

/** DP-SGD's random steps from the privacy core: CSPRNG Poisson batches and Gaussian noise. */
export function privateSgdFor(plan: DpPlan): PrivateSgd {
  return {
    sampleBatch: (n) => poissonBatch(n, plan.sampleRate),
    privatize: (perExample, parameterCount) =>
      privatizeBatchGradient(
        perExample,
        plan.clipNorm,
        plan.noiseMultiplier,
        plan.sampleRate * plan.n,
        parameterCount,
      ),
  };
}
