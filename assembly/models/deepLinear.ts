// The deep linear network W = W_L ⋯ W_1 as a gradient kernel of the step skeleton
// (programs/step.ts): θ = [W_1 | … | W_L], W_l is d_l × d_{l−1} (d_0 = d_in, d_L = d_out), DIMS
// holds d_0 … d_L and NBLOCKS = L. src/backends/reference/models/deepLinear.ts is the same
// arithmetic (read it first). Every product is a gemm, each element summed from +0.0 in ascending k.
//
//   forward    P_1 = W_1,  P_l = W_l P_{l−1}  (l = 2 … L),  W = P_L
//   backward   H_L = R,  H_l = W_{l+1}ᵀ H_{l+1}  (l = L−1 … 1; H_1 lands in out's W_1 slot: it is ∂/∂W_1)
//              ∂/∂W_l = H_l P_{l−1}ᵀ  (l = L … 2; P_{l−1}ᵀ packed into T first, then a plain NN product)
//   all read at the evaluation point E; backward uses the P_l of the forward just before it.
//
// WORK (in T; the length is src/backends/memory.ts deepWorkLength):
//   [ P_2 | … | P_L ]        prefix products (d_l × d_0)
//   [ H_2 | … | H_{L−1} ]    backward products (d_l × d_0)
//   [ T ]                    P_{l−1}ᵀ, max over l < L of d_l × d_0
import { gemmNN, gemmTN } from '../kernels/gemm';
import { transpose } from '../kernels/elementwise';
import { S_BLOCKS, S_DIMS, S_NBLOCKS, S_WORK, i32At, ptr, word } from '../session';

/** Element offset of P_l (l ≥ 2) in WORK: P_2 first. Also H_l's offset relative to the H block. */
export function blockOffset(dims: usize, l: i32): i32 {
  const d0 = i32At(dims, 0);
  let o = 0;
  for (let j = 2; j < l; j++) o += i32At(dims, j) * d0;
  return o;
}

// @ts-ignore: decorator
@inline export function at<T>(p: usize, i: i32): usize {
  return p + (<usize>i << alignof<T>());
}

/** The prefix products into WORK; returns the byte pointer of W = P_L. */
export function deepForward<T>(S: usize, E: usize): usize {
  return deepProducts<T>(S, E, word(S, S_NBLOCKS));
}

/** P_2 … P_last into WORK (each at its blockOffset); returns P_last's byte pointer (E: P_1 = W_1). */
export function deepProducts<T>(S: usize, E: usize, last: i32): usize {
  const dims = ptr(S, S_DIMS);
  const blocks = ptr(S, S_BLOCKS);
  const work = ptr(S, S_WORK);
  const d0 = i32At(dims, 0);
  let prev = E; // P_1 = W_1
  for (let l = 2; l <= last; l++) {
    const P = at<T>(work, blockOffset(dims, l));
    // P_l (d_l × d_0) = W_l (d_l × d_{l−1}) · P_{l−1} (d_{l−1} × d_0)
    gemmNN<T>(P, d0, at<T>(E, i32At(blocks, l - 1)), i32At(dims, l - 1), prev, d0, i32At(dims, l), d0, i32At(dims, l - 1));
    prev = P;
  }
  return prev;
}

/**
 * W = W_L · P_{L−1} into out (d_L × d_0): the forward's last product, for the sessions whose WORK
 * has no P_L block (completion from the observed lists, models/deepSparse.ts). Returns out.
 */
export function deepEndToEnd<T>(S: usize, E: usize, out: usize): usize {
  const dims = ptr(S, S_DIMS);
  const L = word(S, S_NBLOCKS);
  const d0 = i32At(dims, 0);
  const Q = deepProducts<T>(S, E, L - 1);
  gemmNN<T>(out, d0, at<T>(E, i32At(ptr(S, S_BLOCKS), L - 1)), i32At(dims, L - 1), Q, d0, i32At(dims, L), d0, i32At(dims, L - 1));
  return out;
}

/** ∂ℓ/∂θ at E into out, from R = ∂ℓ/∂W (d_L × d_0) and the last deepForward(S, E). */
export function deepBackward<T>(S: usize, E: usize, R: usize, out: usize): void {
  const dims = ptr(S, S_DIMS);
  const L = word(S, S_NBLOCKS);
  deepBackwardFrom<T>(S, E, L, R, at<T>(ptr(S, S_WORK), blockOffset(dims, L + 1)), out);
}

/**
 * The backward pass from layer `top` down, given H_top (R for top = L; the sparse path gives
 * H_{L−1}, models/deepSparse.ts): H_l = W_{l+1}ᵀ H_{l+1} for l = top−1 … 1 (H_1 into out's W_1
 * slot) and ∂/∂W_l = H_l P_{l−1}ᵀ for l = top … 2. Hb is where H_2 … H_{L−1} live, T after them.
 */
export function deepBackwardFrom<T>(S: usize, E: usize, top: i32, Htop: usize, Hb: usize, out: usize): void {
  const dims = ptr(S, S_DIMS);
  const blocks = ptr(S, S_BLOCKS);
  const work = ptr(S, S_WORK);
  const L = word(S, S_NBLOCKS);
  const d0 = i32At(dims, 0);
  const Tp = at<T>(Hb, blockOffset(dims, L));
  // H_l = W_{l+1}ᵀ H_{l+1}, l = top−1 … 1.
  let H = Htop;
  for (let l = top - 1; l >= 1; l--) {
    const o = l == 1 ? out : at<T>(Hb, blockOffset(dims, l));
    // W_{l+1} is d_{l+1} × d_l: C (d_l × d_0) = W_{l+1}ᵀ H_{l+1}, K = d_{l+1}
    gemmTN<T>(o, d0, at<T>(E, i32At(blocks, l)), i32At(dims, l), H, d0, i32At(dims, l), d0, i32At(dims, l + 1));
    H = o;
  }
  // ∂/∂W_l = H_l P_{l−1}ᵀ, l = top … 2.
  for (let l = top; l >= 2; l--) {
    const Hl = l == top ? Htop : at<T>(Hb, blockOffset(dims, l));
    const Pm = l == 2 ? E : at<T>(work, blockOffset(dims, l - 1));
    const dm = i32At(dims, l - 1);
    transpose<T>(Tp, Pm, dm, d0); // T is d_0 × d_{l−1}
    gemmNN<T>(at<T>(out, i32At(blocks, l - 1)), dm, Hl, d0, Tp, dm, i32At(dims, l), dm, d0);
  }
}
