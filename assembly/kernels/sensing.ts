// The sensing residual, the sensing branch of ../losses.ts (so of every model):
// R = ∂loss/∂W of ½ (N/|B|) Σ_B (⟨A_i, W⟩ − y_i)² at W (nm entries, row-major),
// in T. src/backends/reference/sensing.ts performs the same operations in the same order.
//   size = 0 (the full sum)  rv = A vec(W) − y,                           vec(R) = Aᵀ rv
//   size > 0 (batch idx)     Ab = rows A_i, i ∈ B in batch order;
//                            rv = (N/|B|)(Ab vec(W) − y_B),                vec(R) = Abᵀ rv
// sensingSparse is the same loss with A stored as CSR rows (session words SPTR/SIDX/SVAL): the same
// bits, since every sum above runs from +0 in a fixed order and a running sum from +0 is never −0,
// so the ±0 products of A's zeros that it skips change nothing (finite W; test/backends/sensing-sparse.test.ts).
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

/**
 * sensingResidual with A_i's nonzeros at idx[ptr[i] … ptr[i+1]) (flat positions ascending) with
 * values val: rv_i = Σ_p val_p·W[k_p] from +0 in ascending k (then − y_i, and the batch's N/|B| as
 * above), and R = Aᵀ rv as a scatter — R = +0, then for i in order (the batch's order: the dense
 * Abᵀ rv sums its rows so) R[k_p] += val_p·rv_i. Batches read the CSR rows in place: no gather.
 */
// @ts-ignore: decorator
@inline export function sensingSparse<T>(
  R: usize, W: usize, nm: i32, N: i32, ptr: usize, pos: usize, val: usize, y: usize, rv: usize, idx: usize, size: i32,
): void {
  const sh = alignof<T>();
  const count = size == 0 ? N : size;
  const c = <T>(<f64>N / <f64>size);
  for (let t = 0; t < count; t++) {
    const i = size == 0 ? t : load<i32>(idx + (<usize>t << 2));
    const lo = load<i32>(ptr + (<usize>i << 2));
    const hi = load<i32>(ptr + (<usize>(i + 1) << 2));
    let s = <T>0;
    for (let p = lo; p < hi; p++) {
      s += load<T>(val + (<usize>p << sh)) * load<T>(W + (<usize>load<i32>(pos + (<usize>p << 2)) << sh));
    }
    const r = s - load<T>(y + (<usize>i << sh));
    store<T>(rv + (<usize>t << sh), size == 0 ? r : c * r);
  }
  memory.fill(R, 0, <usize>nm << sh);
  for (let t = 0; t < count; t++) {
    const i = size == 0 ? t : load<i32>(idx + (<usize>t << 2));
    const lo = load<i32>(ptr + (<usize>i << 2));
    const hi = load<i32>(ptr + (<usize>(i + 1) << 2));
    const r = load<T>(rv + (<usize>t << sh));
    for (let p = lo; p < hi; p++) {
      const e = R + (<usize>load<i32>(pos + (<usize>p << 2)) << sh);
      store<T>(e, load<T>(e) + load<T>(val + (<usize>p << sh)) * r);
    }
  }
}
