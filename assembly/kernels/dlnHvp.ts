// The deep linear network's exact Hessian-vector product (forward-over-reverse), f64, for the
// curvature diagnostics: src/diagnostics/dlnHvp.ts is the reference and defines the operations and
// their order (read it first); every product here is a gemm with the same sums in the same order
// (kernels/gemm.ts's contract; an NT product is a transpose then NN, as in the step programs), so
// the SIMD build, the scalar build and the reference give the same bits.
//
// The point's own products are computed once per point by the caller (they do not depend on v):
//
// Buffers (row-major f64 unless noted; layer l has d_l × d_{l−1} weights, d_0 = d_in):
//   dims   L+1 i32
//   theta  [ W_1 | … | W_L ]           the point
//   P      [ P_2 | … | P_L ]           prefixes P_l = W_l ⋯ W_1 (d_l × d_0); P_1 is W_1 itself
//   H      [ H_1 | … | H_L ]           back-propagated H_l = (W_L ⋯ W_{l+1})ᵀ G (d_l × d_0); H_L = G
//   dP     [ dP_2 | … | dP_L ]         scratch: the forward directional derivatives (dP_1 = V_1)
//   dH     [ dH_1 | … | dH_L ]         scratch: the reverse ones
//   t      max_l d_l·max(d_0, d_{l−1}) scratch for the second term of each sum
//   T      max_l d_0·d_{l−1}          scratch: P_{l−1}ᵀ or dP_{l−1}ᵀ, packed for an NN product
//   v, out like theta                  out = ∇²f(θ)·v (out must not alias v)
//   hess   0: full ½‖A − M‖²           dG = dA
//          1: completion              dG = w ⊙ dA, w = 2/|Ω| on observed entries, 0 elsewhere (hw)
//          2: sensing                 rv = 𝒜 vec(dA), dG = 𝒜ᵀ rv (hA: N × d_L·d_0, rv: N)
//   tl     2λ (the ridge's Hessian)
import { gemmNN, gemmTN } from './gemm';
import { transpose } from './elementwise';

// @ts-ignore: decorator
@inline function dim(dims: usize, l: i32): i32 {
  return load<i32>(dims + (<usize>l << 2));
}

// @ts-ignore: decorator
@inline function addInto(a: usize, b: usize, len: i32): void {
  for (let k = 0; k < len; k++) {
    const p = a + (<usize>k << 3);
    store<f64>(p, load<f64>(p) + load<f64>(b + (<usize>k << 3)));
  }
}

/** Byte offset of W_l in theta / v / out. */
function wOff(dims: usize, l: i32): usize {
  let o: usize = 0;
  for (let k = 1; k < l; k++) o += <usize>(dim(dims, k) * dim(dims, k - 1)) << 3;
  return o;
}

/** Byte offset of block l (each d_k × d_0) in a list starting at block `first` (P: 2, H: 1). */
function blockOff(dims: usize, first: i32, l: i32): usize {
  const d0 = dim(dims, 0);
  let o: usize = 0;
  for (let k = first; k < l; k++) o += <usize>(dim(dims, k) * d0) << 3;
  return o;
}

export function dlnHvp(
  L: i32, dims: usize, theta: usize, P: usize, H: usize, dP: usize, dH: usize, t: usize, T: usize,
  v: usize, out: usize, tl: f64, hess: i32, hw: usize, hA: usize, N: i32, rv: usize,
): void {
  const d0 = dim(dims, 0);
  // Forward: dP_l = V_l P_{l−1} + W_l dP_{l−1}.
  for (let l = 2; l <= L; l++) {
    const dl = dim(dims, l), dm = dim(dims, l - 1);
    gemmNN<f64>((dP + blockOff(dims, 2, l)), d0, v + wOff(dims, l), dm, (l == 2 ? theta : P + blockOff(dims, 2, l - 1)), d0, dl, d0, dm);
    gemmNN<f64>(t, d0, theta + wOff(dims, l), dm, (l == 2 ? v : dP + blockOff(dims, 2, l - 1)), d0, dl, d0, dm);
    addInto((dP + blockOff(dims, 2, l)), t, dl * d0);
  }
  // dG = ∇²ℓ[dA] into dH_L.
  const dL = dim(dims, L);
  const nm = dL * d0;
  const dA = (dP + blockOff(dims, 2, L));
  const dG = dH + blockOff(dims, 1, L);
  if (hess == 0) {
    memory.copy(dG, dA, <usize>nm << 3);
  } else if (hess == 1) {
    for (let k = 0; k < nm; k++) {
      const w = load<f64>(hw + (<usize>k << 3));
      store<f64>(dG + (<usize>k << 3), w != 0 ? w * load<f64>(dA + (<usize>k << 3)) : 0);
    }
  } else {
    gemmNN<f64>(rv, 1, hA, nm, dA, 1, N, 1, nm);
    gemmTN<f64>(dG, 1, hA, nm, rv, 1, nm, 1, N);
  }
  // Reverse: dH_l = V_{l+1}ᵀ H_{l+1} + W_{l+1}ᵀ dH_{l+1}.
  for (let l = L - 1; l >= 1; l--) {
    const dl = dim(dims, l), dn = dim(dims, l + 1);
    gemmTN<f64>(dH + blockOff(dims, 1, l), d0, v + wOff(dims, l + 1), dl, H + blockOff(dims, 1, l + 1), d0, dl, d0, dn);
    gemmTN<f64>(t, d0, theta + wOff(dims, l + 1), dl, dH + blockOff(dims, 1, l + 1), d0, dl, d0, dn);
    addInto(dH + blockOff(dims, 1, l), t, dl * d0);
  }
  // Output: (H·V)_1 = dH_1; (H·V)_l = dH_l P_{l−1}ᵀ + H_l dP_{l−1}ᵀ; then + 2λ V.
  memory.copy(out, dH, <usize>(dim(dims, 1) * d0) << 3);
  for (let l = 2; l <= L; l++) {
    const dl = dim(dims, l), dm = dim(dims, l - 1);
    const o = out + wOff(dims, l);
    transpose<f64>(T, (l == 2 ? theta : P + blockOff(dims, 2, l - 1)), dm, d0);
    gemmNN<f64>(o, dm, dH + blockOff(dims, 1, l), d0, T, dm, dl, dm, d0);
    transpose<f64>(T, (l == 2 ? v : dP + blockOff(dims, 2, l - 1)), dm, d0);
    gemmNN<f64>(t, dm, H + blockOff(dims, 1, l), d0, T, dm, dl, dm, d0);
    addInto(o, t, dl * dm);
  }
  let total = 0;
  for (let l = 1; l <= L; l++) total += dim(dims, l) * dim(dims, l - 1);
  for (let k = 0; k < total; k++) {
    const p = out + (<usize>k << 3);
    store<f64>(p, load<f64>(p) + tl * load<f64>(v + (<usize>k << 3)));
  }
}
