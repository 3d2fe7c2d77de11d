/**
 * Langevin's σ = √(2η·T): Euler–Maruyama for exp(−f/T). Math.sqrt is correctly rounded in every
 * engine, so σ is the same bits everywhere.
 */
export function langevinSigma(lr: number, temperature: number): number {
  return Math.sqrt(2 * lr * temperature);
}
