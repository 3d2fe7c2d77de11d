import { describe, it, expect } from 'vitest';
import { fromRows, toRows, matmul, matmulNT, sub, frob, zeros, transpose } from '../../src/linalg/matrix.js';
import { FlatminError } from '../../src/errors.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { orthonormalColumns } from '../../src/linalg/qr.js';
import { svd, singularValues, numericalRank, nuclearNorm } from '../../src/linalg/svd.js';
import type { SVD } from '../../src/linalg/svd.js';
import { orthogonalityError, randomMatrix } from '../helpers.js';

/** U diag(s) Vᵀ. */
function reconstruct(d: SVD): Matrix {
  const us = zeros(d.U.rows, d.U.cols);
  for (let i = 0; i < d.U.rows; i++)
    for (let j = 0; j < d.U.cols; j++) us.data[i * d.U.cols + j] = d.U.data[i * d.U.cols + j] * d.s[j];
  return matmulNT(us, d.V);
}

/** U diag(s) Vᵀ with prescribed singular values and random orthonormal U (n×k), V (m×k). */
function withSingularValues(n: number, m: number, s: number[], seed: number): Matrix {
  const k = s.length;
  const U = orthonormalColumns(randomMatrix(n, k, seed));
  const V = orthonormalColumns(randomMatrix(m, k, seed + 1));
  return reconstruct({ U, s: Float64Array.from(s), V });
}

function checkSvd(a: Matrix, expectedRank: number): SVD {
  const copy = Float64Array.from(a.data);
  const d = svd(a);
  const p = Math.min(a.rows, a.cols);
  expect(d.U.rows).toBe(a.rows);
  expect(d.U.cols).toBe(p);
  expect(d.V.rows).toBe(a.cols);
  expect(d.V.cols).toBe(p);
  expect(d.s.length).toBe(p);
  const na = frob(a);
  const err = frob(sub(reconstruct(d), a));
  if (na > 0) expect(err / na).toBeLessThan(1e-13);
  else expect(err).toBe(0);
  expect(orthogonalityError(d.U)).toBeLessThan(1e-13);
  expect(orthogonalityError(d.V)).toBeLessThan(1e-13);
  for (let i = 0; i < p; i++) {
    expect(d.s[i]).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(d.s[i]).toBeLessThanOrEqual(d.s[i - 1]);
  }
  expect(numericalRank(d.s, a.rows, a.cols)).toBe(expectedRank);
  // The input is untouched.
  expect(Array.from(a.data)).toEqual(Array.from(copy));
  return d;
}

