import type { Measurements } from '../backends/types.js';
import { matmulNN, matmulNT, matmulTN } from '../linalg/kernels.js';
import { layerOffsets, type Dims } from '../problems/dln.js';
import { lossOfW, type LossOfW } from '../problems/losses.js';

/**
 * The deep linear network's objective, gradient and exact Hessian-vector product, plain f64 (reports
 * and diagnostics only; the steps' own arithmetic is in the backends):
 *
 *   f(W) = ℓ(A) + λ Σ_l ‖W_l‖²,   A = W_L ⋯ W_1   (W_l is d_l × d_{l−1}, θ = [W_1 | … | W_L])
 *
 * with ℓ any quadratic loss of the end-to-end matrix (src/problems/losses.ts: completion
 * (1/|Ω|)Σ_Ω(A − M)², sensing ½Σ(⟨A_i, A⟩ − y_i)², full ½‖A − M‖²).
 *
 * Gradient (reverse mode): with the prefixes P_l = W_l ⋯ W_1 (P_0 = I), G = ∇ℓ(A) and the
 * back-propagated H_L = G, H_l = W_{l+1}ᵀ H_{l+1}:
 *
 *   ∇_{W_l} f = H_l P_{l−1}ᵀ + 2λ W_l
 *
 * Hessian-vector product (forward-over-reverse by hand): differentiate every line above along
 * V = [V_1 | … | V_L], i.e. H·V = d/dε ∇f(W + εV) at ε = 0, exactly:
 *
 *   dP_1 = V_1,              dP_l = V_l P_{l−1} + W_l dP_{l−1}          (forward)
 *   dG   = ∇²ℓ[dP_L]         (ℓ is quadratic: no dependence on A)
 *   dH_L = dG,               dH_l = V_{l+1}ᵀ H_{l+1} + W_{l+1}ᵀ dH_{l+1}  (reverse)
 *   (H·V)_l = dH_l P_{l−1}ᵀ + H_l dP_{l−1}ᵀ + 2λ V_l                     (dP_0 = 0, P_0 = I)
 *
 * About twice a gradient's products; no step size, so no truncation error (central differences of
 * the gradient, which this replaces, were good to ~1e−8). P_l, H_l and G depend only on θ and are
 * computed once per point.
 */
export interface DeepLinear {
  dims: Dims;
  loss: LossOfW;
  lambda: number;
}

/** The deep model's loss as a function of A (d_L × d_0 row-major): sensing if given, else completion on the mask. */
export function deepLinearLoss(input: { M: Float64Array; mask: ArrayLike<number>; sensing?: Measurements }): LossOfW {
  return input.sensing
    ? lossOfW({ kind: 'sensing', ...input.sensing }, input.M)
    : lossOfW({ kind: 'completion', mask: input.mask }, input.M);
}

/**
 * The products of one point, shared by every product there: P[l] = W_l ⋯ W_1 and H[l] =
 * (W_L ⋯ W_{l+1})ᵀ G for l = 1 … L (index 0 unused; P[1] is a view of θ, H[L] is G). The Wasm
 * product (./dlnHvpWasm.ts) takes these from here.
 */
export function dlnPoint(f: DeepLinear, theta: Float64Array): { P: Float64Array[]; H: Float64Array[] } {
  const { P, H } = pass(f, theta);
  return { P, H };
}

