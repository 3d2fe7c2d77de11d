// Whole runs of gradient descent on the two-factor model X Yᵀ, inside Wasm: JS calls this once per
// recorded chunk, never per matmul. src/backends/reference/factorization.ts is the same loop in
// plain TypeScript and defines the arithmetic order. T is the precision (f64 or f32): every buffer
// below holds T except `noise` and `sched`, which are f64.
//
// One step loop; the loss and where the noise goes are options of it (codes in `ext`), so plain GD,
// perturbed GD, anticorrelated perturbations and Langevin share every line but the noise placement:
//
//   noise  NOISE_EVAL    E = θ + σ·ξ_t                     (perturbed GD; plain GD when σ = 0)
//          NOISE_ANTI    E = θ + σ·(ξ_t − ξ_{t−1})         (ξ_{t−1} kept in `prev`)
//          NOISE_UPDATE  E = θ, θ⁺ = step + σ·ξ_t          (Langevin; JS passes σ = √(2η/β))
//   loss   LOSS_FULL        ½‖XYᵀ − M‖²                    (the r ≪ n, m algebra below)
//          LOSS_COMPLETION  (1/|Ω|) Σ_Ω ((XYᵀ)_ij − M_ij)²  (weights = 2/|Ω| on Ω, 0 elsewhere)
//          LOSS_SENSING     ½ Σ_i (⟨A_i, XYᵀ⟩ − y_i)²
//   plus the ridge λ(‖X‖² + ‖Y‖²) for every loss.
//   batch  0 (or ≥ nObs): the full sums above. Otherwise minibatch SGD on completion or sensing: a
//          batch B is the next entries of an epoch permutation of `obs` (observed flat indices, or
//          measurement numbers), drawn without replacement exactly as the deep model's
//          (random.ts epochStart), before the step's noise. The batch loss scales the sum so that
//          B = all gives the full loss back:
//            completion  (1/|B|) Σ_B (W_ij − M_ij)²        R = (2/|B|)(W − M) on B, 0 elsewhere
//            sensing     ½ (N/|B|) Σ_B (⟨A_i, W⟩ − y_i)²   rows of B gathered into Ab, then
//                        rv = (N/|B|)(Ab vec(W) − y_B),  vec(R) = Abᵀ rv
//
// Buffers (row-major, allocated by JS through alloc()):
//   M, Mt  the target and its transpose (packed once: Mᵀ Xp then streams rows, not columns)
//   theta  [ X (n×r) | Y (m×r) ]        the iterate, updated in place
//   next   [ X⁺      | Y⁺      ]        scratch: a step is written here and copied back only if finite
//   P      [ Xp      | Yp      ]        evaluation point (or, for Langevin, θ⁺ + σ·ξ)
//   work   [ Gx (r×r) | Gy (r×r) | MY (n×r) | MtX (m×r) ]   (MY, MtX: the "B" of descend)
//   noise  (n+m)·r f64                  f32 only: the Gaussians before rounding to f32 (0 for f64)
//   sched  [ scale, scaleMul ] f64      noise multiplier of σ and its per-step geometric factor
//   rng    16 i32                       the noise generator's four xor128 lanes (random.ts)
//   ext    EXT_WORDS i32                codes and the buffers of the other losses and noises:
//            loss, noise, N (measurements), A (N × nm), y (N), weights (nm), W (nm: E_X E_Yᵀ),
//            R (nm: ∂loss/∂W), Yt (r×m), rv (N: ⟨A_i, W⟩ − y_i), prev (ξ_{t−1}, (n+m)·r),
//            batch, obs (nObs i32), nObs, order (nObs i32), samp (1 i32: position in order),
//            Ab (batch × nm: the batch's sensing rows)
//          unused pointers are 0.
import { gemmNN, gemmTN } from '../kernels/gemm';
import {
  anticorrelate, demote, descend, descendRidge, perturb, subtract, sumSquares, transpose, weightedDiff,
} from '../kernels/elementwise';
import { sensingResidual } from '../kernels/sensing';
import { epochStart, fillGaussian } from '../random';

const LOSS_FULL = 0;
const LOSS_COMPLETION = 1;
const NOISE_ANTI = 1;
const NOISE_UPDATE = 2;
// ext word indices (src/backends/wasm/factorization.ts writes them)
const X_LOSS = 0, X_NOISE = 1, X_N = 2, X_A = 3, X_Y = 4, X_WEIGHTS = 5, X_W = 6, X_R = 7, X_YT = 8, X_RV = 9, X_PREV = 10;
const X_BATCH = 11, X_OBS = 12, X_NOBS = 13, X_ORDER = 14, X_SAMP = 15, X_AB = 16;

