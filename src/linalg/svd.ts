/**
 * Thin singular value decomposition: Householder bidiagonalization (Golub–Kahan) followed by
 * implicit-shift QR on the bidiagonal (Golub–Reinsch, as in LINPACK's dsvdc), with an absolute
 * deflation floor so every sweep sequence terminates.
 *
 * Why this and not one-sided Jacobi (which this module used before): Jacobi's sweep count is not
 * bounded for clustered or rank-deficient spectra (a 400×400 target hit its 60-sweep cap) and each
 * sweep costs O(n·m²), > 30 s at 1500×1500. Bidiagonalization costs a fixed 4nm² − 4m³/3 flops;
 * the QR phase converges cubically near the end, about two sweeps per singular value, and an
 * entry below eps·‖B‖ is negligible by definition, so each singular value deflates after a
 * bounded number of sweeps. Accuracy is backward stable: every singular value to ~eps·σ_max.
 *
 * Costs (measured in the commit that introduced them; one loaded core): the values alone take the
 * bidiagonalization plus O(m²); all vectors add forming Q and P and rotating them (≈ 3× the
 * values); the top k pairs (`vectors: k`, what the prediction needs) add only O(k·n·m) by inverse
 * iteration (`topVectors`), verified and with the full QR as fallback.
 *
 * Determinism: only + − × ÷ and Math.sqrt/abs (IEEE-754 correctly rounded), every loop in a fixed
 * index order, no Math.hypot (not correctly rounded, differs between engines) — so U, s and V are
 * bit-identical on every JS engine. Scaling uses exact powers of two.
 */
import { FlatminError } from '../errors.js';
import { asMatrix, zeros } from './matrix.js';
import type { Matrix } from './matrix.js';

/** Unit roundoff of f64 (2^-52), written as a literal so no Math.pow is needed. */
const EPS = 2.220446049250313e-16;

/**
 * QR sweeps allowed per singular value before giving up. Each needs ~2 on average and the shifted
 * iteration converges cubically; with the absolute floor below even a pathological split takes a
 * handful. Reaching this would mean a bug, and then an error beats an endless loop.
 */
const MAX_SWEEPS_PER_VALUE = 75;

/** Thin SVD: a = U diag(s) Vᵀ with U n×p, V m×p, p = min(n, m), s descending and ≥ 0. */
export interface SVD {
  U: Matrix;
  s: Float64Array;
  V: Matrix;
}

export interface SVDOptions {
  /**
   * Called with the fraction done (0 < f ≤ 1, non-decreasing; the last call is 1) during the
   * decomposition — for a 1500×1500 matrix it takes seconds, and a caller should show that.
   */
  onProgress?: (fraction: number) => void;
  /**
   * Compute only the first `vectors` singular vector pairs (all singular values are still
   * computed): U and V get that many columns. Far cheaper when it is small next to min(n, m) —
   * the theory needs the top r of a target — see `topVectors`.
   */
  vectors?: number;
}

/**
 * Thin SVD of an n×m matrix, p = min(n, m).
 *
 * - `s` is sorted in descending order (ties keep the order the QR iteration produced them in, so
 *   the result is deterministic), all entries ≥ 0, each within a few eps·s[0] of the exact value.
 * - `U` (n×p) and `V` (m×p) always have orthonormal columns, including for zero singular values
 *   (they are products of Householder reflections and plane rotations, not normalized residuals).
 *   With `opts.vectors = k` they are n×k and m×k.
 * - For n < m the decomposition is computed for aᵀ and U and V are swapped.
 * - With `vectors: k` small next to p, pairs beyond the numerical rank (σ at the rounding-noise
 *   floor max(n, m)·eps·s[0], see `numericalRank`) come as a deterministic orthonormal completion:
 *   as for an exactly zero singular value, any such direction is as good as another.
 *
 * `a` is a Matrix or nested arrays. Non-finite entries (NaN would make every convergence test
 * false) are a FlatminError naming the entry. `a` is not modified.
 */
export function svd(matrix: Matrix | ArrayLike<ArrayLike<number>>, opts: SVDOptions = {}): SVD {
  const a = asMatrix(matrix, 'a');
  const p = Math.min(a.rows, a.cols);
  const k = opts.vectors === undefined ? p : opts.vectors;
  if (!(Number.isInteger(k) && k >= 0)) throw new FlatminError('OUT_OF_RANGE', 'vectors', `svd: vectors must be an integer ≥ 0, got ${opts.vectors}`);
  const r = decompose(a, Math.min(k, p), opts.onProgress);
  return { U: r.U!, s: r.s, V: r.V! };
}

