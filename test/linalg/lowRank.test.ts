/**
 * src/linalg/lowRank.ts: ‖XYᵀ − ABᵀ‖ by thin QRs against the n×m difference formed entry by entry,
 * far from and close to a minimum (where the trace expansion would cancel to noise), and the thin
 * SVD of A Bᵀ from its factors against the dense SVD.
 */
import { describe, expect, it } from 'vitest';
import { householderR, lowRankLoss, lowRankNorm2, lowRankSvd, productDiff2 } from '../../src/linalg/lowRank.js';
import { svd } from '../../src/linalg/svd.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { hex, lcg } from '../helpers.js';

const mat = (rows: number, cols: number, f: () => number): Matrix => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, f) });

/** ‖PQᵀ − STᵀ‖² with the n×m difference formed entry by entry (each entry's products summed first). */
function dense2(P: Matrix, Q: Matrix, S: Matrix, T: Matrix): number {
  let s2 = 0;
  for (let i = 0; i < P.rows; i++)
    for (let j = 0; j < Q.rows; j++) {
      let a = 0;
      for (let c = 0; c < P.cols; c++) a += P.data[i * P.cols + c] * Q.data[j * Q.cols + c];
      let b = 0;
      for (let c = 0; c < S.cols; c++) b += S.data[i * S.cols + c] * T.data[j * T.cols + c];
      s2 += (a - b) ** 2;
    }
  return s2;
}

/** The cancelling expansion tr(GxGy) − 2tr((AᵀX)(YᵀB)) + tr((AᵀA)(BᵀB)), for contrast. */
function expansion2(X: Matrix, Y: Matrix, A: Matrix, B: Matrix): number {
  const gram = (U: Matrix, V: Matrix) => {
    const out = new Float64Array(U.cols * V.cols);
    for (let i = 0; i < U.rows; i++) for (let a = 0; a < U.cols; a++) for (let b = 0; b < V.cols; b++) out[a * V.cols + b] += U.data[i * U.cols + a] * V.data[i * V.cols + b];
    return out;
  };
  const tr = (F: Float64Array, G: Float64Array, p: number, q: number) => {
    let s = 0; // tr(F G) with F p×q, G q×p
    for (let a = 0; a < p; a++) for (let b = 0; b < q; b++) s += F[a * q + b] * G[b * p + a];
    return s;
  };
  const r = X.cols, k = A.cols;
  return tr(gram(X, X), gram(Y, Y), r, r) - 2 * tr(gram(A, X), gram(Y, B), k, r) + tr(gram(A, A), gram(B, B), k, k);
}

describe('lowRank', () => {
  const rnd = lcg(5);
  const [n, m, r, k] = [40, 30, 4, 3];
  const A = mat(n, k, rnd), B = mat(m, k, rnd);

  it('‖XYᵀ − ABᵀ‖² far from a minimum equals the dense difference to rounding', () => {
    const X = mat(n, r, rnd), Y = mat(m, r, rnd);
    const d = dense2(X, Y, A, B);
    expect(Math.abs(productDiff2(X, Y, A, B) - d)).toBeLessThan(1e-13 * d);
    expect(Math.abs(lowRankNorm2({ A, B }) - dense2(A, B, mat(n, 0, rnd), mat(m, 0, rnd)))).toBeLessThan(1e-13 * lowRankNorm2({ A, B }));
    const theta = Float64Array.from([...X.data, ...Y.data]);
    expect(lowRankLoss(theta, { A, B }, r)).toBeCloseTo(0.5 * d, 10);
  });

  it('near a minimum keeps its digits where the trace expansion cancels to noise', () => {
    // X Yᵀ = A Bᵀ + 1e-9·(perturbation): the loss is ~1e-18·‖M‖², far below eps·‖M‖².
    const X = { rows: n, cols: r, data: new Float64Array(n * r) };
    const Y = { rows: m, cols: r, data: new Float64Array(m * r) };
    for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) X.data[i * r + c] = A.data[i * k + c];
    for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) Y.data[j * r + c] = B.data[j * k + c];
    for (let e = 0; e < Y.data.length; e++) Y.data[e] += 1e-9 * rnd();
    const d = dense2(X, Y, A, B);
    const q = productDiff2(X, Y, A, B);
    // Both accurate to ~eps·‖M‖ in the norm: ‖·‖ ≈ 1e-8 here, so ~1e-7 relative on the norm.
    expect(Math.abs(Math.sqrt(q) - Math.sqrt(d))).toBeLessThan(1e-6 * Math.sqrt(d));
    const e = expansion2(X, Y, A, B);
    expect(Math.abs(Math.sqrt(Math.abs(e)) - Math.sqrt(d))).toBeGreaterThan(0.5 * Math.sqrt(d)); // what the QRs avoid
  });

  it('the thin SVD of A Bᵀ from its factors matches the dense SVD', () => {
    const M = { rows: n, cols: m, data: new Float64Array(n * m) };
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) M.data[i * m + j] += A.data[i * k + c] * B.data[j * k + c];
    const f = lowRankSvd({ A, B });
    const d = svd(M, { vectors: k });
    f.s.forEach((s, i) => expect(s).toBeCloseTo(d.s[i], 12));
    // U diag(s) Vᵀ reproduces M.
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let v = 0;
        for (let c = 0; c < k; c++) v += f.U.data[i * k + c] * f.s[c] * f.V.data[j * k + c];
        expect(v).toBeCloseTo(M.data[i * m + j], 12);
      }
  });
});

describe('householderR', () => {
  /** The textbook loop, one later column at a time: householderR's bits, which its four-column kernels must keep. */
  function oneAtATime(cols: Float64Array[], n: number): number {
    const q = Math.min(n, cols.length);
    for (let j = 0; j < q; j++) {
      const x = cols[j];
      let xn2 = 0;
      for (let k = j + 1; k < n; k++) xn2 += x[k] * x[k];
      if (xn2 === 0) continue;
      const alpha = x[j];
      const norm = Math.sqrt(alpha * alpha + xn2);
      const beta = alpha >= 0 ? -norm : norm;
      const tau = (beta - alpha) / beta;
      const f = alpha - beta;
      for (let k = j + 1; k < n; k++) x[k] = x[k] / f;
      for (let l = j + 1; l < cols.length; l++) {
        const y = cols[l];
        let s = y[j];
        for (let k = j + 1; k < n; k++) s += x[k] * y[k];
        const g = tau * s;
        if (g === 0) continue;
        y[j] -= g;
        for (let k = j + 1; k < n; k++) y[k] -= g * x[k];
      }
      x[j] = beta;
      x.fill(0, j + 1, n);
    }
    return q;
  }

  it('has the bits of the one-column-at-a-time loop: 11 columns (groups of four and a rest), a zero and a −0 column, n < c', () => {
    const rnd = lcg(41);
    for (const [n, c] of [[60, 11], [7, 11]]) {
      const make = () => Array.from({ length: c }, (_, l) => Float64Array.from({ length: n }, () => (l === 4 ? 0 : l === 6 ? -0 : rnd())));
      const a = make();
      const b = a.map((col) => Float64Array.from(col));
      expect(householderR(a, n)).toBe(oneAtATime(b, n));
      a.forEach((col, l) => expect(hex(col), `column ${l}`).toBe(hex(b[l])));
    }
  });
});