// @ts-ignore: decorator
@inline function word(ext: usize, i: i32): i32 {
  return load<i32>(ext + (<usize>i << 2));
}

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

/**
 * The gradient of the completion or sensing loss at E = [Xp | Yp], written to next:
 *   W = Xp Ypᵀ,  R = ∂loss/∂W,  next = [R Yp | Rᵀ Xp]
 * completion: R = weights ⊙ (W − M);  sensing: rv = A vec(W) − y, vec(R) = Aᵀ rv.
 * size > 0: only the batch's `size` indices at idx count (batchResidual).
 */
// @ts-ignore: decorator
@inline function residualGradient<T>(
  loss: i32, n: i32, m: i32, r: i32, M: usize, E: usize, next: usize, ext: usize, idx: usize, size: i32,
): void {
  const sh = alignof<T>();
  const nm = n * m;
  const Yp = E + (<usize>(n * r) << sh);
  const W = <usize>word(ext, X_W), R = <usize>word(ext, X_R), Yt = <usize>word(ext, X_YT);
  transpose<T>(Yt, Yp, m, r);
  gemmNN<T>(W, m, E, r, Yt, m, n, m, r);
  if (size > 0) {
    batchResidual<T>(loss, nm, M, W, R, ext, idx, size);
  } else if (loss == LOSS_COMPLETION) {
    weightedDiff<T>(R, <usize>word(ext, X_WEIGHTS), W, M, nm);
  } else {
    sensingResidual<T>(R, W, nm, word(ext, X_N), <usize>word(ext, X_A), <usize>word(ext, X_Y), <usize>word(ext, X_RV), 0, 0, 0);
  }
  gemmNN<T>(next, r, R, m, Yp, r, n, r, m);
  gemmTN<T>(next + (<usize>(n * r) << sh), r, R, m, E, r, m, r, n);
}

/** R = ∂(batch loss)/∂W for the batch idx[0 … size) (the table at the top of this file). */
// @ts-ignore: decorator
@inline function batchResidual<T>(loss: i32, nm: i32, M: usize, W: usize, R: usize, ext: usize, idx: usize, size: i32): void {
  const sh = alignof<T>();
  if (loss == LOSS_COMPLETION) {
    memory.fill(R, 0, <usize>nm << sh);
    const c = <T>(2.0 / <f64>size);
    for (let t = 0; t < size; t++) {
      const e = <usize>load<i32>(idx + (<usize>t << 2)) << sh;
      store<T>(R + e, c * (load<T>(W + e) - load<T>(M + e)));
    }
    return;
  }
  sensingResidual<T>(
    R, W, nm, word(ext, X_N), <usize>word(ext, X_A), <usize>word(ext, X_Y), <usize>word(ext, X_RV), <usize>word(ext, X_AB), idx, size,
  );
}

/**
 * Runs up to `steps` steps. Returns the number completed: fewer than `steps` only when the next
 * step would have produced a non-finite iterate, which is then *not* applied (theta keeps the last
 * finite state). The noise scale in sched[0] is advanced by sched[1] after every step (in f64);
 * σ·scale is rounded to T once per step, and 2λ once per call.
 *
 * One full-target step, with E = [Xp | Yp] the evaluation point (theta itself without noise):
 *   Gy = YpᵀYp, Gx = XpᵀXp               (r×r)
 *   MY = M Yp,  MtX = Mᵀ Xp              (n×r, m×r: the 4nmr flops)
 *   next = [Xp Gy | Yp Gx]; next = theta − lr·(next − [MY | MtX])
 * With a ridge, or another loss, the gradient g is formed first and next = theta − lr·(g + 2λ·theta).
 * Minibatch SGD (ext batch in 1 … nObs − 1) draws each step's batch before its noise; the position
 * in the epoch lives in samp, so a chunked run continues the same epoch. A step that is not
 * applied keeps its batch drawn (as in the deep model).
 */
