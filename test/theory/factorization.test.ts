import { describe, it, expect } from 'vitest';
import { fromRows, matmul, matmulNT, matmulTN, sub, frob, frob2, zeros, scale } from '../../src/linalg/matrix.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { orthonormalColumns } from '../../src/linalg/qr.js';
import { inverse } from '../../src/linalg/inverse.js';
import { predictFactorization, factorizationDistances, wrongMinimum } from '../../src/theory/factorization.js';
import type { Prediction } from '../../src/theory/factorization.js';
import { FlatminError } from '../../src/errors.js';
import { toRows } from '../../src/linalg/matrix.js';
import { randomMatrix } from '../helpers.js';

/** Q diag(d) (scales column j by d[j]). */
function scaleCols(q: Matrix, d: ArrayLike<number>): Matrix {
  const out = zeros(q.rows, q.cols);
  for (let i = 0; i < q.rows; i++) for (let j = 0; j < q.cols; j++) out.data[i * q.cols + j] = q.data[i * q.cols + j] * d[j];
  return out;
}

function identity(k: number): Matrix {
  const out = zeros(k, k);
  for (let i = 0; i < k; i++) out.data[i * k + i] = 1;
  return out;
}

function relErr(a: Matrix, b: Matrix): number {
  return frob(sub(a, b)) / frob(b);
}

/** The THEORY.md reference target: 30×20, singular values (3, 2, 1), random orthonormal U, V. */
function target(n = 30, m = 20, s: number[] = [3, 2, 1], seed = 2024) {
  const U = orthonormalColumns(randomMatrix(n, s.length, seed));
  const V = orthonormalColumns(randomMatrix(m, s.length, seed + 1));
  const M = matmulNT(scaleCols(U, s), V);
  return { U, V, M, s };
}

/** The predicted X*X*ᵀ = c·U Σ Uᵀ (side 'X') or Y*Y*ᵀ = V Σ Vᵀ / c, formed densely (small tests only). */
function predictedGram(p: Prediction, side: 'X' | 'Y'): Matrix {
  const Q = side === 'X' ? p.U : p.V;
  return scale(matmulNT(scaleCols(Q, p.singularValues), Q), side === 'X' ? p.c : 1 / p.c);
}

/** The identities of THEORY.md §1 that every prediction must satisfy. */
function checkIdentities(p: Prediction, M: Matrix | null, r: number) {
  const n = p.U.rows;
  const m = p.V.rows;
  // The thin factors of the predicted Gram matrices: orthonormal columns, one per direction used.
  expect(p.U.cols).toBe(p.rankM);
  expect(p.V.cols).toBe(p.rankM);
  if (p.rankM > 0) {
    expect(relErr(matmulTN(p.U, p.U), identity(p.rankM))).toBeLessThan(1e-14);
    expect(relErr(matmulTN(p.V, p.V), identity(p.rankM))).toBeLessThan(1e-14);
  }
  expect(p.Xstar.rows).toBe(n);
  expect(p.Xstar.cols).toBe(r);
  expect(p.Ystar.rows).toBe(m);
  expect(p.Ystar.cols).toBe(r);
  expect(p.c2).toBeCloseTo(p.c * p.c, 15);
  // ‖X*‖²/‖Y*‖² = c², ‖X*‖² = c‖Σ‖_*, ‖Y*‖² = ‖Σ‖_*/c.
  expect(frob2(p.Xstar) / frob2(p.Ystar) / p.c2 - 1).toBeCloseTo(0, 13);
  expect(frob2(p.Xstar) / p.normX2 - 1).toBeCloseTo(0, 13);
  expect(frob2(p.Ystar) / p.normY2 - 1).toBeCloseTo(0, 13);
  expect(p.normX2 / (p.c * p.nuclearNorm) - 1).toBeCloseTo(0, 14);
  // X*ᵀX* = c² Y*ᵀY* (balance), and the stored Gram matrices are the representative's.
  expect(relErr(p.XtX, scale(p.YtY, p.c2))).toBeLessThan(1e-13);
  expect(relErr(matmulTN(p.Xstar, p.Xstar), p.XtX)).toBeLessThan(1e-15);
  expect(relErr(matmulTN(p.Ystar, p.Ystar), p.YtY)).toBeLessThan(1e-15);
  // c·UΣUᵀ = X*X*ᵀ, VΣVᵀ/c = Y*Y*ᵀ.
  if (p.rankM > 0) {
    expect(relErr(matmulNT(p.Xstar, p.Xstar), predictedGram(p, 'X'))).toBeLessThan(1e-13);
    expect(relErr(matmulNT(p.Ystar, p.Ystar), predictedGram(p, 'Y'))).toBeLessThan(1e-13);
  }
  // Nuclear norm and rank are those of the Σ used.
  expect(p.singularValues.length).toBe(p.rankM);
  let sum = 0;
  for (const v of p.singularValues) sum += v;
  expect(p.nuclearNorm).toBe(sum);
  // Extra columns are exactly zero.
  for (let i = 0; i < n; i++) for (let j = p.rankM; j < r; j++) expect(p.Xstar.data[i * r + j]).toBe(0);
  for (let i = 0; i < m; i++) for (let j = p.rankM; j < r; j++) expect(p.Ystar.data[i * r + j]).toBe(0);
  // The prediction is at distance ~0 from itself.
  if (M) {
    const d = factorizationDistances(p.Xstar, p.Ystar, M, p);
    expect(d.dX).toBeLessThan(1e-13);
    expect(d.dY).toBeLessThan(1e-13);
    expect(Math.abs(d.ratioError)).toBeLessThan(1e-13);
    expect(d.balanceError).toBeLessThan(1e-13);
  }
}

