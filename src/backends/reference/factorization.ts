import { referenceDln } from './dln.js';
import { fillGaussian } from '../../random/gaussian.js';
import type { FactorizationInput, FactorizationSession, StepParams, StepOutcome } from '../types.js';
import { factorizationLoss, gram, mulMY_MtX, perturb, roundF32, roundF64, sumSquares, updateFactor } from './kernels.js';

/**
 * (Perturbed) gradient descent on ½‖XYᵀ − M‖², one step at a time, in plain TypeScript:
 *
 *   Xp, Yp = X + σ_X·scale·ξ, Y + σ_Y·scale·ζ        (skipped, Xp = X, when the noise is 0)
 *   X⁺ = X − η (Xp (YpᵀYp) − M Yp),   Y⁺ = Y − η (Yp (XpᵀXp) − Mᵀ Xp)
 *
 * A step whose result is not finite is not applied. assembly/programs/factorization.ts is the
 * same loop; this one defines the arithmetic. In f32 every operation is rounded with Math.fround
 * (σ·scale and η included; the noise is drawn in f64 and rounded).
 */
export function referenceFactorization(input: FactorizationInput): FactorizationSession {
  const { n, m, r } = input;
  const rd = input.precision === 'f32' ? roundF32 : roundF64;
  const M = input.M.map(rd);
  let theta = input.theta.map(rd);
  let rng = Int32Array.from(input.rng);
  const nr = n * r;
  const total = nr + m * r;
  const next = new Float64Array(total);
  const P = new Float64Array(total);
  const Gx = new Float64Array(r * r);
  const Gy = new Float64Array(r * r);
  const MY = new Float64Array(n * r);
  const MtX = new Float64Array(m * r);

  function run(steps: number, p: StepParams): StepOutcome {
    let scale = p.scale;
    let done = 0;
    for (; done < steps; done++) {
      const sx = rd(p.sigmaX * scale);
      const sy = rd(p.sigmaY * scale);
      let E = theta; // evaluation point [Xp | Yp]
      if (sx !== 0 || sy !== 0) {
        fillGaussian(P, 0, total, rng);
        perturb(P, theta, 0, nr, sx, rd);
        perturb(P, theta, nr, total, sy, rd);
        E = P;
      }
      gram(Gy, E, nr, m, r, rd);
      gram(Gx, E, 0, n, r, rd);
      mulMY_MtX(MY, MtX, M, E, 0, nr, n, m, r, rd);
      const lr = rd(p.lr);
      const finiteX = updateFactor(next, theta, 0, E, 0, Gy, MY, n, r, lr, rd);
      const finiteY = updateFactor(next, theta, nr, E, nr, Gx, MtX, m, r, lr, rd);
      if (!finiteX || !finiteY) break; // keep the last finite state
      theta.set(next);
      scale *= p.scaleMul;
    }
    return { done, scale };
  }

  return {
    run,
    loss: () => factorizationLoss(M, theta, n, m, r),
    norms: () => ({ x2: sumSquares(theta, 0, nr), y2: sumSquares(theta, nr, total) }),
    theta: () => theta.slice(),
    setTheta: (t) => theta.set(t.map(rd)),
    rng: () => rng.slice(),
    setRng: (s) => rng.set(s),
    dispose: () => {
      theta = new Float64Array(0);
      rng = new Int32Array(0);
    },
  };
}

export const referenceBackend = {
  name: 'reference' as const,
  factorization: referenceFactorization,
  dln: referenceDln,
};
