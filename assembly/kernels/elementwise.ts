// Elementwise kernels on raw buffers (byte pointers), generic over the element type T (f64 or
// f32). The matrix products are in gemm.ts. Same bit-exactness contract as there: the reference
// (src/backends/reference/kernels.ts) performs the same operations per element, rounding each to T.
// SIMD handles 16 / sizeof<T>() elements per vector, each lane doing the scalar operations.

// @ts-ignore: decorator
@inline function at<T>(p: usize, i: i32): usize {
  return p + (<usize>i << alignof<T>());
}

/**
 * The descent step on [0, len):  next[k] = theta[k] − lr · (next[k] − B[k]),
 * where next holds P·G on entry (so next − B is the gradient X_p(Y_pᵀY_p) − M Y_p).
 * Returns 1 if every new entry is finite, 0 otherwise (then the caller discards `next`).
 */
export function descend<T>(next: usize, theta: usize, B: usize, len: i32, lr: T): i32 {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    const lrv = v128.splat<T>(lr);
    const zero = v128.splat<T>(0);
    let finite = i32x4.splat(-1);
    for (; k + L <= len; k += L) {
      const g = v128.sub<T>(v128.load(at<T>(next, k)), v128.load(at<T>(B, k)));
      const v = v128.sub<T>(v128.load(at<T>(theta, k)), v128.mul<T>(lrv, g));
      v128.store(at<T>(next, k), v);
      finite = v128.and(finite, v128.eq<T>(v128.sub<T>(v, v), zero)); // v − v is 0 unless v is NaN or ±Inf
    }
    if (!i32x4.all_true(finite)) return 0;
  }
  for (; k < len; k++) {
    const g: T = load<T>(at<T>(next, k)) - load<T>(at<T>(B, k));
    const v: T = load<T>(at<T>(theta, k)) - lr * g;
    store<T>(at<T>(next, k), v);
    if (!(v - v == 0)) return 0;
  }
  return 1;
}

/**
 * P = theta + s·P elementwise on [lo, hi): turns standard normals in P into theta + σ·noise.
 * Returns 1 if every new entry is finite (Langevin adds its noise after the step and must check).
 */
export function perturb<T>(P: usize, theta: usize, lo: i32, hi: i32, s: T): i32 {
  let k = lo;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    const sv = v128.splat<T>(s);
    const zero = v128.splat<T>(0);
    let finite = i32x4.splat(-1);
    for (; k + L <= hi; k += L) {
      const v = v128.add<T>(v128.load(at<T>(theta, k)), v128.mul<T>(sv, v128.load(at<T>(P, k))));
      v128.store(at<T>(P, k), v);
      finite = v128.and(finite, v128.eq<T>(v128.sub<T>(v, v), zero));
    }
    if (!i32x4.all_true(finite)) return 0;
  }
  let ok = 1;
  for (; k < hi; k++) {
    const v: T = load<T>(at<T>(theta, k)) + s * load<T>(at<T>(P, k));
    store<T>(at<T>(P, k), v);
    if (!(v - v == 0)) ok = 0;
  }
  return ok;
}

/**
 * Anticorrelated noise on [0, len): P holds fresh normals ξ_t; afterwards P = ξ_t − ξ_{t−1} and
 * prev = ξ_t (both in T). prev is run state: a checkpoint must carry it to resume to the same bits.
 */
export function anticorrelate<T>(P: usize, prev: usize, len: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    for (; k + L <= len; k += L) {
      const xi = v128.load(at<T>(P, k));
      v128.store(at<T>(P, k), v128.sub<T>(xi, v128.load(at<T>(prev, k))));
      v128.store(at<T>(prev, k), xi);
    }
  }
  for (; k < len; k++) {
    const xi = load<T>(at<T>(P, k));
    store<T>(at<T>(P, k), xi - load<T>(at<T>(prev, k)));
    store<T>(at<T>(prev, k), xi);
  }
}

/** out[k] = a[k] − b[k] on [0, len); out may alias a or b. */
export function subtract<T>(out: usize, a: usize, b: usize, len: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    for (; k + L <= len; k += L) {
      v128.store(at<T>(out, k), v128.sub<T>(v128.load(at<T>(a, k)), v128.load(at<T>(b, k))));
    }
  }
  for (; k < len; k++) store<T>(at<T>(out, k), load<T>(at<T>(a, k)) - load<T>(at<T>(b, k)));
}

/** out[k] = f32(src[k]) for f64 src (round to nearest, as Math.fround). */
export function demote(out: usize, src: usize, len: i32): void {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    for (; k + 4 <= len; k += 4) {
      const lo = f32x4.demote_f64x2_zero(v128.load(at<f64>(src, k)));
      const hi = f32x4.demote_f64x2_zero(v128.load(at<f64>(src, k + 2)));
      v128.store(at<f32>(out, k), i64x2.shuffle(lo, hi, 0, 2));
    }
  }
  for (; k < len; k++) store<f32>(at<f32>(out, k), <f32>load<f64>(at<f64>(src, k)));
}

/** Σ p[k]², k ascending, in f64 (a report: never fed back into a step). */
export function sumSquares<T>(p: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < len; k++) {
    const v = <f64>load<T>(at<T>(p, k));
    s += v * v;
  }
  return s;
}

/**
 * The ridge-regularized descent step on [0, len):
 *   next[k] = theta[k] − lr · (grad[k] + tl · theta[k])        (tl = 2λ, the ridge's gradient factor)
 * each operation rounded to T, in this order. Returns 1 if every new entry is finite, 0 otherwise.
 */
export function descendRidge<T>(next: usize, theta: usize, grad: usize, len: i32, lr: T, tl: T): i32 {
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    const lrv = v128.splat<T>(lr);
    const tlv = v128.splat<T>(tl);
    const zero = v128.splat<T>(0);
    let finite = i32x4.splat(-1);
    for (; k + L <= len; k += L) {
      const w = v128.load(at<T>(theta, k));
      const g = v128.add<T>(v128.load(at<T>(grad, k)), v128.mul<T>(tlv, w));
      const v = v128.sub<T>(w, v128.mul<T>(lrv, g));
      v128.store(at<T>(next, k), v);
      finite = v128.and(finite, v128.eq<T>(v128.sub<T>(v, v), zero));
    }
    if (!i32x4.all_true(finite)) return 0;
  }
  for (; k < len; k++) {
    const w: T = load<T>(at<T>(theta, k));
    const g: T = load<T>(at<T>(grad, k)) + tl * w;
    const v: T = w - lr * g;
    store<T>(at<T>(next, k), v);
    if (!(v - v == 0)) return 0;
  }
  return 1;
}

/** out (cols×rows) = srcᵀ for src rows×cols, both packed row-major. Moves bits only: exact. */
export function transpose<T>(out: usize, src: usize, rows: i32, cols: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) store<T>(at<T>(out, j * rows + i), load<T>(at<T>(src, i * cols + j)));
  }
}
