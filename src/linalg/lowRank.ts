/**
 * Thin-factor algebra for a low-rank target M = A Bᵀ (A n×k, B m×k) that is never formed: the
 * Frobenius distance ‖XYᵀ − ABᵀ‖ (the factored target's loss and residual) and M's thin SVD from
 * its factors (the prediction). Time O((n + m)·(r + k)²), memory O((n + m)·(r + k)).
 *
 * Accuracy: the expansion ‖XYᵀ‖² − 2⟨XYᵀ, ABᵀ⟩ + ‖ABᵀ‖² = tr(GxGy) − 2tr((AᵀX)(YᵀB)) + tr((AᵀA)(BᵀB))
 * costs the same but cancels: its absolute error is ~eps·(‖XYᵀ‖² + ‖ABᵀ‖²), so near a minimum
 * (loss ≪ ‖M‖²) it returns rounding noise — a run at loss 1e-12·‖M‖² would read 1e-16·‖M‖²·(a few)
 * relative error on ‖M‖², i.e. nothing. Instead [X | A] = H₁R₁ and [Y | B] = H₂R₂ (Householder,
 * H orthogonal), so XYᵀ − ABᵀ = H₁ (R₁ D R₂ᵀ) H₂ᵀ with D = diag(I_r, −I_k) and the norm is that of
 * the small q₁×q₂ middle, formed entry by entry: absolute error ~eps·‖[X | A]‖·‖[Y | B]‖ on the
 * norm itself (not its square), as accurate as the n×m difference formed entry by entry
 * (test/linalg/lowRank.test.ts checks both against it).
 *
 * Determinism: only + − × ÷ and Math.sqrt, loops in fixed index order (bit-identical across engines).
 */
import { FlatminError } from '../errors.js';
import { matmulTN, zeros, type Matrix } from './matrix.js';
import { orthonormalColumns } from './qr.js';
import { divideFrom, dotFrom, dotFrom4, dotStrided, splitColumns, subScaledFrom, subScaledFrom4 } from './vector.js';
import { svd, type SVD } from './svd.js';

/** A target in thin form: M = A Bᵀ with A n×k, B m×k (row-major Matrices). */
export interface LowRank {
  A: Matrix;
  B: Matrix;
}

/**
 * Householder QR of the columns `cols` (each of length n) in place; returns q = min(n, #cols).
 * Afterwards cols[l][0 … q) is column l of R (upper trapezoidal, zero below the diagonal).
 */
export function householderR(cols: Float64Array[], n: number): number {
  const c = cols.length;
  const q = Math.min(n, c);
  const g4 = new Float64Array(4);
  for (let j = 0; j < q; j++) {
    const x = cols[j];
    // dotFrom / subScaledFrom: the same sums in vector.ts's small kernels, optimized at once (qr.ts says why).
    const xn2 = dotFrom(x, x, j + 1, n);
    if (xn2 === 0) continue; // already upper triangular in this column: H_j = I
    const alpha = x[j];
    const norm = Math.sqrt(alpha * alpha + xn2);
    const beta = alpha >= 0 ? -norm : norm;
    const tau = (beta - alpha) / beta;
    const f = alpha - beta;
    divideFrom(x, f, j + 1, n); // v = (1, x_{j+1}/f, …)
    let l = j + 1;
    // Four later columns at a time: their sums and updates interleaved, each its own (vector.ts).
    for (; l + 4 <= c; l += 4) {
      const y0 = cols[l], y1 = cols[l + 1], y2 = cols[l + 2], y3 = cols[l + 3];
      g4[0] = y0[j];
      g4[1] = y1[j];
      g4[2] = y2[j];
      g4[3] = y3[j];
      dotFrom4(x, y0, y1, y2, y3, j + 1, n, g4);
      for (let t = 0; t < 4; t++) g4[t] = tau * g4[t];
      if (g4.includes(0)) {
        for (let t = 0; t < 4; t++) reflect(cols[l + t], g4[t], x, j, n);
        continue;
      }
      for (let t = 0; t < 4; t++) cols[l + t][j] -= g4[t];
      subScaledFrom4(y0, y1, y2, y3, g4, x, j + 1, n);
    }
    for (; l < c; l++) reflect(cols[l], tau * dotFrom(x, cols[l], j + 1, n, cols[l][j]), x, j, n);
    x[j] = beta;
    x.fill(0, j + 1, n);
  }
  return q;
}

