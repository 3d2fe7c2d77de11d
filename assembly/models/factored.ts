// The two-factor model on a target given by its factors, M = A Bᵀ (A n×k, B m×k; LOSS_FACTORED):
// the full-target algebra of ./factorization.ts with M Yp and Mᵀ Xp taken through the factors, so
// no n×m matrix exists anywhere. src/backends/reference/models/factored.ts is the same arithmetic.
//
//   Gy = YpᵀYp, Gx = XpᵀXp                         (r×r)       gemmTN over m, over n
//   Cy = BᵀYp,  Cx = AᵀXp                          (k×r)       gemmTN over m, over n
//   B  = [A Cy | B Cx]                              ((n+m)×r)   gemmNN over k   (= [M Yp | Mᵀ Xp])
//   out = [Xp Gy | Yp Gx];   ∇ = out − B                        gemmNN over r
//
// In that order, each product by the gemm kernels' contract (kernels/gemm.ts: every element from
// +0, products added in ascending inner index, rounded to T, no FMA), so Wasm SIMD, Wasm scalar
// and the reference agree bit for bit. (A Cy associates the sum differently from the dense M Yp,
// so the factored and dense paths agree to rounding, not in bits.) Cost per step:
// 2(n+m)·r·(r+k) multiply-adds ≈ 4(n+m)·r·(r+k) flops, against 4nmr for the dense target.
//
// WORK (in T):  [ Gx (r×r) | Gy (r×r) | B ((n+m)·r) | Cy (k×r) | Cx (k×r) ]
import { gemmNN2, gemmTN2, gram2 } from '../kernels/gemm';
import { S_DIMS, S_FA, S_FB, S_FK, S_WORK, i32At, ptr, word } from '../session';

/** out = [Xp Gy | Yp Gx]; returns B = [A (BᵀYp) | B (AᵀXp)] (∇ = out − B). */
export function twoFactorFactoredTarget<T>(S: usize, E: usize, out: usize): usize {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const k = word(S, S_FK);
  const nr = <usize>(n * r) << sh;
  const FA = ptr(S, S_FA), FB = ptr(S, S_FB);
  const Gx = ptr(S, S_WORK);
  const Gy = Gx + (<usize>(r * r) << sh);
  const B = Gy + (<usize>(r * r) << sh);
  const Cy = B + (<usize>((n + m) * r) << sh);
  const Cx = Cy + (<usize>(k * r) << sh);
  const Yp = E + nr;
  // Pairs of independent products: with threads, each pair is one pool job (kernels/gemm.ts), as
  // in ./factorization.ts — four wake-ups a step, not eight; the same bits as eight single calls.
  // Xp's products first: on two threads the first takes Xp's, which is the half of E it drew
  // (programs/draw.ts), so each core reads what is in its own cache.
  gram2<T>(Gx, E, r, r, n, Gy, Yp, r, r, m);
  gemmTN2<T>(Cx, r, FA, k, E, r, k, r, n, Cy, r, FB, k, Yp, r, k, r, m);
  gemmNN2<T>(B, r, FA, k, Cy, r, n, r, k, B + nr, r, FB, k, Cx, r, m, r, k);
  gemmNN2<T>(out, r, E, r, Gy, r, n, r, r, out + nr, r, Yp, r, Gx, r, m, r, r);
  return B;
}
