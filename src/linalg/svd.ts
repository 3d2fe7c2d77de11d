/**
 * Thin singular value decomposition by one-sided Jacobi (Hestenes' method).
 *
 * Why Jacobi: it is short, needs no bidiagonalization, computes small singular values to high
 * *relative* accuracy (Demmel–Veselić), and — the reason that matters here — its only operations
 * are + − × ÷ and Math.sqrt in a fixed loop order, so the decomposition is bit-identical on every
 * JS engine. (Math.hypot/atan2/pow are not correctly rounded and differ between engines; they are
 * deliberately not used.) It is O(sweeps · n · m²), fine for the set-up/theory/report sizes it is
 * used for; it is not on the optimizer's hot path.
 */
import { zeros } from './matrix.js';
import type { Matrix } from './matrix.js';

/** Unit roundoff of f64 (2^-52), written as a literal so no Math.pow is needed. */
const EPS = 2.220446049250313e-16;

/** Cap on Jacobi sweeps. Convergence is quadratic once the columns are nearly orthogonal; on the
 * sizes flatmin uses it takes well under 15 sweeps, so hitting 60 means something is wrong. */
const MAX_SWEEPS = 60;

/**
 * Below this a column's norm is treated as zero when forming U: dividing a column whose norm is
 * subnormal by that norm would not give an accurately unit vector (see `svd` docs).
 * ≈ 2^-1022 / 2^-52, i.e. the smallest normal number scaled up by 1/eps.
 */
const TINY = 2.2250738585072014e-308 / EPS;

/** Thin SVD: a = U diag(s) Vᵀ with U n×p, V m×p, p = min(n, m), s descending and ≥ 0. */
export interface SVD {
  U: Matrix;
  s: Float64Array;
  V: Matrix;
}

/**
 * Thin SVD of an n×m matrix, p = min(n, m).
 *
 * - `s` is sorted in descending order (ties keep the original column order, so the result is
 *   deterministic), all entries ≥ 0.
 * - `V` (m×p) always has orthonormal columns: it is the product of the Jacobi rotations.
 * - `U` (n×p) also always has orthonormal columns. For a singular value that is nonzero, even if
 *   it is at rounding-noise level, the column is the normalized Jacobi column (these are mutually
 *   orthogonal to the convergence tolerance, which is relative and hence scale-free). For a
 *   singular value that is exactly zero (or below ~1e-292, where normalizing is inaccurate) the
 *   column is a *deterministic completion*: the standard basis vector e_i with the largest
 *   component orthogonal to the columns already fixed (lowest i on ties), orthogonalized twice
 *   and normalized. It is an arbitrary but reproducible orthonormal direction; since its s is 0 it
 *   does not affect U diag(s) Vᵀ.
 * - For n < m the decomposition is computed for aᵀ (so the Jacobi rotations act on the short
 *   side) and U and V are swapped; then V is the side that gets completed and U is the rotation
 *   product.
 *
 * Throws on non-finite entries (NaN would make every convergence test false and silently "converge")
 * and if the sweeps do not converge within the cap. `a` is not modified.
 */
export function svd(a: Matrix): SVD {
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    if (!(x - x === 0)) throw new Error(`svd: non-finite entry ${x} at index ${i}`);
  }
  if (a.rows >= a.cols) return jacobiTall(a.rows, a.cols, (i, j) => a.data[i * a.cols + j]);
  // Wide: a = (aᵀ)ᵀ = (U' S V'ᵀ)ᵀ = V' S U'ᵀ. Read aᵀ's entries directly instead of copying.
  const t = jacobiTall(a.cols, a.rows, (i, j) => a.data[j * a.cols + i]);
  return { U: t.V, s: t.s, V: t.U };
}

