/**
 * Dense f64 vector helpers for the spectral tools (src/linalg/lanczos.ts, src/diagnostics/): each
 * sum accumulates sequentially in ascending index, no Math beyond sqrt, so every engine gives the
 * same bits. Output-first where there is an output.
 */

/** Σ_k a_k b_k, in ascending k. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/**
 * s0 + Σ_{k = from … n−1} a_k b_k, in ascending k: dot's sum on a tail, from a start value (the
 * Householder and Gram–Schmidt loops of lowRank.ts and qr.ts). A small function of its own so V8
 * optimizes it after a call or two: the same loop inlined in a long cold function runs interpreted
 * until that function's on-stack replacement compiles — tens of ms on a busy machine — boxing every
 * product into a fresh heap number (MBs of garbage a 10⁴-row factor, which V8's young generation
 * grows to hold: resident memory).
 */
export function dotFrom(a: Float64Array, b: Float64Array, from: number, n: number, s0 = 0): number {
  let s = s0;
  for (let k = from; k < n; k++) s += a[k] * b[k];
  return s;
}

/** y_k ← y_k − αx_k for k = from … n−1 (the updates beside dotFrom's sums). */
export function subScaledFrom(y: Float64Array, alpha: number, x: Float64Array, from: number, n: number): void {
  for (let k = from; k < n; k++) y[k] -= alpha * x[k];
}

/**
 * s[t] += Σ_{k = from … n−1} x_k·y_t[k] for four columns y_0 … y_3 at once, each sum on its own
 * in ascending k (dotFrom's bits for each): four independent chains instead of one keep the adds
 * from waiting on each other, and x is read once for the four (householderR: 1.6× faster).
 */
export function dotFrom4(x: Float64Array, y0: Float64Array, y1: Float64Array, y2: Float64Array, y3: Float64Array, from: number, n: number, s: Float64Array): void {
  let s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
  for (let k = from; k < n; k++) {
    const v = x[k];
    s0 += v * y0[k];
    s1 += v * y1[k];
    s2 += v * y2[k];
    s3 += v * y3[k];
  }
  s[0] = s0;
  s[1] = s1;
  s[2] = s2;
  s[3] = s3;
}

/** y_t[k] ← y_t[k] − g[t]·x_k for four columns at once, k = from … n−1 (subScaledFrom's bits for each). */
export function subScaledFrom4(y0: Float64Array, y1: Float64Array, y2: Float64Array, y3: Float64Array, g: Float64Array, x: Float64Array, from: number, n: number): void {
  const g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3];
  for (let k = from; k < n; k++) {
    const v = x[k];
    y0[k] -= g0 * v;
    y1[k] -= g1 * v;
    y2[k] -= g2 * v;
    y3[k] -= g3 * v;
  }
}

/** x_k ← x_k / d for k = from … n−1 (divided, not multiplied by 1/d: one rounding each). */
export function divideFrom(x: Float64Array, d: number, from: number, n: number): void {
  for (let k = from; k < n; k++) x[k] = x[k] / d;
}

/**
 * The columns of a row-major rows×cols array as contiguous arrays (`out`'s, when given), in one
 * sweep over its rows: a column at a time strides through all of it once per column, a cache miss
 * per entry when it is large (a 5·10⁵-row factor: seconds).
 */
export function splitColumns(data: ArrayLike<number>, rows: number, cols: number, out: Float64Array[] = Array.from({ length: cols }, () => new Float64Array(rows))): Float64Array[] {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j][i] = data[i * cols + j];
  return out;
}

/** The inverse of splitColumns: column j of the row-major rows×cols `data` ← cs[j], in one sweep. */
export function joinColumns(data: Float64Array, rows: number, cols: number, cs: readonly Float64Array[]): void {
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = cs[j][i];
}

/**
 * out[i·oc + j] ← src[i·sc + j]·f[j] for rows i and columns j < count (a copy when f is omitted):
 * the first columns of one row-major array into another, row by row.
 */
