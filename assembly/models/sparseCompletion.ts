// The two-factor model W = X Yᵀ on completion, from the observed lists alone (no rows×cols buffer):
// src/backends/reference/sparseCompletion.ts is the same arithmetic, src/backends/sparse.ts the
// storage. θ = [X (n×r) | Y (m×r)], E = [Xp | Yp] the evaluation point, c = T(2/|B|) (B = Ω for
// the full sum), V the observed values by position:
//
//   per observed (i, j) in ascending flat order i·m + j:
//     w  = Σ_c Xp_ic·Yp_jc          c ascending from +0 (the dense forward's gemm sum, same bits)
//     ρ  = c·(w − V)
//     ∇X_i += ρ·Yp_j,  ∇Y_j += ρ·Xp_i   (∇ starts at +0)
//
// Why this is the dense path's bits: the dense gemms start every output element at +0 and add its
// products in ascending order; the unobserved terms are ρ = ±0 times a finite number, and adding
// ±0 to a sum that started at +0 never changes it (+0 + −0 = +0; x + ±0 = x). The ascending flat
// order visits ∇X_i's terms in ascending j and ∇Y_j's in ascending i, as R Yp and Rᵀ Xp add them.
// So only non-finite values off the data differ: the dense path multiplied them by 0 (NaN, a step
// earlier end); this one never reads them.
//
// A batch (positions in OBS, in ORDER's epoch order: random.ts epochStart with obs = 0) is sorted
// first (CSORT, heapsort): ascending positions are ascending flat indices. sparseBatchStep is the descent of such a batch without ridge, noise or
// with perturbed noise, touching only the batch's rows of X and Y: with λ = 0 and lr > 0 every
// other entry's step is θ − lr·(+0 + 0·θ) = θ exactly, so skipping it is the same bits.
//
// Descriptor: OBS flat indices ascending, ORDER positions in OBS (not flat indices: no search per
// batch entry; src/backends/wasm/session.ts translates the sampler state), CROW i32[n+1] row pointers, CCOL i32[|Ω|] columns,
// CVAL T[|Ω|] values, CSORT i32[maxBatch], WORK T[2·maxBatch·r] the batch's rows [Xp_i | Yp_j].
import { S_CCOL, S_CROW, S_CSORT, S_CVAL, S_DIMS, S_NOBS, S_NOISE, S_OBS, S_P, S_SIGMA, S_WORK, i32At, ptr, word } from '../session';

// @ts-ignore: decorator
@inline function dot<T>(a: usize, b: usize, r: i32): T {
  const sh = alignof<T>();
  let s: T = 0;
  for (let c = 0; c < r; c++) s += load<T>(a + (<usize>c << sh)) * load<T>(b + (<usize>c << sh));
  return s;
}

/** dst[c] += a·src[c], c < r (SIMD lanes are independent output elements: the scalar bits). */
// @ts-ignore: decorator
@inline function axpy<T>(dst: usize, src: usize, a: T, r: i32): void {
  const sh = alignof<T>();
  let c = 0;
  if (ASC_FEATURE_SIMD) {
    const L = 16 / sizeof<T>();
    const av = v128.splat<T>(a);
    for (; c + L <= r; c += L) {
      const o = <usize>c << sh;
      v128.store(dst + o, v128.add<T>(v128.load(dst + o), v128.mul<T>(av, v128.load(src + o))));
    }
  }
  for (; c < r; c++) {
    const o = <usize>c << sh;
    store<T>(dst + o, load<T>(dst + o) + a * load<T>(src + o));
  }
}

/** Sorts a[0, n) ascending (heapsort: no scratch, n log n for any batch size). */
export function sortI32(a: usize, n: i32): void {
  for (let k = (n >> 1) - 1; k >= 0; k--) sift(a, k, n);
  for (let end = n - 1; end > 0; end--) {
    const t = load<i32>(a);
    store<i32>(a, load<i32>(a + (<usize>end << 2)));
    store<i32>(a + (<usize>end << 2), t);
    sift(a, 0, end);
  }
}

// @ts-ignore: decorator
@inline function sift(a: usize, k: i32, n: i32): void {
  const v = load<i32>(a + (<usize>k << 2));
  while (true) {
    let c = 2 * k + 1;
    if (c >= n) break;
    if (c + 1 < n && load<i32>(a + (<usize>(c + 1) << 2)) > load<i32>(a + (<usize>c << 2))) c++;
    const cv = load<i32>(a + (<usize>c << 2));
    if (cv <= v) break;
    store<i32>(a + (<usize>k << 2), cv);
    k = c;
  }
  store<i32>(a + (<usize>k << 2), v);
}