/** One-sided Jacobi for an n×m matrix with n ≥ m, entries given by `at(i, j)`. */
function jacobiTall(n: number, m: number, at: (i: number, j: number) => number): SVD {
  // Columns of the working matrix W (→ U·S) and of V, each stored contiguously, because every
  // operation below is a dot product or a plane rotation of two whole columns.
  const w: Float64Array[] = [];
  const v: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = at(i, j);
    w.push(col);
    const vj = new Float64Array(m);
    vj[j] = 1;
    v.push(vj);
  }

  // Relative off-diagonal threshold |w_p·w_q| ≤ tol ‖w_p‖‖w_q‖. ~1e-15, but never below the
  // rounding noise of an n-term dot product (≈ √n·eps); asking for less than that can make the
  // sweeps chase rounding noise forever (LAPACK's dgesvj uses √n·eps for the same reason).
  const sqrtNEps = Math.sqrt(n) * EPS;
  const tol = sqrtNEps > 1e-15 ? sqrtNEps : 1e-15;

  let converged = m < 2;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    let rotations = 0;
    // Cyclic-by-rows pair order: fixed, data-independent.
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const wp = w[p];
        const wq = w[q];
        // Recompute the norms from the columns each time (rather than updating them through the
        // rotation) so they never drift: that is what keeps small singular values accurate.
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < n; i++) {
          alpha += wp[i] * wp[i];
          beta += wq[i] * wq[i];
          gamma += wp[i] * wq[i];
        }
        // sqrt(alpha)*sqrt(beta) instead of sqrt(alpha*beta): the product can underflow/overflow.
        // A zero column gives gamma = 0 and is skipped.
        if (!(Math.abs(gamma) > tol * Math.sqrt(alpha) * Math.sqrt(beta))) continue;
        rotations++;
        // Rotation that zeroes the (p, q) entry of WᵀW (Rutishauser's formulas, smaller angle).
        const zeta = (beta - alpha) / (2 * gamma);
        const az = Math.abs(zeta);
        // sign(0) is taken as +1 (Math.sign(0) is 0, which would give no rotation at all).
        const sgn = zeta < 0 ? -1 : 1;
        // For huge |zeta|, zeta² overflows; then sqrt(1 + zeta²) ≈ |zeta| and t ≈ 1/(2 zeta).
        const t = az > 1e150 ? 0.5 / zeta : sgn / (az + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < n; i++) {
          const x = wp[i];
          const y = wq[i];
          wp[i] = c * x - s * y;
          wq[i] = s * x + c * y;
        }
        const vp = v[p];
        const vq = v[q];
        for (let i = 0; i < m; i++) {
          const x = vp[i];
          const y = vq[i];
          vp[i] = c * x - s * y;
          vq[i] = s * x + c * y;
        }
      }
    }
    // A sweep with no rotation leaves W unchanged, so every pair was *verified* orthogonal to tol.
    if (rotations === 0) converged = true;
  }
  if (!converged) throw new Error(`svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps`);

  const norms = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s2 = 0;
    const wj = w[j];
    for (let i = 0; i < n; i++) s2 += wj[i] * wj[i];
    norms[j] = Math.sqrt(s2);
  }
  // Sort indices by descending norm, ties by index: an explicit insertion sort so the order is
  // obviously deterministic and independent of the engine's Array.prototype.sort.
  const order: number[] = [];
  for (let j = 0; j < m; j++) {
    let pos = order.length;
    while (pos > 0 && norms[order[pos - 1]] < norms[j]) pos--;
    order.splice(pos, 0, j);
  }

  const U = zeros(n, m);
  const V = zeros(m, m);
  const sOut = new Float64Array(m);
  const uCols: Float64Array[] = [];
  for (let k = 0; k < m; k++) {
    const j = order[k];
    const sj = norms[j];
    sOut[k] = sj;
    const vj = v[j];
    for (let i = 0; i < m; i++) V.data[i * m + k] = vj[i];
    let u: Float64Array;
    if (sj > TINY) {
      u = new Float64Array(n);
      const wj = w[j];
      for (let i = 0; i < n; i++) u[i] = wj[i] / sj;
    } else {
      // Sorted descending, so every column fixed so far is a genuine one or an earlier completion.
      u = completeBasis(uCols, n);
    }
    uCols.push(u);
    for (let i = 0; i < n; i++) U.data[i * m + k] = u[i];
  }
  return { U, s: sOut, V };
}

/**
 * A unit vector orthogonal to the (orthonormal) `cols`, which number fewer than n: the standard
 * basis vector with the largest orthogonal component (Σ_i ‖P⊥e_i‖² = n − #cols ≥ 1, so the best
 * one has ‖P⊥e_i‖² ≥ 1/n — well conditioned), projected twice (MGS2) and normalized.
 */
function completeBasis(cols: Float64Array[], n: number): Float64Array {
  let best: Float64Array | null = null;
  let bestNorm2 = -1;
  for (let e = 0; e < n; e++) {
    const x = new Float64Array(n);
    x[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const c of cols) {
        let r = 0;
        for (let i = 0; i < n; i++) r += c[i] * x[i];
        for (let i = 0; i < n; i++) x[i] -= r * c[i];
      }
    }
    let nn = 0;
    for (let i = 0; i < n; i++) nn += x[i] * x[i];
    if (nn > bestNorm2) {
      bestNorm2 = nn;
      best = x;
    }
  }
  if (best === null || !(bestNorm2 > 0)) throw new Error('svd: cannot complete orthonormal basis');
  const norm = Math.sqrt(bestNorm2);
  for (let i = 0; i < n; i++) best[i] = best[i] / norm;
  return best;
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