// @ts-ignore: decorator
@inline function run<T>(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64, ext: usize, lambda: f64,
): i32 {
  const sh = alignof<T>();
  const nr = n * r;
  const total = nr + m * r;
  const Gx = work;
  const Gy = Gx + (<usize>(r * r) << sh);
  const B = Gy + (<usize>(r * r) << sh); // [MY | MtX], laid out like theta
  const MtX = B + (<usize>nr << sh);
  const nextY = next + (<usize>nr << sh);
  const loss = word(ext, X_LOSS);
  const placement = word(ext, X_NOISE);
  const prev = <usize>word(ext, X_PREV);
  const tl = <T>(2 * lambda);
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
  const batch = word(ext, X_BATCH), nObs = word(ext, X_NOBS);
  const obs = <usize>word(ext, X_OBS), order = <usize>word(ext, X_ORDER), samp = <usize>word(ext, X_SAMP);
  const batched = batch > 0 && batch < nObs;
  let pos = batched ? load<i32>(samp) : 0;
  let done = 0;
  for (; done < steps; done++) {
    let idx: usize = 0;
    let size = 0; // 0: the full sum
    if (batched) {
      pos = epochStart(order, obs, nObs, pos, rng);
      size = min(batch, nObs - pos);
      idx = order + (<usize>pos << 2);
      pos += size;
    }
    const sx = <T>(sigmaX * scale);
    const sy = <T>(sigmaY * scale);
    const noisy = sx != 0 || sy != 0;
    let Xp = theta;
    if (noisy && placement != NOISE_UPDATE) {
      draw<T>(P, noise, total, rng);
      if (placement == NOISE_ANTI) anticorrelate<T>(P, prev, total);
      perturb<T>(P, theta, 0, nr, sx);
      perturb<T>(P, theta, nr, total, sy);
      Xp = P;
    }
    let finite: i32;
    if (loss == LOSS_FULL) {
      const Yp = Xp + (<usize>nr << sh);
      gemmTN<T>(Gy, r, Yp, r, Yp, r, r, r, m);
      gemmTN<T>(Gx, r, Xp, r, Xp, r, r, r, n);
      gemmNN<T>(B, r, M, m, Yp, r, n, r, m);
      gemmNN<T>(MtX, r, Mt, n, Xp, r, m, r, n);
      gemmNN<T>(next, r, Xp, r, Gy, r, n, r, r);
      gemmNN<T>(nextY, r, Yp, r, Gx, r, m, r, r);
      if (tl == 0) {
        finite = descend<T>(next, theta, B, total, <T>lr);
      } else {
        subtract<T>(next, next, B, total);
        finite = descendRidge<T>(next, theta, next, total, <T>lr, tl);
      }
    } else {
      residualGradient<T>(loss, n, m, r, M, Xp, next, ext, idx, size);
      finite = descendRidge<T>(next, theta, next, total, <T>lr, tl);
    }
    if (!finite) break; // a NaN or ±Inf: keep the last finite state
    if (noisy && placement == NOISE_UPDATE) {
      draw<T>(P, noise, total, rng);
      if (!(perturb<T>(P, next, 0, nr, sx) & perturb<T>(P, next, nr, total, sy))) break;
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

export function factorizationRunF64(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64, ext: usize, lambda: f64,
): i32 {
  return run<f64>(n, m, r, M, Mt, theta, next, P, work, noise, sched, rng, steps, lr, sigmaX, sigmaY, ext, lambda);
}

export function factorizationRunF32(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64, ext: usize, lambda: f64,
): i32 {
  return run<f32>(n, m, r, M, Mt, theta, next, P, work, noise, sched, rng, steps, lr, sigmaX, sigmaY, ext, lambda);
}

/** ½‖XYᵀ − M‖² in f64, entries in row-major order (a report; the step never needs it). */
// @ts-ignore: decorator
@inline function loss<T>(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  const sh = alignof<T>();
  const Y = theta + (<usize>(n * r) << sh);
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let xy: f64 = 0;
      for (let c = 0; c < r; c++) {
        xy += <f64>load<T>(theta + (<usize>(i * r + c) << sh)) * <f64>load<T>(Y + (<usize>(j * r + c) << sh));
      }
      const d = xy - <f64>load<T>(M + (<usize>(i * m + j) << sh));
      s += d * d;
    }
  }
  return 0.5 * s;
}

export function factorizationLossF64(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  return loss<f64>(n, m, r, M, theta);
}

export function factorizationLossF32(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  return loss<f32>(n, m, r, M, theta);
}

export function sumSquaresF64(p: usize, len: i32): f64 {
  return sumSquares<f64>(p, len);
}

export function sumSquaresF32(p: usize, len: i32): f64 {
  return sumSquares<f32>(p, len);
}
