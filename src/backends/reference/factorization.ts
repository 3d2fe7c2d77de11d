import { referenceDln } from './dln.js';
import { sensingResidual } from './sensing.js';
import { fillGaussian } from '../../random/gaussian.js';
import { batchUniverse, completionWeights } from '../../problems/losses.js';
import { epochStart } from '../../random/permutation.js';
import type { EpochSampler, FactorizationInput, FactorizationLoss, FactorizationSession, StepParams, StepOutcome } from '../types.js';
import {
  anticorrelate, descendFull, descendRidge, factorizationLoss, matmulNN, matmulNT, matmulTN, perturb, roundF32, roundF64,
  sumSquares, type Round,
} from './kernels.js';

/**
 * Gradient descent on the two-factor model, one step at a time, in plain TypeScript. The loss
 * (full target, completion, sensing; plus a ridge) and the noise placement are options of one
 * loop, as in assembly/programs/factorization.ts, whose arithmetic this defines:
 *
 *   E = θ + σ·scale·ξ_t  (evaluation)  or  θ + σ·scale·(ξ_t − ξ_{t−1})  (anticorrelated)  or  θ
 *   full target:  X⁺ = X − η (Xp (YpᵀYp) − M Yp [+ 2λX]),   Y⁺ likewise with Xp (XpᵀXp), Mᵀ Xp
 *   other losses: g = [R Yp | Rᵀ Xp] with R = ∂loss/∂W at W = Xp Ypᵀ;  θ⁺ = θ − η (g + 2λθ)
 *   update placement (Langevin): θ⁺ += σ·scale·ξ_t after the step
 *
 * Minibatch SGD (input.batch below the number of observed entries / measurements, `obs`): each
 * step first takes its batch — the next entries of an epoch permutation of obs, by the deep
 * model's rule (src/random/permutation.ts epochStart) — then its noise; residualOperator restricts
 * R to the batch. A fresh session starts with the epoch used up, so its first step shuffles.
 *
 * A step whose result is not finite is not applied (its batch stays drawn). In f32 every operation is rounded with
 * Math.fround (σ·scale, η and 2λ included; the noise is drawn in f64 and rounded).
 */