export function copyColumns(out: Float64Array, oc: number, src: ArrayLike<number>, sc: number, rows: number, count: number, f?: Float64Array): void {
  for (let i = 0; i < rows; i++)
    if (f === undefined) for (let j = 0; j < count; j++) out[i * oc + j] = src[i * sc + j];
    else for (let j = 0; j < count; j++) out[i * oc + j] = src[i * sc + j] * f[j];
}

/**
 * out[i·oc + j] += Σ_t a[t·ac + i]·b[t·bc + j] for i < na, j < nb, t = 0 … rows−1 ascending: the
 * products aᵀb of row-major arrays, every sum in dotStrided's order (from out's value, +0 for a
 * fresh array), in one sweep over the rows instead of a strided pass per entry.
 */
export function addTN(out: Float64Array, oc: number, a: ArrayLike<number>, ac: number, na: number, b: ArrayLike<number>, bc: number, nb: number, rows: number): void {
  for (let t = 0; t < rows; t++)
    for (let i = 0; i < na; i++) {
      const ai = a[t * ac + i];
      for (let j = 0; j < nb; j++) out[i * oc + j] += ai * b[t * bc + j];
    }
}

/**
 * s0 + Σ_{t = 0 … n−1} a[ao + t·as]·b[bo + t·bs], t ascending: a row or column dot product of
 * row-major arrays (matrix.ts matmulTN, the prediction's Grams) — dotFrom's kernel with strides.
 */
export function dotStrided(a: ArrayLike<number>, ao: number, as: number, b: ArrayLike<number>, bo: number, bs: number, n: number, s0 = 0): number {
  let s = s0;
  for (let t = 0; t < n; t++) s += a[ao + t * as] * b[bo + t * bs];
  return s;
}

/** The index of the first NaN or ±Infinity of `d`, or −1. */
export function firstNonFinite(d: ArrayLike<number>): number {
  for (let k = 0; k < d.length; k++) {
    const v = d[k];
    if (!(v - v === 0)) return k;
  }
  return -1;
}

/** ‖a‖₂ (no scaling: the spectral tools work on unit-scale vectors). */
export function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

/** y ← y + αx. */
export function axpy(y: Float64Array, alpha: number, x: Float64Array): Float64Array {
  for (let k = 0; k < y.length; k++) y[k] += alpha * x[k];
  return y;
}

/** x ← αx. */
export function scale(x: Float64Array, alpha: number): Float64Array {
  for (let k = 0; k < x.length; k++) x[k] *= alpha;
  return x;
}

/** One modified Gram–Schmidt pass of w against orthonormal Q; adds the coefficients to `coef` when given. */
export function project(w: Float64Array, Q: readonly Float64Array[], coef?: Float64Array): Float64Array {
  for (let i = 0; i < Q.length; i++) {
    const c = dot(Q[i], w);
    if (coef) coef[i] += c;
    axpy(w, -c, Q[i]);
  }
  return w;
}

/**
 * w ← (I − QQᵀ)w for orthonormal vectors Q: a modified Gram–Schmidt pass, repeated once when it
 * cancelled more than 1 − 1/√2 of w's norm (the Daniel–Gragg–Kaufman–Stewart test: "twice is
 * enough" keeps w orthogonal to working precision even when it started nearly inside span Q, and a
 * pass that cancelled little needs no second). With `coef`, stores the sum of the passes'
 * coefficients there: Qᵀw as it was on entry, up to rounding.
 */
export function orthogonalize(w: Float64Array, Q: readonly Float64Array[], coef?: Float64Array): Float64Array {
  if (coef) coef.fill(0);
  const before = norm(w);
  project(w, Q, coef);
  if (!(norm(w) > Math.SQRT1_2 * before)) project(w, Q, coef);
  return w;
}

/** √(a² + b²) without overflow or underflow (sqrt only: Math.hypot is not correctly rounded everywhere). */
export function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1 + r * r);
  }
  if (y === 0) return 0;
  const r = x / y;
  return y * Math.sqrt(1 + r * r);
}