/** The singular values only, descending: the same `s` as `svd(a).s` at a fraction of the cost. */
export function singularValues(matrix: Matrix | ArrayLike<ArrayLike<number>>, opts: Pick<SVDOptions, 'onProgress'> = {}): Float64Array {
  return decompose(asMatrix(matrix, 'a'), 0, opts.onProgress).s;
}

interface Decomposition {
  s: Float64Array;
  U?: Matrix;
  V?: Matrix;
}

/** The top-k path pays off when k is this small a share of min(n, m) (else: the full QR). */
const TOP_SHARE = 8;

function decompose(a: Matrix, want: number, onProgress?: (f: number) => void): Decomposition {
  const data = a.data;
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i];
    if (!(x - x === 0)) {
      const row = Math.floor(i / a.cols);
      throw new FlatminError('NOT_FINITE', `a[${row}][${i - row * a.cols}]`, `svd: non-finite entry ${x}; the SVD needs finite numbers`);
    }
    const ax = Math.abs(x);
    if (ax > maxAbs) maxAbs = ax;
  }
  const tall = a.rows >= a.cols;
  const n = tall ? a.rows : a.cols;
  const m = tall ? a.cols : a.rows;
  // The working copy, row-major n×m (aᵀ for a wide a), scaled by exact powers of two so that its
  // largest entry lies in [1/2, 1): sums of squares can then neither overflow nor lose the
  // entries that matter to underflow, whatever the magnitude of a.
  const [s1, s2] = powerOfTwoScale(maxAbs);
  const w = new Float64Array(n * m);
  if (tall) for (let k = 0; k < w.length; k++) w[k] = data[k] * s1 * s2;
  else for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = data[i * n + j] * s1 * s2;
  const at = (i: number, j: number): number => (tall ? data[i * m + j] : data[j * n + i]) * s1 * s2;

  const top = want > 0 && want < m && TOP_SHARE * want <= m;
  const progress = new Progress(n, m, top ? want : want > 0 ? -1 : 0, onProgress);
  const d = new Float64Array(m);
  const e = new Float64Array(m); // e[k] = B[k][k+1]; e[m-1] stays 0
  const { tauL, tauR } = bidiagonalize(w, n, m, d, e, progress);

  let result: { s: Float64Array; left?: Float64Array[]; right?: Float64Array[] } | null = null;
  if (top) {
    const d0 = d.slice();
    const e0 = e.slice();
    bidiagonalQR(d, e, m, null, n, null, progress);
    const sorted = sortedDescending(d);
    const vec = topVectors(d0, e0, sorted.values, want, w, tauL, tauR, n, m, at);
    // A pair that fails its residual check (should not happen) falls back to the full QR below.
    if (vec) result = { s: sorted.values, ...vec };
    else {
      d.set(d0);
      e.set(e0);
    }
  }
  if (!result && want === 0) {
    bidiagonalQR(d, e, m, null, n, null, progress);
    result = { s: sortedDescending(d).values };
  }
  if (!result) {
    // Uᵗ (m×n) and Vᵗ (m×m): row j holds the j-th singular vector, so every rotation below works
    // on two contiguous rows.
    const Ut = formLeft(w, tauL, n, m, progress);
    const Vt = formRight(w, tauR, m, progress);
    bidiagonalQR(d, e, m, Ut, n, Vt, progress);
    const sorted = sortedDescending(d);
    const left: Float64Array[] = [];
    const right: Float64Array[] = [];
    for (let k = 0; k < want; k++) {
      const j = sorted.order[k];
      left.push(Ut.subarray(j * n, (j + 1) * n));
      right.push(Vt.subarray(j * m, (j + 1) * m));
    }
    result = { s: sorted.values, left, right };
  }

  const s = new Float64Array(m);
  for (let k = 0; k < m; k++) s[k] = result.s[k] / s1 / s2;
  let U: Matrix | undefined;
  let V: Matrix | undefined;
  if (want > 0) {
    const left = zeros(n, want);
    const right = zeros(m, want);
    for (let k = 0; k < want; k++) {
      const u = result.left![k];
      const v = result.right![k];
      for (let i = 0; i < n; i++) left.data[i * want + k] = u[i];
      for (let i = 0; i < m; i++) right.data[i * want + k] = v[i];
    }
    // a = Q B Pᵀ was computed for aᵀ when a is wide: a = (U' S V'ᵀ)ᵀ = V' S U'ᵀ.
    U = tall ? left : right;
    V = tall ? right : left;
  }
  progress.done();
  return { s, U, V };
}

/** d sorted descending with its permutation; ties by index (an explicit, engine-independent sort). */
function sortedDescending(d: Float64Array): { values: Float64Array; order: number[] } {
  const order: number[] = [];
  for (let j = 0; j < d.length; j++) {
    let pos = order.length;
    while (pos > 0 && d[order[pos - 1]] < d[j]) pos--;
    order.splice(pos, 0, j);
  }
  return { values: Float64Array.from(order, (j) => d[j]), order };
}

