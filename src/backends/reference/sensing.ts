import { matmulNN, matmulTN } from '../../linalg/kernels.js';
import type { Round } from '../../math/round.js';
import type { SparseMeasurements } from '../types.js';

/**
 * The sensing residual R = ∂loss/∂W of ½ (N/|B|) Σ_B (⟨A_i, W⟩ − y_i)², the sensing branch of
 * losses.ts (assembly/kernels/sensing.ts is the same arithmetic), in working
 * precision rd. A holds the N measurement matrices back to back (N·nm), W and R are nm.
 *   size = 0 (the full sum)          rv = A vec(W) − y,  vec(R) = Aᵀ rv
 *   size > 0 (B = idx[lo, lo+size))  Ab = the rows A_i, i ∈ B, in batch order;
 *                                    rv = rd(N/|B|)·(Ab vec(W) − y_B),  vec(R) = Abᵀ rv
 * Returns R.
 */
export function sensingResidual(nm: number, A: Float64Array, y: Float64Array, rd: Round): (
  W: Float64Array, R: Float64Array, idx: Int32Array, lo: number, size: number,
) => Float64Array {
  const N = y.length;
  const rv = new Float64Array(N);
  let Ab = new Float64Array(0);
  return (W, R, idx, lo, size) => {
    if (size > 0) {
      if (Ab.length < size * nm) Ab = new Float64Array(size * nm);
      for (let t = 0; t < size; t++) Ab.set(A.subarray(idx[lo + t] * nm, (idx[lo + t] + 1) * nm), t * nm);
      matmulNN(rv, Ab, W, size, 1, nm, rd);
      const c = rd(N / size);
      for (let t = 0; t < size; t++) rv[t] = rd(c * rd(rv[t] - y[idx[lo + t]]));
      matmulTN(R, Ab, rv, nm, 1, size, rd);
      return R;
    }
    matmulNN(rv, A, W, N, 1, nm, rd);
    for (let i = 0; i < N; i++) rv[i] = rd(rv[i] - y[i]);
    matmulTN(R, A, rv, nm, 1, N, rd);
    return R;
  };
}

/**
 * sensingResidual with A stored as CSR rows (assembly/kernels/sensing.ts sensingSparse is the same
 * arithmetic): rv_i = Σ_p v_p·W[k_p] from +0 in ascending k, then − y_i (a batch: rd(N/|B|)·(…)),
 * and R = Aᵀ rv as a scatter — R = +0, then for the measurements in order (the batch's order)
 * R[k_p] += v_p·rv_i. The same bits as the dense form on the same matrices: its sums run from +0
 * in the same order, a sum from +0 is never −0, so the ±0 products of A's zeros change nothing.
 * Batches read their rows in place. Returns R.
 */
export function sensingSparseResidual(nm: number, A: SparseMeasurements, y: Float64Array, rd: Round): (
  W: Float64Array, R: Float64Array, idx: Int32Array, lo: number, size: number,
) => Float64Array {
  const N = y.length;
  const { ptr, index, values } = A;
  const rv = new Float64Array(N);
  return (W, R, idx, lo, size) => {
    const count = size > 0 ? size : N;
    const c = rd(N / size);
    for (let t = 0; t < count; t++) {
      const i = size > 0 ? idx[lo + t] : t;
      let s = 0;
      for (let p = ptr[i]; p < ptr[i + 1]; p++) s = rd(s + rd(values[p] * W[index[p]]));
      const r = rd(s - y[i]);
      rv[t] = size > 0 ? rd(c * r) : r;
    }
    R.fill(0);
    for (let t = 0; t < count; t++) {
      const i = size > 0 ? idx[lo + t] : t;
      for (let p = ptr[i]; p < ptr[i + 1]; p++) R[index[p]] = rd(R[index[p]] + rd(values[p] * rv[t]));
    }
    return R;
  };
}