describe('predictFactorization', () => {
  it('reference 30x20 target with Σ = (3, 2, 1), σX = σY', () => {
    const { U, V, M } = target();
    const copy = Float64Array.from(M.data);
    const p = predictFactorization(M, 3, 0.1, 0.1);
    expect(p.c).toBeCloseTo(Math.sqrt(1.5), 15);
    expect(p.c2).toBeCloseTo(1.5, 14);
    expect(p.rankM).toBe(3);
    expect(p.nuclearNorm).toBeCloseTo(6, 13);
    expect(Array.from(p.singularValues).map((x) => Number(x.toFixed(12)))).toEqual([3, 2, 1]);
    checkIdentities(p, M, 3);
    // X*Y*ᵀ = M.
    expect(relErr(matmulNT(p.Xstar, p.Ystar), M)).toBeLessThan(1e-13);
    // X*X*ᵀ = c U Σ Uᵀ, Y*Y*ᵀ = (1/c) V Σ Vᵀ with the U, V M was built from.
    expect(relErr(predictedGram(p, 'X'), scale(matmulNT(scaleCols(U, [3, 2, 1]), U), p.c))).toBeLessThan(1e-13);
    expect(relErr(predictedGram(p, 'Y'), scale(matmulNT(scaleCols(V, [3, 2, 1]), V), 1 / p.c))).toBeLessThan(1e-13);
    expect(p.normX2).toBeCloseTo(6 * Math.sqrt(1.5), 12);
    expect(p.normY2).toBeCloseTo(6 / Math.sqrt(1.5), 12);
    const d = factorizationDistances(p.Xstar, p.Ystar, M, p);
    expect(d.residual).toBeLessThan(1e-13);
    expect(d.ratio).toBeCloseTo(1.5, 12);
    expect(Array.from(M.data)).toEqual(Array.from(copy));
  });

  it('distances are rotation invariant: (X*Q, Y*Q) for orthogonal Q is at distance ~0', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    const Q = orthonormalColumns(randomMatrix(3, 3, 77));
    const d = factorizationDistances(matmul(p.Xstar, Q), matmul(p.Ystar, Q), M, p);
    expect(d.dX).toBeLessThan(1e-13);
    expect(d.dY).toBeLessThan(1e-13);
    expect(Math.abs(d.ratioError)).toBeLessThan(1e-13);
    expect(d.balanceError).toBeLessThan(1e-13);
    expect(d.residual).toBeLessThan(1e-13);
  });

  it('known-answer distances of the balanced (c = 1) minimum against c² = 1.5', () => {
    const { U, V, M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    const rt = [Math.sqrt(3), Math.sqrt(2), 1];
    const d = factorizationDistances(scaleCols(U, rt), scaleCols(V, rt), M, p);
    const c = Math.sqrt(1.5);
    // XXᵀ = UΣUᵀ vs c·UΣUᵀ → |1 − c|/c; YYᵀ = VΣVᵀ vs VΣVᵀ/c → |c − 1|.
    expect(d.dX).toBeCloseTo((c - 1) / c, 12); // ≈ 0.18, the "small init" number in THEORY.md
    expect(d.dY).toBeCloseTo(c - 1, 12);
    expect(d.ratio).toBeCloseTo(1, 12);
    expect(d.ratioError).toBeCloseTo(1 / 1.5 - 1, 12);
    expect(d.balanceError).toBeCloseTo(0.5, 12); // ‖Σ − 1.5Σ‖/‖Σ‖
    expect(d.residual).toBeLessThan(1e-13);
  });

  it('a wrong global minimum (X*G, Y*G⁻ᵀ) fits M exactly but is far from the prediction', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    const G = fromRows([
      [2, 0.5, 0],
      [0, 1, 0.3],
      [0.1, 0, 0.5],
    ]);
    const Gcopy = Float64Array.from(G.data);
    const w = wrongMinimum(p, G);
    expect(Array.from(G.data)).toEqual(Array.from(Gcopy));
    const d = factorizationDistances(w.X, w.Y, M, p);
    expect(d.residual).toBeLessThan(1e-13);
    expect(d.dX).toBeGreaterThan(0.3);
    expect(d.dY).toBeGreaterThan(0.3);
    expect(d.balanceError).toBeGreaterThan(0.3);
    // Y = Y* G⁻ᵀ, i.e. Y Gᵀ = Y*.
    expect(relErr(matmulNT(w.Y, G), p.Ystar)).toBeLessThan(1e-13);
    // An orthogonal G is *not* wrong: same point up to rotation.
    const Q = orthonormalColumns(randomMatrix(3, 3, 5));
    const q = wrongMinimum(p, Q);
    const dq = factorizationDistances(q.X, q.Y, M, p);
    expect(dq.dX).toBeLessThan(1e-13);
    expect(dq.balanceError).toBeLessThan(1e-13);
  });

  it('wrongMinimum rejects singular or mis-sized G', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    const S = fromRows([
      [1, 2, 3],
      [2, 4, 6],
      [0, 1, 1],
    ]);
    expect(() => wrongMinimum(p, S)).toThrow(/singular/);
    expect(() => wrongMinimum(p, fromRows([[1, 0], [0, 1]]))).toThrow(/expected 3x3/);
  });

  it('r > rank(M): padded with zero columns, same XXᵀ', () => {
    const { M } = target();
    const p3 = predictFactorization(M, 3, 0.1, 0.1);
    const p5 = predictFactorization(M, 5, 0.1, 0.1);
    expect(p5.rankM).toBe(3);
    expect(p5.XtX.rows).toBe(5);
    checkIdentities(p5, M, 5);
    expect(Array.from(p5.U.data)).toEqual(Array.from(p3.U.data));
    expect(Array.from(p5.singularValues)).toEqual(Array.from(p3.singularValues));
    expect(relErr(matmulNT(p5.Xstar, p5.Ystar), M)).toBeLessThan(1e-13);
    // A 5-column wrong minimum mixes in the zero columns and still fits M.
    const G = zeros(5, 5);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) G.data[i * 5 + j] = (i === j ? 1.5 : 0) + 0.3 * randomMatrix(5, 5, 9).data[i * 5 + j];
    const w = wrongMinimum(p5, G);
    const d = factorizationDistances(w.X, w.Y, M, p5);
    expect(d.residual).toBeLessThan(1e-13);
    expect(d.dX).toBeGreaterThan(0.1);
  });

  it('r < rank(M): only the top r directions are used', () => {
    const { M } = target();
    const p = predictFactorization(M, 2, 0.1, 0.1);
    expect(p.rankM).toBe(2);
    expect(p.nuclearNorm).toBeCloseTo(5, 13);
    checkIdentities(p, M, 2);
    // Best rank-2 approximation: residual ‖diag(0,0,1)‖/‖diag(3,2,1)‖ = 1/√14.
    const d = factorizationDistances(p.Xstar, p.Ystar, M, p);
    expect(d.residual).toBeCloseTo(1 / Math.sqrt(14), 13);
  });

  it('finiteSigma soft-thresholds Σ by σXσY√(nm)', () => {
    const { U, V, M } = target();
    const sig = 0.1;
    const tau = sig * sig * Math.sqrt(600);
    const p = predictFactorization(M, 3, sig, sig, { finiteSigma: true });
    expect(p.rankM).toBe(3);
    const expected = [3 - tau, 2 - tau, 1 - tau];
    for (let i = 0; i < 3; i++) expect(p.singularValues[i]).toBeCloseTo(expected[i], 13);
    expect(p.nuclearNorm).toBeCloseTo(6 - 3 * tau, 13);
    checkIdentities(p, null, 3);
    expect(relErr(matmulNT(p.Xstar, p.Ystar), matmulNT(scaleCols(U, expected), V))).toBeLessThan(1e-13);
    // The σ → 0 prediction is measurably different from the finite-σ one.
    const p0 = predictFactorization(M, 3, sig, sig);
    const d = factorizationDistances(p.Xstar, p.Ystar, M, p0);
    expect(d.dX).toBeGreaterThan(0.05);
    expect(d.residual).toBeGreaterThan(0.05);

    // Large σ kills the smallest direction: τ = 0.0625·√600 ≈ 1.53 > 1.
    const big = predictFactorization(M, 3, 0.25, 0.25, { finiteSigma: true });
    const tb = 0.0625 * Math.sqrt(600);
    expect(big.rankM).toBe(2);
    expect(big.nuclearNorm).toBeCloseTo(5 - 2 * tb, 13);
    checkIdentities(big, null, 3);
    // Everything thresholded away: zero prediction, distances stay finite.
    const none = predictFactorization(M, 3, 1, 1, { finiteSigma: true });
    expect(none.rankM).toBe(0);
    expect(frob(none.Xstar)).toBe(0);
    const dn = factorizationDistances(none.Xstar, none.Ystar, M, none);
    expect(dn.dX).toBe(0);
    expect(dn.residual).toBeCloseTo(1, 13);
  });

  it.each([0.5, 1, 2])('σX/σY = %f: ‖X*‖²/‖Y*‖² = c² = (σX/σY)²·n/m', (q) => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1 * q, 0.1);
    expect(p.c2).toBeCloseTo(q * q * 1.5, 13);
    expect(frob2(p.Xstar) / frob2(p.Ystar)).toBeCloseTo(q * q * 1.5, 12);
    checkIdentities(p, M, 3);
    // Only the ratio matters (σ → 0 limit).
    const p2 = predictFactorization(M, 3, 0.01 * q, 0.01);
    expect(p2.c).toBeCloseTo(p.c, 14);
    expect(relErr(predictedGram(p2, 'X'), predictedGram(p, 'X'))).toBeLessThan(1e-14);
  });

  it('different σ ratios predict different minima', () => {
    const { M } = target();
    const pa = predictFactorization(M, 3, 0.05, 0.1);
    const pb = predictFactorization(M, 3, 0.2, 0.1);
    const d = factorizationDistances(pa.Xstar, pa.Ystar, M, pb);
    // c_a = c_b / 4 → dX = |c_a − c_b| / c_b = 3/4.
    expect(d.dX).toBeCloseTo(0.75, 12);
    expect(d.ratioError).toBeCloseTo(1 / 16 - 1, 12);
    expect(d.residual).toBeLessThan(1e-13);
  });

  it.each([
    [20, 30],
    [25, 25],
    [40, 10],
  ])('shape %i x %i', (n, m) => {
    const { M } = target(n, m, [3, 2, 1], 7 * n + m);
    const p = predictFactorization(M, 4, 0.1, 0.1);
    expect(p.c2).toBeCloseTo(n / m, 13);
    expect(p.rankM).toBe(3);
    checkIdentities(p, M, 4);
    expect(relErr(matmulNT(p.Xstar, p.Ystar), M)).toBeLessThan(1e-13);
  });

  it('rank-1 target', () => {
    const { M } = target(30, 20, [2.5], 3);
    const p = predictFactorization(M, 3, 0.1, 0.1);
    expect(p.rankM).toBe(1);
    expect(p.nuclearNorm).toBeCloseTo(2.5, 13);
    checkIdentities(p, M, 3);
  });

  it('σX = σY = 0 (plain GD) uses the flattest c = √(n/m); one zero σ is rejected', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0, 0);
    expect(p.c).toBeCloseTo(Math.sqrt(1.5), 15);
    checkIdentities(p, M, 3);
    const pf = predictFactorization(M, 3, 0, 0, { finiteSigma: true });
    expect(Array.from(pf.singularValues)).toEqual(Array.from(p.singularValues));
    expect(() => predictFactorization(M, 3, 0.1, 0)).toThrow(/exactly one/);
    expect(() => predictFactorization(M, 3, 0, 0.1)).toThrow(/exactly one/);
    expect(() => predictFactorization(M, 3, -0.1, 0.1)).toThrow();
    expect(() => predictFactorization(M, 3, NaN, 0.1)).toThrow();
    expect(() => predictFactorization(M, 0, 0.1, 0.1)).toThrow();
    expect(() => predictFactorization(M, 2.5, 0.1, 0.1)).toThrow();
  });

  it('factorizationDistances checks shapes', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    expect(() => factorizationDistances(p.Ystar, p.Xstar, M, p)).toThrow();
    expect(() => factorizationDistances(p.Xstar, zeros(20, 2), M, p)).toThrow();
  });
});

