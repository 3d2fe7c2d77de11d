// Elementwise f64 kernels on raw buffers (byte pointers). The matrix products are in gemm.ts.
// Same bit-exactness contract as there: the reference (src/backends/reference/kernels.ts)
// performs the same operations per element.

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/**
 * The descent step on [lo, hi):  next[k] = theta[k] − lr · (next[k] − B[k]),
 * where next holds P·G on entry (so next − B is the gradient X_p(Y_pᵀY_p) − M Y_p).
 * Returns 1 if every new entry is finite, 0 otherwise (then the caller discards `next`).
 */
export function descend(next: usize, theta: usize, B: usize, len: i32, lr: f64): i32 {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const lrv = f64x2.splat(lr);
    let finite = i64x2.splat(-1);
    for (; k + 2 <= len; k += 2) {
      const g = f64x2.sub(v128.load(at(next, k)), v128.load(at(B, k)));
      const v = f64x2.sub(v128.load(at(theta, k)), f64x2.mul(lrv, g));
      v128.store(at(next, k), v);
      finite = v128.and(finite, f64x2.eq(f64x2.sub(v, v), f64x2.splat(0)));
    }
    if (!i64x2.all_true(finite)) return 0;
  }
  for (; k < len; k++) {
    const g = load<f64>(at(next, k)) - load<f64>(at(B, k));
    const v = load<f64>(at(theta, k)) - lr * g;
    store<f64>(at(next, k), v);
    if (!(v - v == 0)) return 0;
  }
  return 1;
}

/** Σ p[k]², k ascending. */
export function sumSquares(p: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < len; k++) {
    const v = load<f64>(at(p, k));
    s += v * v;
  }
  return s;
}

/** P = theta + s·P elementwise on [lo, hi): turns standard normals in P into theta + σ·noise. */
export function perturb(P: usize, theta: usize, lo: i32, hi: i32, s: f64): void {
  let k = lo;
  if (ASC_FEATURE_SIMD) {
    const sv = f64x2.splat(s);
    for (; k + 2 <= hi; k += 2) {
      v128.store(at(P, k), f64x2.add(v128.load(at(theta, k)), f64x2.mul(sv, v128.load(at(P, k)))));
    }
  }
  for (; k < hi; k++) store<f64>(at(P, k), load<f64>(at(theta, k)) + s * load<f64>(at(P, k)));
}