/** Layer views and the forward/backward products of one point. */
function pass(f: DeepLinear, theta: Float64Array) {
  const { dims } = f;
  const L = dims.length - 1;
  const d0 = dims[0];
  const off = layerOffsets(dims);
  const layer = (t: Float64Array, l: number) => t.subarray(off[l - 1], off[l]);
  // P[l] = W_l ⋯ W_1 (d_l × d_0), l = 1 … L.
  const P: Float64Array[] = [new Float64Array(0), layer(theta, 1)];
  for (let l = 2; l <= L; l++) {
    P.push(new Float64Array(dims[l] * d0));
    matmulNN(P[l], layer(theta, l), P[l - 1], dims[l], d0, dims[l - 1]);
  }
  const G = new Float64Array(dims[L] * d0);
  f.loss.grad(P[L], G);
  // H[l] = (W_L ⋯ W_{l+1})ᵀ G (d_l × d_0).
  const H: Float64Array[] = new Array(L + 1);
  H[L] = G;
  for (let l = L - 1; l >= 1; l--) {
    H[l] = new Float64Array(dims[l] * d0);
    matmulTN(H[l], layer(theta, l + 1), H[l + 1], dims[l], d0, dims[l + 1]);
  }
  return { L, d0, layer, P, H };
}

/** f(θ). */
export function dlnObjective(f: DeepLinear, theta: Float64Array): number {
  const { P, L } = pass(f, theta);
  let ridge = 0;
  if (f.lambda !== 0) for (let k = 0; k < theta.length; k++) ridge += theta[k] * theta[k];
  return f.loss.value(P[L]) + f.lambda * ridge;
}

/** ∇f(θ) into out. */
export function dlnGradientAt(f: DeepLinear, theta: Float64Array, out: Float64Array): Float64Array {
  const { dims } = f;
  const { L, d0, layer, P, H } = pass(f, theta);
  layer(out, 1).set(H[1]);
  for (let l = 2; l <= L; l++) matmulNT(layer(out, l), H[l], P[l - 1], dims[l], dims[l - 1], d0);
  for (let k = 0; k < out.length; k++) out[k] += 2 * f.lambda * theta[k];
  return out;
}

/** The exact Hessian-vector product at θ: (v, out) → out = ∇²f(θ)·v (see above). */
export function dlnHvpAt(f: DeepLinear, theta: Float64Array): (v: Float64Array, out: Float64Array) => Float64Array {
  const { dims } = f;
  const { L, d0, layer, P, H } = pass(f, theta);
  const dP: Float64Array[] = [new Float64Array(0), new Float64Array(0)];
  const dH: Float64Array[] = [new Float64Array(0)];
  for (let l = 2; l <= L; l++) dP.push(new Float64Array(dims[l] * d0));
  for (let l = 1; l <= L; l++) dH.push(new Float64Array(dims[l] * d0));
  const t = new Float64Array(Math.max(...dims.slice(1).map((h, l) => h * Math.max(d0, dims[l]))));
  return (v, out) => {
    // Forward: dP_l.
    dP[1] = layer(v, 1);
    for (let l = 2; l <= L; l++) {
      const n = dims[l] * d0;
      matmulNN(dP[l], layer(v, l), P[l - 1], dims[l], d0, dims[l - 1]);
      matmulNN(t, layer(theta, l), dP[l - 1], dims[l], d0, dims[l - 1]);
      for (let k = 0; k < n; k++) dP[l][k] += t[k];
    }
    // dG, then reverse: dH_l.
    f.loss.hess(dP[L], dH[L]);
    for (let l = L - 1; l >= 1; l--) {
      const n = dims[l] * d0;
      matmulTN(dH[l], layer(v, l + 1), H[l + 1], dims[l], d0, dims[l + 1]);
      matmulTN(t, layer(theta, l + 1), dH[l + 1], dims[l], d0, dims[l + 1]);
      for (let k = 0; k < n; k++) dH[l][k] += t[k];
    }
    // Output: (H·V)_l.
    layer(out, 1).set(dH[1]);
    for (let l = 2; l <= L; l++) {
      const o = layer(out, l);
      const n = dims[l] * dims[l - 1];
      matmulNT(o, dH[l], P[l - 1], dims[l], dims[l - 1], d0);
      matmulNT(t, H[l], dP[l - 1], dims[l], dims[l - 1], d0);
      for (let k = 0; k < n; k++) o[k] += t[k];
    }
    for (let k = 0; k < out.length; k++) out[k] += 2 * f.lambda * v[k];
    return out;
  };
}
