import { describe, expect, it } from 'vitest';
import { symEig, tridiagonalEig } from '../../src/linalg/symEig.js';
import { lcg } from '../helpers.js';

function randomSymmetric(n: number, seed: number): Float64Array {
  const rnd = lcg(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rnd();
  return a;
}

/** max_ij |(A V − V Λ)_ij| and max_ij |(VᵀV − I)_ij|. */
function residuals(a: Float64Array, n: number, values: Float64Array, V: Float64Array): { eig: number; orth: number } {
  let eig = 0;
  let orth = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let av = 0;
      let vv = 0;
      for (let k = 0; k < n; k++) {
        av += a[i * n + k] * V[k * n + j];
        vv += V[k * n + i] * V[k * n + j];
      }
      eig = Math.max(eig, Math.abs(av - V[i * n + j] * values[j]));
      orth = Math.max(orth, Math.abs(vv - (i === j ? 1 : 0)));
    }
  return { eig, orth };
}

describe('symEig (Householder + implicit QL)', () => {
  it.each([1, 2, 5, 40])('random %i×%i: A V = V Λ and VᵀV = I to 1e−13, values ascending, trace kept', (n) => {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symEig(a, n);
    const r = residuals(a, n, values, vectors);
    expect(r.eig).toBeLessThan(1e-13 * n);
    expect(r.orth).toBeLessThan(1e-13 * n);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += a[i * n + i];
    expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(tr, 12);
  });

  it('known spectra: a 2×2 closed form, a diagonal with repeats, the zero matrix, and the input is not modified', () => {
    const a = Float64Array.of(2, 1, 1, 2);
    const [lo, hi] = symEig(a, 2).values;
    expect(lo).toBeCloseTo(1, 15);
    expect(hi).toBeCloseTo(3, 15);
    expect(Array.from(a)).toEqual([2, 1, 1, 2]);
    const diag = new Float64Array(16);
    [3, -1, 3, 0].forEach((v, i) => (diag[i * 5] = v));
    expect(Array.from(symEig(diag, 4).values)).toEqual([-1, 0, 3, 3]);
    expect(Array.from(symEig(new Float64Array(9), 3).values)).toEqual([0, 0, 0]);
  });

  it('selected rows of the eigenvector matrix are exactly those rows of the full one', () => {
    const n = 12;
    const a = randomSymmetric(n, 7);
    const full = symEig(a, n);
    const part = symEig(a, n, [3, 11]);
    expect(Array.from(part.values)).toEqual(Array.from(full.values));
    expect(Array.from(part.vectors.subarray(0, n))).toEqual(Array.from(full.vectors.subarray(3 * n, 4 * n)));
    expect(Array.from(part.vectors.subarray(n))).toEqual(Array.from(full.vectors.subarray(11 * n, 12 * n)));
  });
});

describe('tridiagonalEig', () => {
  it('the (1, 2, 1) second-difference matrix: λ_j = 2 − 2cos(jπ/(n+1)), first components √(2/(n+1))·sin(jπ/(n+1))', () => {
    const n = 30;
    const e1 = new Float64Array(n);
    e1[0] = 1;
    const values = tridiagonalEig(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1), { data: e1, rows: 1 });
    for (let j = 1; j <= n; j++) {
      const t = (j * Math.PI) / (n + 1);
      expect(values[j - 1]).toBeCloseTo(2 - 2 * Math.cos(t), 13);
      expect(Math.abs(e1[j - 1])).toBeCloseTo(Math.sqrt(2 / (n + 1)) * Math.sin(t), 13);
    }
    // The squared first components are quadrature weights: they sum to 1.
    expect(e1.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 14);
  });

  it('a split (zero off-diagonal) matrix is two independent blocks', () => {
    const values = tridiagonalEig([1, 1, 5, 5], [1, 0, 2]);
    expect(Array.from(values).map((v) => Number(v.toFixed(12)))).toEqual([0, 2, 3, 7]);
  });
});
