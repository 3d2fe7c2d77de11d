/**
 * Closed-form prediction of where perturbed GD ends on f(X, Y) = ½‖XYᵀ − M‖² (THEORY.md §1), and
 * the rotation-invariant distances used to compare a run against it.
 *
 * Determinism: only + − × ÷, Math.sqrt/abs and comparisons, loops in fixed index order, built on
 * the deterministic SVD/inverse in ../linalg. The prediction feeds runs that must be
 * bit-identical across JS engines.
 */
import { frob2, matmul, matmulNT, matmulTN, zeros } from '../linalg/matrix.js';
import type { Matrix } from '../linalg/matrix.js';
import { inverse } from '../linalg/inverse.js';
import { nuclearNorm, numericalRank, svd, type SVD } from '../linalg/svd.js';

export interface Prediction {
  /** c = (σX/σY)·√(n/m); the predicted ‖X‖²/‖Y‖² is c². √(n/m) when σX = σY = 0. */
  c: number;
  c2: number;
  /** Number of singular directions actually used (see `predictFactorization`). */
  rankM: number;
  /** Sum of `singularValues`. */
  nuclearNorm: number;
  /** The diagonal of Σ actually used: soft-thresholded if requested, top min(rank, r) only. */
  singularValues: Float64Array;
  /** One representative X* = U_k √(cΣ_k), padded with zero columns to n×r. */
  Xstar: Matrix;
  /** Y* = V_k √(Σ_k / c), padded with zero columns to m×r. */
  Ystar: Matrix;
  /** X*X*ᵀ = c·U_k Σ_k U_kᵀ (n×n), invariant under X* → X*Q. */
  XXt: Matrix;
  /** Y*Y*ᵀ = (1/c)·V_k Σ_k V_kᵀ (m×m). */
  YYt: Matrix;
  /** ‖X*‖² = c·‖Σ‖_* and ‖Y*‖² = ‖Σ‖_* / c (nuclear norm of the Σ used). */
  normX2: number;
  normY2: number;
  /** Gram matrices X*ᵀX* (≈ diag(cΣ_k, 0)) and Y*ᵀY* (≈ diag(Σ_k/c, 0)) of the representative, r×r. */
  XtX: Matrix;
  YtY: Matrix;
}

/**
 * The global minimum of f that perturbed GD with noise levels (σX, σY) selects (THEORY.md §1,
 * "Predicted limit"), for an n×m target M and r factor columns.
 *
 * - c = (σX/σY)·√(n/m). Only the ratio σX/σY matters for the σ → 0 limit.
 * - σX = σY = 0 (plain GD, no noise): there is no selection, so there is nothing to predict from
 *   the noise; we return the isotropic case c = √(n/m), which is the flattest global minimum
 *   (minimal Hessian trace n‖Y‖² + m‖X‖²) — the natural reference to measure plain GD against.
 * - Exactly one of σX, σY zero is rejected: c would be 0 or ∞ (the limit is degenerate — all of
 *   the mass goes into one factor — and has no finite representative).
 * - `finiteSigma: true`: Σ is replaced by the soft-thresholded (Σ − σXσY√(nm))₊, the minimizer of
 *   the smoothed objective F_σ at that fixed σ, around which the iterates hover. Directions whose
 *   singular value falls to 0 are dropped (rankM decreases).
 * - Directions: those singular values of M above numerical noise (numericalRank), positive after
 *   the optional soft threshold, and, if r < rank(M), only the top r of them — the best rank-r
 *   approximation, the only thing an r-column factorization can reach. `rankM`, `nuclearNorm`,
 *   `singularValues`, `normX2`, `normY2`, `XXt`, `YYt` all describe that Σ actually used, so the
 *   identities ‖X*‖² = c·nuclearNorm etc. hold exactly as stated even when truncated.
 * - r > rank: the extra columns of X*, Y* are zero (the predicted limit has rank k).
 *
 * M is not modified.
 */
