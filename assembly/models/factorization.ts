// The two-factor model W = X Yᵀ as a gradient kernel of the step skeleton (programs/step.ts):
// θ = [X (n×r) | Y (m×r)], E = [Xp | Yp] the evaluation point. src/backends/reference/models/
// factorization.ts is the same arithmetic.
//
//   forward     Ypᵀ packed into Yt, then W = Xp Yt                 (n×m)
//   backward    out = [R Yp | Rᵀ Xp]                               (R = ∂ℓ/∂W from losses.ts)
//   fullTarget  the r ≪ n, m algebra of ½‖XYᵀ − M‖², no n×m matrix formed (4nmr flops):
//                 Gy = YpᵀYp, Gx = XpᵀXp                (r×r)
//                 B = [M Yp | Mᵀ Xp]                     (n×r, m×r, laid out like θ)
//                 out = [Xp Gy | Yp Gx];   ∇ = out − B   (the skeleton fuses the − B into descend)
//
// WORK (in T):  [ Gx (r×r) | Gy (r×r) | B ((n+m)·r) | Yt (r×m) ]
import { gemmNN, gemmNN2, gemmNNTN, gram2 } from '../kernels/gemm';
import { transpose } from '../kernels/elementwise';
import { S_DIMS, S_M, S_MT, S_W, S_WORK, i32At, ptr } from '../session';

/** W = Xp Ypᵀ into the session's W; returns it. */
export function twoFactorForward<T>(S: usize, E: usize): usize {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const W = ptr(S, S_W);
  const Yt = ptr(S, S_WORK) + (<usize>(2 * r * r + (n + m) * r) << sh);
  transpose<T>(Yt, E + (<usize>(n * r) << sh), m, r);
  gemmNN<T>(W, m, E, r, Yt, m, n, m, r);
  return W;
}

/** out = [R Yp | Rᵀ Xp]. */
export function twoFactorBackward<T>(S: usize, E: usize, R: usize, out: usize): void {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const nr = <usize>(n * r) << sh;
  gemmNNTN<T>(out, r, R, m, E + nr, r, n, r, m, out + nr, r, R, m, E, r, m, r, n);
}

/** The full-target fast path: out = [Xp Gy | Yp Gx]; returns B = [M Yp | Mᵀ Xp] (∇ = out − B). */
export function twoFactorFullTarget<T>(S: usize, E: usize, out: usize): usize {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const nr = <usize>(n * r) << sh;
  const Gx = ptr(S, S_WORK);
  const Gy = Gx + (<usize>(r * r) << sh);
  const B = Gy + (<usize>(r * r) << sh);
  const Yp = E + nr;
  // Pairs of independent products: with threads, each pair is one pool job (kernels/gemm.ts).
  // Gx first: on two threads the first takes XpᵀXp, Xp being the half of E it drew (programs/draw.ts).
  gram2<T>(Gx, E, r, r, n, Gy, Yp, r, r, m);
  gemmNN2<T>(B, r, ptr(S, S_M), m, Yp, r, n, r, m, B + nr, r, ptr(S, S_MT), n, E, r, m, r, n);
  gemmNN2<T>(out, r, E, r, Gy, r, n, r, r, out + nr, r, Yp, r, Gx, r, m, r, r);
  return B;
}

/** ½‖XYᵀ − M‖² in f64, entries in row-major order (a report; the step never needs it). */
export function twoFactorFullLoss<T>(n: i32, m: i32, r: i32, M: usize, theta: usize): f64 {
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
