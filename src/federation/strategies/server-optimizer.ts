/**
 * The adaptive part of FedOpt (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Alg. 2):
 * how the second moment v of the pseudo-gradient is updated. Everything else is shared.
 */
export interface ServerOptimizer {
  /** 'adam' gives the strategy name 'fedadam', and so on. */
  readonly name: string;
  secondMoment(v: number, gradientSquared: number): number;
}

export class AdamServerOptimizer implements ServerOptimizer {
  readonly name = 'adam';
  constructor(private readonly beta2: number) {}
  secondMoment(v: number, g2: number): number {
    return this.beta2 * v + (1 - this.beta2) * g2;
  }
}

/** Yogi grows v additively and shrinks it only as far as g^2, so a rare large step does not linger. */
export class YogiServerOptimizer implements ServerOptimizer {
  readonly name = 'yogi';
  constructor(private readonly beta2: number) {}
  secondMoment(v: number, g2: number): number {
    return v - (1 - this.beta2) * g2 * Math.sign(v - g2);
  }
}

export class AdagradServerOptimizer implements ServerOptimizer {
  readonly name = 'adagrad';
  secondMoment(v: number, g2: number): number {
    return v + g2;
  }
}
