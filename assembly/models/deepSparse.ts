// The deep linear network on completion from the observed lists alone (no d_L × d_0 buffer: no W,
// R or M). src/backends/reference/models/deepLinear.ts deepLinearSparse is the same arithmetic.
// Write Q = P_{L−1} = W_{L−1} ⋯ W_1 (d_{L−1} × d_0; Q = W_1 for L = 2), so W = W_L Q: the last
// layer is a two-factor model X Yᵀ with X = W_L and Y = Qᵀ, and its sparse residual is
// models/sparseCompletion.ts sparseProducts:
//
//   forward    P_2 … P_{L−1} as the dense forward (models/deepLinear.ts), Y = Qᵀ packed into T
//   residual   per observed (i, j) of the batch, ascending flat order: W_ij = W_L[i,:]·Y[j,:]
//              (c ascending from +0), ρ = c·(W_ij − V)
//   products   ∂/∂W_L = R Y    (rows i: += ρ·Y[j,:])
//              G = Rᵀ W_L      (d_0 × d_{L−1}, rows j: += ρ·W_L[i,:]);  H_{L−1} = Gᵀ
//   backward   from H_{L−1} on as the dense one (deepBackwardFrom): dense w × d_0 gemms
//
// Why these are the dense path's bits (W = P_L by gemmNN, R = c·(W − M) on B and +0 elsewhere,
// H_{L−1} = W_Lᵀ R by gemmTN, ∂/∂W_L = R P_{L−1}ᵀ by transpose + gemmNN): W_ij = Σ_k W_L[i,k]·Q[k,j]
// is the dense forward's own sum (k ascending from +0, the same products); every gemm starts an
// output element at +0 and adds its products in ascending k, and the skipped terms are a +0
// residual times a finite weight, ±0, which never changes a sum that started at +0 (+0 + −0 = +0,
// x + ±0 = x). The ascending flat order adds ∂/∂W_L[i,a]'s terms in ascending j and G[j,a]'s in
// ascending i, the gemms' k order. Only non-finite weights differ: the dense path multiplied them
// by a +0 residual (NaN: a step earlier end); this one never reads them off the data.
//
// Cost per step: the forward and backward w × d_0 gemms, O(L·w²·d_0), plus O(|B|·w) — never the
// O(d_L·w·d_0) of forming W. The records need W (endToEnd): that is formed in TS on request.
//
// WORK (src/backends/memory.ts deepSparseWorkLength): [P_2 … P_{L−1} | H_2 … H_{L−1} | T | G],
// T max over l < L of d_l × d_0 (Y, then P_{l−1}ᵀ), G d_0 × d_{L−1}.
import { transpose } from '../kernels/elementwise';
import { S_BLOCKS, S_DIMS, S_NBLOCKS, S_WORK, i32At, ptr, word } from '../session';
import { at, blockOffset, deepBackwardFrom, deepProducts } from './deepLinear';
import { sparseProducts } from './sparseCompletion';

/** ∇ of the completion loss at E on the batch idx[0, size) (size 0: all of Ω) into out, every entry written. */
export function deepSparseGradient<T>(S: usize, E: usize, idx: usize, size: i32, out: usize): void {
  const dims = ptr(S, S_DIMS);
  const blocks = ptr(S, S_BLOCKS);
  const L = word(S, S_NBLOCKS);
  const d0 = i32At(dims, 0), w = i32At(dims, L - 1), dL = i32At(dims, L);
  let tLen = 0;
  for (let l = 1; l < L; l++) tLen = max(tLen, i32At(dims, l) * d0);
  const Hb = at<T>(ptr(S, S_WORK), blockOffset(dims, L));
  const Tp = at<T>(Hb, blockOffset(dims, L));
  const G = at<T>(Tp, tLen);
  const Q = deepProducts<T>(S, E, L - 1);
  transpose<T>(Tp, Q, w, d0); // Y = Qᵀ, d_0 × w
  const last = i32At(blocks, L - 1);
  sparseProducts<T>(S, dL, d0, w, at<T>(E, last), Tp, at<T>(out, last), G, idx, size);
  const Htop = L == 2 ? out : at<T>(Hb, blockOffset(dims, L - 1)); // H_1 is ∂/∂W_1 itself
  transpose<T>(Htop, G, d0, w);
  deepBackwardFrom<T>(S, E, L - 1, Htop, Hb, out);
}