/** Two powers of two whose product brings maxAbs into [1/2, 1) (two, since 2^1074 overflows). */
function powerOfTwoScale(maxAbs: number): [number, number] {
  if (maxAbs === 0) return [1, 1];
  let s1 = 1;
  if (maxAbs < 2 ** -500) s1 = 2 ** 600;
  else if (maxAbs > 2 ** 500) s1 = 2 ** -600;
  let s2 = 1;
  const x = maxAbs * s1;
  while (x * s2 >= 1) s2 *= 0.5;
  while (x * s2 < 0.5) s2 *= 2;
  return [s1, s2];
}

/** ‖(a, b)‖ without overflow, by + − × ÷ and sqrt only (Math.hypot is not correctly rounded). */
function hypot(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  if (x < y) {
    const t = x;
    x = y;
    y = t;
  }
  if (x === 0) return 0;
  const q = y / x;
  return x * Math.sqrt(1 + q * q);
}

/**
 * A Householder reflector H = I − τ v vᵀ (v₀ = 1) with H x = (β, 0, …, 0), LAPACK dlarfg-style,
 * for the `len` entries of x at x[at + i·stride]. Overwrites x₁… with v₁… and returns [β, τ].
 * x₁… = 0 gives τ = 0 (H = I) and β = x₀, whatever its sign: the QR phase makes s ≥ 0.
 */
function reflector(x: Float64Array, at: number, stride: number, len: number): [number, number] {
  const alpha = x[at];
  let xn2 = 0;
  for (let i = 1; i < len; i++) {
    const v = x[at + i * stride];
    xn2 += v * v;
  }
  if (xn2 === 0) return [alpha, 0];
  const norm = Math.sqrt(alpha * alpha + xn2);
  const beta = alpha >= 0 ? -norm : norm;
  const tau = (beta - alpha) / beta;
  const f = alpha - beta;
  for (let i = 1; i < len; i++) x[at + i * stride] = x[at + i * stride] / f;
  return [beta, tau];
}

/**
 * w = Q B Pᵀ in place (n ≥ m): B's diagonal into d, superdiagonal into e; the left reflectors'
 * vectors stay below the diagonal of w (column k, rows k+1…), the right ones right of the
 * superdiagonal (row k, columns k+2…); their τ are returned.
 */
function bidiagonalize(
  w: Float64Array, n: number, m: number, d: Float64Array, e: Float64Array, progress: Progress,
): { tauL: Float64Array; tauR: Float64Array } {
  const tmp = new Float64Array(Math.max(n, m));
  const tauL = new Float64Array(m);
  const tauR = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    // Left: H_k zeroes column k below the diagonal; it acts on w[k:, k+1:] as
    // w[i, k+1:] −= τ v_i t with t = vᵀ w[k:, k+1:] (accumulated row by row: contiguous).
    const [bl, tl] = reflector(w, k * m + k, m, n - k);
    d[k] = bl;
    tauL[k] = tl;
    if (k + 1 >= m) break;
    if (tl !== 0) {
      for (let j = k + 1; j < m; j++) tmp[j] = w[k * m + j];
      for (let i = k + 1; i < n; i++) {
        const vi = w[i * m + k];
        if (vi === 0) continue;
        const row = i * m;
        for (let j = k + 1; j < m; j++) tmp[j] += vi * w[row + j];
      }
      for (let j = k + 1; j < m; j++) w[k * m + j] -= tl * tmp[j];
    }
    // Right: G_k zeroes row k (already updated by H_k) right of the superdiagonal; it acts on each
    // row i > k as w[i, k+1:] −= τ (w[i, k+1:]·u) u.
    const [br, tr] = k + 2 < m ? reflector(w, k * m + k + 1, 1, m - k - 1) : [w[k * m + k + 1], 0];
    e[k] = br;
    tauR[k] = tr;
    // Both updates of row i in one pass, the row still in cache for the second: the same
    // operations in the same order as two separate passes, at half the memory traffic.
    const u = k * m + k + 1;
    const len = m - k - 1;
    for (let i = k + 1; i < n; i++) {
      const row = i * m + k + 1;
      const f = tl * w[i * m + k];
      if (f !== 0) for (let j = 0; j < len; j++) w[row + j] -= f * tmp[k + 1 + j];
      if (tr === 0) continue;
      const g = tr * (w[row] + dot(w, row + 1, w, u + 1, len - 1));
      if (g === 0) continue;
      w[row] -= g;
      for (let j = 1; j < len; j++) w[row + j] -= g * w[u + j];
    }
    progress.bidiagonalized(k);
  }
  return { tauL, tauR };
}

