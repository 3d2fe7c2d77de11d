import type { Round } from '../../math/round.js';
import type { Observed } from '../types.js';
import { positionOf } from '../sparse.js';

/**
 * The two-factor model W = X Yᵀ on completion from the observed lists alone, in working precision
 * rd: the oracle of assembly/models/sparseCompletion.ts (whose header says why these are the bits
 * of the dense R = w ⊙ (W − M), [R Yp | Rᵀ Xp] it replaces). θ = [X (n×r) | Y (m×r)], E = [Xp | Yp];
 * V the observed values (rounded) in the order of the ascending flat indices.
 *
 *   per observed (i, j) of the batch, ascending flat index i·m + j (the full sum: all of Ω):
 *     w = Σ_c Xp_ic·Yp_jc (c ascending from +0),  ρ = rd(2/|B|)·(w − V),
 *     ∇X_i += ρ·Yp_j,  ∇Y_j += ρ·Xp_i            (∇ starts at +0)
 *
 * The Wasm step also has a batch step touching only the batch's rows (sparseBatchStep); the full
 * sweep here gives the same bits, which is what the tests hold it to.
 */
export interface SparseCompletion {
  /** ∇ at E on the batch order[lo, lo + size) (size 0: all of Ω) into out. */
  gradient(E: Float64Array, order: Int32Array, lo: number, size: number, out: Float64Array): void;
  /** The position of a batch's flat index in the observed lists (label noise's target). */
  position(e: number): number;
}

export function sparseCompletion(n: number, m: number, r: number, obs: Observed, rd: Round): SparseCompletion {
  const products = sparseProducts(n, m, r, obs, rd);
  const nr = n * r;
  return {
    gradient: (E, order, lo, size, out) => products(E.subarray(0, nr), E.subarray(nr), out.subarray(0, nr), out.subarray(nr), order, lo, size),
    position: (e) => positionOf(obs.index, e),
  };
}

/**
 * The products of X Yᵀ's sparse residual, shared by both completion models (the deep one calls it
 * with X = W_L, Y = (W_{L−1} ⋯ W_1)ᵀ: models/deepLinear.ts deepLinearSparse): X n×r, Y m×r
 * row-major; gX = R Y (n×r) and gY = Rᵀ X (m×r) written in full, R on the batch order[lo, lo + size)
 * (size 0: all of Ω) as in the header above. With cols (a batch's columns, ascending) Y and gY
 * hold only those columns' rows, row c for column cols[c].
 */
export type SparseProducts = (X: Float64Array, Y: Float64Array, gX: Float64Array, gY: Float64Array, order: Int32Array, lo: number, size: number, cols?: Int32Array) => void;

export function sparseProducts(n: number, m: number, r: number, obs: Observed, rd: Round): SparseProducts {
  const { index, values: V } = obs;
  return (X, Y, gX, gY, order, lo, size, cols) => {
    gX.fill(0);
    gY.fill(0);
    const batch = size > 0 ? order.slice(lo, lo + size).sort() : index;
    const c = rd(2 / batch.length);
    for (let t = 0; t < batch.length; t++) {
      const e = batch[t];
      const p = size > 0 ? positionOf(index, e) : t;
      const xi = Math.floor(e / m) * r;
      const yj = (cols ? positionOf(cols, e % m) : e % m) * r;
      let w = 0;
      for (let k = 0; k < r; k++) w = rd(w + rd(X[xi + k] * Y[yj + k]));
      const rho = rd(c * rd(w - V[p]));
      for (let k = 0; k < r; k++) {
        gX[xi + k] = rd(gX[xi + k] + rd(rho * Y[yj + k]));
        gY[yj + k] = rd(gY[yj + k] + rd(rho * X[xi + k]));
      }
    }
  };
}
