// The step skeleton: whole runs of gradient descent inside Wasm for every model, loss and noise
// kind. JS calls stepRun once per recorded chunk, never per matmul. src/backends/reference/step.ts
// is the same loop in plain TypeScript and defines the arithmetic order; the session descriptor S
// (../session.ts) names the buffers. T is the precision (f64 or f32).
//
// One step:
//   1 batch     batch in 1 … NOBS − 1: the next min(batch, NOBS − pos) entries of ORDER, an epoch
//               permutation of OBS redrawn when used up (random.ts epochStart; pos lives in SAMP,
//               so a chunked run continues the epoch). Otherwise the full sums; nothing drawn.
//   2 noise     s_b = T(σ_b·scale) for each block b (SIGMA, SCHED[0]). If some s_b ≠ 0: ξ_t =
//               fillGaussian over all of θ (f32: drawn in f64 into NOISE, then rounded) and
//                 NOISE_PERTURBED       E = θ + s_b·ξ_t
//                 NOISE_ANTICORRELATED  E = θ + s_b·(ξ_t − ξ_{t−1})     (ξ_{t−1} in PREV)
//                 NOISE_LANGEVIN        E = θ; its noise comes in 5
//               else E = θ (plain GD / SGD).
//   3 gradient  the model at E into NEXT: W = forward(E), R = ∂ℓ/∂W on the batch (../losses.ts),
//               NEXT = backward(E, R) — ../models/factorization.ts, ../models/deepLinear.ts, ../models/symmetric.ts. The
//               two-factor full target takes its fast path instead: NEXT = [Xp Gy | Yp Gx], ∇ = NEXT − B.
//   4 descent   NEXT = θ − T(η)·(∇ + T(2λ)·θ), the ridge at θ (kernels/elementwise.ts descendRidge;
//               the fast path without ridge fuses ∇ = NEXT − B into `descend`). Not applied if some
//               entry is not finite: θ keeps the last finite state and the run returns early (the
//               step's batch stays drawn).
//   5 update    NOISE_LANGEVIN: θ⁺ = NEXT + s_b·ξ_t with a fresh ξ_t (not applied if not finite).
//   then scale ← scale·scaleMul in f64 (SCHED[0] holds the next step's scale on return).
//
// Cost of the generality, measured against the two hand-inlined loops this replaced (paired CPU
// time, 15 repeats, Node 20): the main job's 30×20 r3 perturbed-GD step 1.6 µs f64 / 2.1 µs f32 and
// D2's SGD batch-1 step 5.3 µs, each within ±2% of before — the descriptor loads and the model
// calls are a few dozen instructions a step. Measured and dropped: @inline on the model and loss
// functions (one huge function per T) made the f64 perturbed step ≈20% slower on V8.
//
// Adding a noise kind: its name in src/backends/types.ts (noiseKinds: the index is the code), its
// code and lines in steps 2 or 5 here, and the twin lines in src/backends/reference/step.ts.
import { anticorrelate, demote, descend, descendRidge, perturb, subtract, sumSquares } from '../kernels/elementwise';
import { residual } from '../losses';
import { deepBackward, deepForward } from '../models/deepLinear';
import { symmetricBackward, symmetricForward } from '../models/symmetric';
import { twoFactorBackward, twoFactorForward, twoFactorFullLoss, twoFactorFullTarget } from '../models/factorization';
import { epochStart, fillGaussian } from '../random';
import {
  LOSS_FULL, MODEL_SYMMETRIC, MODEL_TWO_FACTOR, S_BLOCKS, S_LOSS, S_MODEL, S_NBLOCKS, S_NEXT, S_NOBS,
  S_NOISE, S_OBS, S_ORDER, S_P, S_PREV, S_RNG, S_SAMP, S_SCHED, S_SIGMA, S_THETA, i32At, ptr, word,
} from '../session';

// Noise kinds: the index of the name in src/backends/types.ts noiseKinds. NOISE_PERTURBED = 0
// needs no branch of its own: it is the evaluation point every kind but Langevin starts from.
const NOISE_ANTICORRELATED = 1;
const NOISE_LANGEVIN = 2;

