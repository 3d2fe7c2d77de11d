/**
 * Closed-form prediction of where perturbed GD ends on f(X, Y) = ½‖XYᵀ − M‖² (THEORY.md §1), and
 * the rotation-invariant distances used to compare a run against it.
 *
 * Determinism: only + − × ÷, Math.sqrt/abs and comparisons, loops in fixed index order, built on
 * the deterministic SVD/inverse in ../linalg. The prediction feeds runs that must be
 * bit-identical across JS engines.
 *
 * Memory: O((n + m)·r) beyond M itself. The predicted X*X*ᵀ (n×n) and Y*Y*ᵀ (m×m) are never
 * formed — a 100000×1 target would need 80 GB for them — but kept as thin factors (U, V and
 * the singular values), and distances between such Gram matrices are computed in the small
 * space their columns span (see `gramDistance2`).
 */
import { FlatminError } from '../errors.js';
import { asMatrix, frob2, matmul, matmulNT, matmulTN, requireFinite, scale, transpose, zeros } from '../linalg/matrix.js';
import type { Matrix } from '../linalg/matrix.js';
import { inverse } from '../linalg/inverse.js';
import { addTN, copyColumns } from '../linalg/vector.js';
import { nuclearNorm, numericalRank, svd, type SVD } from '../linalg/svd.js';
import { columns, householderR, lowRankNorm2, lowRankSvd, productDiff2, type LowRank } from '../linalg/lowRank.js';

/** A target in thin form M = A Bᵀ (never formed), as opposed to a Matrix or nested rows. */
function isLowRank(t: unknown): t is LowRank {
  return typeof t === 'object' && t !== null && !Array.isArray(t) && 'A' in t && 'B' in t;
}

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
  /**
   * The left singular vectors used, n×rankM (orthonormal columns): the predicted
   * X*X*ᵀ = c·U diag(singularValues) Uᵀ — invariant under X* → X*Q — in thin form.
   */
  U: Matrix;
  /** The right singular vectors used, m×rankM: Y*Y*ᵀ = (1/c)·V diag(singularValues) Vᵀ. */
  V: Matrix;
  /** ‖X*‖² = c·‖Σ‖_* and ‖Y*‖² = ‖Σ‖_* / c (nuclear norm of the Σ used). */
  normX2: number;
  normY2: number;
  /** Gram matrices X*ᵀX* (≈ diag(cΣ_k, 0)) and Y*ᵀY* (≈ diag(Σ_k/c, 0)) of the representative, r×r. */
  XtX: Matrix;
  YtY: Matrix;
}

