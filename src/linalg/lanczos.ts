import { fillGaussian, type GaussianState } from '../random/gaussian.js';
import { symEig } from './symEig.js';
import { dot, norm, orthogonalize, project, scale } from './vector.js';

/**
 * Lanczos on a symmetric operator given only by its products, `op(v, out)`: out = H v (d entries).
 * Plain f64, deterministic (start vectors from a seeded stream, sequential sums, sqrt only).
 * Every new vector is reorthogonalized against the whole basis (a second pass when the first
 * cancelled much: vector.ts's DGKS test), so the basis stays orthonormal to working precision and no
 * spurious copies ("ghosts") of converged eigenvalues appear. The price is O(d·j) per step on top of
 * the product: measured at d = 8192 (two-factor 256×256×16, ~355 steps) about half the time of the
 * reference products; at d = 1200 (20×20 depth 3) a small share.
 */
export type SymOperator = (v: Float64Array, out: Float64Array) => unknown;

/**
 * A negligible new direction: after reorthogonalization its norm is below this fraction of the
 * largest product norm seen (≈ ‖H‖). Dropping it perturbs the Ritz values by at most that much.
 */
const BREAKDOWN = 1e-12;

/**
 * j steps of Lanczos from the unit vector q₁ = v0/‖v0‖: the tridiagonal T_j = Q_jᵀ H Q_j
 * (diag α, off-diagonal β, j − 1 entries). Stops early, with a smaller T, when the Krylov space is
 * invariant (β below BREAKDOWN·‖H‖): T's eigenvalues are then exact eigenvalues of H, and its
 * Gauss quadrature for the measure of v0 is exact. Used by stochastic Lanczos quadrature.
 */
export function lanczos(op: SymOperator, d: number, v0: Float64Array, steps: number): { alpha: Float64Array; beta: Float64Array } {
  const m = Math.min(steps, d);
  const alpha: number[] = [];
  const beta: number[] = [];
  const Q: Float64Array[] = [];
  let q = scale(Float64Array.from(v0), 1 / norm(v0));
  let scaleH = 0;
  for (let j = 0; j < m; j++) {
    Q.push(q);
    const w = new Float64Array(d);
    op(q, w);
    scaleH = Math.max(scaleH, norm(w));
    const a = dot(q, w);
    alpha.push(a);
    // The three-term recurrence (w − α q − β q_prev) first, then against everything: after the local
    // step only rounding is left to remove, so the full pass is usually needed once, not twice.
    project(w, Q.slice(-2));
    orthogonalize(w, Q);
    if (j + 1 === m) break;
    const b = norm(w);
    if (!(b > BREAKDOWN * scaleH)) break;
    beta.push(b);
    q = scale(w, 1 / b);
  }
  return { alpha: Float64Array.from(alpha), beta: Float64Array.from(beta) };
}

export interface ExtremeOptions {
  /** How many of the largest eigenvalues (≥ 0). */
  top: number;
  /** Also the smallest eigenvalue. */
  min: boolean;
  /**
   * Stop when every wanted Ritz value has residual ≤ tol·max|θ| (default 1e−8). The residual bounds
   * the eigenvalue error; for a Ritz value separated by a gap δ from the rest the error is ≈
   * residual²/δ, far below it.
   */
  tol?: number;
  /**
   * Cap on operator products (default min(d, max(500, 30·block))). The basis is kept: memory is
   * cap·d·8 bytes (33 MB at the default cap and d = 8192).
   */
  maxMatvecs?: number;
}

export interface Extremes {
  /** The `top` largest eigenvalues, descending. */
  top: number[];
  /** The smallest eigenvalue (when asked). */
  min?: number;
  /** Operator products used. */
  matvecs: number;
  /** Whether every wanted Ritz value met the tolerance (always, once the basis spans all d). */
  converged: boolean;
}

/**
 * Extreme eigenvalues by block Lanczos with full reorthogonalization and Rayleigh–Ritz.
 *
 * Why a block of b = max(top, 1) vectors and not one: a single Krylov sequence sees only one
 * direction of each eigenspace, so a repeated eigenvalue shows up once. The two-factor Hessian at a
 * minimum has eigenvalues of multiplicity n − r (the directions a·bᵀ with a ⊥ col X act as YᵀY), so
 * "the 5 largest" would silently skip copies. A block of b vectors finds up to b copies — all that
 * a top-b list can contain.
 *
 * Basis blocks Q₁, Q₂, … (Q₁ Gaussian from `st`, orthonormalized) satisfy
 *   H Q_j = Q_{j−1} B_{j−1}ᵀ + Q_j A_j + Q_{j+1} B_j
 * with A_j = Q_jᵀ H Q_j and Q_{j+1} B_j the QR factorization of the residual after full
 * reorthogonalization. The projected matrix T (block tridiagonal, from the A's and B's) is solved
 * densely; a Ritz pair (θ, y) has residual ‖H Q y − θ Q y‖ = ‖B_j y_{last block}‖. A residual column
 * that vanishes (an invariant subspace) is replaced by a fresh Gaussian vector orthogonal to the
 * basis, with a zero coupling, so the search continues into the rest of the space. Convergence is
 * checked at geometrically spaced sizes (the dense solve costs O(size³)).
 */
