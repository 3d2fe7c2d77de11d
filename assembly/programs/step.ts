// The step skeleton: whole runs of gradient descent inside Wasm for every model, loss and noise
// kind. JS calls stepRun once per recorded chunk, never per matmul. src/backends/reference/step.ts
// is the same loop in plain TypeScript and defines the arithmetic order; the session descriptor S
// (../session.ts) names the buffers. T is the precision (f64 or f32).
//
// One step:
//   1 batch     batch in 1 … NOBS − 1: the next min(batch, NOBS − pos) entries of ORDER, an epoch
//               permutation of OBS redrawn when used up (random.ts epochStart; pos lives in SAMP,
//               so a chunked run continues the epoch). Otherwise the full sums; nothing drawn.
//   2 noise     s_b = T(σ_b·a) for each block b (SIGMA), a = scale (SCHED[0]), or for annealed noise
//               a = scale·(1 + t)^(−γ/2) by detExp/detLog (γ = SCHED[3], t = SCHED[4] + steps done).
//               If some s_b ≠ 0:
//                 NOISE_PERTURBED       ξ_t = fillGaussian over all of θ (f32: drawn in f64 into
//                                       NOISE, then rounded); E = θ + s_b·ξ_t (./draw.ts, which
//                                       splits the draw over the pool in the threads build)
//                 NOISE_ANTICORRELATED  E = θ + s_b·(ξ_t − ξ_{t−1})     (ξ_{t−1} in PREV)
//                 NOISE_LANGEVIN        E = θ; its noise comes in 5
//                 NOISE_SAM, NOISE_ASAM g = the data gradient at θ on the same batch (into P, as 3
//                                       computes it; no ridge), u = ascent(g) (SAM g/‖g‖, ASAM
//                                       |θ|²⊙g/‖|θ|⊙g‖; ‖·‖ summed in f64, k ascending), E = θ + s_b·u
//                 NOISE_LABEL           E = θ; fresh ξ, one per target of the batch (batch order;
//                                       the full sums: every observed entry / y_i, every M entry for
//                                       `full`), into LNOISE; target_e = clean_e + T(s_0)·T(ξ) (M and
//                                       Mᵀ, or Y), put back to LCLEAN after 3
//                 NOISE_ANNEALED        E = θ; its noise comes in 5
//               else E = θ (plain GD / SGD).
//   3 gradient  the model at E into NEXT: W = forward(E), R = ∂ℓ/∂W on the batch (../losses.ts),
//               NEXT = backward(E, R) — ../models/factorization.ts, ../models/deepLinear.ts, ../models/symmetric.ts. The
//               two-factor full target takes its fast path instead: NEXT = [Xp Gy | Yp Gx], ∇ = NEXT − B
//               (a factored target M = A Bᵀ computes B through the factors: ../models/factored.ts);
//               two-factor completion works from the observed lists (../models/sparseCompletion.ts), the
//               deep model's completion too (../models/deepSparse.ts: no W, no R), and a
//               minibatch of it without ridge (lr > 0), with no noise or perturbed noise, steps only the
//               batch's rows of X and Y (sparseBatchStep: the other entries' step is θ exactly).
//   4 descent   NEXT = θ − T(η)·(∇ + T(2λ)·θ), the ridge at θ (./descent.ts; the fast path without
//               ridge fuses ∇ = NEXT − B into `descend`). Not applied if some entry is not finite:
//               θ keeps the last finite state and the run returns early (the step's batch stays
//               drawn). Applied, θ and NEXT swap roles; the call's last θ is copied to THETA once.
//   5 update    NOISE_LANGEVIN, NOISE_ANNEALED: θ⁺ = NEXT + s_b·ξ_t with a fresh ξ_t (not applied if
//               not finite).
//   then scale ← scale·scaleMul in f64 (SCHED[0] holds the next step's scale on return).
//
// Cost of the generality, measured against the two hand-inlined loops this replaced (paired CPU
// time, 15 repeats, Node 20): the main job's 30×20 r3 perturbed-GD step 1.6 µs f64 / 2.1 µs f32 and
// D2's SGD batch-1 step 5.3 µs, each within ±2% of before — the descriptor loads and the model
// calls are a few dozen instructions a step. Measured and dropped: @inline on the model and loss
// functions (one huge function per T) made the f64 perturbed step ≈20% slower on V8.
// The seekers at 30×20 r3, full target (median µs/step of 15 interleaved runs on a loaded 2-core
// machine, f64 / f32): GD 2.7 / 3.7, perturbed 5.0 / 6.2, SAM 5.4 / 7.6, ASAM 5.4 / 7.0 (a second
// gradient: ≈2× GD), annealed 5.7 / 5.9, label 25 / 23 (600 Gaussians for the 600 entries of M,
// against 150 for θ, and the Mᵀ scatter); on half-observed completion label costs 9.3 / 6.7.
//
// Adding a noise kind: its name in src/backends/types.ts (noiseKinds: the index is the code), its
// code and lines in steps 2 or 5 here, and the twin lines in src/backends/reference/step.ts.
import { anticorrelate, subtract, sumSquares } from '../kernels/elementwise';
import { residual } from '../losses';
import { deepBackward, deepEndToEnd, deepForward } from '../models/deepLinear';
import { deepSparseGradient } from '../models/deepSparse';
import { symmetricBackward, symmetricForward } from '../models/symmetric';
import { twoFactorBackward, twoFactorForward, twoFactorFullLoss, twoFactorFullTarget } from '../models/factorization';
import { twoFactorFactoredTarget } from '../models/factored';
import { labelPosition, sparseBatchStep, sparseGradient } from '../models/sparseCompletion';
import { epochStart, fillGaussian } from '../random';
import { DESCEND_FAST, DESCEND_FAST_RIDGE, DESCEND_RIDGE, descent } from './descent';
import { DRAW_ONLY, DRAW_PERTURB, drawNoise, perturbBlocks } from './draw';
import { detExp, detLog } from '../detmath';
import {
  LOSS_COMPLETION, LOSS_FACTORED, LOSS_FULL, LOSS_SENSING, MODEL_DEEP_LINEAR, MODEL_SYMMETRIC, MODEL_TWO_FACTOR, S_BLOCKS, S_CVAL, S_DIMS, S_LCLEAN, S_LNOISE, S_LOSS, S_M, S_MODEL, S_MT, S_NBLOCKS,
  S_NEXT, S_NM, S_NOBS, S_OBS, S_ORDER, S_P, S_PREV, S_RNG, S_SAMP, S_SCHED, S_SIGMA, S_THETA, S_W, S_Y, i32At, ptr, word,
} from '../session';

