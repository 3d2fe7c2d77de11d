// Whole runs of (perturbed) gradient descent on f(X, Y) = ½‖XYᵀ − M‖², inside Wasm: JS calls this
// once per recorded chunk, never per matmul. src/backends/reference/factorization.ts is the same
// loop in plain TypeScript and defines the arithmetic order.
//
// Buffers (f64, row-major, allocated by JS through alloc()):
//   theta  [ X (n×r) | Y (m×r) ]        the iterate, updated in place
//   next   [ X⁺      | Y⁺      ]        scratch: a step is written here and copied back only if finite
//   P      [ Xp      | Yp      ]        evaluation point: theta + σ·noise (unused for plain GD)
//   work   [ Gx (r×r) | Gy (r×r) | MY (n×r) | MtX (m×r) ]
//   sched  [ scale, scaleMul ] f64      noise multiplier of σ and its per-step geometric factor
//   rng    [ x, y, z, w ] i32            xor128 state
import { gram, mulMY_MtX, perturb, sumSquares, updateFactor } from '../kernels/f64';
import { fillGaussian, rngLoad, rngStore } from '../random';

/**
 * Runs up to `steps` steps. Returns the number completed: fewer than `steps` only when the next
 * step would have produced a non-finite iterate, which is then *not* applied (theta keeps the last
 * finite state). The noise scale in sched[0] is advanced by sched[1] after every step.
 */
export function factorizationRun(
  n: i32, m: i32, r: i32,
  M: usize, theta: usize, next: usize, P: usize, work: usize, sched: usize, rng: usize,
  steps: i32, lr: f64, sigmaX: f64, sigmaY: f64,
): i32 {
  const nr = n * r;
  const total = nr + m * r;
  const Gx = work;
  const Gy = Gx + (<usize>(r * r) << 3);
  const MY = Gy + (<usize>(r * r) << 3);
  const MtX = MY + (<usize>nr << 3);
  let scale = load<f64>(sched, 0);
  const mul = load<f64>(sched, 8);
  rngLoad(rng);
  let done = 0;
  for (; done < steps; done++) {
    const sx = sigmaX * scale;
    const sy = sigmaY * scale;
    let evalX = theta;
    if (sx != 0 || sy != 0) {
      fillGaussian(P, total);
      perturb(P, theta, 0, nr, sx);
      perturb(P, theta, nr, total, sy);
      evalX = P;
    }
    const evalY = evalX + (<usize>nr << 3);
    gram(Gy, evalY, m, r);
    gram(Gx, evalX, n, r);
    mulMY_MtX(MY, MtX, M, evalX, evalY, n, m, r);
    const ssx = updateFactor(next, theta, evalX, Gy, MY, n, r, lr);
    const ssy = updateFactor(next + (<usize>nr << 3), theta + (<usize>nr << 3), evalY, Gx, MtX, m, r, lr);
    const ss = ssx + ssy;
    if (!(ss - ss == 0)) break; // NaN or ±Inf somewhere in the new iterate
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
