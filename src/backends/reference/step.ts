import { roundOf } from '../../math/round.js';
import { exp, log } from '../../math/detmath.js';
import { fillGaussian } from '../../random/gaussian.js';
import { epochStart } from '../../random/permutation.js';
import { blocksOf, endToEndShape, hasSampler, stepTarget, universeOf, validateSessionInput, validateSessionStep } from '../shape.js';
import type { DataLoss, EpochSampler, Session, SessionInput, SessionStepParams, StepOutcome } from '../types.js';
import { factorizationLoss } from '../../linalg/kernels.js';
import { anticorrelate, descendFull, descendRidge, perturb, sumSquares } from './kernels.js';
import { residualOf } from './losses.js';
import { deepLinearModel, deepLinearSparse } from './models/deepLinear.js';
import { factorizationModel } from './models/factorization.js';
import { factoredTarget } from './models/factored.js';
import { factorsOf, noEndToEnd } from '../factored.js';
import { lowRankLoss } from '../../linalg/lowRank.js';
import { symmetricModel } from './models/symmetric.js';
import type { Model } from './models/model.js';
import { sparseCompletion } from './sparseCompletion.js';
import { denseOf, observedOf } from '../sparse.js';
import { matmulNT } from '../../linalg/kernels.js';

/**
 * The step skeleton of the reference backend, for every model, loss and noise kind: one step at
 * a time in plain TypeScript, in working precision rd (f64: the identity; f32: Math.fround after
 * every operation). assembly/programs/step.ts is the same loop; this one defines its arithmetic.
 *
 *   1 batch     batch < universe: the next min(batch, N − pos) entries of an epoch permutation of
 *               the universe (observed indices / measurement numbers), reshuffled when used up
 *               (src/random/permutation.ts epochStart); otherwise the full sums, nothing drawn
 *   2 noise     s_b = rd(σ_b·a) per block b, a = scale (annealed: scale·(1 + t)^(−γ/2) by detmath
 *               exp/log, t = p.step + steps done); if some s_b ≠ 0 the evaluation point is
 *                 perturbed       E = θ + s_b·ξ_t, ξ_t = fillGaussian over all of θ (f64, rounded by the kernels)
 *                 anticorrelated  E = θ + s_b·(ξ_t − ξ_{t−1})     (ξ_{t−1} kept in prev)
 *                 langevin        E = θ (its noise comes in step 5)
 *                 sam, asam       E = θ + s_b·u, u = g/‖g‖ or |θ|²⊙g/‖|θ|⊙g‖, g the data gradient at θ on
 *                                 the batch (no ridge)
 *                 label           E = θ; the batch's targets get rd(s_0·ξ) (fresh ξ, one per target, batch
 *                                 order), put back after step 3
 *                 annealed        E = θ (its noise comes in step 5)
 *               else E = θ
 *   3 gradient  the model at E: W = forward(E), R = ∂ℓ/∂W on the batch (losses.ts), g = backward(E, R);
 *               the two-factor full target takes its fast path g = out − B instead (no W formed), and
 *               two-factor and deep completion work from the observed lists (sparseCompletion.ts,
 *               models/deepLinear.ts deepLinearSparse; no W, no R)
 *   4 descent   θ⁺ = θ − rd(η)·(g + rd(2λ)·θ), the ridge at θ; not applied if some entry is not
 *               finite (the run stops there, its batch stays drawn)
 *   5 update    langevin, annealed: θ⁺ = θ⁺ + s_b·ξ_t with a fresh ξ_t (not applied if not finite)
 *   then scale ← scale·scaleMul (f64)
 */
