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
// O(d_L·w·d_0) of forming W. The records need W (endToEnd: models/deepLinear.ts deepEndToEnd).
//
// A minibatch (deepSparseBatch) needs only the batch's columns J (distinct, ascending; CJ): a
// column j of P_l and H_l depends on column j of W_1 and of R alone, and for j ∉ J the dense
// H_l[:, j] is +0 exactly (+0 + Σ W·(+0)), so its terms in ∂/∂W_l = H_l P_{l−1}ᵀ are ±0 and ∂/∂W_1's
// column j is +0. So P_l^J, H_l^J (d_l × |J|) by the same gemms on the gathered columns, summed over
// J ascending, are the same bits: O(L·w²·|B|) per step instead of O(L·w²·d_0).
//
// WORK (src/backends/memory.ts deepSparseWorkLength): [P_2 … P_{L−1} | H_2 … H_{L−1} | T | G],
// T max over l < L of d_l × d_0 (Y, then P_{l−1}ᵀ), G d_0 × d_{L−1}.
// A batch uses the same regions at |J| columns: P_l^J and H_l^J at P_l's and H_l's places, P_1^J,
// Y, H_1^J and the (P_{l−1}^J)ᵀ in T in turn, G |J| × d_{L−1}; J itself in CJ (i32[maxBatch]).
import { transpose } from '../kernels/elementwise';
import { gemmNN, gemmTN } from '../kernels/gemm';
import { S_BLOCKS, S_CJ, S_DIMS, S_NBLOCKS, S_OBS, S_WORK, i32At, ptr, word } from '../session';
import { at, blockOffset, deepBackwardFrom, deepProducts } from './deepLinear';
import { sortI32, sparseProducts } from './sparseCompletion';

/** ∇ of the completion loss at E on the batch idx[0, size) (size 0: all of Ω) into out, every entry written. */
export function deepSparseGradient<T>(S: usize, E: usize, idx: usize, size: i32, out: usize): void {
  if (size > 0) {
    deepSparseBatch<T>(S, E, idx, size, out);
    return;
  }
  const dims = ptr(S, S_DIMS);
  const blocks = ptr(S, S_BLOCKS);
  const L = word(S, S_NBLOCKS);
  const d0 = i32At(dims, 0), w = i32At(dims, L - 1), dL = i32At(dims, L);
  const Hb = at<T>(ptr(S, S_WORK), blockOffset(dims, L));
  const Tp = at<T>(Hb, blockOffset(dims, L));
  const G = at<T>(Tp, tLength(dims, L));
  const Q = deepProducts<T>(S, E, L - 1);
  transpose<T>(Tp, Q, w, d0); // Y = Qᵀ, d_0 × w
  const last = i32At(blocks, L - 1);
  sparseProducts<T>(S, dL, d0, w, at<T>(E, last), Tp, at<T>(out, last), G, idx, size, 0, 0);
  const Htop = L == 2 ? out : at<T>(Hb, blockOffset(dims, L - 1)); // H_1 is ∂/∂W_1 itself
  transpose<T>(Htop, G, d0, w);
  deepBackwardFrom<T>(S, E, L - 1, Htop, Hb, out);
}

/** T's length in WORK: max over l < L of d_l × d_0. */
function tLength(dims: usize, L: i32): i32 {
  const d0 = i32At(dims, 0);
  let t = 0;
  for (let l = 1; l < L; l++) t = max(t, i32At(dims, l) * d0);
  return t;
}

/** The batch's distinct columns, ascending, into CJ; returns their count. */
function batchColumns(S: usize, idx: usize, size: i32, d0: i32): i32 {
  const J = ptr(S, S_CJ), obs = ptr(S, S_OBS);
  for (let t = 0; t < size; t++) store<i32>(J + (<usize>t << 2), i32At(obs, i32At(idx, t)) % d0); // idx: positions in OBS
  sortI32(J, size);
  let n = 0;
  for (let t = 0; t < size; t++) {
    const v = i32At(J, t);
    if (n == 0 || v != i32At(J, n - 1)) store<i32>(J + (<usize>(n++) << 2), v);
  }
  return n;
}