describe('inverse', () => {
  it('A A⁻¹ = I, with pivoting needed', () => {
    const A = fromRows([
      [0, 2, 1],
      [1, 1, 0],
      [3, 0, 1],
    ]);
    const copy = Float64Array.from(A.data);
    const I = matmul(A, inverse(A));
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(I.data[i * 3 + j]).toBeCloseTo(i === j ? 1 : 0, 14);
    expect(Array.from(A.data)).toEqual(Array.from(copy));
    const R = randomMatrix(8, 8, 31);
    const J = matmul(inverse(R), R);
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) expect(J.data[i * 8 + j]).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(Array.from(inverse(fromRows([[4]])).data)).toEqual([0.25]);
  });
  it('throws on singular, non-square, non-finite', () => {
    expect(() => inverse(fromRows([[1, 2], [2, 4]]))).toThrow(/singular/);
    expect(() => inverse(zeros(2, 2))).toThrow(/singular/);
    expect(() => inverse(zeros(2, 3))).toThrow(/square/);
    expect(() => inverse(fromRows([[NaN]]))).toThrow(/non-finite/);
  });
});

describe('nested arrays (number[][]) as well as Matrix', () => {
  it('predictFactorization, factorizationDistances and wrongMinimum give the same numbers for toRows(…)', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.05);
    const q = predictFactorization(toRows(M), 3, 0.1, 0.05);
    expect(Array.from(q.Xstar.data)).toEqual(Array.from(p.Xstar.data));
    expect(q.c2).toBe(p.c2);
    const X = matmul(p.Xstar, fromRows([[1.1, 0, 0], [0, 0.9, 0.1], [0, 0, 1]]));
    const Y = p.Ystar;
    // What a run result holds: final.X and final.Y as number[][].
    expect(factorizationDistances(toRows(X), toRows(Y), toRows(M), p)).toEqual(factorizationDistances(X, Y, M, p));
    const G = [[2, 0.5, 0], [0, 1, 0.3], [0.1, 0, 0.5]];
    expect(wrongMinimum(p, G)).toEqual(wrongMinimum(p, fromRows(G)));
  });

  it('reports the progress of its SVD through onProgress (not called when the SVD is handed over)', () => {
    const { M, U, V, s: sv } = target(120, 90, [3, 2, 1], 5);
    const seen: number[] = [];
    const p = predictFactorization(toRows(M), 3, 0.1, 0.1, { onProgress: (f) => seen.push(f) });
    expect(p.rankM).toBe(3);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]);
    const none: number[] = [];
    predictFactorization(M, 3, 0.1, 0.1, { svd: { U, s: Float64Array.from(sv), V }, onProgress: (f) => none.push(f) });
    expect(none).toEqual([]);
  });

  /** The FlatminError `f` throws, as [code, path]. */
  function failure(f: () => unknown): [string, string] {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(FlatminError);
      return [(e as FlatminError).code, (e as FlatminError).path];
    }
    throw new Error('expected a throw');
  }

  it('ragged, non-numeric or non-finite input is a FlatminError naming the entry, not a TypeError', () => {
    const { M } = target();
    const p = predictFactorization(M, 3, 0.1, 0.1);
    const X = toRows(p.Xstar);
    const Y = toRows(p.Ystar);
    expect(failure(() => predictFactorization([[1, 2], [3]], 1, 0.1, 0.1))).toEqual(['SHAPE', 'M[1]']);
    expect(failure(() => predictFactorization([[1, 'a' as unknown as number]], 1, 0.1, 0.1))).toEqual(['TYPE', 'M[0][1]']);
    expect(failure(() => predictFactorization([[1, Infinity]], 1, 0.1, 0.1))).toEqual(['NOT_FINITE', 'M[0][1]']);
    expect(failure(() => predictFactorization(M, 0, 0.1, 0.1))).toEqual(['OUT_OF_RANGE', 'r']);
    expect(failure(() => predictFactorization(M, 1, -1, 0.1))).toEqual(['OUT_OF_RANGE', 'sigmaX']);
    expect(failure(() => predictFactorization(M, 1, 0.1, 0))).toEqual(['OUT_OF_RANGE', 'sigmaY']);
    expect(failure(() => factorizationDistances(X.slice(1), Y, M, p))).toEqual(['SHAPE', 'X']);
    expect(failure(() => factorizationDistances(X, [...Y.slice(1), [1, 2]], M, p))).toEqual(['SHAPE', 'Y[19]']);
    expect(failure(() => factorizationDistances(X, Y, [[1]], p))).toEqual(['SHAPE', 'X']);
    const bad = X.map((row) => [...row]);
    bad[4][2] = NaN;
    expect(failure(() => factorizationDistances(bad, Y, M, p))).toEqual(['NOT_FINITE', 'X[4][2]']);
    expect(failure(() => factorizationDistances(X, null as unknown as number[][], M, p))).toEqual(['TYPE', 'Y']);
    expect(failure(() => wrongMinimum(p, [[1, 0], [0, 1]]))).toEqual(['SHAPE', 'G']);
  });
});