describe('svd (Golub–Kahan bidiagonalization + implicit-shift QR)', () => {
  const cases: Array<[string, number, number]> = [
    ['tall', 9, 4],
    ['wide', 4, 9],
    ['square', 7, 7],
    ['1x1', 1, 1],
    ['row', 1, 6],
    ['column', 6, 1],
    ['30x20', 30, 20],
    ['20x30', 20, 30],
  ];
  it.each(cases)('%s (%i x %i): reconstruction, orthonormality, ordering', (_name, n, m) => {
    checkSvd(randomMatrix(n, m, 17 * n + m), Math.min(n, m));
  });

  it('rank-deficient 8x6 of rank 2 (product of thin factors)', () => {
    const a = matmul(randomMatrix(8, 2, 1), randomMatrix(2, 6, 2));
    const d = checkSvd(a, 2);
    // The noise-level singular values really are at rounding level.
    for (let i = 2; i < 6; i++) expect(d.s[i]).toBeLessThan(1e-14 * d.s[0]);
    checkSvd(transpose(a), 2);
  });

  it('30x20 rank 3 with known singular values (3, 2, 1)', () => {
    const a = withSingularValues(30, 20, [3, 2, 1], 42);
    const d = checkSvd(a, 3);
    expect(d.s[0]).toBeCloseTo(3, 13);
    expect(d.s[1]).toBeCloseTo(2, 13);
    expect(d.s[2]).toBeCloseTo(1, 13);
    expect(d.s[3]).toBeLessThan(1e-14);
    expect(nuclearNorm(d.s.subarray(0, 3))).toBeCloseTo(6, 13);
    checkSvd(transpose(a), 3);
  });

  it('recovers widely spread singular values to absolute accuracy ~eps·s0', () => {
    const s = [1e3, 7, 1, 1e-4, 1e-9];
    const d = checkSvd(withSingularValues(12, 8, s, 99), 5);
    for (let i = 0; i < s.length; i++) expect(Math.abs(d.s[i] - s[i])).toBeLessThan(1e-12 * s[0]);
  });

  it('zero matrix: s = 0, U and V still orthonormal (deterministic completion)', () => {
    const d = checkSvd(zeros(3, 2), 0);
    expect(Array.from(d.s)).toEqual([0, 0]);
    // Completion picks e_0 then e_1.
    expect(Array.from(d.U.data)).toEqual([1, 0, 0, 1, 0, 0]);
    checkSvd(zeros(2, 3), 0);
    checkSvd(zeros(1, 1), 0);
  });

  it('exact zero singular value in a non-zero matrix gets an orthonormal completed U column', () => {
    // Columns 0 and 2 are exactly proportional with orthogonal-to-column-1 structure: rank 2 of 3.
    const a = fromRows([
      [1, 0, 2],
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 2],
    ]);
    const d = checkSvd(a, 2);
    expect(d.s[2]).toBe(0);
  });

  it('known answers', () => {
    // [[3,0],[4,5]]: AᵀA = [[25,20],[20,25]] → σ² = 45, 5.
    const d = svd(fromRows([[3, 0], [4, 5]]));
    expect(Math.abs(d.s[0] - Math.sqrt(45))).toBeLessThan(1e-15 * 7);
    expect(Math.abs(d.s[1] - Math.sqrt(5))).toBeLessThan(1e-15 * 7);
    // Diagonal with a negative entry: s = (3, 2), sign goes into U or V.
    const e = svd(fromRows([[2, 0], [0, -3]]));
    expect(Array.from(e.s)).toEqual([3, 2]);
    expect(Math.abs(e.V.data[1])).toBe(1); // first right singular vector is ±e_1
    const one = svd(fromRows([[-2.5]]));
    expect(Array.from(one.s)).toEqual([2.5]);
    expect(one.U.data[0] * one.V.data[0]).toBe(-1);
  });

  it('equal singular values (orthogonal matrix) converge and stay ordered', () => {
    const q = orthonormalColumns(randomMatrix(6, 6, 5));
    const d = checkSvd(q, 6);
    for (let i = 0; i < 6; i++) expect(Math.abs(d.s[i] - 1)).toBeLessThan(1e-14);
  });

  it('is deterministic (same bits on repeated calls)', () => {
    const a = randomMatrix(13, 9, 3);
    const d1 = svd(a);
    const d2 = svd(a);
    expect(Array.from(d1.s)).toEqual(Array.from(d2.s));
    expect(Array.from(d1.U.data)).toEqual(Array.from(d2.U.data));
    expect(Array.from(d1.V.data)).toEqual(Array.from(d2.V.data));
  });

  it('throws a FlatminError naming the entry on non-finite input; takes nested arrays', () => {
    const a = randomMatrix(3, 3, 1);
    a.data[5] = NaN;
    expect(() => svd(a)).toThrow(/a\[1\]\[2\]: svd: non-finite/);
    a.data[5] = -Infinity;
    expect(() => singularValues(a)).toThrow(FlatminError);
    expect(() => svd(a, { vectors: -1 })).toThrow(FlatminError);
    const b = randomMatrix(4, 3, 2);
    expect(svd(toRows(b))).toEqual(svd(b));
    expect(() => svd([[1, 2], [3]])).toThrow(FlatminError);
  });

  it('falls back to the full QR where the top-k path cannot verify its pairs (a zero matrix)', () => {
    const d = svd(zeros(12, 10), { vectors: 1 });
    expect(Array.from(d.s)).toEqual(new Array(10).fill(0));
    expect(orthogonalityError(d.U)).toBe(0);
    expect(d.U.cols).toBe(1);
  });
});

/** |s_i − expected_i| ≤ tol·s_max for every i (expected padded with zeros, descending). */
function expectSingularValues(s: Float64Array, expected: number[], tol: number): void {
  const smax = Math.max(...expected);
  for (let i = 0; i < s.length; i++) expect(Math.abs(s[i] - (expected[i] ?? 0))).toBeLessThanOrEqual(tol * smax);
}

