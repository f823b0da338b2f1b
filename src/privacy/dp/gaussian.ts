/**
 * Gaussian noise from the OS CSPRNG by the Box–Muller transform on 53-bit uniforms.
 * Caveat: like Opacus and TF Privacy this samples floating-point Gaussians, whose low bits are
 * not an exact discrete Gaussian; the privacy analysis treats the noise as ideal.
 */
import { SecureUniform, secureUniform } from '../secure-random.js';
import { PrivacyParameterError } from './errors.js';

export class GaussianNoise {
  private spare: number | null = null;

  constructor(private readonly uniform: SecureUniform = secureUniform) {}

  /** One draw from N(0, 1). */
  standard(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(this.uniform.nextOpenUnit()));
    const angle = 2 * Math.PI * this.uniform.nextOpenUnit();
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** Adds N(0, std²) to every entry of `target`, in place. */
  addTo(target: Float32Array | Float64Array, std: number): void {
    if (!(std >= 0) || !Number.isFinite(std)) {
      throw new PrivacyParameterError(`noise std must be a finite number ≥ 0 (got ${std})`);
    }
    if (std === 0) return;
    for (let i = 0; i < target.length; i++)
      target[i] = (target[i] as number) + std * this.standard();
  }
}

const shared = new GaussianNoise();

/** A fresh vector of `length` draws from N(0, std²). */
export function gaussianNoise(length: number, std: number): Float32Array {
  const noise = new Float32Array(length);
  shared.addTo(noise, std);
  return noise;
}

/** Adds N(0, std²) to each entry of `vector`, in place, and returns it. */
export function addGaussianNoise<T extends Float32Array | Float64Array>(vector: T, std: number): T {
  shared.addTo(vector, std);
  return vector;
}
