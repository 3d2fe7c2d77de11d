// Whole runs of (perturbed) gradient descent on f(X, Y) = ½‖XYᵀ − M‖², inside Wasm: JS calls this
// once per recorded chunk, never per matmul. src/backends/reference/factorization.ts is the same
// loop in plain TypeScript and defines the arithmetic order. T is the precision (f64 or f32): every
// buffer below holds T except `noise` and `sched`, which are f64.
//
// Buffers (row-major, allocated by JS through alloc()):
//   M, Mt  the target and its transpose (packed once: Mᵀ Xp then streams rows, not columns)
//   theta  [ X (n×r) | Y (m×r) ]        the iterate, updated in place
//   next   [ X⁺      | Y⁺      ]        scratch: a step is written here and copied back only if finite
//   P      [ Xp      | Yp      ]        evaluation point: theta + σ·noise (unused for plain GD)
//   work   [ Gx (r×r) | Gy (r×r) | MY (n×r) | MtX (m×r) ]   (MY, MtX: the "B" of descend)
//   noise  (n+m)·r f64                  f32 only: the Gaussians before rounding to f32 (0 for f64)
//   sched  [ scale, scaleMul ] f64      noise multiplier of σ and its per-step geometric factor
//   rng    16 i32                       the noise generator's four xor128 lanes (random.ts)
import { gemmNN, gemmTN } from '../kernels/gemm';
import { demote, descend, perturb, sumSquares } from '../kernels/elementwise';
import { fillGaussian } from '../random';

/**
 * Runs up to `steps` steps. Returns the number completed: fewer than `steps` only when the next
 * step would have produced a non-finite iterate, which is then *not* applied (theta keeps the last
 * finite state). The noise scale in sched[0] is advanced by sched[1] after every step (in f64);
 * σ·scale is rounded to T once per step.
 *
 * One step, with E = [Xp | Yp] the evaluation point (theta itself when there is no noise):
 *   Gy = YpᵀYp, Gx = XpᵀXp               (r×r)
 *   MY = M Yp,  MtX = Mᵀ Xp              (n×r, m×r: the 4nmr flops)
 *   next = [Xp Gy | Yp Gx]; next = theta − lr·(next − [MY | MtX])
 */
// @ts-ignore: decorator
@inline function run<T>(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64,
): i32 {
  const sh = alignof<T>();
  const nr = n * r;
  const total = nr + m * r;
  const Gx = work;
  const Gy = Gx + (<usize>(r * r) << sh);
  const B = Gy + (<usize>(r * r) << sh); // [MY | MtX], laid out like theta
  const MtX = B + (<usize>nr << sh);
  const nextY = next + (<usize>nr << sh);
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
  let done = 0;
  for (; done < steps; done++) {
    const sx = <T>(sigmaX * scale);
    const sy = <T>(sigmaY * scale);
    let Xp = theta;
    if (sx != 0 || sy != 0) {
      if (sizeof<T>() == 8) {
        fillGaussian(P, total, rng);
      } else {
        fillGaussian(noise, total, rng);
        demote(P, noise, total);
      }
      perturb<T>(P, theta, 0, nr, sx);
      perturb<T>(P, theta, nr, total, sy);
      Xp = P;
    }
    const Yp = Xp + (<usize>nr << sh);
    gemmTN<T>(Gy, r, Yp, r, Yp, r, r, r, m);
    gemmTN<T>(Gx, r, Xp, r, Xp, r, r, r, n);
    gemmNN<T>(B, r, M, m, Yp, r, n, r, m);
    gemmNN<T>(MtX, r, Mt, n, Xp, r, m, r, n);
    gemmNN<T>(next, r, Xp, r, Gy, r, n, r, r);
    gemmNN<T>(nextY, r, Yp, r, Gx, r, m, r, r);
    if (!descend<T>(next, theta, B, total, <T>lr)) break; // a NaN or ±Inf: keep the last finite state
    memory.copy(theta, next, <usize>total << sh);
    scale *= mul;
  }
  store<f64>(sched, scale, 0);
  return done;
}

export function factorizationRunF64(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64,
): i32 {
  return run<f64>(n, m, r, M, Mt, theta, next, P, work, noise, sched, rng, steps, lr, sigmaX, sigmaY);
}

export function factorizationRunF32(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, noise: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64,
): i32 {
  return run<f32>(n, m, r, M, Mt, theta, next, P, work, noise, sched, rng, steps, lr, sigmaX, sigmaY);
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
