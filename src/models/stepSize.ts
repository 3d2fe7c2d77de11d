/**
 * A step size far off its loss's scale, said before the run rather than discovered after it.
 *
 * Completion's loss is a mean, (1/|Ω|) Σ_Ω (W_ij − M_ij)², where the full target's is a sum,
 * ½‖W − M‖². Near a balanced minimum of ½‖XYᵀ − M‖² the Hessian's top eigenvalue is 2σ₁(M)
 * (the scalar case ½(xy − m)² at x = y = √m has eigenvalues 2m and 0), so GD is stable for
 * η < 1/σ₁. Observing a fraction p = |Ω|/(nm) of incoherent entries scales that curvature by
 * (2/|Ω|)·p = 2/(nm): completion is stable for η < nm/(2σ₁) — ~nm/2 times the full loss's step.
 * A step a hundred times below that barely moves (the 12×8 example: lr 0.01 ends at
 * residual 0.95), one well above it oscillates or diverges (on a 12×8 rank-2 target with σ₁ = 3 the estimate is 16: lr 10 converges, 20 stalls, 40 diverges); both are legal, so this warns, not throws.
 */

/** How far below / above the stable step a step size still counts as deliberate. */
const TOO_SMALL = 100;
const TOO_LARGE = 1.5;

/** The estimated stable GD step of the completion loss: nm/(2σ₁). */
export function completionStableStep(n: number, m: number, sigma1: number): number {
  return (n * m) / (2 * sigma1);
}

/**
 * Warnings for phases whose lr is far off the completion loss's stable step (none for a zero
 * target: every step is stable there). `field(i)` names phase i's lr in the config.
 */
export function completionStepWarnings(lrs: readonly number[], n: number, m: number, sigma1: number, field: (i: number) => string): string[] {
  if (!(sigma1 > 0)) return [];
  const stable = completionStableStep(n, m, sigma1);
  const around = Number(stable.toPrecision(2));
  return lrs.flatMap((lr, i) => {
    const why = `the completion loss is a mean over the observed entries, so its steps are ~nm/2 = ${(n * m) / 2} times the full loss's; here GD is stable up to lr ≈ ${around} (nm/(2σ₁))`;
    if (lr * TOO_SMALL < stable) return [`${field(i)}: lr = ${lr} is ${Math.round(stable / lr)}× below the stable step and will barely move: ${why}`];
    if (lr > TOO_LARGE * stable) return [`${field(i)}: lr = ${lr} is ${(lr / stable).toFixed(1)}× the stable step and is likely to oscillate or diverge: ${why}`];
    return [];
  });
}