export function predictFactorization(
  M: Matrix,
  r: number,
  sigmaX: number,
  sigmaY: number,
  opts?: { finiteSigma?: boolean; /** M's thin SVD when it is already known (s descending). */ svd?: SVD },
): Prediction {
  const n = M.rows;
  const m = M.cols;
  if (!Number.isInteger(r) || r < 1) throw new Error(`predictFactorization: r must be a positive integer, got ${r}`);
  if (n < 1 || m < 1) throw new Error(`predictFactorization: empty target ${n}x${m}`);
  if (!(sigmaX >= 0 && sigmaX < Infinity) || !(sigmaY >= 0 && sigmaY < Infinity)) {
    throw new Error(`predictFactorization: noise levels must be finite and ≥ 0, got σX=${sigmaX}, σY=${sigmaY}`);
  }
  if ((sigmaX === 0) !== (sigmaY === 0)) {
    throw new Error(
      `predictFactorization: σX=${sigmaX}, σY=${sigmaY}: exactly one noise level is zero, so c = (σX/σY)√(n/m) ` +
        `would be ${sigmaX === 0 ? '0' : '∞'}; there is no finite predicted minimum`,
    );
  }
  const sqrtNM = Math.sqrt(n / m);
  // σX = σY = 0: isotropic/flattest optimum (see doc comment).
  const c = sigmaX === 0 ? sqrtNM : (sigmaX / sigmaY) * sqrtNM;
  const c2 = c * c;

  const dec = opts?.svd ?? svd(M);
  // Rank is decided on the unthresholded spectrum: rounding-noise singular values are not
  // directions of M, whatever the threshold does to them.
  const rank = numericalRank(dec.s, n, m);
  const tau = opts?.finiteSigma ? sigmaX * sigmaY * Math.sqrt(n * m) : 0;
  const used: number[] = [];
  for (let i = 0; i < rank && used.length < r; i++) {
    const si = dec.s[i] - tau;
    // s is descending, so once one value is thresholded away all later ones are too.
    if (!(si > 0)) break;
    used.push(si);
  }
  const k = used.length;
  const S = Float64Array.from(used);
  const nuc = nuclearNorm(S);

  const p = dec.U.cols; // = min(n, m), the column count of the thin U and V.
  const Xstar = zeros(n, r);
  const Ystar = zeros(m, r);
  for (let j = 0; j < k; j++) {
    const fx = Math.sqrt(c * S[j]);
    const fy = Math.sqrt(S[j] / c);
    for (let i = 0; i < n; i++) Xstar.data[i * r + j] = dec.U.data[i * p + j] * fx;
    for (let i = 0; i < m; i++) Ystar.data[i * r + j] = dec.V.data[i * p + j] * fy;
  }
  // Built from c·s_j directly rather than as X*X*ᵀ, so the square roots' rounding does not enter.
  const XXt = weightedOuter(dec.U, k, S, c);
  const YYt = weightedOuter(dec.V, k, S, 1 / c);
  return {
    c,
    c2,
    rankM: k,
    nuclearNorm: nuc,
    singularValues: S,
    Xstar,
    Ystar,
    XXt,
    YYt,
    normX2: c * nuc,
    normY2: nuc / c,
    XtX: matmulTN(Xstar, Xstar),
    YtY: matmulTN(Ystar, Ystar),
  };
}

/** Σ_{j<k} (w·S_j) q_j q_jᵀ for the first k columns of Q (rows×cols, row-major), symmetric output. */
function weightedOuter(Q: Matrix, k: number, S: Float64Array, w: number): Matrix {
  const n = Q.rows;
  const p = Q.cols;
  const out = zeros(n, n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let t = 0;
      for (let j = 0; j < k; j++) t += w * S[j] * Q.data[a * p + j] * Q.data[b * p + j];
      out.data[a * n + b] = t;
      out.data[b * n + a] = t;
    }
  }
  return out;
}

export interface Distances {
  /** ‖XXᵀ − X*X*ᵀ‖ / ‖X*X*ᵀ‖ */
  dX: number;
  /** ‖YYᵀ − Y*Y*ᵀ‖ / ‖Y*Y*ᵀ‖ */
  dY: number;
  /** ‖X‖² / ‖Y‖² */
  ratio: number;
  /** ratio / c² − 1 */
  ratioError: number;
  /** ‖XᵀX − c²YᵀY‖ / ‖XᵀX‖ */
  balanceError: number;
  /** ‖XYᵀ − M‖ / ‖M‖ */
  residual: number;
}