// Noise kinds: the index of the name in src/backends/types.ts noiseKinds. NOISE_PERTURBED = 0
// needs no branch of its own in the general step: it is the evaluation point every kind but
// Langevin starts from (the sparse batch step names it).
const NOISE_PERTURBED = 0;
const NOISE_ANTICORRELATED = 1;
const NOISE_LANGEVIN = 2;
const NOISE_SAM = 3;
const NOISE_ASAM = 4;
const NOISE_LABEL = 5;
const NOISE_ANNEALED = 6;

/** The two-factor full target's fast path, M dense or factored (LOSS_FACTORED: M = A Bᵀ, ../models/factored.ts). */
// @ts-ignore: decorator
@inline function fullTarget<T>(S: usize, E: usize, out: usize): usize {
  return word(S, S_LOSS) == LOSS_FACTORED ? twoFactorFactoredTarget<T>(S, E, out) : twoFactorFullTarget<T>(S, E, out);
}

/** The data gradient at E on the batch into out (the fast path: out − B), as step 3 computes it. */
// @ts-ignore: decorator
@inline function gradient<T>(S: usize, E: usize, idx: usize, size: i32, out: usize, total: i32, twoFactor: bool, fast: bool, sparse: bool, deepSparse: bool): void {
  if (fast) {
    const B = fullTarget<T>(S, E, out);
    subtract<T>(out, out, B, total);
  } else if (sparse) sparseGradient<T>(S, E, idx, size, out);
  else if (deepSparse) deepSparseGradient<T>(S, E, idx, size, out);
  else if (twoFactor) twoFactorBackward<T>(S, E, residual<T>(S, twoFactorForward<T>(S, E), idx, size), out);
  else deepBackward<T>(S, E, residual<T>(S, deepForward<T>(S, E), idx, size), out);
}

