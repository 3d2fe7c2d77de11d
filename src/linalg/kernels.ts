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