/** total standard normals into P, in T (f32: drawn in f64 into `noise`, then rounded). */
// @ts-ignore: decorator
@inline function draw<T>(P: usize, noise: usize, total: i32, rng: usize): void {
  if (sizeof<T>() == 8) {
    fillGaussian(P, total, rng);
  } else {
    fillGaussian(noise, total, rng);
    demote(P, noise, total);
  }
}

/** Whether some block's T(σ_b·scale) is nonzero (then the step draws noise). */
// @ts-ignore: decorator
@inline function anyNoise<T>(sigma: usize, nb: i32, scale: f64): bool {
  for (let b = 0; b < nb; b++) if (<T>(load<f64>(sigma + (<usize>b << 3)) * scale) != 0) return true;
  return false;
}

/** P = base + T(σ_b·scale)·P on each block (P holds standard normals); false if some entry is not finite. */
// @ts-ignore: decorator
@inline function perturbBlocks<T>(P: usize, base: usize, blocks: usize, nb: i32, sigma: usize, scale: f64): bool {
  let finite = 1;
  for (let b = 0; b < nb; b++) {
    const s = <T>(load<f64>(sigma + (<usize>b << 3)) * scale);
    finite &= perturb<T>(P, base, i32At(blocks, b), i32At(blocks, b + 1), s);
  }
  return finite != 0;
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
  const theta = ptr(S, S_THETA), next = ptr(S, S_NEXT), P = ptr(S, S_P), noise = ptr(S, S_NOISE), prev = ptr(S, S_PREV);
  const sigma = ptr(S, S_SIGMA), rng = ptr(S, S_RNG), sched = ptr(S, S_SCHED);
  const twoFactor = word(S, S_MODEL) == MODEL_TWO_FACTOR;
  const symmetric = word(S, S_MODEL) == MODEL_SYMMETRIC;
  const fast = twoFactor && word(S, S_LOSS) == LOSS_FULL;
  const lrT = <T>lr;
  const tl = <T>(2 * load<f64>(sched, 16));
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
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
      pos = epochStart(order, obs, nObs, pos, rng);
      size = min(batch, nObs - pos);
      idx = order + (<usize>pos << 2);
      pos += size;
    }
    // 2 noise
    const noisy = anyNoise<T>(sigma, nb, scale);
    let E = theta;
    if (noisy && kind != NOISE_LANGEVIN) {
      draw<T>(P, noise, total, rng);
      if (kind == NOISE_ANTICORRELATED) anticorrelate<T>(P, prev, total);
      perturbBlocks<T>(P, theta, blocks, nb, sigma, scale); // a non-finite E makes a non-finite step: caught below
      E = P;
    }
    // 3 gradient and 4 descent
    let finite: i32;
    if (fast) {
      const B = twoFactorFullTarget<T>(S, E, next);
      if (tl == 0) {
        finite = descend<T>(next, theta, B, total, lrT);
      } else {
        subtract<T>(next, next, B, total);
        finite = descendRidge<T>(next, theta, next, total, lrT, tl);
      }
    } else {
      if (twoFactor) twoFactorBackward<T>(S, E, residual<T>(S, twoFactorForward<T>(S, E), idx, size), next);
      else if (symmetric) symmetricBackward<T>(S, E, residual<T>(S, symmetricForward<T>(S, E), idx, size), next);
      else deepBackward<T>(S, E, residual<T>(S, deepForward<T>(S, E), idx, size), next);
      finite = descendRidge<T>(next, theta, next, total, lrT, tl);
    }
    if (!finite) break; // a NaN or ±Inf: keep the last finite state
    // 5 update noise
    if (noisy && kind == NOISE_LANGEVIN) {
      draw<T>(P, noise, total, rng);
      if (!perturbBlocks<T>(P, next, blocks, nb, sigma, scale)) break;
      memory.copy(theta, P, <usize>total << sh);
    } else {
      memory.copy(theta, next, <usize>total << sh);
    }
    scale *= mul;
  }
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

/** W at θ by the step's own forward pass (same bits); returns its byte pointer. */
// @ts-ignore: decorator
@inline function endToEnd<T>(S: usize): usize {
  const theta = ptr(S, S_THETA);
  const model = word(S, S_MODEL);
  if (model == MODEL_SYMMETRIC) return symmetricForward<T>(S, theta);
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