/**
 * SAM's and ASAM's unit ascent direction into P, which holds g = ∇f(θ) on the batch:
 *   sam   u = T(1/‖g‖)·g
 *   asam  w = T(|θ|·g), u = T(1/‖w‖)·T(|θ|·w)      (= |θ|²⊙g/‖|θ|⊙g‖)
 * ‖·‖ = √(Σ f64(v_k)²), k ascending in f64; a zero norm gives u = 0 (E = θ).
 */
// @ts-ignore: decorator
@inline function ascent<T>(P: usize, theta: usize, total: i32, adaptive: bool): void {
  const sh = alignof<T>();
  if (adaptive) for (let k = 0; k < total; k++) {
    const e = <usize>k << sh;
    store<T>(P + e, <T>abs<T>(load<T>(theta + e)) * load<T>(P + e));
  }
  const n2 = sumSquares<T>(P, total);
  const c = n2 == 0 ? <T>0 : <T>(1 / Math.sqrt(n2));
  for (let k = 0; k < total; k++) {
    const e = <usize>k << sh;
    const v = adaptive ? <T>(<T>abs<T>(load<T>(theta + e)) * load<T>(P + e)) : load<T>(P + e);
    store<T>(P + e, v * c);
  }
}

/**
 * Label noise: the step's targets (M, and Mᵀ for the two-factor full target; y for sensing) get
 * T(s)·T(ξ_t) on the batch's entries (in batch order; the full sums: every observed entry, every
 * M entry for `full`, every y_i) with fresh ξ_t; restore = true puts the clean targets back.
 */
// @ts-ignore: decorator
@inline function labels<T>(S: usize, idx: usize, size: i32, s: T, restore: bool): void {
  const sh = alignof<T>();
  const loss = word(S, S_LOSS);
  const full = loss == LOSS_FULL;
  const count = size > 0 ? size : full ? word(S, S_NM) : word(S, S_NOBS);
  const sparse = ptr(S, S_CVAL) != 0; // completion from the observed lists: the targets by position in them
  const tgt = loss == LOSS_SENSING ? ptr(S, S_Y) : sparse ? ptr(S, S_CVAL) : ptr(S, S_M);
  const clean = ptr(S, S_LCLEAN), xi = ptr(S, S_LNOISE), mt = ptr(S, S_MT);
  const list = size > 0 ? idx : ptr(S, S_OBS);
  if (!restore) fillGaussian(xi, count, ptr(S, S_RNG));
  const cols = mt != 0 ? i32At(ptr(S, S_DIMS), 1) : 1;
  const rows = mt != 0 ? i32At(ptr(S, S_DIMS), 0) : 1;
  for (let t = 0; t < count; t++) {
    const e = sparse ? labelPosition(list, t, size > 0) : size == 0 && full ? t : load<i32>(list + (<usize>t << 2));
    const v: T = restore ? load<T>(clean + (<usize>e << sh)) : load<T>(clean + (<usize>e << sh)) + s * <T>load<f64>(xi + (<usize>t << 3));
    store<T>(tgt + (<usize>e << sh), v);
    if (mt != 0) store<T>(mt + (<usize>((e % cols) * rows + e / cols) << sh), v);
  }
}

/** Annealed noise's factor (1 + t)^(−γ/2) = exp(−γ/2 · log(1 + t)), by the deterministic exp and log. */
// @ts-ignore: decorator
@inline function anneal(gamma: f64, t: f64): f64 {
  return detExp(-0.5 * gamma * detLog(1 + t));
}

