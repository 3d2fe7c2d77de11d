/**
 * Inverse of a small square matrix (used for the r×r G of a "wrong" global minimum (X*G, Y*G⁻ᵀ)).
 *
 * Gauss-Jordan elimination with partial pivoting. Only + − × ÷ and comparisons, loops in a fixed
 * order, and pivot ties broken by the lowest row index, so the result is bit-identical on every
 * JS engine.
 */
import { zeros } from './matrix.js';
import type { Matrix } from './matrix.js';

/** Unit roundoff of f64 (2^-52). */
const EPS = 2.220446049250313e-16;

/**
 * A⁻¹ for a square, invertible `a`. Throws if `a` is not square, has non-finite entries, or is
 * (numerically) singular: a pivot no larger than n·eps·max|a_ij| means the elimination would be
 * dividing by rounding noise, so the "inverse" would be meaningless. `a` is not modified.
 */
export function inverse(a: Matrix): Matrix {
  const n = a.rows;
  if (a.cols !== n) throw new Error(`inverse: ${a.rows}x${a.cols} is not square`);
  let maxAbs = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i];
    if (!(x - x === 0)) throw new Error(`inverse: non-finite entry ${x} at index ${i}`);
    const ax = Math.abs(x);
    if (ax > maxAbs) maxAbs = ax;
  }
  const tol = n * EPS * maxAbs;
  // Augmented [A | I], eliminated in place into [I | A⁻¹].
  const w = 2 * n;
  const aug = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) aug[i * w + j] = a.data[i * n + j];
    aug[i * w + n + i] = 1;
  }
  for (let col = 0; col < n; col++) {
    // Partial pivoting: largest |entry| in this column at or below the diagonal (first on ties).
    let piv = col;
    let pivAbs = Math.abs(aug[col * w + col]);
    for (let i = col + 1; i < n; i++) {
      const v = Math.abs(aug[i * w + col]);
      if (v > pivAbs) {
        pivAbs = v;
        piv = i;
      }
    }
    if (!(pivAbs > tol)) throw new Error(`inverse: matrix is singular (pivot ${pivAbs} in column ${col})`);
    if (piv !== col) {
      for (let j = 0; j < w; j++) {
        const t = aug[col * w + j];
        aug[col * w + j] = aug[piv * w + j];
        aug[piv * w + j] = t;
      }
    }
    const p = aug[col * w + col];
    // Divide rather than multiply by 1/p: one rounding per entry instead of two.
    for (let j = 0; j < w; j++) aug[col * w + j] = aug[col * w + j] / p;
    for (let i = 0; i < n; i++) {
      if (i === col) continue;
      const f = aug[i * w + col];
      if (f === 0) continue;
      for (let j = 0; j < w; j++) aug[i * w + j] -= f * aug[col * w + j];
    }
  }
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = aug[i * w + n + j];
  return out;
}
