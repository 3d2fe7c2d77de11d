/**
 * ml-matrix (f64): the step as an ml-matrix user would write it, with the library's own fast paths
 * for the transposed products (`gram()` = AᵀA, `transposeMultiply` = AᵀB) and the 4nmr algebra.
 * Noise: JS Box-Muller (ml-matrix has no Gaussian generator).
 */
import { Matrix } from 'ml-matrix';
import type { Impl, Problem, Runner } from '../problem.js';
import { fillBoxMuller } from './plainjs.js';

export function mlMatrixStepper(p: Problem): Runner {
  const { n, m, r, lr, sigmaX, sigmaY } = p;
  const M = Matrix.from1DArray(n, m, p.M);
  let X = Matrix.from1DArray(n, r, p.theta.subarray(0, n * r));
  let Y = Matrix.from1DArray(m, r, p.theta.subarray(n * r));
  const bx = new Float64Array(n * r);
  const by = new Float64Array(m * r);
  const noisy = sigmaX !== 0 || sigmaY !== 0;
  return {
    step(steps) {
      for (let s = 0; s < steps; s++) {
        let Xp = X;
        let Yp = Y;
        if (noisy) {
          fillBoxMuller(bx);
          fillBoxMuller(by);
          Xp = Matrix.add(X, Matrix.from1DArray(n, r, bx).mul(sigmaX));
          Yp = Matrix.add(Y, Matrix.from1DArray(m, r, by).mul(sigmaY));
        }
        const GX = Xp.mmul(Yp.gram()).sub(M.mmul(Yp)); // Xp (YpᵀYp) − M Yp
        const GY = Yp.mmul(Xp.gram()).sub(M.transposeMultiply(Xp)); // Yp (XpᵀXp) − Mᵀ Xp
        X = Matrix.sub(X, GX.mul(lr));
        Y = Matrix.sub(Y, GY.mul(lr));
      }
    },
    read: () => Float64Array.from([...X.to1DArray(), ...Y.to1DArray()]),
    dispose() {},
  };
}

export const mlMatrix: Impl = {
  name: 'ml-matrix',
  precision: 'f64',
  group: 'peer',
  unavailable: async () => null,
  make: async (p) => mlMatrixStepper(p),
};
