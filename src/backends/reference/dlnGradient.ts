import { roundF64 } from '../../math/round.js';
import type { Measurements } from '../types.js';
import { residualOf } from './losses.js';
import { deepLinearModel } from './models/deepLinear.js';

/**
 * The data-term gradient of the deep linear network in f64, exactly as the reference step computes
 * it (models/deepLinear.ts and losses.ts), for the curvature diagnostics that difference it
 * (src/diagnostics/dlnCurvature.ts). Buffers are reused between calls.
 */
export interface DlnGradient {
  /** A = W_L ⋯ W_1 at the weights E; a view that the next call overwrites. */
  forward(E: Float64Array): Float64Array;
  /** ∂/∂W of (1/size) Σ_{t ∈ [lo, lo+size)} (A − M)²_{batch[t]} at E into grad (no ridge term); with sensing, of ½ (N/size) Σ (⟨A_i, A⟩ − y_i)², i = batch[t]. */
  dataGradient(E: Float64Array, batch: Int32Array, lo: number, size: number, grad: Float64Array): void;
}

export function dlnGradient(
  dims: readonly number[], M: Float64Array, sensing?: Measurements,
): DlnGradient {
  const model = deepLinearModel(dims, roundF64);
  const nm = M.length;
  // Completion on the given entries: the residual's batch form (the mask only sizes it).
  const residual = residualOf(sensing ? { kind: 'sensing', ...sensing } : { kind: 'completion', M, mask: new Uint8Array(nm).fill(1) }, nm, roundF64);
  return {
    forward: (E) => model.forward(E),
    dataGradient(E, batch, lo, size, grad) {
      const full = sensing !== undefined && size === sensing.y.length; // the full batch: the full sum
      model.backward(E, residual(model.forward(E), batch, lo, full ? 0 : size), grad);
    },
  };
}