export function referenceFactorization(input: FactorizationInput): FactorizationSession {
  const { n, m, r } = input;
  const rd = input.precision === 'f32' ? roundF32 : roundF64;
  const M = input.M.map(rd);
  const loss = input.loss ?? { kind: 'full' };
  const placement = input.noise ?? 'evaluation';
  const tl = rd(2 * (input.lambda ?? 0));
  let theta = input.theta.map(rd);
  let rng = Int32Array.from(input.rng);
  const nr = n * r;
  const total = nr + m * r;
  const next = new Float64Array(total);
  const P = new Float64Array(total);
  const Gx = new Float64Array(r * r);
  const Gy = new Float64Array(r * r);
  const B = new Float64Array(total); // [M Yp | Mᵀ Xp], laid out like theta
  const MY = B.subarray(0, nr);
  const MtX = B.subarray(nr);
  const prev = new Float64Array(placement === 'anticorrelated' ? total : 0);
  const residual = loss.kind === 'full' ? undefined : residualOperator(loss, M, n, m, rd);
  const obs = batchUniverse(loss);
  const batched = input.batch !== undefined && input.batch < obs.length;
  const order = Int32Array.from(batched ? obs : []);
  let pos = order.length;

  /** The gradient step from evaluation point E into `next`; false if some entry is not finite. */
  function descend(E: Float64Array, lr: number, lo: number, size: number): boolean {
    const Xp = E.subarray(0, nr);
    const Yp = E.subarray(nr);
    if (residual === undefined) {
      // The same products, in the same order, as the Wasm program's gemm calls.
      matmulTN(Gy, Yp, Yp, r, r, m, rd);
      matmulTN(Gx, Xp, Xp, r, r, n, rd);
      matmulNN(MY, M, Yp, n, r, m, rd);
      matmulTN(MtX, M, Xp, m, r, n, rd);
      matmulNN(next.subarray(0, nr), Xp, Gy, n, r, r, rd);
      matmulNN(next.subarray(nr), Yp, Gx, m, r, r, rd);
      return descendFull(next, theta, B, total, lr, tl, rd);
    }
    const W = residual.W;
    matmulNT(W, Xp, Yp, n, m, r, rd);
    const R = residual.apply(W, order, lo, size);
    matmulNN(next.subarray(0, nr), R, Yp, n, r, m, rd);
    matmulTN(next.subarray(nr), R, Xp, m, r, n, rd);
    return descendRidge(next, theta, next, total, lr, tl, rd);
  }

  function run(steps: number, p: StepParams): StepOutcome {
    let scale = p.scale;
    let done = 0;
    for (; done < steps; done++) {
      let lo = 0;
      let size = 0; // 0: the full sum
      if (batched) {
        pos = epochStart(order, obs, pos, rng);
        lo = pos;
        size = Math.min(input.batch!, obs.length - pos);
        pos += size;
      }
      const sx = rd(p.sigmaX * scale);
      const sy = rd(p.sigmaY * scale);
      const noisy = sx !== 0 || sy !== 0;
      let E = theta; // evaluation point [Xp | Yp]
      if (noisy && placement !== 'update') {
        fillGaussian(P, 0, total, rng);
        if (placement === 'anticorrelated') anticorrelate(P, prev, rd);
        perturb(P, theta, 0, nr, sx, rd);
        perturb(P, theta, nr, total, sy, rd);
        E = P;
      }
      if (!descend(E, rd(p.lr), lo, size)) break; // keep the last finite state
      if (noisy && placement === 'update') {
        fillGaussian(P, 0, total, rng);
        const finiteX = perturb(P, next, 0, nr, sx, rd);
        const finiteY = perturb(P, next, nr, total, sy, rd);
        if (!finiteX || !finiteY) break;
        theta.set(P);
      } else {
        theta.set(next);
      }
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
    prevNoise: () => prev.slice(),
    setPrevNoise: (xi) => prev.set(xi.map(rd)),
    sampler: (): EpochSampler => ({ order: order.slice(), pos }),
    setSampler: (s) => {
      if (!batched) return; // full batch: no sampler (as in wasm)
      order.set(s.order);
      pos = s.pos;
    },
    dispose: () => {
      theta = new Float64Array(0);
      rng = new Int32Array(0);
    },
  };
}

/**
 * R = ∂loss/∂W for completion and sensing, in working precision (assembly: residualGradient):
 *   completion  R = w ⊙ (W − M),  w = rd(2/|Ω|) on Ω and 0 elsewhere
 *   sensing     rv = A vec(W) − y,  vec(R) = Aᵀ rv
 * With size > 0, on the batch B = idx[lo, lo + size) only (assembly: batchResidual):
 *   completion  R = rd(2/|B|)·(W − M) on B, +0 elsewhere
 *   sensing     Ab = the rows A_i, i ∈ B, in batch order;  rv = rd(N/|B|)·(Ab vec(W) − y_B),  vec(R) = Abᵀ rv
 */
function residualOperator(
  loss: Exclude<FactorizationLoss, { kind: 'full' }>, M: Float64Array, n: number, m: number, rd: Round,
): { W: Float64Array; apply(W: Float64Array, idx: Int32Array, lo: number, size: number): Float64Array } {
  const nm = n * m;
  const W = new Float64Array(nm);
  const R = new Float64Array(nm);
  if (loss.kind === 'completion') {
    const w = completionWeights(loss.mask, rd);
    return {
      W,
      apply(W, idx, lo, size) {
        if (size > 0) {
          R.fill(0);
          const c = rd(2 / size);
          for (let t = lo; t < lo + size; t++) R[idx[t]] = rd(c * rd(W[idx[t]] - M[idx[t]]));
          return R;
        }
        for (let k = 0; k < nm; k++) R[k] = rd(w[k] * rd(W[k] - M[k]));
        return R;
      },
    };
  }
  const residual = sensingResidual(nm, loss.A.map(rd), loss.y.map(rd), rd);
  return { W, apply: (W, idx, lo, size) => residual(W, R, idx, lo, size) };
}

export const referenceBackend = {
  name: 'reference' as const,
  factorization: referenceFactorization,
  dln: referenceDln,
};
