import { dlnReports } from '../../diagnostics/completion.js';
import { dlnBatchUniverse, layerOffsets, validateDlnInput, validateDlnStep } from '../../problems/dln.js';
import { fillGaussian } from '../../random/gaussian.js';
import { epochStart } from '../../random/permutation.js';
import type { DlnInput, DlnNoise, DlnSampler, DlnSession, DlnStepParams } from '../types.js';
import { dlnGradient } from './dlnGradient.js';
import { anticorrelate, descendRidge, perturb, roundF64 } from './kernels.js';

/**
 * Minibatch SGD / full-batch GD on an L2-regularized deep linear network, one step at a time, in
 * plain TypeScript (f64). assembly/programs/dln.ts is the same loop; this one defines the order.
 *
 * Batches. Ω's flat indices `obs` are ascending. batch "full" (or |Ω|) is full-batch GD: B = Ω, nothing is
 * drawn. Otherwise the session walks an epoch permutation `order` of obs: a batch is the next
 * min(batch, |Ω| − pos) entries (an epoch's last batch may be shorter, and |B| is then its own
 * size); when the epoch is used up, order is reset to obs and shuffled (src/random/permutation.ts).
 * A fresh session starts with the epoch used up, so its first SGD step shuffles.
 *
 * Gradient by the product rule with prefix products P_l = W_l ⋯ W_1 (P_1 = W_1, A = P_L) and the
 * backpropagated H_l = (W_L ⋯ W_{l+1})ᵀ G (H_L = G), computed as
 *
 *   P_l = W_l · P_{l−1}                     l = 2 … L       forward
 *   G   = c · (A − M) on B, 0 elsewhere    c = 2/|B|        (d = A − M rounded, then c·d)
 *   H_l = W_{l+1}ᵀ · H_{l+1}                l = L−1 … 1     backward; ∂/∂W_1 = H_1
 *   ∂/∂W_l = H_l · P_{l−1}ᵀ                 l = L … 2
 *   W_l ← W_l − η (∂/∂W_l + 2λ W_l)         (g = ∂ + (2λ)·W rounded, then W − η·g)
 *
 * Noise (DlnNoise), one option of this loop as in the two-factor one: after the batch is drawn,
 * ξ_t = fillGaussian over the whole parameter vector, and the forward/backward passes read the
 * weights at E = θ + σ_l·ξ_t (evaluation) or θ + σ_l·(ξ_t − ξ_{t−1}) (anticorrelated, ξ_{t−1} kept
 * in `prev`); for "update" (Langevin) E = θ and a fresh ξ_t is added after the step: θ⁺ + σ_l·ξ_t.
 * The ridge 2λW_l is taken at θ. All σ_l = 0 draws nothing.
 *
 * Every product element starts at 0 and adds its terms in ascending k (k runs over d_{l−1},
 * d_{l+1} and d_in respectively), multiply then add, no FMA. G is dense (zeros off the batch) so
 * batch 1 and the full batch are the same code; adding an exact 0·x changes no bit.
 * A step whose result is not finite is not applied (its batch stays drawn).
 */
export function referenceDln(input: DlnInput): DlnSession {
  validateDlnInput(input);
  const dims = [...input.dims];
  const L = dims.length - 1;
  const off = layerOffsets(dims);
  const total = off[L];
  const M = Float64Array.from(input.M);
  const sensing = input.sensing && { A: Float64Array.from(input.sensing.A), y: Float64Array.from(input.sensing.y) };
  const obs = dlnBatchUniverse(input);
  const reports = dlnReports(input);
  const N = obs.length;
  const lambda = input.lambda;
  let theta = Float64Array.from(input.theta);
  let rng = Int32Array.from(input.rng);
  const order = Int32Array.from(obs);
  let pos = N;
  const next = new Float64Array(total);
  const grad = new Float64Array(total);
  const noisy = new Float64Array(total); // E, or θ⁺ + σ·ξ for Langevin
  const prev = new Float64Array(total); // ξ_{t−1}
  const gradient = dlnGradient(dims, M, sensing);
  const forward = gradient.forward;

  /** out = base + σ_l·out on each layer's slice (out holds standard normals); false if not finite. */
  function perturbLayers(out: Float64Array, base: Float64Array, sigma: readonly number[]): boolean {
    let finite = true;
    for (let l = 1; l <= L; l++) finite = perturb(out, base, off[l - 1], off[l], sigma[l - 1], roundF64) && finite;
    return finite;
  }

  function step(batch: Int32Array, lo: number, size: number, lr: number, noise: DlnNoise | undefined): boolean {
    const on = noise !== undefined && noise.sigma.some((s) => s !== 0);
    let E = theta;
    if (on && noise.placement !== 'update') {
      fillGaussian(noisy, 0, total, rng);
      if (noise.placement === 'anticorrelated') anticorrelate(noisy, prev, roundF64);
      perturbLayers(noisy, theta, noise.sigma); // a non-finite E makes a non-finite step: caught below
      E = noisy;
    }
    gradient.dataGradient(E, batch, lo, size, grad);
    const tl = 2 * lambda;
    if (!descendRidge(next, theta, grad, total, lr, tl, roundF64)) return false;
    if (on && noise.placement === 'update') {
      fillGaussian(noisy, 0, total, rng);
      if (!perturbLayers(noisy, next, noise.sigma)) return false;
      theta.set(noisy);
    } else {
      theta.set(next);
    }
    return true;
  }

  function run(steps: number, p: DlnStepParams): { done: number } {
    validateDlnStep(p, N, L);
    const batch = p.batch === 'full' ? N : p.batch;
    let done = 0;
    for (; done < steps; done++) {
      let ok: boolean;
      if (batch >= N) {
        ok = step(obs, 0, N, p.lr, p.noise);
      } else {
        pos = epochStart(order, obs, pos, rng);
        const size = Math.min(batch, N - pos);
        const lo = pos;
        pos += size;
        ok = step(order, lo, size, p.lr, p.noise);
      }
      if (!ok) break;
    }
    return { done };
  }

  const endToEnd = () => forward(theta).slice();
  return {
    run,
    endToEnd,
    loss: () => reports.loss(forward(theta), theta),
    trainError: () => reports.trainError(forward(theta)),
    testError: () => reports.testError(forward(theta)),
    theta: () => theta.slice(),
    setTheta: (t) => theta.set(t),
    rng: () => rng.slice(),
    setRng: (s) => rng.set(s),
    sampler: (): DlnSampler => ({ order: order.slice(), pos }),
    setSampler: (s) => {
      order.set(s.order);
      pos = s.pos;
    },
    prevNoise: () => prev.slice(),
    setPrevNoise: (xi) => prev.set(xi),
    dispose: () => {
      theta = new Float64Array(0);
      rng = new Int32Array(0);
    },
  };
}
