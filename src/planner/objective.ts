/**
 * What the planner minimises: one score per (workload, site), a weighted sum of money (compute
 * and egress, USD), carbon (kgCO2) and data-transfer time (hours).
 *
 *   cost      usd 1,   kgCO2 ε·λ, transferHours ε      money first; carbon and time break ties
 *   carbon    usd ε/λ, kgCO2 1,   transferHours ε/λ   carbon first; money and time break ties
 *   balanced  usd 1,   kgCO2 λ,   transferHours 1      money and carbon count equally
 *
 * λ (USD per kgCO2) is the instance's own exchange rate: the total of every workload's cheapest
 * price over the total of its lowest emissions, so that neither term swamps the other whatever
 * the units. ε = 0.001. Callers may pass their own weights (e.g. a carbon price) instead.
 */
export type Objective = 'cost' | 'carbon' | 'balanced';
export const OBJECTIVES: readonly Objective[] = ['cost', 'carbon', 'balanced'];

export interface ObjectiveWeights {
  usd: number;
  kgCO2: number;
  transferHours: number;
}

const TIE_BREAK = 0.001;

export function objectiveWeights(objective: Objective, usdPerKg: number): ObjectiveWeights {
  const lambda = usdPerKg > 0 && Number.isFinite(usdPerKg) ? usdPerKg : 1;
  switch (objective) {
    case 'cost':
      return { usd: 1, kgCO2: TIE_BREAK * lambda, transferHours: TIE_BREAK };
    case 'carbon':
      return { usd: TIE_BREAK / lambda, kgCO2: 1, transferHours: TIE_BREAK / lambda };
    case 'balanced':
      return { usd: 1, kgCO2: lambda, transferHours: 1 };
  }
}

export function score(
  weights: ObjectiveWeights,
  usd: number,
  kgCO2: number,
  transferHours: number,
): number {
  return weights.usd * usd + weights.kgCO2 * kgCO2 + weights.transferHours * transferHours;
}