/**
 * Rotation-invariant distances of (X, Y) from the prediction (THEORY.md §1, "Rotation-invariant
 * distances"). X is n×r', Y is m×r' (r' need not equal the prediction's r).
 *
 * The differences XXᵀ − X*X*ᵀ and XYᵀ − M are formed entry by entry (each entry's dot product
 * minus the reference entry, then squared and summed) rather than via the expansion
 * ‖A‖² + ‖B‖² − 2⟨A, B⟩, which would cancel catastrophically exactly when the run is close to
 * the prediction — the case the numbers are for. Cost O(n²r' + m²r' + nmr').
 *
 * If a denominator is exactly zero (e.g. M = 0, or everything soft-thresholded away) the
 * corresponding distance is the absolute norm instead of a relative one (0 for an exact match,
 * never NaN).
 */
export function factorizationDistances(X: Matrix, Y: Matrix, M: Matrix, p: Prediction): Distances {
  const n = M.rows;
  const m = M.cols;
  if (X.rows !== n || Y.rows !== m || X.cols !== Y.cols) {
    throw new Error(`factorizationDistances: X ${X.rows}x${X.cols}, Y ${Y.rows}x${Y.cols} do not fit M ${n}x${m}`);
  }
  if (p.XXt.rows !== n || p.YYt.rows !== m) {
    throw new Error(`factorizationDistances: prediction is for ${p.XXt.rows}x${p.YYt.rows}, M is ${n}x${m}`);
  }
  const dX = relative(gramDiff2(X, p.XXt), frob2(p.XXt));
  const dY = relative(gramDiff2(Y, p.YYt), frob2(p.YYt));

  const nx = frob2(X);
  const ny = frob2(Y);
  const ratio = nx / ny;
  const ratioError = ratio / p.c2 - 1;

  const XtX = matmulTN(X, X);
  const YtY = matmulTN(Y, Y);
  let bal2 = 0;
  for (let i = 0; i < XtX.data.length; i++) {
    const d = XtX.data[i] - p.c2 * YtY.data[i];
    bal2 += d * d;
  }
  const balanceError = relative(bal2, frob2(XtX));

  const rc = X.cols;
  let res2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let t = 0;
      for (let l = 0; l < rc; l++) t += X.data[i * rc + l] * Y.data[j * rc + l];
      const d = t - M.data[i * m + j];
      res2 += d * d;
    }
  }
  const residual = relative(res2, frob2(M));
  return { dX, dY, ratio, ratioError, balanceError, residual };
}

/** ‖A Aᵀ − B‖² for A n×r and symmetric B n×n, entry by entry (upper triangle counted twice). */
function gramDiff2(A: Matrix, B: Matrix): number {
  const n = A.rows;
  const r = A.cols;
  let diag = 0;
  let off = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let t = 0;
      for (let l = 0; l < r; l++) t += A.data[a * r + l] * A.data[b * r + l];
      const d = t - B.data[a * n + b];
      if (a === b) diag += d * d;
      else off += d * d;
    }
  }
  return diag + 2 * off;
}

/** sqrt(num2)/sqrt(den2), or the absolute sqrt(num2) when the reference is exactly zero. */
function relative(num2: number, den2: number): number {
  return den2 > 0 ? Math.sqrt(num2) / Math.sqrt(den2) : Math.sqrt(num2);
}

/**
 * An exact but "wrong" global minimum (X*G, Y*G⁻ᵀ) for an invertible r×r G: XYᵀ = X*G G⁻¹ Y*ᵀ = M
 * (residual ~0), but it is not balanced, so dX/dY/ratioError are large unless G is orthogonal.
 * Throws if G is not r×r or is singular.
 */
export function wrongMinimum(p: Prediction, G: Matrix): { X: Matrix; Y: Matrix } {
  const r = p.Xstar.cols;
  if (G.rows !== r || G.cols !== r) throw new Error(`wrongMinimum: G is ${G.rows}x${G.cols}, expected ${r}x${r}`);
  const Ginv = inverse(G);
  // Y* G⁻ᵀ = Y* (G⁻¹)ᵀ = matmulNT(Y*, G⁻¹).
  return { X: matmul(p.Xstar, G), Y: matmulNT(p.Ystar, Ginv) };
}