/** dst = W_1[:, J] (d_1 × nJ), or its transpose (nJ × d_1) with trans. Moves bits only. */
function gatherColumns<T>(dst: usize, W1: usize, d1: i32, d0: i32, J: usize, nJ: i32, trans: bool): void {
  for (let a = 0; a < d1; a++) {
    for (let c = 0; c < nJ; c++) {
      const v = load<T>(at<T>(W1, a * d0 + i32At(J, c)));
      store<T>(at<T>(dst, trans ? c * d1 + a : a * nJ + c), v);
    }
  }
}

/** deepSparseGradient on a batch (size > 0), on its columns J only (header: why the same bits). */
function deepSparseBatch<T>(S: usize, E: usize, idx: usize, size: i32, out: usize): void {
  const dims = ptr(S, S_DIMS);
  const blocks = ptr(S, S_BLOCKS);
  const work = ptr(S, S_WORK);
  const L = word(S, S_NBLOCKS);
  const d0 = i32At(dims, 0), d1 = i32At(dims, 1), w = i32At(dims, L - 1), dL = i32At(dims, L);
  const J = ptr(S, S_CJ);
  const nJ = batchColumns(S, idx, size, d0);
  const Hb = at<T>(work, blockOffset(dims, L));
  const Tp = at<T>(Hb, blockOffset(dims, L));
  const G = at<T>(Tp, tLength(dims, L));
  // forward on J: P_1^J = W_1[:, J] (in T), P_l^J = W_l P_{l−1}^J at P_l's place; Y = (P_{L−1}^J)ᵀ into T
  if (L == 2) gatherColumns<T>(Tp, E, d1, d0, J, nJ, true);
  else {
    gatherColumns<T>(Tp, E, d1, d0, J, nJ, false);
    let prev = Tp;
    for (let l = 2; l < L; l++) {
      const P = at<T>(work, blockOffset(dims, l));
      gemmNN<T>(P, nJ, at<T>(E, i32At(blocks, l - 1)), i32At(dims, l - 1), prev, nJ, i32At(dims, l), nJ, i32At(dims, l - 1));
      prev = P;
    }
    transpose<T>(Tp, prev, w, nJ);
  }
  const last = i32At(blocks, L - 1);
  sparseProducts<T>(S, dL, d0, w, at<T>(E, last), Tp, at<T>(out, last), G, idx, size, J, nJ);
  // H_{L−1}^J = Gᵀ, H_l^J = W_{l+1}ᵀ H_{l+1}^J; H_1^J into T, then scattered into ∂/∂W_1 (+0 off J)
  let H = L == 2 ? Tp : at<T>(Hb, blockOffset(dims, L - 1));
  transpose<T>(H, G, nJ, w);
  for (let l = L - 2; l >= 1; l--) {
    const o = l == 1 ? Tp : at<T>(Hb, blockOffset(dims, l));
    gemmTN<T>(o, nJ, at<T>(E, i32At(blocks, l)), i32At(dims, l), H, nJ, i32At(dims, l), nJ, i32At(dims, l + 1));
    H = o;
  }
  memory.fill(out, 0, <usize>(d1 * d0) << alignof<T>());
  for (let a = 0; a < d1; a++) {
    for (let c = 0; c < nJ; c++) store<T>(at<T>(out, a * d0 + i32At(J, c)), load<T>(at<T>(Tp, a * nJ + c)));
  }
  // ∂/∂W_l = H_l^J (P_{l−1}^J)ᵀ, l = L−1 … 2, summed over J ascending
  for (let l = L - 1; l >= 2; l--) {
    const dm = i32At(dims, l - 1);
    if (l == 2) gatherColumns<T>(Tp, E, d1, d0, J, nJ, true);
    else transpose<T>(Tp, at<T>(work, blockOffset(dims, l - 1)), dm, nJ);
    gemmNN<T>(at<T>(out, i32At(blocks, l - 1)), dm, at<T>(Hb, blockOffset(dims, l)), nJ, Tp, dm, i32At(dims, l), dm, nJ);
  }
}
