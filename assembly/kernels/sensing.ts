// The sensing residual, the sensing branch of ../losses.ts (so of every model):
// R = ∂loss/∂W of ½ (N/|B|) Σ_B (⟨A_i, W⟩ − y_i)² at W (nm entries, row-major),
// in T. src/backends/reference/sensing.ts performs the same operations in the same order.
//   size = 0 (the full sum)  rv = A vec(W) − y,                           vec(R) = Aᵀ rv
//   size > 0 (batch idx)     Ab = rows A_i, i ∈ B in batch order;
//                            rv = (N/|B|)(Ab vec(W) − y_B),                vec(R) = Abᵀ rv
import { gemmNN, gemmTN } from './gemm';
import { subtract } from './elementwise';

// @ts-ignore: decorator
@inline export function sensingResidual<T>(
  R: usize, W: usize, nm: i32, N: i32, A: usize, y: usize, rv: usize, Ab: usize, idx: usize, size: i32,
): void {
  const sh = alignof<T>();
  if (size == 0) {
    gemmNN<T>(rv, 1, A, nm, W, 1, N, 1, nm);
    subtract<T>(rv, rv, y, N);
    gemmTN<T>(R, 1, A, nm, rv, 1, nm, 1, N);
    return;
  }
  const row = <usize>nm << sh;
  for (let t = 0; t < size; t++) {
    memory.copy(Ab + <usize>t * row, A + <usize>load<i32>(idx + (<usize>t << 2)) * row, row);
  }
  gemmNN<T>(rv, 1, Ab, nm, W, 1, size, 1, nm);
  const c = <T>(<f64>N / <f64>size);
  for (let t = 0; t < size; t++) {
    const p = rv + (<usize>t << sh);
    store<T>(p, c * (load<T>(p) - load<T>(y + (<usize>load<i32>(idx + (<usize>t << 2)) << sh))));
  }
  gemmTN<T>(R, 1, Ab, nm, rv, 1, nm, 1, size);
}