/** y ← y − g·(1, v) from row j on (v = x below row j), unless g = 0 (which would turn a −0 into +0). */
function reflect(y: Float64Array, g: number, x: Float64Array, j: number, n: number): void {
  if (g === 0) return;
  y[j] -= g;
  subScaledFrom(y, g, x, j + 1, n);
}

/** A row-major block read only (a Matrix, or a view of θ in the session's precision). */
export interface Block {
  readonly rows: number;
  readonly cols: number;
  readonly data: ArrayLike<number>;
}

/**
 * The columns of row-major blocks side by side, each column contiguous (householderR's input):
 * subarrays of `work` when given (at least rows·cols summed over the blocks: a caller that repeats
 * the report, a run's record every few steps, reuses one), else of a fresh array.
 */
export function columns(blocks: readonly Block[], work?: Float64Array): Float64Array[] {
  let size = 0;
  for (const b of blocks) size += b.rows * b.cols;
  const buf = work && work.length >= size ? work : new Float64Array(size);
  const out: Float64Array[] = [];
  let at = 0;
  for (const b of blocks) {
    const cols = Array.from({ length: b.cols }, (_, j) => buf.subarray(at + j * b.rows, at + (j + 1) * b.rows));
    splitColumns(b.data, b.rows, b.cols, cols);
    out.push(...cols);
    at += b.rows * b.cols;
  }
  return out;
}

/**
 * ‖P Qᵀ − S Tᵀ‖² for P n×r, Q m×r, S n×k, T m×k (either pair may have 0 columns), by the small
 * middle of the two QRs (see the module comment). The QRs run one after the other, R₁ kept
 * aside, so `work` — scratch to reuse, optional — needs max(n, m)·(r + k) doubles.
 */
export function productDiff2(P: Block, Q: Block, S: Block, T: Block, work?: Float64Array): number {
  const r = P.cols;
  const c = P.cols + S.cols;
  const scratch = work !== undefined && work.length >= Math.max(P.rows, Q.rows) * c ? work : undefined;
  const c1 = columns([P, S], scratch);
  const q1 = householderR(c1, P.rows);
  const R1 = new Float64Array(c * q1); // column l of R₁ at [l·q1, (l + 1)·q1)
  for (let l = 0; l < c; l++) R1.set(c1[l].subarray(0, q1), l * q1);
  const c2 = columns([Q, T], scratch);
  const q2 = householderR(c2, Q.rows);
  let s2 = 0;
  for (let a = 0; a < q1; a++)
    for (let b = 0; b < q2; b++) {
      let d = 0;
      for (let l = 0; l < c; l++) d += l < r ? R1[l * q1 + a] * c2[l][b] : -(R1[l * q1 + a] * c2[l][b]);
      s2 += d * d;
    }
  return s2;
}

const empty = (rows: number): Matrix => ({ rows, cols: 0, data: new Float64Array(0) });

/** ‖ABᵀ‖² (`work` as productDiff2's). */
export function lowRankNorm2(t: LowRank, work?: Float64Array): number {
  return productDiff2(t.A, t.B, empty(t.A.rows), empty(t.B.rows), work);
}

/**
 * ½‖XYᵀ − ABᵀ‖² with X = theta[0, n·r), Y = theta[n·r, …): the factored target's loss (a report).
 * θ and the factors may be views of the session's own buffers (f32 entries are read as the
 * doubles they are); `work` as productDiff2's.
 */
export function lowRankLoss(theta: Float64Array | Float32Array, t: { readonly A: Block; readonly B: Block }, r: number, work?: Float64Array): number {
  const n = t.A.rows;
  const m = t.B.rows;
  const X: Block = { rows: n, cols: r, data: theta.subarray(0, n * r) };
  const Y: Block = { rows: m, cols: r, data: theta.subarray(n * r, (n + m) * r) };
  return 0.5 * productDiff2(X, Y, t.A, t.B, work);
}

/**
 * The thin SVD of M = A Bᵀ without forming M: A = Q_A R_A, B = Q_B R_B (orthonormal columns,
 * src/linalg/qr.ts), R_A R_Bᵀ = U_c diag(s) V_cᵀ (k×k, src/linalg/svd.ts), U = Q_A U_c, V = Q_B V_c.
 * s descending, U n×k, V m×k. A and B must have linearly independent columns (k ≤ min(n, m)):
 * otherwise a FlatminError naming the factor (drop the dependent columns).
 */
