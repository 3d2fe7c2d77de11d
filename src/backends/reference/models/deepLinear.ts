import { matmulNN, matmulNT, matmulTN } from '../../../linalg/kernels.js';
import type { Round } from '../../../math/round.js';
import { layerOffsets } from '../../../problems/dln.js';
import type { Model } from './model.js';
import type { Observed } from '../../types.js';
import { positionOf } from '../../sparse.js';
import { sparseProducts, type SparseCompletion } from '../sparseCompletion.js';

/**
 * The deep linear network W = W_L ⋯ W_1, θ = [W_1 | … | W_L], W_l of shape d_l × d_{l−1}, in
 * working precision rd (assembly/models/deepLinear.ts is the same arithmetic). With prefix
 * products P_l = W_l ⋯ W_1 and backpropagated H_l = (W_L ⋯ W_{l+1})ᵀ R:
 *
 *   P_1 = W_1,  P_l = W_l · P_{l−1}        l = 2 … L       forward, W = P_L
 *   H_L = R,    H_l = W_{l+1}ᵀ · H_{l+1}   l = L−1 … 1     backward; ∂/∂W_1 = H_1
 *   ∂/∂W_l = H_l · P_{l−1}ᵀ                l = L … 2
 *
 * every product read at the evaluation point E, each element summed from 0 in ascending k.
 */
export function deepLinearModel(dims: readonly number[], rd: Round): Model {
  const L = dims.length - 1;
  const d0 = dims[0];
  const off = layerOffsets(dims);
  const W = (t: Float64Array, l: number) => t.subarray(off[l - 1], off[l]);
  // P[l], H[l] for l = 1 … L (index 0 unused): P[1] is W_1 of E; H[L] is R, H[1] is out's W_1 slot.
  const P: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  for (let l = 2; l <= L; l++) P.push(new Float64Array(dims[l] * d0));
  const H: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  for (let l = 2; l < L; l++) H.push(new Float64Array(dims[l] * d0));
  H.push(new Float64Array(0));

  return {
    forward(E) {
      P[1] = W(E, 1);
      for (let l = 2; l <= L; l++) matmulNN(P[l], W(E, l), P[l - 1], dims[l], d0, dims[l - 1], rd);
      return P[L];
    },
    backward(E, R, out) {
      H[L] = R;
      H[1] = W(out, 1);
      for (let l = L - 1; l >= 1; l--) matmulTN(H[l], W(E, l + 1), H[l + 1], dims[l], d0, dims[l + 1], rd);
      for (let l = L; l >= 2; l--) matmulNT(W(out, l), H[l], P[l - 1], dims[l], dims[l - 1], d0, rd);
    },
  };
}

/**
 * The deep linear network on completion from the observed lists alone, in working precision rd:
 * the oracle of assembly/models/deepSparse.ts (whose header says why these are the bits of the
 * dense forward, R and backward above). With Q = P_{L−1} (W_1 for L = 2), W = W_L Q is a two-factor
 * X Yᵀ with X = W_L, Y = Qᵀ, and its sparse residual is ../sparseCompletion.ts sparseProducts:
 *
 *   P_l = W_l · P_{l−1}                    l = 2 … L−1      (never P_L = W)
 *   ∂/∂W_L = R Y,  G = Rᵀ W_L              on the batch only (sparseProducts)
 *   H_{L−1} = Gᵀ,  H_l = W_{l+1}ᵀ · H_{l+1}  l = L−2 … 1     ∂/∂W_1 = H_1
 *   ∂/∂W_l = H_l · P_{l−1}ᵀ                l = L−1 … 2
 *
 * A batch takes the same products on its columns J only (distinct, ascending): P_l^J, H_l^J of
 * d_l × |J|, ∂/∂W_l summed over J ascending, ∂/∂W_1 +0 off J (the assembly header says why
 * those are the full products' bits).
 */
export function deepLinearSparse(dims: readonly number[], obs: Observed, rd: Round): SparseCompletion {
  const L = dims.length - 1;
  const d0 = dims[0];
  const w = dims[L - 1];
  const off = layerOffsets(dims);
  const W = (t: Float64Array, l: number) => t.subarray(off[l - 1], off[l]);
  const P: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  const H: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  for (let l = 2; l < L; l++) {
    P.push(new Float64Array(dims[l] * d0));
    H.push(new Float64Array(dims[l] * d0));
  }
  const Y = new Float64Array(d0 * w);
  const G = new Float64Array(d0 * w);
  const products = sparseProducts(dims[L], d0, w, obs, rd);
  const d1 = dims[1];
  /** The batch's gradient on its columns J (deepSparseBatch's arithmetic). */
  function batch(E: Float64Array, order: Int32Array, lo: number, size: number, out: Float64Array): void {
    const J = Int32Array.from(new Set(Array.from(order.subarray(lo, lo + size), (e) => e % d0))).sort();
    const nJ = J.length;
    const PJ: Float64Array[] = [new Float64Array(0), Float64Array.from({ length: d1 * nJ }, (_, k) => E[off[0] + Math.floor(k / nJ) * d0 + J[k % nJ]])];
    for (let l = 2; l < L; l++) {
      PJ.push(new Float64Array(dims[l] * nJ));
      matmulNN(PJ[l], W(E, l), PJ[l - 1], dims[l], nJ, dims[l - 1], rd);
    }
    const YJ = new Float64Array(nJ * w);
    transposeInto(YJ, PJ[L - 1], w, nJ);
    const GJ = new Float64Array(nJ * w);
    products(W(E, L), YJ, W(out, L), GJ, order, lo, size, J);
    const HJ: Float64Array[] = dims.map((d) => new Float64Array(d * nJ));
    transposeInto(HJ[L - 1], GJ, nJ, w);
    for (let l = L - 2; l >= 1; l--) matmulTN(HJ[l], W(E, l + 1), HJ[l + 1], dims[l], nJ, dims[l + 1], rd);
    const g1 = W(out, 1);
    g1.fill(0);
    for (let a = 0; a < d1; a++) for (let c = 0; c < nJ; c++) g1[a * d0 + J[c]] = HJ[1][a * nJ + c];
    for (let l = L - 1; l >= 2; l--) matmulNT(W(out, l), HJ[l], PJ[l - 1], dims[l], dims[l - 1], nJ, rd);
  }
  return {
    gradient(E, order, lo, size, out) {
      if (size > 0) return batch(E, order, lo, size, out);
      P[1] = W(E, 1);
      for (let l = 2; l < L; l++) matmulNN(P[l], W(E, l), P[l - 1], dims[l], d0, dims[l - 1], rd);
      transposeInto(Y, P[L - 1], w, d0);
      products(W(E, L), Y, W(out, L), G, order, lo, size);
      H[1] = W(out, 1);
      transposeInto(H[L - 1], G, d0, w);
      for (let l = L - 2; l >= 1; l--) matmulTN(H[l], W(E, l + 1), H[l + 1], dims[l], d0, dims[l + 1], rd);
      for (let l = L - 1; l >= 2; l--) matmulNT(W(out, l), H[l], P[l - 1], dims[l], dims[l - 1], d0, rd);
    },
    position: (e) => positionOf(obs.index, e),
  };
}

/** out (cols×rows) = srcᵀ for src rows×cols: moves values only. */
function transposeInto(out: Float64Array, src: Float64Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
}