export function referenceSession(input: SessionInput): Session {
  validateSessionInput(input);
  const rd = roundOf(input.precision);
  const blocks = blocksOf(input.model);
  const nb = blocks.length - 1;
  const total = blocks[nb];
  const { rows, cols } = endToEndShape(input.model);
  const rank = input.model.kind === 'factorization' ? input.model.r : undefined;
  // two-factor and deep completion: the observed lists only (no rows×cols array); the symmetric model's dense
  const sparseTarget = input.model.kind !== 'symmetric' && input.loss.kind === 'completion' ? roundedObserved(input.loss, rd) : undefined;
  const sparse = !sparseTarget ? undefined : input.model.kind === 'deep-linear' ? deepLinearSparse(input.model.dims, sparseTarget, rd)
    : sparseCompletion(rows, cols, rank!, sparseTarget, rd);
  const loss = sparse ? input.loss : roundedLoss(input.loss, rows * cols, rd);
  // (the models' W buffers are rows×cols: not made for the sparse paths)
  const model: Model | undefined = sparse ? undefined : input.model.kind === 'factorization' ? factorizationModel(input.model.n, input.model.m, input.model.r, rd)
    : input.model.kind === 'symmetric' ? symmetricModel(input.model.n, input.model.k, rd)
    : deepLinearModel(input.model.dims, rd);
  // The two-factor full target's fast path: M dense, or M = A Bᵀ by its factors (models/factored.ts).
  const fullTarget = loss.kind === 'factored' && input.model.kind === 'factorization'
    ? factoredTarget(input.model.n, input.model.m, input.model.r, loss.A, loss.B, loss.k, rd)
    : loss.kind === 'full' && model?.fullTarget ? (E: Float64Array, out: Float64Array) => model.fullTarget!(E, loss.M, out) : undefined;
  const fast = fullTarget !== undefined;
  // a factored target has no residual; two-factor and deep completion work from their lists
  const residual = sparse || loss.kind === 'factored' ? undefined : residualOf(loss, rows * cols, rd);
  const forward = (E: Float64Array) => {
    if (loss.kind === 'factored') throw noEndToEnd();
    if (model) return model.forward(E);
    // the sparse paths' W, on request only (endToEnd): the dense forward's sums
    if (input.model.kind === 'deep-linear') return deepLinearModel(input.model.dims, rd).forward(E);
    const W = new Float64Array(rows * cols);
    matmulNT(W, E.subarray(0, rows * rank!), E.subarray(rows * rank!), rows, cols, rank!, rd);
    return W;
  };
  const tl = rd(2 * input.lambda);
  let theta = input.theta.map(rd);
  let rng = Int32Array.from(input.rng);
  const next = new Float64Array(total);
  const P = new Float64Array(total); // E, or θ⁺ + σ·ξ for Langevin
  const prev = new Float64Array(input.anticorrelated ? total : 0);
  const obs = universeOf(input.loss);
  const order = Int32Array.from(hasSampler(input) ? obs : []);
  let pos = order.length; // the epoch is used up: the first SGD step shuffles
  // Label noise perturbs the rounded targets in place (loss.M, or loss.y for sensing) and puts
  // the clean ones back after the gradient; Mᵀ is not kept here (fullTarget reads M), so one array.
  const target = sparseTarget ? sparseTarget.values : loss.kind === 'sensing' ? loss.y : loss.kind === 'factored' ? new Float64Array(0) : loss.M; // factored: no label noise (shape.ts)
  const clean = input.labelNoise ? target.slice() : new Float64Array(0);
  const labelXi = new Float64Array(input.labelNoise ? (loss.kind === 'full' ? rows * cols : obs.length) : 0);
  const fullList = loss.kind === 'full' && input.labelNoise ? Int32Array.from({ length: rows * cols }, (_, k) => k) : obs;

  /** The data gradient at E on the batch into out, as step 3 computes it (fast path: out − B). */
  function gradient(E: Float64Array, lo: number, size: number, out: Float64Array): void {
    if (sparse) sparse.gradient(E, order, lo, size, out);
    else if (fast) {
      const B = fullTarget!(E, out);
      for (let k = 0; k < total; k++) out[k] = rd(out[k] - B[k]);
    } else model!.backward(E, residual!(model!.forward(E), order, lo, size), out);
  }

  /** SAM/ASAM's unit ascent direction into P (which holds g): assembly/programs/step.ts ascent. */
  function ascent(adaptive: boolean): void {
    if (adaptive) for (let k = 0; k < total; k++) P[k] = rd(Math.abs(theta[k]) * P[k]);
    const n2 = sumSquares(P, 0, total);
    const c = n2 === 0 ? 0 : rd(1 / Math.sqrt(n2));
    for (let k = 0; k < total; k++) P[k] = rd((adaptive ? rd(Math.abs(theta[k]) * P[k]) : P[k]) * c);
  }

  /** Label noise on the batch's targets (restore: the clean ones back): step.ts labels. */
  function labels(lo: number, size: number, s: number, restore: boolean): void {
    const count = size > 0 ? size : fullList.length;
    if (!restore) fillGaussian(labelXi, 0, count, rng);
    for (let t = 0; t < count; t++) {
      const e = sparse ? (size > 0 ? sparse.position(order[lo + t]) : t) : size > 0 ? order[lo + t] : fullList[t];
      target[e] = restore ? clean[e] : rd(clean[e] + rd(s * rd(labelXi[t])));
    }
  }

  /** out = base + s_b·out on each block (out holds standard normals); false if some entry is not finite. */
  function perturbBlocks(out: Float64Array, base: Float64Array, s: number[]): boolean {
    let finite = true;
    for (let b = 0; b < nb; b++) finite = perturb(out, base, blocks[b], blocks[b + 1], s[b], rd) && finite;
    return finite;
  }

  function run(steps: number, p: SessionStepParams): StepOutcome {
    const batch = validateSessionStep(p, nb, obs.length, input);
    const kind = p.noise?.kind ?? 'perturbed';
    const sigma = p.noise?.sigma ?? [];
    const lr = rd(p.lr);
    const gamma = p.noise?.gamma ?? 0;
    const t0 = p.step ?? 0;
    const sam = kind === 'sam' || kind === 'asam';
    const update = kind === 'langevin' || kind === 'annealed';
    const s = new Array<number>(nb).fill(0);
    let scale = p.scale;
    let done = 0;
    for (; done < steps; done++) {
      // 1 batch: `size` entries of order from lo (size 0: the full sums)
      let lo = 0;
      let size = 0;
      if (batch > 0) {
        pos = epochStart(order, obs, pos, rng);
        lo = pos;
        size = Math.min(batch, obs.length - pos);
        pos += size;
      }
      // 2 noise
      const amp = kind === 'annealed' ? scale * exp(-0.5 * gamma * log(1 + (t0 + done))) : scale;
      let noisy = false;
      for (let b = 0; b < nb; b++) noisy = (s[b] = rd((sigma[b] ?? 0) * amp)) !== 0 || noisy;
      let E = theta;
      const label = noisy && kind === 'label';
      if (label) {
        labels(lo, size, s[0], false);
      } else if (noisy && sam) {
        gradient(theta, lo, size, P);
        ascent(kind === 'asam');
        perturbBlocks(P, theta, s);
        E = P;
      } else if (noisy && !update) {
        fillGaussian(P, 0, total, rng);
        if (kind === 'anticorrelated') anticorrelate(P, prev, rd);
        perturbBlocks(P, theta, s); // a non-finite E makes a non-finite step: caught below
        E = P;
      }
      // 3 gradient and 4 descent
      let finite: boolean;
      if (fast) {
        const B = fullTarget!(E, next);
        finite = descendFull(next, theta, B, total, lr, tl, rd);
      } else {
        gradient(E, lo, size, next);
        finite = descendRidge(next, theta, next, total, lr, tl, rd);
      }
      if (label) labels(lo, size, 0, true);
      if (!finite) break; // keep the last finite state
      // 5 update noise
      if (noisy && update) {
        fillGaussian(P, 0, total, rng);
        if (!perturbBlocks(P, next, s)) break;
        theta.set(P);
      } else {
        theta.set(next);
      }
      scale *= p.scaleMul;
    }
    return { done, scale };
  }

  let lossWork: Float64Array | undefined; // fullLoss's QR scratch, kept for the next record
  return {
    input,
    blocks,
    run,
    endToEnd: () => forward(theta).slice(),
    fullLoss: () => (rank === undefined ? NaN
      : loss.kind === 'full' ? factorizationLoss(loss.M, theta, rows, cols, rank)
      : loss.kind === 'factored' ? lowRankLoss(theta, factorsOf(loss, rows, cols), rank, (lossWork ??= new Float64Array(Math.max(rows, cols) * (rank + loss.k)))) : NaN),
    blockNorms: () => blocks.slice(1).map((hi, b) => sumSquares(theta, blocks[b], hi)),
    theta: () => theta.slice(),
    setTheta: (t) => theta.set(t.map(rd)),
    rng: () => rng.slice(),
    setRng: (r) => rng.set(r),
    prevNoise: () => prev.slice(),
    setPrevNoise: (xi) => prev.set(xi.map(rd)),
    sampler: (): EpochSampler => ({ order: order.slice(), pos: order.length === 0 ? 0 : pos }),
    setSampler: (st) => {
      if (order.length === 0) return; // no sampler (as in wasm)
      order.set(st.order);
      pos = st.pos;
    },
    dispose: () => {
      theta = new Float64Array(0);
      rng = new Int32Array(0);
    },
  };
}

/** The loss's arrays rounded to the working precision (the step reads them in T); completion dense. */
function roundedLoss(loss: DataLoss, nm: number, rd: (x: number) => number): DataLoss {
  switch (loss.kind) {
    case 'full':
      return { kind: 'full', M: loss.M.map(rd) };
    case 'completion': {
      const { M, mask } = loss.observed ? denseOf(loss, nm) : { M: stepTarget(loss), mask: loss.mask };
      return { kind: 'completion', M: M.map(rd), mask };
    }
    case 'sensing':
      return loss.sparse
        ? { kind: 'sensing', A: loss.A, y: loss.y.map(rd), sparse: { ...loss.sparse, values: loss.sparse.values.map(rd) } }
        : { kind: 'sensing', A: loss.A.map(rd), y: loss.y.map(rd) };
    case 'factored':
      return { kind: 'factored', A: loss.A.map(rd), B: loss.B.map(rd), k: loss.k };
  }
}

/** Completion's observed lists with the values rounded to the working precision (a copy). */
function roundedObserved(loss: Extract<DataLoss, { kind: 'completion' }>, rd: (x: number) => number) {
  const { index, values } = observedOf(loss);
  return { index, values: values.map(rd) };
}
