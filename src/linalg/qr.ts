/**
 * Orthonormalization of a set of columns (the Q of a thin QR), used to build random orthonormal
 * singular vectors for targets and to complete bases.
 *
 * Determinism: only + − × ÷ and Math.sqrt (which IEEE-754 requires to be correctly rounded, so
 * every engine gives the same bits), with every loop in a fixed index order. Results are therefore
 * bit-identical across Node, Chromium, Bun and Deno.
 */
import { zeros } from './matrix.js';
import { divideFrom, dotFrom, joinColumns, splitColumns, subScaledFrom } from './vector.js';
import type { Matrix } from './matrix.js';

/** Unit roundoff of f64 (2^-52). Spelled out rather than Math.pow so it is a literal constant. */
const EPS = 2.220446049250313e-16;

/**
 * Orthonormal basis of the column space of an n×k matrix `a` (k ≤ n), column by column:
 * column j of the result spans the same space as columns 0..j of `a` minus columns 0..j−1.
 *
 * Algorithm: modified Gram-Schmidt applied twice ("MGS2", "twice is enough", Giraud–Langou–Rozložník).
 * A single MGS pass loses orthogonality in proportion to the condition number of `a`
 * (‖QᵀQ − I‖ ≈ κ·eps); repeating the projection once more brings it down to O(eps) as long as `a`
 * is numerically full rank, which is what we check for.
 *
 * Throws if a column is numerically dependent on the previous ones (including a zero column) or
 * if `a` has non-finite entries: after projecting out the earlier directions, what remains of the
 * column must be larger than the rounding noise the projection itself produces, which is a few
 * (n + k)·eps relative to the column's original norm. Below that, "the remaining direction" would
 * be pure rounding noise and normalizing it would return garbage rather than an error.
 *
 * `a` is not modified.
 */
export function orthonormalColumns(a: Matrix): Matrix {
  const n = a.rows;
  const k = a.cols;
  if (k > n) throw new Error(`orthonormalColumns: ${n}x${k} has more columns than rows`);
  // Work on columns stored contiguously (the input is row-major): the inner loops are dot
  // products and axpys along a column, so this keeps them sequential in memory.
  const cols = splitColumns(a.data, n, k);
  const q: Float64Array[] = [];
  const tol = 4 * (n + k) * EPS;
  for (let j = 0; j < k; j++) {
    const v = cols[j];
    // The sums and updates run in vector.ts's small kernels (same order, same bits): inlined here
    // they ran interpreted, boxing every product, until this function's OSR compile landed.
    const norm0 = Math.sqrt(dotFrom(v, v, 0, n));
    // Two full MGS passes against the already accepted columns, in increasing index order.
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const qp = q[p];
        subScaledFrom(v, dotFrom(qp, v, 0, n), qp, 0, n);
      }
    }
    const norm = Math.sqrt(dotFrom(v, v, 0, n));
    // Written as !(x > y) so NaN (non-finite input) also lands in the error branch.
    if (!(norm > tol * norm0) || !(norm0 < Infinity)) {
      throw new Error(
        `orthonormalColumns: column ${j} is numerically dependent on columns 0..${j - 1} ` +
          `(remaining norm ${norm} of original ${norm0})`,
      );
    }
    // Divide (not multiply by a reciprocal) so each entry is a single correctly rounded operation.
    divideFrom(v, norm, 0, n);
    q.push(v);
  }
  const out = zeros(n, k);
  joinColumns(out.data, n, k, q);
  return out;
}
