import type { FactoredTarget, InitConfig, RandomTarget, Rows, Seed } from '../config/types.js';
import { lowRankSvd, type LowRank } from '../linalg/lowRank.js';
import { fromRows, zeros, frob, type Matrix } from '../linalg/matrix.js';
import { orthonormalColumns } from '../linalg/qr.js';
import { copyColumns } from '../linalg/vector.js';
import type { SVD } from '../linalg/svd.js';
import { gaussians, seedGaussian } from '../random/gaussian.js';

/**
 * Problem set-up, shared by every backend (so both start from the same bits): the target M and
 * the initial factors. Random draws come from named streams derived from the seed, so changing
 * the init never changes the noise and vice versa:
 *   target.random.seed  → M's singular vectors
 *   "init:" + seed      → X₀, Y₀
 *   seed                → the optimizer's noise (seedrandom's own xor128 stream for that seed)
 */
export function initStreamSeed(seed: Seed): string {
  return `init:${seed}`;
}

/**
 * M as a matrix: given rows, or U diag(s) Vᵀ with orthonormal random U (n×k), V (m×k). A random
 * target also returns that decomposition (columns sorted by s, descending), so the prediction need
 * not recompute an SVD it was handed: Jacobi on a 1024×1024 M takes minutes.
 */
export function buildTarget(problem: { target: Rows | RandomTarget }): { M: Matrix; svd?: SVD } {
  const t = problem.target;
  if (Array.isArray(t)) return { M: fromRows(t) };
  const { n, m, singularValues: s } = t.random;
  const k = s.length;
  const { U, V } = randomVectors(t);
  const M = zeros(n, m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let acc = 0;
      for (let c = 0; c < k; c++) acc += U.data[i * k + c] * s[c] * V.data[j * k + c];
      M.data[i * m + j] = acc;
    }
  return { M, svd: sortedSvd(U, s, V) };
}

/** A random target's orthonormal U (n×k) and V (m×k), stream target.random.seed. */
function randomVectors(t: RandomTarget): { U: Matrix; V: Matrix } {
  const { n, m, singularValues: s, seed } = t.random;
  const st = seedGaussian(seed);
  const U = orthonormalColumns({ rows: n, cols: s.length, data: gaussians(n * s.length, st) });
  const V = orthonormalColumns({ rows: m, cols: s.length, data: gaussians(m * s.length, st) });
  return { U, V };
}

/** U diag(s) Vᵀ's columns sorted by s descending (ties by index): the SVD the prediction takes. */
function sortedSvd(U: Matrix, s: readonly number[], V: Matrix): SVD {
  const k = s.length;
  const order = s.map((_, c) => c).sort((a, b) => s[b] - s[a] || a - b);
  const columns = (Q: Matrix): Matrix => {
    const out = zeros(Q.rows, k);
    for (let i = 0; i < Q.rows; i++) for (let c = 0; c < k; c++) out.data[i * k + c] = Q.data[i * k + order[c]];
    return out;
  };
  return { U: columns(U), s: Float64Array.from(order, (c) => s[c]), V: columns(V) };
}

/**
 * A factored target (config `target.factors`, or `random` with factored: true) as its factors,
 * M = A Bᵀ, with M's thin SVD, never forming M. Random: A = U·diag(s), B = V — the generator's U,
 * V (the same bits as the dense target's), columns sorted by s descending. Given: A and B as
 * written; the SVD from them (src/linalg/lowRank.ts lowRankSvd, which needs independent columns).
 */
export function buildFactoredTarget(problem: { target: FactoredTarget | RandomTarget }): { factors: LowRank; svd: SVD } {
  const t = problem.target;
  if ('factors' in t) {
    const factors = { A: fromRows(t.factors.A), B: fromRows(t.factors.B) };
    return { factors, svd: lowRankSvd(factors, 'problem.target.factors') };
  }
  const { U, V } = randomVectors(t);
  const svd = sortedSvd(U, t.random.singularValues, V);
  const k = svd.s.length;
  const A = zeros(svd.U.rows, k);
  copyColumns(A.data, k, svd.U.data, k, A.rows, k, svd.s);
  return { factors: { A, B: svd.V }, svd };
}

/** Default Gaussian scale: entries of size s make ‖X₀Y₀ᵀ‖ ≈ s²√(nmr) equal ‖M‖. */
export function balancedScale(M: Matrix, r: number): number {
  return Math.sqrt(frob(M) / Math.sqrt(M.rows * M.cols * r));
}

/**
 * The initial iterate [X₀ (n×r) | Y₀ (m×r)] as one buffer. M: the target, or its shape and
 * Frobenius norm (a factored target, whose entries are never formed).
 */
export function buildInit(init: InitConfig, M: Matrix | { rows: number; cols: number; frob: number }, r: number, seed: Seed): Float64Array {
  const n = M.rows;
  const m = M.cols;
  const theta = new Float64Array((n + m) * r);
  if (init.kind === 'given') {
    theta.set(fromRows(init.X).data, 0);
    theta.set(fromRows(init.Y).data, n * r);
    return theta;
  }
  const g = gaussians((n + m) * r, seedGaussian(initStreamSeed(seed)));
  const s = init.kind === 'small' ? init.scale : (init.scale ?? ('frob' in M ? Math.sqrt(M.frob / Math.sqrt(n * m * r)) : balancedScale(M, r)));
  const imbalance = init.kind === 'gaussian' ? init.imbalance : 1;
  const a = s * imbalance;
  const b = s / imbalance;
  for (let k = 0; k < n * r; k++) theta[k] = a * g[k];
  for (let k = n * r; k < theta.length; k++) theta[k] = b * g[k];
  return theta;
}
