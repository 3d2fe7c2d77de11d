import { matmulNN, matmulTN } from '../../linalg/kernels.js';
import type { Round } from '../../math/round.js';

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
