import { roundF64, type Round } from '../math/round.js';

/**
 * Scalar matrix products on packed row-major Float64Array views, in the arithmetic order every
 * backend reproduces bit for bit: each output element starts at 0 and accumulates its products in
 * ascending k, multiply then add, no fused operations (JS has none). `rd` rounds every operation to
 * the working precision (src/math/round.ts). The reference backend's step and the diagnostics
 * (src/diagnostics/hessian.ts) share them; assembly/kernels/gemm.ts does the same with SIMD across
 * output columns.
 */

/** C (rows×cols) = A (rows×K) · B (K×cols): C[i][c] = Σ_k A[i][k]·B[k][c] (assembly: gemmNN). */
export function matmulNN(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[i * K + k] * B[k * cols + c]));
      C[i * cols + c] = s;
    }
}

/** C (rows×cols) = Aᵀ · B with A K×rows, B K×cols: C[i][c] = Σ_k A[k][i]·B[k][c] (assembly: gemmTN). */
export function matmulTN(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[k * rows + i] * B[k * cols + c]));
      C[i * cols + c] = s;
    }
}

/**
 * C (rows×cols) = A · Bᵀ with A rows×K, B cols×K: C[i][c] = Σ_k A[i][k]·B[c][k] (assembly: Bᵀ
 * packed by transpose, then gemmNN — the same sums in the same order).
 */
export function matmulNT(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[i * K + k] * B[c * K + k]));
      C[i * cols + c] = s;
    }
}

/**
 * ½‖XYᵀ − M‖² with X = theta[0, nr), Y = theta[nr, …), in f64, entries in row-major order: a report,
 * never fed back into a step (assembly/models/factorization.ts twoFactorFullLoss is the same sum).
 */
export function factorizationLoss(M: Float64Array, theta: Float64Array, n: number, m: number, r: number): number {
  const y = n * r;
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let xy = 0;
      for (let c = 0; c < r; c++) xy += theta[i * r + c] * theta[y + j * r + c];
      const d = xy - M[i * m + j];
      s += d * d;
    }
  return 0.5 * s;
}
