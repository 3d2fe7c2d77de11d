import { hypot } from './vector.js';

/**
 * Symmetric eigensolvers, plain f64 and deterministic (+ − × ÷ and sqrt only, fixed loop order: the
 * same bits in every engine):
 *
 *   tridiagonalEig   implicit QL with Wilkinson-type shifts on a symmetric tridiagonal matrix (EISPACK
 *                    tql2, as in JAMA), accumulating the rotations into any set of *rows* of the
 *                    eigenvector matrix — the first row alone gives Gauss-quadrature weights (Golub–
 *                    Welsch; stochastic Lanczos quadrature), the last rows give Lanczos residuals,
 *                    the identity gives every eigenvector.
 *   tridiagonalize   Householder reduction A = V T Vᵀ of a dense symmetric matrix (EISPACK tred2).
 *   symEig           both: every eigenpair of a dense symmetric matrix (the tests' oracle, and the
 *                    Rayleigh–Ritz step of block Lanczos).
 *
 * Eigenvalues come out ascending; a rotation G acting on columns i, i+1 of the eigenvector matrix
 * acts on every row independently, which is why a subset of rows can be carried along at O(rows·n)
 * per sweep instead of O(n²).
 */

/** Row-major p×n block of rows of an eigenvector matrix. */
export interface Rows {
  data: Float64Array;
  rows: number;
}

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;

/**
 * Eigenvalues of the symmetric tridiagonal matrix with diagonal `diag` (n) and off-diagonal `off`
 * (off[i] couples i and i+1; n − 1 entries), ascending, returned in a new array. `Z` (p×n, row
 * major; optional) is overwritten by Z·S, S the orthogonal matrix whose columns are the eigenvectors
 * in the same order: pass the identity for all eigenvectors, e₁ᵀ for their first components.
 */
export function tridiagonalEig(diag: ArrayLike<number>, off: ArrayLike<number>, Z?: Rows): Float64Array {
  const n = diag.length;
  const d = Float64Array.from(diag);
  const e = new Float64Array(n); // e[i] couples i and i+1; e[n−1] = 0
  for (let i = 0; i + 1 < n; i++) e[i] = off[i];
  const p = Z ? Z.rows : 0;
  const z = Z ? Z.data : new Float64Array(0);
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    // A negligible off-diagonal entry splits the matrix: find the first one from l on.
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > EPS * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS) throw new Error(`tridiagonalEig: no convergence at eigenvalue ${l} after ${MAX_SWEEPS} sweeps`);
        // Shift from the leading 2×2 block.
        let g = d[l];
        let q = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(q, 1);
        if (q < 0) r = -r;
        d[l] = e[l] / (q + r);
        d[l + 1] = e[l] * (q + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Implicit QL sweep from m up to l.
        q = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * q;
          r = hypot(q, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = q / r;
          q = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < p; k++) {
            const row = k * n;
            h = z[row + i + 1];
            z[row + i + 1] = s * z[row + i] + c * h;
            z[row + i] = c * z[row + i] - s * h;
          }
        }
        q = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * q;
        d[l] = c * q;
      } while (Math.abs(e[l]) > EPS * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  // Selection sort, ascending, moving the columns of Z along (stable for ties: strict <).
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    for (let j = i + 1; j < n; j++) if (d[j] < d[k]) k = j;
    if (k !== i) {
      const t = d[k];
      d[k] = d[i];
      d[i] = t;
      for (let r = 0; r < p; r++) {
        const u = z[r * n + i];
        z[r * n + i] = z[r * n + k];
        z[r * n + k] = u;
      }
    }
  }
  return d;
}

/**
 * Householder tridiagonalization of the symmetric n×n matrix `a` (row-major; only read): returns
 * diag (n), off (n − 1, off[i] couples i and i+1) and the orthogonal V (n×n, row-major) with
 * a = V T Vᵀ. EISPACK tred2 (JAMA's transcription), scaled rows against under/overflow.
 */
export function tridiagonalize(a: Float64Array, n: number): { diag: Float64Array; off: Float64Array; V: Float64Array } {
  const V = Float64Array.from(a);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const at = (i: number, j: number) => i * n + j;
  for (let j = 0; j < n; j++) d[j] = V[at(n - 1, j)];
  for (let i = n - 1; i > 0; i--) {
    let sc = 0;
    let h = 0;
    for (let k = 0; k < i; k++) sc += Math.abs(d[k]);
    if (sc === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
        V[at(j, i)] = 0;
      }
    } else {
      // The Householder vector, scaled by sc.
      for (let k = 0; k < i; k++) {
        d[k] /= sc;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = sc * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // The similarity transformation on the remaining columns.
      for (let j = 0; j < i; j++) {
        f = d[j];
        V[at(j, i)] = f;
        g = e[j] + V[at(j, j)] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[at(k, j)] * d[k];
          e[k] += V[at(k, j)] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) V[at(k, j)] -= f * e[k] + g * d[k];
        d[j] = V[at(i - 1, j)];
        V[at(i, j)] = 0;
      }
    }
    d[i] = h;
  }
  // Accumulate the transformations into V.
  for (let i = 0; i < n - 1; i++) {
    V[at(n - 1, i)] = V[at(i, i)];
    V[at(i, i)] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[at(k, i + 1)] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[at(k, i + 1)] * V[at(k, j)];
        for (let k = 0; k <= i; k++) V[at(k, j)] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) V[at(k, i + 1)] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[at(n - 1, j)];
    V[at(n - 1, j)] = 0;
  }
  if (n > 0) V[at(n - 1, n - 1)] = 1;
  return { diag: d, off: e.slice(1), V };
}

/**
 * Every eigenpair of the symmetric n×n matrix `a` (row-major, only read; symmetry is assumed, the
 * lower triangle is what tred2 reads): values ascending, vectors as the columns of an n×n row-major
 * matrix. With `rows` (indices), only those rows of the eigenvector matrix are formed (p×n) —
 * Rayleigh–Ritz needs just the last block's to bound the residuals.
 */
export function symEig(a: Float64Array, n: number, rows?: readonly number[]): { values: Float64Array; vectors: Float64Array } {
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  const { diag, off, V } = tridiagonalize(a, n);
  const pick = rows ?? Array.from({ length: n }, (_, i) => i);
  const Z = new Float64Array(pick.length * n);
  pick.forEach((r, k) => Z.set(V.subarray(r * n, (r + 1) * n), k * n));
  const values = tridiagonalEig(diag, off, { data: Z, rows: pick.length });
  return { values, vectors: Z };
}