export interface PredictOptions {
  /**
   * Σ is replaced by the soft-thresholded (Σ − σXσY√(nm))₊, the minimizer of the smoothed
   * objective at that fixed σ (see below).
   */
  finiteSigma?: boolean;
  /**
   * M's thin SVD when it is already known (s descending; U n×p, V m×p for any p ≥ the rank used),
   * e.g. the generator of a random target: no SVD is computed and M's entries are not read.
   */
  svd?: SVD;
  /** Progress of M's SVD (fraction 0…1), which takes seconds for a 1500×1500 target. */
  onProgress?: (fraction: number) => void;
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
 *   `singularValues`, `normX2`, `normY2`, `U`, `V` all describe that Σ actually used, so the
 *   identities ‖X*‖² = c·nuclearNorm etc. hold exactly as stated even when truncated.
 * - r > rank: the extra columns of X*, Y* are zero (the predicted limit has rank k).
 *
 * M may also be given by its factors { A (n×k), B (m×k) } (M = A Bᵀ, never formed): the SVD then
 * comes from them (src/linalg/lowRank.ts lowRankSvd, O((n + m)k²)) unless `opts.svd` is given.
 * M is a Matrix or nested arrays (`number[][]`, as run results hold them); ragged, non-numeric or
 * non-finite input is a FlatminError naming the entry. Memory beyond M: one n×m working copy for
 * M's SVD (of which only the top r vector pairs are formed) — none when `opts.svd` hands over a
 * known one — and O((n + m)·r) for the result.
 * M is not modified.
 */
export function predictFactorization(
  target: Matrix | ArrayLike<ArrayLike<number>> | LowRank,
  r: number,
  sigmaX: number,
  sigmaY: number,
  opts?: PredictOptions,
): Prediction {
  // A LowRank target { A, B } (M = A Bᵀ) is never formed: its thin SVD comes from the factors.
  const low = isLowRank(target) ? target : undefined;
  const M = low ? undefined : asMatrix(target as Matrix, 'M');
  const n = low ? low.A.rows : M!.rows;
  const m = low ? low.B.rows : M!.cols;
  if (!Number.isInteger(r) || r < 1) throw new FlatminError('OUT_OF_RANGE', 'r', `predictFactorization: r must be a positive integer, got ${r}`);
  if (n < 1 || m < 1) throw new FlatminError('SHAPE', 'M', `predictFactorization: empty target ${n}x${m}`);
  for (const [name, v] of [['sigmaX', sigmaX], ['sigmaY', sigmaY]] as const) {
    if (!(v >= 0 && v < Infinity)) {
      throw new FlatminError(typeof v === 'number' && v >= 0 ? 'NOT_FINITE' : 'OUT_OF_RANGE', name, `predictFactorization: noise levels must be finite and ≥ 0, got σX=${sigmaX}, σY=${sigmaY}`);
    }
  }
  if ((sigmaX === 0) !== (sigmaY === 0)) {
    throw new FlatminError(
      'OUT_OF_RANGE',
      sigmaX === 0 ? 'sigmaX' : 'sigmaY',
      `predictFactorization: σX=${sigmaX}, σY=${sigmaY}: exactly one noise level is zero, so c = (σX/σY)√(n/m) ` +
        `would be ${sigmaX === 0 ? '0' : '∞'}; there is no finite predicted minimum`,
    );
  }
  if (!opts?.svd && M) requireFinite(M, 'M');
  const sqrtNM = Math.sqrt(n / m);
  // σX = σY = 0: isotropic/flattest optimum (see doc comment).
  const c = sigmaX === 0 ? sqrtNM : (sigmaX / sigmaY) * sqrtNM;
  const c2 = c * c;

  // Only the top r singular vector pairs can be used: ask for just those (all values still come).
  const dec = opts?.svd ?? (low ? lowRankSvd(low) : svd(M!, { onProgress: opts?.onProgress, vectors: Math.min(r, n, m) }));
  // Rank is decided on the unthresholded spectrum: rounding-noise singular values are not
  // directions of M, whatever the threshold does to them.
  const rank = numericalRank(dec.s, n, m);
  const tau = opts?.finiteSigma ? sigmaX * sigmaY * Math.sqrt(n * m) : 0;
  const used: number[] = [];
  const p = dec.U.cols; // the column count of the thin U and V (≤ min(n, m), or a generator's k).
  for (let i = 0; i < rank && i < p && used.length < r; i++) {
    const si = dec.s[i] - tau;
    // s is descending, so once one value is thresholded away all later ones are too.
    if (!(si > 0)) break;
    used.push(si);
  }
  const k = used.length;
  const S = Float64Array.from(used);
  const nuc = nuclearNorm(S);

  const Xstar = zeros(n, r);
  const Ystar = zeros(m, r);
  const U = zeros(n, k);
  const V = zeros(m, k);
  // The first k columns of the SVD's U and V, and X*, Y* (the same columns scaled), row by row.
  const fx = S.map((s) => Math.sqrt(c * s));
  const fy = S.map((s) => Math.sqrt(s / c));
  copyColumns(U.data, k, dec.U.data, p, n, k);
  copyColumns(Xstar.data, r, dec.U.data, p, n, k, fx);
  copyColumns(V.data, k, dec.V.data, p, m, k);
  copyColumns(Ystar.data, r, dec.V.data, p, m, k, fy);
  return {
    c,
    c2,
    rankM: k,
    nuclearNorm: nuc,
    singularValues: S,
    Xstar,
    Ystar,
    U,
    V,
    normX2: c * nuc,
    normY2: nuc / c,
    XtX: paddedGram(Xstar, k),
    YtY: paddedGram(Ystar, k),
  };
}

/**
 * XᵀX for an X whose columns from k on are zero (X*, Y*): matmulTN's sums on the k×k block and
 * zeros elsewhere — the same bits (matmulTN's off-block sums are +0 + (±0) … = +0) in O(n·k²)
 * instead of O(n·r²), which for r ≫ n, m (over-parameterized runs, rank 3000 on 60×50) took seconds.
 */
function paddedGram(X: Matrix, k: number): Matrix {
  const r = X.cols;
  const G = zeros(r, r);
  addTN(G.data, r, X.data, r, k, X.data, r, k, X.rows);
  return G;
}

/**
 * ‖XᵀX − c²YᵀY‖² and ‖XᵀX‖² (r×r Grams of X n×r, Y m×r). Formed entry by entry in O((n+m)·r²) —
 * or, when r > n + m (over-parameterized: r×r is the large side), as ‖Pᵀ P − Sᵀ S‖² with
 * P = Xᵀ, S = c·Yᵀ by the thin QRs of lowRank.ts's productDiff2 in O(r·(n+m)²), never r×r.
 */
function balance2(X: Matrix, Y: Matrix, c2: number): { diff2: number; ref2: number } {
  const r = X.cols;
  if (r > X.rows + Y.rows) {
    const Xt = transpose(X);
    const cYt = scale(transpose(Y), Math.sqrt(c2));
    const none: Matrix = { rows: r, cols: 0, data: new Float64Array(0) };
    return { diff2: productDiff2(Xt, Xt, cYt, cYt), ref2: productDiff2(Xt, Xt, none, none) };
  }
  const XtX = matmulTN(X, X);
  const YtY = matmulTN(Y, Y);
  let diff2 = 0;
  for (let i = 0; i < XtX.data.length; i++) {
    const d = XtX.data[i] - c2 * YtY.data[i];
    diff2 += d * d;
  }
  return { diff2, ref2: frob2(XtX) };
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
 * distances"). X is n×r', Y is m×r' (r' need not equal the prediction's r); X, Y and M are
 * Matrices or nested arrays (`number[][]`, e.g. a run result's `final.X`), checked like
 * `predictFactorization`'s M.
 *
 * ‖XXᵀ − X*X*ᵀ‖ is computed without forming either n×n matrix (`gramDistance2`): both are
 * Gram matrices of thin factors, so their difference lives in the ≤ (r' + rankM)-dimensional
 * span of those factors' columns; a Householder QR of the factors maps it there, and the small
 * difference is formed entry by entry. This avoids both the n² memory and the cancellation of
 * the expansion ‖A‖² + ‖B‖² − 2⟨A, B⟩, which would lose all accuracy exactly when the run is
 * close to the prediction — the case the numbers are for. XYᵀ − M is formed entry by entry
 * against M (O(nmr') time, no extra memory); for M = A Bᵀ given by its factors { A, B } by the thin
 * QRs of [X | A] and [Y | B] instead (src/linalg/lowRank.ts, O((n + m)(r' + k)²), same accuracy). Memory beyond the inputs: O((n + m)(r' + rankM)).
 *
 * If a denominator is exactly zero (e.g. M = 0, or everything soft-thresholded away) the
 * corresponding distance is the absolute norm instead of a relative one (0 for an exact match,
 * never NaN).
 */
export function factorizationDistances(
  Xin: Matrix | ArrayLike<ArrayLike<number>>,
  Yin: Matrix | ArrayLike<ArrayLike<number>>,
  Min: Matrix | ArrayLike<ArrayLike<number>> | LowRank,
  p: Prediction,
): Distances {
  const X = asMatrix(Xin, 'X');
  const Y = asMatrix(Yin, 'Y');
  // M = A Bᵀ by its factors: the residual by productDiff2 (thin QRs), M never formed.
  const low = isLowRank(Min) ? Min : undefined;
  const M = low ? undefined : asMatrix(Min as Matrix, 'M');
  const n = low ? low.A.rows : M!.rows;
  const m = low ? low.B.rows : M!.cols;
  if (X.rows !== n || Y.rows !== m || X.cols !== Y.cols) {
    throw new FlatminError('SHAPE', X.rows !== n ? 'X' : 'Y', `factorizationDistances: X ${X.rows}x${X.cols}, Y ${Y.rows}x${Y.cols} do not fit M ${n}x${m}`);
  }
  if (p.U.rows !== n || p.V.rows !== m) {
    throw new FlatminError('SHAPE', 'prediction', `factorizationDistances: prediction is for ${p.U.rows}x${p.V.rows}, M is ${n}x${m}`);
  }
  requireFinite(X, 'X');
  requireFinite(Y, 'Y');
  if (M) requireFinite(M, 'M');
  else {
    requireFinite(low!.A, 'M.A');
    requireFinite(low!.B, 'M.B');
  }
  // One QR scratch for every thin QR below, in turn: max(n, m)·(r' + the widest k) doubles, not one each.
  const work = new Float64Array(Math.max(n, m) * (X.cols + Math.max(p.U.cols, low ? low.A.cols : 0)));
  const gx = gramDistance2(X, p.U, p.singularValues, p.c, work);
  const gy = gramDistance2(Y, p.V, p.singularValues, 1 / p.c, work);
  const dX = relative(gx.diff2, gx.ref2);
  const dY = relative(gy.diff2, gy.ref2);

  const nx = frob2(X);
  const ny = frob2(Y);
  const ratio = nx / ny;
  const ratioError = ratio / p.c2 - 1;

  const bal = balance2(X, Y, p.c2);
  const balanceError = relative(bal.diff2, bal.ref2);

  if (low) return { dX, dY, ratio, ratioError, balanceError, residual: relative(productDiff2(X, Y, low.A, low.B, work), lowRankNorm2(low, work)) };
  const rc = X.cols;
  let res2 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let t = 0;
      for (let l = 0; l < rc; l++) t += X.data[i * rc + l] * Y.data[j * rc + l];
      const d = t - M!.data[i * m + j];
      res2 += d * d;
    }
  }
  const residual = relative(res2, frob2(M!));
  return { dX, dY, ratio, ratioError, balanceError, residual };
}

/**
 * ‖A Aᵀ − B‖² and ‖B‖² for A n×r and B = Q diag(w·S) Qᵀ (Q n×k orthonormal), in O(n(k + r)²)
 * time and O(n(k + r)) memory — never n×n.
 *
 * [Q | A] = H R (Householder QR; H orthogonal, R upper trapezoidal, q = min(n, k + r) rows), so
 * Q = H R_Q and A = H R_A with the column blocks R_Q, R_A of R; then A Aᵀ − B = H (R_A R_Aᵀ −
 * R_Q diag(w·S) R_Qᵀ) Hᵀ, whose Frobenius norm is that of the q×q matrix in the middle. The
 * reflections are backward stable (R represents [Q | A] to ~eps relative), so the small
 * difference is as accurate as the n×n one formed entry by entry (~eps·‖A‖² absolute).
 * B's own norm comes from the same R, so it is that of exactly the B the difference used.
 */
function gramDistance2(A: Matrix, Q: Matrix, S: Float64Array, w: number, work?: Float64Array): { diff2: number; ref2: number } {
  const n = A.rows;
  const r = A.cols;
  const k = Q.cols;
  // Columns of [Q | A], each contiguous (the reflections below work column by column), in `work` when it fits.
  const cols = columns([Q, A], work);
  const q = householderR(cols, n);
  // R's column l is cols[l][0 … q−1] (zero below its diagonal). Form G = R_A R_Aᵀ and
  // Bq = R_Q diag(w·S) R_Qᵀ entry by entry (upper triangle; symmetric).
  let diag = 0;
  let off = 0;
  let refDiag = 0;
  let refOff = 0;
  for (let a = 0; a < q; a++) {
    for (let b = a; b < q; b++) {
      let g = 0;
      for (let l = 0; l < r; l++) g += cols[k + l][a] * cols[k + l][b];
      let h = 0;
      for (let l = 0; l < k; l++) h += w * S[l] * cols[l][a] * cols[l][b];
      const d = g - h;
      if (a === b) {
        diag += d * d;
        refDiag += h * h;
      } else {
        off += d * d;
        refOff += h * h;
      }
    }
  }
  return { diff2: diag + 2 * off, ref2: refDiag + 2 * refOff };
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
export function wrongMinimum(p: Prediction, Gin: Matrix | ArrayLike<ArrayLike<number>>): { X: Matrix; Y: Matrix } {
  const G = asMatrix(Gin, 'G');
  const r = p.Xstar.cols;
  if (G.rows !== r || G.cols !== r) throw new FlatminError('SHAPE', 'G', `wrongMinimum: G is ${G.rows}x${G.cols}, expected ${r}x${r}`);
  const Ginv = inverse(G);
  // Y* G⁻ᵀ = Y* (G⁻¹)ᵀ = matmulNT(Y*, G⁻¹).
  return { X: matmul(p.Xstar, G), Y: matmulNT(p.Ystar, Ginv) };
}
