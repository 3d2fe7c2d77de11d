import type { Round } from '../../math/round.js';

/**
 * Scalar elementwise reference kernels: the arithmetic order every backend must reproduce bit for
 * bit (the matrix products are in src/linalg/kernels.ts). `rd` rounds to the working precision
 * after *every* operation (src/math/round.ts). Read beside assembly/kernels/elementwise.ts, which
 * does the same with SIMD lanes.
 */

/**
 * The full-target descent step, elementwise on [0, len): g = next[k] − B[k] (next holds P·G, B the
 * M·Y | Mᵀ·X products), with a ridge (tl = 2λ ≠ 0) g ← g + tl·theta[k], then
 * next[k] = theta[k] − lr·g (assembly: descend, or subtract + descendRidge). Returns whether every
 * new entry is finite.
 */
export function descendFull(
  next: Float64Array, theta: Float64Array, B: Float64Array, len: number, lr: number, tl: number, rd: Round,
): boolean {
  let finite = true;
  for (let k = 0; k < len; k++) {
    const w = theta[k];
    let g = rd(next[k] - B[k]);
    if (tl !== 0) g = rd(g + rd(tl * w));
    const v = rd(w - rd(lr * g));
    next[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/**
 * next[k] = theta[k] − lr·(grad[k] + tl·theta[k]) on [0, len), each operation rounded (assembly:
 * descendRidge; grad may be next). Returns whether every new entry is finite.
 */
export function descendRidge(
  next: Float64Array, theta: Float64Array, grad: Float64Array, len: number, lr: number, tl: number, rd: Round,
): boolean {
  let finite = true;
  for (let k = 0; k < len; k++) {
    const w = theta[k];
    const v = rd(w - rd(lr * rd(grad[k] + rd(tl * w))));
    next[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/**
 * P[k] = theta[k] + s·rd(P[k]) for k in [lo, hi): standard normals in P become theta + σ·noise.
 * Returns whether every new entry is finite.
 */
export function perturb(P: Float64Array, theta: Float64Array, lo: number, hi: number, s: number, rd: Round): boolean {
  let finite = true;
  for (let k = lo; k < hi; k++) {
    const v = rd(theta[k] + rd(s * rd(P[k])));
    P[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/** Anticorrelated noise: P = rd(ξ_t) − prev and prev = rd(ξ_t) elementwise (assembly: anticorrelate). */
export function anticorrelate(P: Float64Array, prev: Float64Array, rd: Round): void {
  for (let k = 0; k < P.length; k++) {
    const xi = rd(P[k]);
    P[k] = rd(xi - prev[k]);
    prev[k] = xi;
  }
}

export function sumSquares(a: Float64Array, lo: number, hi: number): number {
  let s = 0;
  for (let k = lo; k < hi; k++) s += a[k] * a[k];
  return s;
}