describe('over-parameterized: rank r ≫ n + m', () => {
  /** Deterministic n×c entries in (−0.5, 0.5). */
  const filled = (rows: number, cols: number, seed: number): Matrix => {
    let s = seed;
    return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5) };
  };

  it('balanceError by the thin QRs (r > n + m) equals the r×r Grams formed entry by entry', () => {
    const M = filled(6, 5, 3);
    const p = predictFactorization(M, 20, 0.1, 0.2);
    const X = filled(6, 20, 5);
    const Y = filled(5, 20, 7);
    const XtX = matmulTN(X, X);
    const diff = sub(XtX, scale(matmulTN(Y, Y), p.c2));
    const want = frob(diff) / frob(XtX);
    expect(factorizationDistances(X, Y, M, p).balanceError).toBeCloseTo(want, 12);
  });

  it("the prediction's X*ᵀX* is matmulTN's, bit for bit, without its O(n·r²) cost", () => {
    const M = filled(7, 6, 11);
    const p = predictFactorization(M, 15, 0.1, 0.1);
    expect(Array.from(p.XtX.data)).toEqual(Array.from(matmulTN(p.Xstar, p.Xstar).data));
    expect(Array.from(p.YtY.data)).toEqual(Array.from(matmulTN(p.Ystar, p.Ystar).data));
  });

  it('rank 3000 on a 60×50 target: prediction and distances in ≈ 0.5 s, not ≈ 9 s (under 3 s even on a loaded machine)', () => {
    const M = filled(60, 50, 13);
    const t0 = performance.now();
    const p = predictFactorization(M, 3000, 0.1, 0.1);
    const d = factorizationDistances(filled(60, 3000, 17), filled(50, 3000, 19), M, p);
    expect(Number.isFinite(d.balanceError)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
