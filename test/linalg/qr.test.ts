import { describe, it, expect } from 'vitest';
import { fromRows, matmul, matmulTN, sub, frob, zeros } from '../../src/linalg/matrix.js';
import type { Matrix } from '../../src/linalg/matrix.js';
import { orthonormalColumns } from '../../src/linalg/qr.js';
import { orthogonalityError, randomMatrix } from '../helpers.js';

describe('orthonormalColumns (MGS2)', () => {
  const shapes: Array<[number, number]> = [
    [1, 1],
    [5, 1],
    [5, 3],
    [10, 10],
    [30, 20],
    [30, 3],
  ];
  it.each(shapes)('%i x %i: orthonormal, same column space, triangular', (n, k) => {
    const a = randomMatrix(n, k, 1000 * n + k);
    const copy = Float64Array.from(a.data);
    const q = orthonormalColumns(a);
    expect(q.rows).toBe(n);
    expect(q.cols).toBe(k);
    expect(orthogonalityError(q)).toBeLessThan(1e-14);
    // R = QᵀA must be upper triangular (column j of Q only uses columns 0..j of A) and QR = A.
    const R = matmulTN(q, a);
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) expect(Math.abs(R.data[i * k + j])).toBeLessThan(1e-14);
    // R's diagonal is positive (no sign flips: q_j is the normalized remainder of a_j).
    for (let j = 0; j < k; j++) expect(R.data[j * k + j]).toBeGreaterThan(0);
    expect(frob(sub(matmul(q, R), a)) / frob(a)).toBeLessThan(1e-14);
    expect(Array.from(a.data)).toEqual(Array.from(copy));
  });

  it('stays orthogonal to ~1e-15 on ill-conditioned columns (where one MGS pass would not)', () => {
    // Columns 1..4 are column 0 plus perturbations of size 1e-9: condition number ~1e9, so a single
    // Gram-Schmidt pass would leave ‖QᵀQ − I‖ around 1e-7.
    const n = 40;
    const k = 5;
    const base = randomMatrix(n, 1, 7);
    const noise = randomMatrix(n, k, 8);
    const a = zeros(n, k);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < k; j++) a.data[i * k + j] = base.data[i] + (j === 0 ? 0 : 1e-9 * noise.data[i * k + j]);
    const q = orthonormalColumns(a);
    expect(orthogonalityError(q)).toBeLessThan(1e-14);
  });

  it('known answer', () => {
    const q = orthonormalColumns(fromRows([[3, 1], [4, 2], [0, 5]]));
    // q0 = (3,4,0)/5; a1 − (q0·a1) q0 = (1,2,5) − (11/5)(3/5,4/5,0) = (−8/25, 6/25, 5).
    expect(q.data[0]).toBeCloseTo(0.6, 15);
    expect(q.data[2]).toBeCloseTo(0.8, 15);
    expect(q.data[4]).toBe(0);
    const r = [-8 / 25, 6 / 25, 5];
    const nr = Math.sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    for (let i = 0; i < 3; i++) expect(q.data[i * 2 + 1]).toBeCloseTo(r[i] / nr, 15);
  });

  it('throws on dependent, zero or non-finite columns and on k > n', () => {
    const a = randomMatrix(6, 3, 3);
    // Column 2 = column 0 − 2 · column 1, exactly representable up to rounding.
    for (let i = 0; i < 6; i++) a.data[i * 3 + 2] = a.data[i * 3] - 2 * a.data[i * 3 + 1];
    expect(() => orthonormalColumns(a)).toThrow(/dependent/);
    const z = randomMatrix(6, 3, 4);
    for (let i = 0; i < 6; i++) z.data[i * 3 + 1] = 0;
    expect(() => orthonormalColumns(z)).toThrow(/column 1/);
    const nan = randomMatrix(6, 3, 5);
    nan.data[4] = NaN;
    expect(() => orthonormalColumns(nan)).toThrow();
    const inf = randomMatrix(6, 3, 5);
    inf.data[0] = Infinity;
    expect(() => orthonormalColumns(inf)).toThrow();
    expect(() => orthonormalColumns(randomMatrix(3, 4, 6))).toThrow(/more columns/);
  });

  it('is deterministic (same bits on repeated calls)', () => {
    const a = randomMatrix(30, 20, 11);
    expect(Array.from(orthonormalColumns(a).data)).toEqual(Array.from(orthonormalColumns(a).data));
  });
});
