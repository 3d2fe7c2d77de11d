// The data losses, written once for every model: R = ∂ℓ/∂W at the end-to-end matrix W (rows×cols,
// row-major), on the whole data or on a batch. src/backends/reference/losses.ts is the same
// arithmetic (and says why completion has two full-sum forms).
//
//   full        ½‖W − M‖²                     R = W − M
//   completion  (1/|Ω|) Σ_Ω (W_ij − M_ij)²    full sum: R = rd(2/|Ω|)(W − M) on OBS, 0 elsewhere
//               (1/|B|) Σ_B                   batch idx[0, size): R = rd(2/|B|)(W − M) on B, 0 elsewhere
//               (the two-factor model never forms R: models/sparseCompletion.ts)
//   sensing     ½ Σ_i (⟨A_i, W⟩ − y_i)²       kernels/sensing.ts (full sum, or ½(N/|B|)Σ_B; A dense or CSR rows)
import { subtract } from './kernels/elementwise';
import { sensingResidual, sensingSparse } from './kernels/sensing';
import { LOSS_COMPLETION, LOSS_FULL, S_A, S_AB, S_LOSS, S_M, S_N, S_NM, S_NOBS, S_OBS, S_R, S_RV, S_SIDX, S_SPTR, S_SVAL, S_Y, ptr, word } from './session';

/** R = ∂ℓ/∂W into the session's R buffer; size = 0: the full sum, else the batch at idx. Returns R. */
export function residual<T>(S: usize, W: usize, idx: usize, size: i32): usize {
  const R = ptr(S, S_R);
  const nm = word(S, S_NM);
  const loss = word(S, S_LOSS);
  if (loss == LOSS_FULL) {
    subtract<T>(R, W, ptr(S, S_M), nm);
  } else if (loss == LOSS_COMPLETION) {
    if (size > 0) entries<T>(R, W, ptr(S, S_M), nm, idx, size);
    else entries<T>(R, W, ptr(S, S_M), nm, ptr(S, S_OBS), word(S, S_NOBS));
  } else if (ptr(S, S_SPTR) != 0) {
    sensingSparse<T>(R, W, nm, word(S, S_N), ptr(S, S_SPTR), ptr(S, S_SIDX), ptr(S, S_SVAL), ptr(S, S_Y), ptr(S, S_RV), idx, size);
  } else {
    sensingResidual<T>(R, W, nm, word(S, S_N), ptr(S, S_A), ptr(S, S_Y), ptr(S, S_RV), ptr(S, S_AB), idx, size);
  }
  return R;
}

/** R = rd(2/size)·(W − M) on the entries idx[0, size), +0 elsewhere. */
// @ts-ignore: decorator
@inline function entries<T>(R: usize, W: usize, M: usize, nm: i32, idx: usize, size: i32): void {
  const sh = alignof<T>();
  memory.fill(R, 0, <usize>nm << sh);
  const c = <T>(2.0 / <f64>size);
  for (let t = 0; t < size; t++) {
    const e = <usize>load<i32>(idx + (<usize>t << 2)) << sh;
    store<T>(R + e, c * (load<T>(W + e) - load<T>(M + e)));
  }
}