export function extremeEigenvalues(op: SymOperator, d: number, opts: ExtremeOptions, st: GaussianState): Extremes {
  const b = Math.min(Math.max(opts.top, 1), d);
  const tol = opts.tol ?? 1e-8;
  const cap = Math.min(d, Math.max(opts.maxMatvecs ?? Math.max(500, 30 * b), b));
  const Q: Float64Array[] = [];
  // T = QᵀHQ, stored by entry as it is learnt (A blocks from products, B blocks from the QR).
  const T = new Map<number, number>();
  const key = (i: number, j: number) => (i < j ? i * cap + j : j * cap + i);
  let scaleH = 0;
  let matvecs = 0;

  /** A Gaussian direction orthogonal to `basis`; null if the basis (numerically) spans everything. */
  const fresh = (basis: Float64Array[]): Float64Array | null => {
    if (basis.length >= d) return null;
    const g = new Float64Array(d);
    fillGaussian(g, 0, d, st);
    const before = norm(g);
    orthogonalize(g, basis);
    const after = norm(g);
    return after > 1e-8 * before ? scale(g, 1 / after) : null;
  };

  let block: number[] = [];
  for (let c = 0; c < b; c++) {
    const q = fresh(Q);
    if (!q) break;
    block.push(Q.length);
    Q.push(q);
  }
  let nextCheck = 0;
  for (;;) {
    // Products of the active block and its diagonal block A = Q_jᵀ H Q_j (symmetrized).
    const W = block.map((i) => {
      const w = new Float64Array(d);
      op(Q[i], w);
      matvecs++;
      scaleH = Math.max(scaleH, norm(w));
      return w;
    });
    block.forEach((i, c) => {
      T.set(key(i, i), dot(Q[i], W[c]));
      for (let k = 0; k < c; k++) T.set(key(block[k], i), 0.5 * (dot(Q[block[k]], W[c]) + dot(Q[i], W[k])));
    });
    const n = Q.length;
    // QR of the residual block against the basis and the new columns before it: W = Q_new B (+ basis part).
    const fresher: Float64Array[] = [];
    const B: number[][] = []; // B[t][c]: coefficient of new column t in H q_{block[c]}
    for (let c = 0; c < W.length; c++) {
      const basis = Q.concat(fresher);
      const coef = new Float64Array(basis.length);
      // The block three-term part (Q_j A_j + Q_{j−1} B_{j−1}ᵀ) first, then the full pass (see lanczos).
      project(W[c], Q.slice(Math.max(0, n - 2 * b)));
      orthogonalize(W[c], basis, coef);
      for (let t = 0; t < fresher.length; t++) B[t][c] = coef[n + t];
      const beta = norm(W[c]);
      if (beta > BREAKDOWN * scaleH) {
        B.push(new Array(W.length).fill(0));
        B[fresher.length][c] = beta;
        fresher.push(scale(W[c], 1 / beta));
      } else {
        // An invariant subspace: continue from a new direction, coupled by zero.
        const q = fresh(basis);
        if (!q) continue;
        B.push(new Array(W.length).fill(0));
        fresher.push(q);
      }
    }
    const exhausted = fresher.length === 0; // the basis spans an invariant subspace of all of Rᵈ
    const atCap = n + fresher.length > cap;
    if (n >= nextCheck || exhausted || atCap) {
      nextCheck = n < 64 ? n + 1 : Math.ceil(1.15 * n);
      const dense = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const v = T.get(key(i, j));
          if (v !== undefined) dense[i * n + j] = v;
        }
      const { values, vectors } = symEig(dense, n, block);
      // Ritz pair j's residual ‖B y_block‖ (rows of `vectors` are the active block's, in order).
      const resid = (j: number) => {
        let s = 0;
        for (const row of B) {
          let t = 0;
          for (let c = 0; c < block.length; c++) t += row[c] * vectors[c * n + j];
          s += t * t;
        }
        return Math.sqrt(s);
      };
      let theta = 0;
      for (let i = 0; i < n; i++) theta = Math.max(theta, Math.abs(values[i]));
      const wanted: number[] = [];
      for (let i = 0; i < Math.min(opts.top, n); i++) wanted.push(n - 1 - i);
      if (opts.min) wanted.push(0);
      const converged = exhausted || (opts.top <= n && wanted.every((j) => resid(j) <= tol * theta));
      if (converged || atCap) {
        const top: number[] = [];
        for (let i = 0; i < Math.min(opts.top, n); i++) top.push(values[n - 1 - i]);
        return { top, ...(opts.min ? { min: values[0] } : {}), matvecs, converged };
      }
    }
    // Extend the basis by the new block and record its couplings.
    block = fresher.map((q, t) => {
      Q.push(q);
      W.forEach((_, c) => {
        if (B[t][c] !== 0) T.set(key(n + t, block[c]), B[t][c]);
      });
      return n + t;
    });
  }
}