/** Whether some block's T(σ_b·scale) is nonzero (then the step draws noise). */
// @ts-ignore: decorator
@inline function anyNoise<T>(sigma: usize, nb: i32, scale: f64): bool {
  for (let b = 0; b < nb; b++) if (<T>(load<f64>(sigma + (<usize>b << 3)) * scale) != 0) return true;
  return false;
}

/**
 * Runs up to `steps` steps of the session S with step size lr, minibatch `batch` (0: the full sums)
 * and noise kind `kind`; returns the number completed (fewer only when the next step would make θ
 * non-finite).
 */
// @ts-ignore: decorator
@inline function run<T>(S: usize, steps: i32, lr: f64, batch: i32, kind: i32): i32 {
  const sh = alignof<T>();
  const nb = word(S, S_NBLOCKS);
  const blocks = ptr(S, S_BLOCKS);
  const total = i32At(blocks, nb);
  let theta = ptr(S, S_THETA), next = ptr(S, S_NEXT);
  const P = ptr(S, S_P), prev = ptr(S, S_PREV);
  const sigma = ptr(S, S_SIGMA), rng = ptr(S, S_RNG), sched = ptr(S, S_SCHED);
  const twoFactor = word(S, S_MODEL) == MODEL_TWO_FACTOR;
  const symmetric = word(S, S_MODEL) == MODEL_SYMMETRIC;
  const fast = twoFactor && (word(S, S_LOSS) == LOSS_FULL || word(S, S_LOSS) == LOSS_FACTORED);
  const sparse = twoFactor && word(S, S_LOSS) == LOSS_COMPLETION;
  const deepSparse = word(S, S_MODEL) == MODEL_DEEP_LINEAR && word(S, S_LOSS) == LOSS_COMPLETION;
  const lrT = <T>lr;
  const tl = <T>(2 * load<f64>(sched, 16));
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
  const gamma = load<f64>(sched, 24), t0 = load<f64>(sched, 32);
  const sam = kind == NOISE_SAM || kind == NOISE_ASAM;
  const update = kind == NOISE_LANGEVIN || kind == NOISE_ANNEALED;
  const nObs = word(S, S_NOBS);
  const obs = ptr(S, S_OBS), order = ptr(S, S_ORDER), samp = ptr(S, S_SAMP);
  const batched = batch > 0 && batch < nObs && order != 0;
  let pos = batched ? load<i32>(samp) : 0;
  let done = 0;
  for (; done < steps; done++) {
    // 1 batch: `size` indices at idx (size 0: the full sums)
    let idx: usize = 0;
    let size = 0;
    if (batched) {
      pos = epochStart(order, sparse || deepSparse ? 0 : obs, nObs, pos, rng); // the observed lists: ORDER holds positions in OBS
      size = min(batch, nObs - pos);
      idx = order + (<usize>pos << 2);
      pos += size;
    }
    // 2 noise
    const amp = kind == NOISE_ANNEALED ? scale * anneal(gamma, t0 + <f64>done) : scale;
    const noisy = anyNoise<T>(sigma, nb, amp);
    if (sparse && size > 0 && tl == 0 && lrT > 0 && (!noisy || kind == NOISE_PERTURBED)) {
      // only the batch's rows change (../models/sparseCompletion.ts says why that is the same bits)
      if (noisy) drawNoise<T>(S, 0, amp, DRAW_ONLY);
      if (!sparseBatchStep<T>(S, theta, next, idx, size, noisy, amp, lrT, tl)) break;
      scale *= mul;
      continue;
    }
    let E = theta;
    const label = noisy && kind == NOISE_LABEL;
    if (label) {
      labels<T>(S, idx, size, <T>(load<f64>(sigma) * amp), false);
    } else if (noisy && sam) {
      gradient<T>(S, theta, idx, size, P, total, twoFactor, fast, sparse, deepSparse);
      ascent<T>(P, theta, total, kind == NOISE_ASAM);
      perturbBlocks<T>(S, theta, 0, total, amp);
      E = P;
    } else if (noisy && kind == NOISE_ANTICORRELATED) {
      drawNoise<T>(S, 0, amp, DRAW_ONLY);
      anticorrelate<T>(P, prev, total);
      perturbBlocks<T>(S, theta, 0, total, amp); // a non-finite E makes a non-finite step: caught below
      E = P;
    } else if (noisy && !update) {
      drawNoise<T>(S, theta, amp, DRAW_PERTURB); // as above: a non-finite E is caught below
      E = P;
    }
    // 3 gradient and 4 descent
    let finite: i32;
    if (fast) {
      const B = fullTarget<T>(S, E, next);
      finite = descent<T>(S, tl == 0 ? DESCEND_FAST : DESCEND_FAST_RIDGE, theta, next, B, total, lrT, tl);
    } else {
      if (sparse) sparseGradient<T>(S, E, idx, size, next);
      else if (deepSparse) deepSparseGradient<T>(S, E, idx, size, next);
      else if (twoFactor) twoFactorBackward<T>(S, E, residual<T>(S, twoFactorForward<T>(S, E), idx, size), next);
      else if (symmetric) symmetricBackward<T>(S, E, residual<T>(S, symmetricForward<T>(S, E), idx, size), next);
      else deepBackward<T>(S, E, residual<T>(S, deepForward<T>(S, E), idx, size), next);
      finite = descent<T>(S, DESCEND_RIDGE, theta, next, 0, total, lrT, tl);
    }
    if (label) labels<T>(S, idx, size, <T>0, true);
    if (!finite) break; // a NaN or ±Inf: keep the last finite state
    // 5 update noise
    if (noisy && update) {
      if (!drawNoise<T>(S, next, amp, DRAW_PERTURB)) break;
      memory.copy(theta, P, <usize>total << sh);
    } else {
      const t = theta; // θ⁺ is in next: the two buffers change roles (no copy a step)
      theta = next;
      next = t;
    }
    scale *= mul;
  }
  if (theta != ptr(S, S_THETA)) memory.copy(ptr(S, S_THETA), theta, <usize>total << sh); // once a call
  store<f64>(sched, scale, 0);
  if (batched) store<i32>(samp, pos);
  return done;
}

