import { matmulNN, matmulTN } from '../../../linalg/kernels.js';
import type { Round } from '../../../math/round.js';

/**
 * The two-factor full target with M = A Bᵀ given by its factors (A n×k, B m×k, in working
 * precision), in rd: assembly/models/factored.ts's eight products in its order —
 *   Gy = YpᵀYp, Gx = XpᵀXp, Cy = BᵀYp, Cx = AᵀXp, B = [A Cy | B Cx], out = [Xp Gy | Yp Gx]
 * — and returns B (gradient = out − B), as Model.fullTarget does for a dense M. No n×m array.
 */
export function factoredTarget(n: number, m: number, r: number, A: Float64Array, Bf: Float64Array, k: number, rd: Round) {
  const nr = n * r;
  const Gx = new Float64Array(r * r);
  const Gy = new Float64Array(r * r);
  const Cy = new Float64Array(k * r);
  const Cx = new Float64Array(k * r);
  const B = new Float64Array((n + m) * r);
  return (E: Float64Array, out: Float64Array): Float64Array => {
    const Xp = E.subarray(0, nr);
    const Yp = E.subarray(nr);
    matmulTN(Gy, Yp, Yp, r, r, m, rd);
    matmulTN(Gx, Xp, Xp, r, r, n, rd);
    matmulTN(Cy, Bf, Yp, k, r, m, rd);
    matmulTN(Cx, A, Xp, k, r, n, rd);
    matmulNN(B.subarray(0, nr), A, Cy, n, r, k, rd);
    matmulNN(B.subarray(nr), Bf, Cx, m, r, k, rd);
    matmulNN(out.subarray(0, nr), Xp, Gy, n, r, r, rd);
    matmulNN(out.subarray(nr), Yp, Gx, m, r, r, rd);
    return B;
  };
}