/** The index of v in the ascending a[0, n) (v must be in it). */
export function searchI32(a: usize, n: i32, v: i32): i32 {
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (i32At(a, mid) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The batch idx[0, size) sorted into CSORT; returns it. */
// @ts-ignore: decorator
@inline function sortedBatch(S: usize, idx: usize, size: i32): usize {
  const sorted = ptr(S, S_CSORT);
  memory.copy(sorted, idx, <usize>size << 2);
  sortI32(sorted, size);
  return sorted;
}

/** ∇ of the data loss at E on the batch idx[0, size) (size 0: all of Ω) into out, every entry written. */
export function sparseGradient<T>(S: usize, E: usize, idx: usize, size: i32, out: usize): void {
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const nr = <usize>(n * r) << alignof<T>();
  sparseProducts<T>(S, n, m, r, E, E + nr, out, out + nr, idx, size, 0, 0);
}

/**
 * The products of X Yᵀ's sparse residual, the kernel both completion models share: X (n×r) and
 * Y (m×r) row-major, W_ij = X_i·Y_j on the batch (size 0: all of Ω) only, ρ = c·(W_ij − V), and
 * gX = R Y (n×r), gY = Rᵀ X (m×r), each written in full (+0 where no observed entry touches it).
 * The deep model calls it with X = W_L and Y = (W_{L−1} ⋯ W_1)ᵀ (models/deepSparse.ts); on a batch
 * it passes only the batch's columns: cols[0, nCols) ascending, Y and gY then hold row c for
 * column cols[c] (nCols×r), found by binary search. cols = 0: Y and gY are m×r.
 */
export function sparseProducts<T>(S: usize, n: i32, m: i32, r: i32, X: usize, Y: usize, gX: usize, gY: usize, idx: usize, size: i32, cols: usize, nCols: i32): void {
  const sh = alignof<T>();
  const rB = <usize>r << sh;
  const V = ptr(S, S_CVAL), obs = ptr(S, S_OBS), nObs = word(S, S_NOBS);
  memory.fill(gX, 0, <usize>(n * r) << sh);
  memory.fill(gY, 0, <usize>((cols != 0 ? nCols : m) * r) << sh);
  if (size == 0) {
    const rowPtr = ptr(S, S_CROW), col = ptr(S, S_CCOL);
    const c = <T>(2.0 / <f64>nObs);
    for (let i = 0; i < n; i++) {
      const x = X + <usize>i * rB, gx = gX + <usize>i * rB;
      const hi = i32At(rowPtr, i + 1);
      for (let p = i32At(rowPtr, i); p < hi; p++) {
        const j = i32At(col, p);
        const y = Y + <usize>j * rB;
        const rho: T = c * (dot<T>(x, y, r) - load<T>(V + (<usize>p << sh)));
        axpy<T>(gx, y, rho, r);
        axpy<T>(gY + <usize>j * rB, x, rho, r);
      }
    }
    return;
  }
  const sorted = sortedBatch(S, idx, size);
  const c = <T>(2.0 / <f64>size);
  for (let t = 0; t < size; t++) {
    const p = i32At(sorted, t);
    const e = i32At(obs, p);
    const i = e / m, j = cols != 0 ? searchI32(cols, nCols, e % m) : e % m;
    const x = X + <usize>i * rB, y = Y + <usize>j * rB;
    const rho: T = c * (dot<T>(x, y, r) - load<T>(V + (<usize>p << sh)));
    axpy<T>(gX + <usize>i * rB, y, rho, r);
    axpy<T>(gY + <usize>j * rB, x, rho, r);
  }
}

/** dst[c] = θ[c] + s·ξ[c] (c < r): perturb's arithmetic on one row; ξ in T, or f64 rounded to f32 (NOISE). */
// @ts-ignore: decorator
@inline function evalRow<T>(dst: usize, theta: usize, xi: usize, k: i32, r: i32, s: T, noisy: bool): void {
  const sh = alignof<T>();
  for (let c = 0; c < r; c++) {
    const e = k + c;
    const w = load<T>(theta + (<usize>e << sh));
    if (!noisy) store<T>(dst + (<usize>c << sh), w);
    else if (sizeof<T>() == 8) store<T>(dst + (<usize>c << sh), w + s * load<T>(xi + (<usize>e << 3)));
    else store<T>(dst + (<usize>c << sh), w + s * <T>load<f64>(xi + (<usize>e << 3)));
  }
}

/** out[k, k+r) = θ − lr·(g + tl·θ) (descendRidge's arithmetic) from g = next[k, k+r); 0 if some is not finite. */
// @ts-ignore: decorator
@inline function descendRow<T>(out: usize, theta: usize, next: usize, k: i32, r: i32, lr: T, tl: T): i32 {
  const sh = alignof<T>();
  let ok = 1;
  for (let c = 0; c < r; c++) {
    const o = <usize>(k + c) << sh;
    const w = load<T>(theta + o);
    const v: T = w - lr * (load<T>(next + o) + tl * w);
    store<T>(out + o, v);
    if (!(v - v == 0)) ok = 0;
  }
  return ok;
}

/**
 * One minibatch step that touches only the batch's rows (ridge tl must be 0 and lr > 0 for that to
 * be the full step's bits; the caller checks). noisy: E = θ + s_b·ξ with ξ already drawn over all
 * of θ (P, or NOISE in f64 for f32) — only the batch's rows of E are formed. Writes θ's touched
 * rows and returns 1, or returns 0 and leaves θ as it was if some new entry is not finite.
 */
export function sparseBatchStep<T>(S: usize, theta: usize, next: usize, idx: usize, size: i32, noisy: bool, amp: f64, lr: T, tl: T): i32 {
  const sh = alignof<T>();
  const dims = ptr(S, S_DIMS);
  const n = i32At(dims, 0), m = i32At(dims, 1), r = i32At(dims, 2);
  const rB = <usize>r << sh;
  const nr = n * r;
  const V = ptr(S, S_CVAL), obs = ptr(S, S_OBS);
  const P = ptr(S, S_P);
  const xi = sizeof<T>() == 8 ? P : ptr(S, S_NOISE);
  const sigma = ptr(S, S_SIGMA);
  const sx = <T>(load<f64>(sigma) * amp), sy = <T>(load<f64>(sigma, 8) * amp);
  const Xb = ptr(S, S_WORK), Yb = Xb + <usize>size * rB;
  const sorted = sortedBatch(S, idx, size);
  // the batch's evaluation rows, and their gradient rows cleared
  for (let t = 0; t < size; t++) {
    const e = i32At(obs, i32At(sorted, t));
    const i = e / m, j = e % m;
    evalRow<T>(Xb + <usize>t * rB, theta, xi, i * r, r, sx, noisy);
    evalRow<T>(Yb + <usize>t * rB, theta, xi, nr + j * r, r, sy, noisy);
    memory.fill(next + <usize>i * rB, 0, rB);
    memory.fill(next + (<usize>(nr + j * r) << sh), 0, rB);
  }
  const c = <T>(2.0 / <f64>size);
  for (let t = 0; t < size; t++) {
    const p = i32At(sorted, t);
    const e = i32At(obs, p);
    const i = e / m, j = e % m;
    const x = Xb + <usize>t * rB, y = Yb + <usize>t * rB;
    const rho: T = c * (dot<T>(x, y, r) - load<T>(V + (<usize>p << sh)));
    axpy<T>(next + <usize>i * rB, y, rho, r);
    axpy<T>(next + (<usize>(nr + j * r) << sh), x, rho, r);
  }
  // the new rows into P (ξ there is used up), all checked before any is written to θ
  let ok = 1;
  for (let t = 0; t < size; t++) {
    const e = i32At(obs, i32At(sorted, t));
    ok &= descendRow<T>(P, theta, next, (e / m) * r, r, lr, tl);
    ok &= descendRow<T>(P, theta, next, nr + (e % m) * r, r, lr, tl);
  }
  if (!ok) return 0;
  for (let t = 0; t < size; t++) {
    const e = i32At(obs, i32At(sorted, t));
    memory.copy(theta + (<usize>((e / m) * r) << sh), P + (<usize>((e / m) * r) << sh), rB);
    memory.copy(theta + (<usize>(nr + (e % m) * r) << sh), P + (<usize>(nr + (e % m) * r) << sh), rB);
  }
  return 1;
}

/** Position in the observed lists of label noise's t-th target: the full sum's t, or the batch entry's. */
// @ts-ignore: decorator
@inline export function labelPosition(list: usize, t: i32, batched: bool): i32 {
  return batched ? i32At(list, t) : t;
}