/** Qᵗ (m×n, row j = column j of the thin Q = H₀⋯H_{m−1}[I; 0]), by back-accumulation. */
function formLeft(w: Float64Array, tauL: Float64Array, n: number, m: number, progress: Progress): Float64Array {
  const Qt = new Float64Array(m * n);
  for (let j = 0; j < m; j++) Qt[j * n + j] = 1;
  const v = new Float64Array(n); // reflector k's vector, copied out of w's column to be contiguous
  for (let k = m - 1; k >= 0; k--) {
    const tau = tauL[k];
    if (tau !== 0) {
      for (let i = k + 1; i < n; i++) v[i] = w[i * m + k];
      // Columns j ≥ k of Q (rows of Qᵗ): q −= τ (vᵀq) v over entries k…n−1, v_k = 1.
      for (let j = k; j < m; j++) {
        const q = j * n;
        const f = tau * (Qt[q + k] + dot(v, k + 1, Qt, q + k + 1, n - k - 1));
        if (f === 0) continue;
        Qt[q + k] -= f;
        for (let i = k + 1; i < n; i++) Qt[q + i] -= f * v[i];
      }
    }
    progress.formedLeft(k);
  }
  return Qt;
}

/** Pᵗ (m×m, row j = column j of P = G₀⋯G_{m−3}), by back-accumulation. */
function formRight(w: Float64Array, tauR: Float64Array, m: number, progress: Progress): Float64Array {
  const Pt = new Float64Array(m * m);
  for (let j = 0; j < m; j++) Pt[j * m + j] = 1;
  // u_k (length m−k−1, u₀ = 1) is in row k of w from column k+2 on.
  const u = new Float64Array(m);
  for (let k = m - 3; k >= 0; k--) {
    const tau = tauR[k];
    if (tau !== 0) {
      for (let i = k + 2; i < m; i++) u[i] = w[k * m + i];
      for (let j = k + 1; j < m; j++) {
        const q = j * m;
        const f = tau * (Pt[q + k + 1] + dot(u, k + 2, Pt, q + k + 2, m - k - 2));
        if (f === 0) continue;
        Pt[q + k + 1] -= f;
        for (let i = k + 2; i < m; i++) Pt[q + i] -= f * u[i];
      }
    }
    progress.formedRight(k);
  }
  return Pt;
}

/**
 * Σ a[ao+i]·b[bo+i] over i < len, in four interleaved partial sums added at the end: a fixed
 * order (so the same bits everywhere) that does not wait on one add's latency per term.
 */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < len; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < len; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + (s2 + s3);
}

/** Rows i and j of the row-major `rows`×len array: (x_i, x_j) ← (c x_i + s x_j, −s x_i + c x_j). */
function rotateRows(a: Float64Array, len: number, i: number, j: number, c: number, s: number): void {
  const p = i * len;
  const q = j * len;
  for (let k = 0; k < len; k++) {
    const x = a[p + k];
    const y = a[q + k];
    a[p + k] = c * x + s * y;
    a[q + k] = c * y - s * x;
  }
}

/**
 * Diagonalizes the upper bidiagonal (d, e) in place by Golub–Reinsch implicit-shift QR, applying
 * the right rotations to the rows of Vᵗ and the left ones to the rows of Uᵗ (when given); leaves
 * d ≥ 0 (unsorted). The structure follows LINPACK's dsvdc (also JAMA's): find the bottom
 * unreduced block, deflate a negligible d by chasing its row or column out, else one QR sweep
 * with the Wilkinson shift of the trailing 2×2.
 *
 * Negligible means relative to the neighbours (eps·(|d_k| + |d_{k+1}|), which keeps small singular
 * values accurate when they are well determined) or absolutely below eps·‖B‖: the absolute floor
 * changes no singular value by more than ~eps·σ_max — the accuracy a backward-stable SVD has
 * anyway — and guarantees that nothing stalls on rounding noise.
 */
