import { layerOffsets } from '../../problems/dln.js';
import { matmulNN, matmulNT, matmulTN, roundF64 } from './kernels.js';
import { sensingResidual } from './sensing.js';

/**
 * The data-term gradient of the deep linear network, the arithmetic the reference step loop uses
 * (src/backends/reference/dln.ts, whose comment defines the order) and that the curvature
 * diagnostics difference (src/diagnostics/dlnCurvature.ts). Buffers are reused between calls.
 */
export interface DlnGradient {
  /** A = W_L ⋯ W_1 at the weights E; a view that the next call overwrites. */
  forward(E: Float64Array): Float64Array;
  /** ∂/∂W of (1/size) Σ_{t ∈ [lo, lo+size)} (A − M)²_{batch[t]} at E into grad (no ridge term); with sensing, of ½ (N/size) Σ (⟨A_i, A⟩ − y_i)², i = batch[t]. */
  dataGradient(E: Float64Array, batch: Int32Array, lo: number, size: number, grad: Float64Array): void;
}

export function dlnGradient(
  dims: readonly number[], M: Float64Array, sensing?: { A: Float64Array; y: Float64Array },
): DlnGradient {
  const L = dims.length - 1;
  const d0 = dims[0];
  const off = layerOffsets(dims);
  const W = (t: Float64Array, l: number) => t.subarray(off[l - 1], off[l]);
  // P[l], H[l] for l = 1 … L (index 0 unused): P[1] is W_1 of the weights read, H[L] is G, H[1] is grad's W_1.
  const P: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  for (let l = 2; l <= L; l++) P.push(new Float64Array(dims[l] * d0));
  const G = new Float64Array(dims[L] * d0);
  const H: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  for (let l = 2; l < L; l++) H.push(new Float64Array(dims[l] * d0));
  H.push(G);
  // Sensing: G = ∂/∂A of ½ (N/|B|) Σ_B (⟨A_i, A⟩ − y_i)², the two-factor model's kernel (batch = measurement numbers).
  const residual = sensing && sensingResidual(dims[L] * d0, sensing.A, sensing.y, roundF64);

  function forward(E: Float64Array): Float64Array {
    P[1] = W(E, 1);
    for (let l = 2; l <= L; l++) matmulNN(P[l], W(E, l), P[l - 1], dims[l], d0, dims[l - 1]);
    return P[L];
  }

  function dataGradient(E: Float64Array, batch: Int32Array, lo: number, size: number, grad: Float64Array): void {
    const A = forward(E);
    if (residual) {
      residual(A, G, batch, lo, size === sensing!.y.length ? 0 : size); // the full batch: the full sum
    } else {
      G.fill(0);
      const c = 2 / size;
      for (let t = lo; t < lo + size; t++) {
        const e = batch[t];
        G[e] = c * (A[e] - M[e]);
      }
    }
    H[1] = W(grad, 1);
    for (let l = L - 1; l >= 1; l--) matmulTN(H[l], W(E, l + 1), H[l + 1], dims[l], d0, dims[l + 1]);
    for (let l = L; l >= 2; l--) matmulNT(W(grad, l), H[l], P[l - 1], dims[l], dims[l - 1], d0);
  }

  return { forward, dataGradient };
}
