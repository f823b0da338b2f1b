// Numbers as the privacy figures are read: three significant digits, δ in powers of ten.

export function figure(x: number): string {
  // Through Number, so that 0.5 is not written 0.500.
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}

export function delta(x: number): string {
  return x === 0 ? '0' : x.toExponential(0);
}