export function stepRunF64(S: usize, steps: i32, lr: f64, batch: i32, kind: i32): i32 {
  return run<f64>(S, steps, lr, batch, kind);
}

export function stepRunF32(S: usize, steps: i32, lr: f64, batch: i32, kind: i32): i32 {
  return run<f32>(S, steps, lr, batch, kind);
}

/**
 * W at θ by the step's own forward pass (same bits); returns its byte pointer. Deep completion from
 * the observed lists has no W in its WORK: JS lends it a W buffer (word W) for the call. The
 * two-factor one has none either: src/backends/wasm/session.ts forms its W in TS.
 */
// @ts-ignore: decorator
@inline function endToEnd<T>(S: usize): usize {
  const theta = ptr(S, S_THETA);
  const model = word(S, S_MODEL);
  if (model == MODEL_SYMMETRIC) return symmetricForward<T>(S, theta);
  if (model == MODEL_DEEP_LINEAR && word(S, S_LOSS) == LOSS_COMPLETION) return deepEndToEnd<T>(S, theta, ptr(S, S_W));
  return model == MODEL_TWO_FACTOR ? twoFactorForward<T>(S, theta) : deepForward<T>(S, theta);
}

export function endToEndF64(S: usize): usize {
  return endToEnd<f64>(S);
}

export function endToEndF32(S: usize): usize {
  return endToEnd<f32>(S);
}

export function factorizationLossF64(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  return twoFactorFullLoss<f64>(n, m, r, M, theta);
}

export function factorizationLossF32(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  return twoFactorFullLoss<f32>(n, m, r, M, theta);
}

export function sumSquaresF64(p: usize, len: i32): f64 {
  return sumSquares<f64>(p, len);
}

export function sumSquaresF32(p: usize, len: i32): f64 {
  return sumSquares<f32>(p, len);
}
