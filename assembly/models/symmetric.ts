// The symmetric model W = X Xᵀ (a PSD end-to-end matrix, Xiong–Ding–Du 2024; THEORY.md §4) as a
// gradient kernel of the step skeleton (programs/step.ts): θ = [X (n×k)], one block, E = Xp the
// evaluation point. src/backends/reference/models/symmetric.ts is the same arithmetic.
//
//   forward    Xpᵀ packed into Xt, then W = Xp Xt                  (n×n)
//   backward   S = R + Rᵀ entrywise, then out = S Xp               (∂ℓ(XXᵀ)/∂X = (R + Rᵀ) X)
//
// R + Rᵀ rather than 2R: the sensing residual Σ r_i A_i is not symmetric, and one n×n sum then
// one gemm is cheaper than two gemms (R Xp + Rᵀ Xp). The full target has no fast path: the loss
// is read through losses.ts like the deep model's.
//
// WORK (in T):  [ Xt (k×n) | S (n×n) ]
import { gemmNN } from '../kernels/gemm';
import { transpose } from '../kernels/elementwise';
import { S_DIMS, S_W, S_WORK, i32At, ptr } from '../session';

/** W = Xp Xpᵀ into the session's W; returns it. */
export function symmetricForward<T>(S: usize, E: usize): usize {
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), k = i32At(dims, 1);
  const W = ptr(S, S_W);
  const Xt = ptr(S, S_WORK);
  transpose<T>(Xt, E, n, k);
  gemmNN<T>(W, n, E, k, Xt, n, n, n, k);
  return W;
}

/** out = (R + Rᵀ) Xp. */
export function symmetricBackward<T>(S: usize, E: usize, R: usize, out: usize): void {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), k = i32At(dims, 1);
  const Sm = ptr(S, S_WORK) + (<usize>(k * n) << sh);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      store<T>(Sm + (<usize>(i * n + j) << sh), load<T>(R + (<usize>(i * n + j) << sh)) + load<T>(R + (<usize>(j * n + i) << sh)));
    }
  }
  gemmNN<T>(out, k, Sm, n, E, k, n, k, n);
}
