import { matmulNN, matmulNT, matmulTN } from '../../../linalg/kernels.js';
import type { Round } from '../../../math/round.js';
import type { Model } from './model.js';

/**
 * The two-factor model W = X Yᵀ, θ = [X (n×r) | Y (m×r)], in working precision rd
 * (assembly/models/factorization.ts is the same arithmetic):
 *
 *   forward    W = Xp Ypᵀ                                     (n×m, E = [Xp | Yp])
 *   backward   ∂/∂θ = [R Yp | Rᵀ Xp]
 *   fullTarget the r ≪ n, m algebra of ½‖XYᵀ − M‖², no n×m matrix formed:
 *                Gy = YpᵀYp, Gx = XpᵀXp, B = [M Yp | Mᵀ Xp],  out = [Xp Gy | Yp Gx],  ∇ = out − B
 *              (the same six products, in the same order, as the Wasm model's gemm calls)
 */
export function factorizationModel(n: number, m: number, r: number, rd: Round): Model {
  const nr = n * r;
  const total = nr + m * r;
  let W: Float64Array | undefined; // n×m, made on the first forward pass (the full target's fast path never needs it)
  const Gx = new Float64Array(r * r);
  const Gy = new Float64Array(r * r);
  const B = new Float64Array(total); // [M Yp | Mᵀ Xp], laid out like theta
  return {
    forward(E) {
      W ??= new Float64Array(n * m);
      matmulNT(W, E.subarray(0, nr), E.subarray(nr), n, m, r, rd);
      return W;
    },
    backward(E, R, out) {
      matmulNN(out.subarray(0, nr), R, E.subarray(nr), n, r, m, rd);
      matmulTN(out.subarray(nr), R, E.subarray(0, nr), m, r, n, rd);
    },
    fullTarget(E, M, out) {
      const Xp = E.subarray(0, nr);
      const Yp = E.subarray(nr);
      matmulTN(Gy, Yp, Yp, r, r, m, rd);
      matmulTN(Gx, Xp, Xp, r, r, n, rd);
      matmulNN(B.subarray(0, nr), M, Yp, n, r, m, rd);
      matmulTN(B.subarray(nr), M, Xp, m, r, n, rd);
      matmulNN(out.subarray(0, nr), Xp, Gy, n, r, r, rd);
      matmulNN(out.subarray(nr), Yp, Gx, m, r, r, rd);
      return B;
    },
  };
}
