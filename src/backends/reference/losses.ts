import type { Round } from '../../math/round.js';
import { observedIndices } from '../../problems/dln.js';
import type { DataLoss } from '../types.js';
import { sensingResidual, sensingSparseResidual } from './sensing.js';

/**
 * R = ∂ℓ/∂W of the data loss (DataLoss) at the end-to-end matrix W, in working precision rd: the
 * one place of the losses, used by the step skeleton (step.ts) for every model. W and R are
 * rows×cols row-major; A, y, M arrive already rounded. assembly/losses.ts is the same arithmetic.
 *
 *   full        R = W − M
 *   completion  the full sum:  R = rd(2/|Ω|)·(W − M) on Ω, +0 elsewhere
 *               a batch B = idx[lo, lo+size):  R = rd(2/|B|)·(W − M) on B, +0 elsewhere
 *               (the two-factor model never forms R: sparseCompletion.ts)
 *   sensing     src/backends/reference/sensing.ts (the full sum, or the batch's gathered rows; or A's CSR rows)
 */
export type Residual = (W: Float64Array, idx: Int32Array, lo: number, size: number) => Float64Array;

export function residualOf(loss: Exclude<DataLoss, { kind: 'factored' }>, nm: number, rd: Round): Residual {
  const R = new Float64Array(nm);
  switch (loss.kind) {
    case 'full': {
      const { M } = loss;
      return (W) => {
        for (let k = 0; k < nm; k++) R[k] = rd(W[k] - M[k]);
        return R;
      };
    }
    case 'completion': {
      const { M } = loss;
      const obs = observedIndices(loss.mask);
      const entries = (W: Float64Array, idx: Int32Array, lo: number, size: number) => {
        R.fill(0);
        const c = rd(2 / size);
        for (let t = lo; t < lo + size; t++) R[idx[t]] = rd(c * rd(W[idx[t]] - M[idx[t]]));
        return R;
      };
      return (W, idx, lo, size) => (size > 0 ? entries(W, idx, lo, size) : entries(W, obs, 0, obs.length));
    }
    case 'sensing': {
      const residual = loss.sparse ? sensingSparseResidual(nm, loss.sparse, loss.y, rd) : sensingResidual(nm, loss.A, loss.y, rd);
      return (W, idx, lo, size) => residual(W, R, idx, lo, size);
    }
  }
}