describe('svd on large, ill-conditioned and rank-deficient matrices U Σ Vᵀ with known Σ', () => {
  it('400×400 of rank 7 with repeated singular values (the size where Jacobi gave up)', () => {
    const sigma = [5, 5, 5, 2, 2, 1, 1e-3];
    const a = withSingularValues(400, 400, sigma, 7);
    const d = svd(a);
    expectSingularValues(d.s, sigma, 1e-13);
    expect(numericalRank(d.s, 400, 400)).toBe(7);
    expect(singularValues(a)).toEqual(d.s);
    // (Checks sized to stay cheap: a·V = U·diag(s) and orthonormality on the leading columns.)
    const av = matmul(a, d.V);
    let err = 0;
    for (let i = 0; i < 400; i++)
      for (let j = 0; j < 400; j++) err = Math.max(err, Math.abs(av.data[i * 400 + j] - d.s[j] * d.U.data[i * 400 + j]));
    expect(err).toBeLessThan(1e-13 * 5);
    const lead = zeros(400, 12);
    for (let i = 0; i < 400; i++) for (let j = 0; j < 12; j++) lead.data[i * 12 + j] = d.U.data[i * 400 + j];
    expect(orthogonalityError(lead)).toBeLessThan(1e-13);
  });

  it('ill-conditioned 240×160: σ from 1 down to 1e-14, geometrically', () => {
    const sigma = Array.from({ length: 160 }, (_, i) => 10 ** (-14 * i / 159));
    const d = checkSvd(withSingularValues(240, 160, sigma, 11), numericalRank(Float64Array.from(sigma), 240, 160));
    expectSingularValues(d.s, sigma, 1e-13);
    // Wide: the same values through the transpose path.
    expectSingularValues(singularValues(transpose(withSingularValues(240, 160, sigma, 11))), sigma, 1e-13);
  });

  it('graded: rows scaled over 30 orders of magnitude, and tiny/huge overall scales', () => {
    const a = randomMatrix(60, 40, 21);
    for (let i = 0; i < 60; i++) for (let j = 0; j < 40; j++) a.data[i * 40 + j] *= 10 ** (-i / 2);
    checkSvd(a, numericalRank(singularValues(a), 60, 40));
    const sigma = [3, 1, 1e-5];
    // (‖a‖² itself over/underflows here, so check the values and the orthonormal factors only.)
    for (const f of [1e-300, 1e-160, 1e160, 1e300]) {
      const b = withSingularValues(20, 15, sigma, 4);
      for (let i = 0; i < b.data.length; i++) b.data[i] *= f;
      const d = svd(b);
      expectSingularValues(d.s, sigma.map((x) => x * f), 1e-13);
      expect(orthogonalityError(d.U)).toBeLessThan(1e-13);
      expect(orthogonalityError(d.V)).toBeLessThan(1e-13);
    }
  });

  it('clusters and exact zeros: rank 3 of 300×120 with σ = 1 ± 1e-15, and a block of zero columns', () => {
    const sigma = [1 + 2e-15, 1, 1 - 2e-15];
    const d = checkSvd(withSingularValues(300, 120, sigma, 3), 3);
    expectSingularValues(d.s, sigma, 1e-14);
    const z = randomMatrix(50, 30, 8);
    for (let i = 0; i < 50; i++) for (let j = 10; j < 30; j++) z.data[i * 30 + j] = 0;
    const dz = checkSvd(z, 10);
    for (let i = 10; i < 30; i++) expect(dz.s[i]).toBe(0);
  });

  it('the end-to-end matrix of a depth-200 product (a spectrum spread over hundreds of decades)', () => {
    // Like a deep-linear run's W_L ⋯ W_1 at depth 200, where Jacobi ran out of sweeps.
    let a = randomMatrix(8, 8, 1000);
    for (let l = 1; l < 200; l++) {
      a = matmul(randomMatrix(8, 8, 1000 + l), a);
      let mx = 0;
      for (const x of a.data) mx = Math.max(mx, Math.abs(x));
      for (let i = 0; i < a.data.length; i++) a.data[i] /= mx;
    }
    const d = checkSvd(a, numericalRank(singularValues(a), 8, 8));
    expect(d.s[1] / d.s[0]).toBeLessThan(1e-10);
  });

  it('a 1000×3 tall and a 2×700 wide matrix', () => {
    expectSingularValues(checkSvd(withSingularValues(1000, 3, [4, 2, 1e-9], 12), 3).s, [4, 2, 1e-9], 1e-14);
    expectSingularValues(checkSvd(withSingularValues(2, 700, [1, 1], 13), 2).s, [1, 1], 1e-14);
  });

  it('reports progress: non-decreasing fractions in (0, 1], at least ten of them, the last one 1', () => {
    const fractions: number[] = [];
    svd(randomMatrix(150, 120, 5), { onProgress: (f) => fractions.push(f) });
    expect(fractions.length).toBeGreaterThanOrEqual(10);
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 0; i < fractions.length; i++) {
      expect(fractions[i]).toBeGreaterThan(0);
      expect(fractions[i]).toBeLessThanOrEqual(1);
      if (i > 0) expect(fractions[i]).toBeGreaterThan(fractions[i - 1]);
    }
    const values: number[] = [];
    singularValues(randomMatrix(150, 120, 5), { onProgress: (f) => values.push(f) });
    expect(values[values.length - 1]).toBe(1);
  });
});

