import { matmulNN, matmulNT } from '../../../linalg/kernels.js';
import type { Round } from '../../../math/round.js';
import type { Model } from './model.js';

/**
 * The symmetric model W = X Xᵀ (n×n, PSD), θ = [X (n×k)], one block, in working precision rd
 * (assembly/models/symmetric.ts is the same arithmetic):
 *
 *   forward    W = Xp Xpᵀ
 *   backward   S = rd(R + Rᵀ) entrywise, ∂/∂X = S Xp        (∂ℓ(XXᵀ)/∂X = (R + Rᵀ) X for any R)
 *
 * No full-target fast path: the loss comes through losses.ts (the entry form of completion).
 */
export function symmetricModel(n: number, k: number, rd: Round): Model {
  const W = new Float64Array(n * n);
  const S = new Float64Array(n * n);
  return {
    forward(E) {
      matmulNT(W, E, E, n, n, k, rd);
      return W;
    },
    backward(E, R, out) {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) S[i * n + j] = rd(R[i * n + j] + R[j * n + i]);
      matmulNN(out, S, E, n, k, n, rd);
    },
  };
}
