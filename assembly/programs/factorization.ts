// Whole runs of (perturbed) gradient descent on f(X, Y) = ½‖XYᵀ − M‖², inside Wasm: JS calls this
// once per recorded chunk, never per matmul. src/backends/reference/factorization.ts is the same
// loop in plain TypeScript and defines the arithmetic order.
//
// Buffers (f64, row-major, allocated by JS through alloc()):
//   M, Mt  the target and its transpose (packed once: Mᵀ Xp then streams rows, not columns)
//   theta  [ X (n×r) | Y (m×r) ]        the iterate, updated in place
//   next   [ X⁺      | Y⁺      ]        scratch: a step is written here and copied back only if finite
//   P      [ Xp      | Yp      ]        evaluation point: theta + σ·noise (unused for plain GD)
//   work   [ Gx (r×r) | Gy (r×r) | MY (n×r) | MtX (m×r) ]   (MY, MtX: the "B" of descend)
//   sched  [ scale, scaleMul ] f64      noise multiplier of σ and its per-step geometric factor
//   rng    [ x, y, z, w ] i32            xor128 state
import { gemmNN, gemmTN } from '../kernels/gemm';
import { descend, perturb, sumSquares } from '../kernels/f64';
import { fillGaussian, rngLoad, rngStore } from '../random';

/**
 * Runs up to `steps` steps. Returns the number completed: fewer than `steps` only when the next
 * step would have produced a non-finite iterate, which is then *not* applied (theta keeps the last
 * finite state). The noise scale in sched[0] is advanced by sched[1] after every step.
 *
 * One step, with E = [Xp | Yp] the evaluation point (theta itself when there is no noise):
 *   Gy = YpᵀYp, Gx = XpᵀXp               (r×r)
 *   MY = M Yp,  MtX = Mᵀ Xp              (n×r, m×r: the 4nmr flops)
 *   next = [Xp Gy | Yp Gx]; next = theta − lr·(next − [MY | MtX])
 */
export function factorizationRun(
  n: i32, m: i32, r: i32,
  M: usize, Mt: usize, theta: usize, next: usize, P: usize, work: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64,
): i32 {
  const nr = n * r;
  const total = nr + m * r;
  const Gx = work;
  const Gy = Gx + (<usize>(r * r) << 3);
  const B = Gy + (<usize>(r * r) << 3); // [MY | MtX], laid out like theta
  const MtX = B + (<usize>nr << 3);
  const nextY = next + (<usize>nr << 3);
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
  rngLoad(rng);
  let done = 0;
  for (; done < steps; done++) {
    const sx = sigmaX * scale;
    const sy = sigmaY * scale;
    let Xp = theta;
    if (sx != 0 || sy != 0) {
      fillGaussian(P, total);
      perturb(P, theta, 0, nr, sx);
      perturb(P, theta, nr, total, sy);
      Xp = P;
    }
    const Yp = Xp + (<usize>nr << 3);
    gemmTN(Gy, r, Yp, r, Yp, r, r, r, m);
    gemmTN(Gx, r, Xp, r, Xp, r, r, r, n);
    gemmNN(B, r, M, m, Yp, r, n, r, m);
    gemmNN(MtX, r, Mt, n, Xp, r, m, r, n);
    gemmNN(next, r, Xp, r, Gy, r, n, r, r);
    gemmNN(nextY, r, Yp, r, Gx, r, m, r, r);
    if (!descend(next, theta, B, total, lr)) break; // a NaN or ±Inf: keep the last finite state
    memory.copy(theta, next, <usize>total << 3);
    scale *= mul;
  }
  store<f64>(sched, scale, 0);
  rngStore(rng);
  return done;
}

/** ½‖XYᵀ − M‖², entries in row-major order (a report; the step never needs it). */
export function factorizationLoss(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
  const Y = theta + (<usize>(n * r) << 3);
  let s: f64 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let xy: f64 = 0;
      for (let c = 0; c < r; c++) {
        xy += load<f64>(theta + (<usize>(i * r + c) << 3)) * load<f64>(Y + (<usize>(j * r + c) << 3));
      }
      const d = xy - load<f64>(M + (<usize>(i * m + j) << 3));
      s += d * d;
    }
  }
  return 0.5 * s;
}

export { sumSquares };