export function lowRankSvd(t: LowRank, path = 'factors'): SVD {
  const q = (F: Matrix, name: string): Matrix => {
    try {
      return orthonormalColumns(F);
    } catch (e) {
      throw new FlatminError('OUT_OF_RANGE', `${path}.${name}`, `expected ${F.rows}×${F.cols} with linearly independent columns (k ≤ its rows; drop dependent ones): ${(e as Error).message}`);
    }
  };
  const QA = q(t.A, 'A');
  const QB = q(t.B, 'B');
  const k = t.A.cols;
  const RA = matmulTN(QA, t.A);
  const RB = matmulTN(QB, t.B);
  const C = zeros(k, k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += RA.data[i * k + l] * RB.data[j * k + l];
      C.data[i * k + j] = s;
    }
  const small = svd(C);
  return { U: times(QA, small.U), s: small.s, V: times(QB, small.V) };
}

/** Q S (n×k times k×p). */
function times(Q: Matrix, S: Matrix): Matrix {
  const k = Q.cols;
  const p = S.cols;
  const out = zeros(Q.rows, p);
  for (let i = 0; i < Q.rows; i++)
    for (let b = 0; b < p; b++) out.data[i * p + b] = dotStrided(Q.data, i * k, 1, S.data, b, p, k);
  return out;
}

/**
 * The entries of M = A Bᵀ at ascending flat indices e = i·m + j (m = B's rows): M_ij = Σ_c A_ic B_jc,
 * c ascending from 0, one product per term — O(|index|·k), M never formed. A random factored
 * target's A = U·diag(s), B = V (problems/factorization.ts) makes each term the dense generator's
 * (U_ic·s_c)·V_jc, so with singularValues non-increasing (the sorted order is then the given one)
 * these are the dense target's bits.
 */
export function lowRankEntries(t: LowRank, index: Int32Array): Float64Array {
  const k = t.A.cols;
  const m = t.B.rows;
  const out = new Float64Array(index.length);
  for (let p = 0; p < index.length; p++) {
    const i = Math.floor(index[p] / m), j = index[p] % m;
    let s = 0;
    for (let c = 0; c < k; c++) s += t.A.data[i * k + c] * t.B.data[j * k + c];
    out[p] = s;
  }
  return out;
}

/**
 * The relative error of XYᵀ on the entries off the ascending flat indices Ω, ‖(XYᵀ − ABᵀ)|Ωᶜ‖ /
 * ‖ABᵀ|Ωᶜ‖ (diagnostics/completion.ts testError's normalization), without the n·m entries: each
 * squared norm over Ωᶜ is the whole one (productDiff2, thin QRs) minus the sum over Ω (entries by
 * lowRankEntries' order, w_ij by observedObjective's), clamped at 0. O((n + m)·(r + k)² + |Ω|·(r + k)).
 * The subtraction costs ~eps·‖[X | A]‖·‖[Y | B]‖·‖XYᵀ − ABᵀ‖ absolute on the squared numerator: an
 * error far below the one on Ω reads as rounding noise (completion fits Ω first, so it rarely is).
 * NaN when Ωᶜ is empty or M is 0 on it.
 */
export function lowRankHeldOutError(theta: Float64Array, t: LowRank, r: number, index: Int32Array): number {
  const n = t.A.rows;
  const m = t.B.rows;
  const X: Matrix = { rows: n, cols: r, data: theta.subarray(0, n * r) };
  const Y: Matrix = { rows: m, cols: r, data: theta.subarray(n * r, (n + m) * r) };
  const truth = lowRankEntries(t, index);
  let onDiff = 0;
  let onTruth = 0;
  for (let p = 0; p < index.length; p++) {
    const i = Math.floor(index[p] / m), j = index[p] % m;
    let w = 0;
    for (let c = 0; c < r; c++) w += X.data[i * r + c] * Y.data[j * r + c];
    onDiff += (w - truth[p]) ** 2;
    onTruth += truth[p] * truth[p];
  }
  const num = Math.max(0, productDiff2(X, Y, t.A, t.B) - onDiff);
  const den = Math.max(0, lowRankNorm2(t) - onTruth);
  return index.length < n * m && den > 0 ? Math.sqrt(num / den) : NaN;
}