function bidiagonalQR(
  d: Float64Array, e: Float64Array, m: number, Ut: Float64Array | null, n: number, Vt: Float64Array | null, progress: Progress,
): void {
  let bnorm = 0;
  for (let k = 0; k < m; k++) {
    const t = Math.abs(d[k]) + Math.abs(e[k]);
    if (t > bnorm) bnorm = t;
  }
  const floor = EPS * bnorm;
  let p = m;
  let sweeps = 0;
  while (p > 0) {
    // k: the largest index < p−1 with e[k] negligible (−1: none); the block is k+1 … p−1.
    let k: number;
    for (k = p - 2; k >= 0; k--) {
      const ek = Math.abs(e[k]);
      if (ek <= floor || ek <= EPS * (Math.abs(d[k]) + Math.abs(d[k + 1]))) {
        e[k] = 0;
        break;
      }
    }
    let kase: number;
    if (k === p - 2) {
      kase = 4; // d[p−1] is decoupled: converged.
    } else {
      let ks: number;
      for (ks = p - 1; ks > k; ks--) {
        const t = (ks !== p - 1 ? Math.abs(e[ks]) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        const dk = Math.abs(d[ks]);
        if (dk <= floor || dk <= EPS * t) {
          d[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3; // no negligible d: a QR sweep on the block
      else if (ks === p - 1) kase = 1; // d[p−1] = 0: chase e[p−2] out through the columns
      else {
        kase = 2; // d[ks] = 0: chase e[ks] out through the rows
        k = ks;
      }
    }
    k++;
    if (kase === 1) {
      let f = e[p - 2];
      e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = hypot(d[j], f);
        const cs = d[j] / t;
        const sn = f / t;
        d[j] = t;
        if (j !== k) {
          f = -sn * e[j - 1];
          e[j - 1] = cs * e[j - 1];
        }
        if (Vt) rotateRows(Vt, m, j, p - 1, cs, sn);
      }
    } else if (kase === 2) {
      let f = e[k - 1];
      e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = hypot(d[j], f);
        const cs = d[j] / t;
        const sn = f / t;
        d[j] = t;
        f = -sn * e[j];
        e[j] = cs * e[j];
        if (Ut) rotateRows(Ut, n, j, k - 1, cs, sn);
      }
    } else if (kase === 3) {
      if (++sweeps > MAX_SWEEPS_PER_VALUE * m) {
        throw new Error(`svd: the bidiagonal QR iteration did not converge in ${sweeps - 1} sweeps (${p} values left)`);
      }
      // Wilkinson shift from the trailing 2×2 of BᵀB, computed on entries scaled to ≤ 1.
      let scale = Math.abs(d[p - 1]);
      for (const v of [d[p - 2], e[p - 2], d[k], e[k]]) if (Math.abs(v) > scale) scale = Math.abs(v);
      const sp = d[p - 1] / scale;
      const spm1 = d[p - 2] / scale;
      const epm1 = e[p - 2] / scale;
      const sk = d[k] / scale;
      const ek = e[k] / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
      const c = sp * epm1 * (sp * epm1);
      let shift = 0;
      if (b !== 0 || c !== 0) {
        shift = Math.sqrt(b * b + c);
        if (b < 0) shift = -shift;
        shift = c / (b + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift;
      let g = sk * ek;
      // Chase the bulge down the block.
      for (let j = k; j < p - 1; j++) {
        let t = hypot(f, g);
        let cs = f / t;
        let sn = g / t;
        if (j !== k) e[j - 1] = t;
        f = cs * d[j] + sn * e[j];
        e[j] = cs * e[j] - sn * d[j];
        g = sn * d[j + 1];
        d[j + 1] = cs * d[j + 1];
        if (Vt) rotateRows(Vt, m, j, j + 1, cs, sn);
        t = hypot(f, g);
        cs = f / t;
        sn = g / t;
        d[j] = t;
        f = cs * e[j] + sn * d[j + 1];
        d[j + 1] = -sn * e[j] + cs * d[j + 1];
        g = sn * e[j + 1];
        e[j + 1] = cs * e[j + 1];
        if (Ut) rotateRows(Ut, n, j, j + 1, cs, sn);
      }
      e[p - 2] = f;
    } else {
      // Converged: make d[p−1] ≥ 0 (the sign goes into V) and shrink the active block.
      if (d[p - 1] < 0) {
        d[p - 1] = -d[p - 1];
        if (Vt) for (let i = 0; i < m; i++) Vt[(p - 1) * m + i] = -Vt[(p - 1) * m + i];
      } else if (d[p - 1] === 0) d[p - 1] = 0; // −0 → +0
      p--;
      progress.deflated(p);
    }
  }
}

/**
 * The top `k` singular vector pairs of A = Q B Pᵀ (B = bidiag(d, e), its values `sigma` sorted
 * descending) without the O(m²(n + m)) rotations of the full QR: inverse iteration on the
 * Golub–Kahan tridiagonal T = tridiag(d₀, e₀, d₁, e₁, …, d_{m−1}) (zero diagonal, 2m×2m), whose
 * eigenvalue σ has the eigenvector (v₀, u₀, v₁, u₁, …)/√2 for B v = σ u, Bᵀu = σ v; then
 * u ← Q u, v ← P v by the stored reflectors. O(k·m) for the iteration, O(k·n·m) for the rest.
 *
 * Each vector is orthogonalized against the ones before it (so repeated singular values get an
 * orthonormal basis of their subspace, as LAPACK's dstein does for clusters). Every pair is then
 * checked against the working matrix itself, through `at(i, j)`: ‖A v − σ u‖ and ‖Aᵀu − σ v‖
 * at most 1e-12·σ_max, orthonormal to 1e-12. Any failure (a small singular value too close to
 * −σ's mirror at 0, a non-finite iterate) returns null, and the caller computes the full QR —
 * so the result is always a verified SVD. Pairs whose σ is at the noise floor max(n, m)·eps·σ_max
 * (asked for when k exceeds the numerical rank) are orthonormal completions instead: any unit
 * v ⟂ the genuine right vectors has ‖A v‖ below that floor, so they are exact to rounding.
 */
function topVectors(
  d: Float64Array, e: Float64Array, sigma: Float64Array, k: number,
  w: Float64Array, tauL: Float64Array, tauR: Float64Array, n: number, m: number,
  at: (i: number, j: number) => number,
): { left: Float64Array[]; right: Float64Array[] } | null {
  const N = 2 * m;
  const t = new Float64Array(N - 1);
  let tmax = 0;
  for (let j = 0; j < m; j++) {
    t[2 * j] = d[j];
    if (j + 1 < m) t[2 * j + 1] = e[j];
  }
  for (let i = 0; i < N - 1; i++) if (Math.abs(t[i]) > tmax) tmax = Math.abs(t[i]);
  if (tmax === 0 || !(sigma[0] > 0)) return null;
  // Pairs at the rounding-noise floor (numericalRank's) are not singular directions of A in any
  // meaningful sense — and ±σ ≈ 0 would defeat the iteration: those get an orthonormal completion.
  const floor = (n > m ? n : m) * EPS * sigma[0];
  let genuine = 0;
  while (genuine < k && sigma[genuine] > floor) genuine++;
  // Work with T/‖T‖-ish so a near-singular solve cannot overflow on the way.
  for (let i = 0; i < N - 1; i++) t[i] = t[i] / tmax;
  const zs: Float64Array[] = [];
  const lu = new TridiagonalLU(N);
  for (let j = 0; j < genuine; j++) {
    lu.factor(t, sigma[j] / tmax);
    // A fixed, generic start vector (no engine randomness): golden-ratio fractions.
    const x = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const f = (i + 1) * 0.6180339887498949;
      x[i] = f - Math.floor(f) + 0.25;
    }
    for (let it = 0; it < 4; it++) {
      lu.solve(x);
      for (const z of zs) {
        let r = 0;
        for (let i = 0; i < N; i++) r += z[i] * x[i];
        for (let i = 0; i < N; i++) x[i] -= r * z[i];
      }
      let nn = 0;
      for (let i = 0; i < N; i++) nn += x[i] * x[i];
      if (!(nn > 0 && nn < Infinity)) return null;
      const norm = Math.sqrt(nn);
      for (let i = 0; i < N; i++) x[i] = x[i] / norm;
    }
    zs.push(x);
  }
  const left: Float64Array[] = [];
  const right: Float64Array[] = [];
  const smax = sigma[0];
  const tol = 1e-12 * smax;
  for (let j = 0; j < genuine; j++) {
    const z = zs[j];
    const u = new Float64Array(n);
    const v = new Float64Array(m);
    let nu = 0;
    let nv = 0;
    for (let i = 0; i < m; i++) {
      v[i] = z[2 * i];
      u[i] = z[2 * i + 1];
      nv += v[i] * v[i];
      nu += u[i] * u[i];
    }
    if (!(nu > 0.25 && nv > 0.25)) return null; // not a (v, u)/√2 pair: σ too close to 0
    const su = Math.sqrt(nu);
    const sv = Math.sqrt(nv);
    for (let i = 0; i < m; i++) {
      u[i] = u[i] / su;
      v[i] = v[i] / sv;
    }
    applyLeft(w, tauL, n, m, u);
    applyRight(w, tauR, m, v);
    // Residuals against the working matrix.
    const av = new Float64Array(n);
    const atu = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      const ui = u[i];
      for (let c = 0; c < m; c++) {
        const aic = at(i, c);
        acc += aic * v[c];
        atu[c] += aic * ui;
      }
      av[i] = acc;
    }
    let r1 = 0;
    let r2 = 0;
    for (let i = 0; i < n; i++) {
      const q = av[i] - sigma[j] * u[i];
      r1 += q * q;
    }
    for (let c = 0; c < m; c++) {
      const q = atu[c] - sigma[j] * v[c];
      r2 += q * q;
    }
    if (!(Math.sqrt(r1) <= tol && Math.sqrt(r2) <= tol)) return null;
    for (let q = 0; q < j; q++) {
      let gu = 0;
      let gv = 0;
      for (let i = 0; i < n; i++) gu += left[q][i] * u[i];
      for (let i = 0; i < m; i++) gv += right[q][i] * v[i];
      if (!(Math.abs(gu) <= 1e-12 && Math.abs(gv) <= 1e-12)) return null;
    }
    left.push(u);
    right.push(v);
  }
  for (let j = genuine; j < k; j++) {
    left.push(completion(left, n));
    right.push(completion(right, m));
  }
  return { left, right };
}

/**
 * A unit vector orthogonal to the orthonormal `cols` (fewer than n of them), deterministic and
 * O(n·#cols): the standard basis vector e_i whose row in `cols` has the least weight (lowest i on
 * ties) — its orthogonal part has ‖P⊥e_i‖² ≥ 1 − #cols/n, well away from 0 — projected twice
 * (MGS2) and normalized.
 */
function completion(cols: Float64Array[], n: number): Float64Array {
  let best = 0;
  let bestWeight = Infinity;
  for (let i = 0; i < n; i++) {
    let wgt = 0;
    for (const c of cols) wgt += c[i] * c[i];
    if (wgt < bestWeight) {
      bestWeight = wgt;
      best = i;
    }
  }
  const x = new Float64Array(n);
  x[best] = 1;
  for (let pass = 0; pass < 2; pass++) {
    for (const c of cols) {
      let r = 0;
      for (let i = 0; i < n; i++) r += c[i] * x[i];
      for (let i = 0; i < n; i++) x[i] -= r * c[i];
    }
  }
  let nn = 0;
  for (let i = 0; i < n; i++) nn += x[i] * x[i];
  const norm = Math.sqrt(nn);
  for (let i = 0; i < n; i++) x[i] = x[i] / norm;
  return x;
}

/** x ← Q x for the thin Q = H₀⋯H_{m−1} of `bidiagonalize` (x has n entries, the last n − m zero). */
function applyLeft(w: Float64Array, tauL: Float64Array, n: number, m: number, x: Float64Array): void {
  for (let k = m - 1; k >= 0; k--) {
    const tau = tauL[k];
    if (tau === 0) continue;
    let t = x[k];
    for (let i = k + 1; i < n; i++) t += w[i * m + k] * x[i];
    const f = tau * t;
    x[k] -= f;
    for (let i = k + 1; i < n; i++) x[i] -= f * w[i * m + k];
  }
}

/** x ← P x for P = G₀⋯G_{m−3} of `bidiagonalize`. */
function applyRight(w: Float64Array, tauR: Float64Array, m: number, x: Float64Array): void {
  for (let k = m - 3; k >= 0; k--) {
    const tau = tauR[k];
    if (tau === 0) continue;
    const u = k * m;
    let t = x[k + 1];
    for (let i = k + 2; i < m; i++) t += w[u + i] * x[i];
    const f = tau * t;
    x[k + 1] -= f;
    for (let i = k + 2; i < m; i++) x[i] -= f * w[u + i];
  }
}

/**
 * LU with partial pivoting of T − λI for a symmetric tridiagonal T with zero diagonal and
 * off-diagonal t (LAPACK dlagtf-style): U has two superdiagonals; a pivot that vanishes is
 * replaced by eps (T is scaled to |t| ≤ 1), the usual perturbation for inverse iteration.
 */
class TridiagonalLU {
  private readonly u0: Float64Array;
  private readonly u1: Float64Array;
  private readonly u2: Float64Array;
  private readonly mult: Float64Array;
  private readonly swap: Uint8Array;
  constructor(private readonly N: number) {
    this.u0 = new Float64Array(N);
    this.u1 = new Float64Array(N);
    this.u2 = new Float64Array(N);
    this.mult = new Float64Array(N);
    this.swap = new Uint8Array(N);
  }
  factor(t: Float64Array, lambda: number): void {
    const { N, u0, u1, u2, mult, swap } = this;
    // The row still to be eliminated, by its entries in columns i and i+1.
    let x0 = -lambda;
    let x1 = N > 1 ? t[0] : 0;
    for (let i = 0; i < N - 1; i++) {
      const c = t[i]; // row i+1: (c, −λ, t[i+1]) in columns i, i+1, i+2
      const a1 = -lambda;
      const b1 = i + 1 < N - 1 ? t[i + 1] : 0;
      if (Math.abs(c) > Math.abs(x0)) {
        swap[i] = 1;
        u0[i] = c;
        u1[i] = a1;
        u2[i] = b1;
        const f = x0 / c;
        mult[i] = f;
        x0 = x1 - f * a1;
        x1 = -f * b1;
      } else {
        swap[i] = 0;
        const p = Math.abs(x0) < EPS ? (x0 < 0 ? -EPS : EPS) : x0;
        u0[i] = p;
        u1[i] = x1;
        u2[i] = 0;
        const f = c / p;
        mult[i] = f;
        x0 = a1 - f * x1;
        x1 = b1;
      }
    }
    u0[N - 1] = Math.abs(x0) < EPS ? (x0 < 0 ? -EPS : EPS) : x0;
    u1[N - 1] = 0;
    u2[N - 1] = 0;
  }
  /** x ← (T − λI)⁻¹ x. */
  solve(x: Float64Array): void {
    const { N, u0, u1, u2, mult, swap } = this;
    // Forward: the row operations of `factor` on the right-hand side.
    let carry = x[0];
    for (let i = 0; i < N - 1; i++) {
      const next = x[i + 1];
      if (swap[i]) {
        x[i] = next;
        carry = carry - mult[i] * next;
      } else {
        x[i] = carry;
        carry = next - mult[i] * carry;
      }
    }
    x[N - 1] = carry;
    // Back substitution with U (diagonal u0, superdiagonals u1, u2).
    for (let i = N - 1; i >= 0; i--) {
      let r = x[i];
      if (i + 1 < N) r -= u1[i] * x[i + 1];
      if (i + 2 < N) r -= u2[i] * x[i + 2];
      x[i] = r / u0[i];
    }
  }
}

/**
 * Progress over the three phases, weighted by their flop counts: bidiagonalization
 * 4nm² − 4m³/3; forming Q and P the same again; the QR sweeps ~2 per value, each applying one
 * rotation per active row to Uᵗ (n) and Vᵗ (m) — ≈ 6m²(n + m) in all, most of it early, so the
 * QR phase counts deflations by the work left, ∝ (active size)².
 */
class Progress {
  private readonly wB: number;
  private readonly wF: number;
  private readonly wQ: number;
  private last = 0;
  /** vectors: 0 for values only, −1 for all of them, k > 0 for the top-k path. */
  constructor(private readonly n: number, private readonly m: number, vectors: number, private readonly cb?: (f: number) => void) {
    const bid = 4 * n * m * m - (4 * m * m * m) / 3 + n * m;
    const form = vectors < 0 ? 4 * n * m * m - (4 * m * m * m) / 3 + m * m * m : 0;
    const qr = vectors < 0 ? 6 * m * m * (n + m) : 30 * m * m + 6 * vectors * n * m;
    const total = bid + form + qr;
    this.wB = bid / total;
    this.wF = form / total;
    this.wQ = qr / total;
  }
  /** Column k of m done: work ∝ Σ_{j≤k} (n−j)(m−j). */
  bidiagonalized(k: number): void {
    this.report(this.wB * frac(this.n, this.m, k + 1));
  }
  formedLeft(k: number): void {
    this.report(this.wB + (this.wF / 2) * frac(this.n, this.m, this.m - k));
  }
  formedRight(k: number): void {
    this.report(this.wB + this.wF / 2 + (this.wF / 2) * frac(this.m, this.m, this.m - k));
  }
  deflated(p: number): void {
    const left = p / this.m;
    this.report(this.wB + this.wF + this.wQ * (1 - left * left));
  }
  done(): void {
    this.report(1);
  }
  /** Report only forward steps of at least 1% (and the final 1), so a callback stays cheap. */
  private report(f: number): void {
    if (!this.cb) return;
    if (f >= 1 ? this.last === 1 : f < this.last + 0.01) return;
    this.last = f >= 1 ? 1 : f;
    this.cb(this.last);
  }
}

/** Fraction of Σ_{j<m} (n−j)(m−j) done after `k` steps. */
function frac(n: number, m: number, k: number): number {
  const total = m * n * m - ((n + m) * m * (m - 1)) / 2 + ((m - 1) * m * (2 * m - 1)) / 6;
  const kk = k;
  const done = kk * n * m - ((n + m) * kk * (kk - 1)) / 2 + ((kk - 1) * kk * (2 * kk - 1)) / 6;
  return total > 0 ? done / total : 1;
}

/**
 * Numerical rank: the number of singular values above max(n, m)·eps·s_0 (the usual rounding-noise
 * floor of an n×m SVD, as in numpy's matrix_rank). `s` must be sorted descending, as `svd` returns.
 * A zero matrix has rank 0.
 */
export function numericalRank(s: Float64Array, n: number, m: number): number {
  if (s.length === 0) return 0;
  const tol = (n > m ? n : m) * EPS * s[0];
  let r = 0;
  for (let i = 0; i < s.length; i++) if (s[i] > tol) r++;
  return r;
}

/** Nuclear norm ‖·‖_* = sum of the singular values, summed in index order. */
export function nuclearNorm(s: Float64Array): number {
  let t = 0;
  for (let i = 0; i < s.length; i++) t += s[i];
  return t;
}