describe('numericalRank / nuclearNorm', () => {
  it('counts values above max(n,m)·eps·s0', () => {
    const s = Float64Array.from([2, 1, 1e-13, 1e-15, 0]);
    // tol = 30 · 2.22e-16 · 2 ≈ 1.3e-14.
    expect(numericalRank(s, 30, 20)).toBe(3);
    expect(numericalRank(s, 3000, 20)).toBe(2); // tol ≈ 1.3e-12
    expect(numericalRank(Float64Array.from([0, 0]), 2, 2)).toBe(0);
    expect(numericalRank(new Float64Array(0), 0, 0)).toBe(0);
  });
  it('sums', () => {
    expect(nuclearNorm(Float64Array.from([3, 2, 1]))).toBe(6);
    expect(nuclearNorm(new Float64Array(0))).toBe(0);
  });
});

describe('svd with { vectors: k }: the top k pairs only', () => {
  /** ‖P₁ − P₂‖ for the projectors onto the column spans of two n×k orthonormal bases. */
  function subspaceGap(A: Matrix, B: Matrix): number {
    return frob(sub(matmulNT(A, A), matmulNT(B, B)));
  }
  function columns(a: Matrix, k: number): Matrix {
    const out = zeros(a.rows, k);
    for (let i = 0; i < a.rows; i++) for (let j = 0; j < k; j++) out.data[i * k + j] = a.data[i * a.cols + j];
    return out;
  }

  it.each([
    ['distinct, tall', 200, 120, [5, 3, 2, 1], 3],
    ['repeated, square', 160, 160, [4, 4, 4, 1, 0.5], 3],
    ['wide, rank-deficient', 60, 240, [2, 1e-3], 2],
    ['k beyond the rank', 150, 100, [2, 1], 4],
  ])('%s: same singular values, the same top-k subspace as the full SVD', (_name, n, m, sigma, k) => {
    const a = withSingularValues(n as number, m as number, sigma as number[], 31);
    const full = svd(a);
    const top = svd(a, { vectors: k as number });
    expect(top.U.cols).toBe(k);
    expect(top.V.cols).toBe(k);
    expect(Array.from(top.s)).toEqual(Array.from(full.s));
    expect(orthogonalityError(top.U)).toBeLessThan(1e-12);
    expect(orthogonalityError(top.V)).toBeLessThan(1e-12);
    // Each pair satisfies a v = s u; the span matches the full SVD's wherever the k-th gap is open.
    const av = matmul(a, top.V);
    for (let i = 0; i < av.rows; i++)
      for (let j = 0; j < k; j++) expect(Math.abs(av.data[i * k + j] - top.s[j] * top.U.data[i * k + j])).toBeLessThan(1e-12 * top.s[0]);
    const kk = Math.min(k as number, (sigma as number[]).length);
    expect(subspaceGap(columns(top.U, kk), columns(full.U, kk))).toBeLessThan(1e-12);
    expect(subspaceGap(columns(top.V, kk), columns(full.V, kk))).toBeLessThan(1e-12);
    // Deterministic.
    expect(Array.from(svd(a, { vectors: k as number }).U.data)).toEqual(Array.from(top.U.data));
  });
});
