import { describe, expect, it } from 'vitest';
import { frob, fromRows, matmulNT, type Matrix } from '../../src/linalg/matrix.js';
import { svd } from '../../src/linalg/svd.js';
import { balancedScale, buildInit, buildTarget } from '../../src/problems/factorization.js';
import { hex } from '../helpers.js';

const random = (n: number, m: number, singularValues: number[], seed: string | number = 's') => ({
  kind: 'factorization' as const, target: { random: { n, m, singularValues, seed } }, rank: singularValues.length,
});

describe('factorization problem set-up', () => {
  it('a random target has exactly the requested singular values', () => {
    const { M } = buildTarget(random(30, 20, [3, 2, 1]));
    const { s } = svd(M);
    expect(s[0]).toBeCloseTo(3, 12);
    expect(s[1]).toBeCloseTo(2, 12);
    expect(s[2]).toBeCloseTo(1, 12);
    expect(s[3]).toBeLessThan(1e-13);
  });

  it('a random target comes with its SVD, sorted, which reproduces M (so no Jacobi SVD is needed)', () => {
    const { M, svd: dec } = buildTarget(random(9, 7, [1, 3, 2]));
    expect(Array.from(dec!.s)).toEqual([3, 2, 1]);
    const back = matmulNT({ ...dec!.U, data: dec!.U.data.map((v, e) => v * dec!.s[e % 3]) }, dec!.V);
    for (let e = 0; e < M.data.length; e++) expect(back.data[e]).toBeCloseTo(M.data[e], 14);
    expect(svd(M).s[0]).toBeCloseTo(3, 12);
  });

  it('the target depends on its own seed only, and deterministically', () => {
    const a = buildTarget(random(6, 4, [1], 'x')).M;
    expect(hex(buildTarget(random(6, 4, [1], 'x')).M.data)).toBe(hex(a.data));
    expect(hex(buildTarget(random(6, 4, [1], 'y')).M.data)).not.toBe(hex(a.data));
  });

  it('a given target is used as is', () => {
    const { M, svd: dec } = buildTarget({ target: [[1, 2], [3, 4], [5, 6]] });
    expect(dec).toBeUndefined();
    expect([M.rows, M.cols, ...M.data]).toEqual([3, 2, 1, 2, 3, 4, 5, 6]);
  });

  const split = (theta: Float64Array, n: number, m: number, r: number): [Matrix, Matrix] => [
    { rows: n, cols: r, data: theta.slice(0, n * r) },
    { rows: m, cols: r, data: theta.slice(n * r) },
  ];

  it('the default Gaussian init makes ‖X₀Y₀ᵀ‖ ≈ ‖M‖, and imbalance moves norm between the factors', () => {
    const { M } = buildTarget(random(30, 20, [3, 2, 1]));
    const [X, Y] = split(buildInit({ kind: 'gaussian', imbalance: 1 }, M, 3, 1), 30, 20, 3);
    expect(frob(matmulNT(X, Y)) / frob(M)).toBeGreaterThan(0.7);
    expect(frob(matmulNT(X, Y)) / frob(M)).toBeLessThan(1.4);
    const [X5, Y5] = split(buildInit({ kind: 'gaussian', imbalance: 5 }, M, 3, 1), 30, 20, 3);
    expect(frob(X5) / frob(X)).toBeCloseTo(5, 12);
    expect(frob(Y5) / frob(Y)).toBeCloseTo(0.2, 12);
    expect(balancedScale(M, 3)).toBeCloseTo(Math.sqrt(frob(M) / Math.sqrt(1800)), 15);
  });

  it('small init has entries of the given scale; given init is copied exactly', () => {
    const { M } = buildTarget(random(40, 30, [1, 1]));
    const theta = buildInit({ kind: 'small', scale: 1e-3 }, M, 2, 'q');
    const rms = Math.sqrt(theta.reduce((s, v) => s + v * v, 0) / theta.length);
    expect(rms).toBeGreaterThan(0.85e-3);
    expect(rms).toBeLessThan(1.15e-3);
    const X = [[1, 2], [3, 4]];
    const Y = [[5, 6]];
    const given = buildInit({ kind: "given", X, Y }, fromRows([[1], [2]]), 2, 0);
    expect(Array.from(given)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('the init stream is separate from the noise stream and depends on the seed', () => {
    const { M } = buildTarget(random(5, 4, [1]));
    const a = buildInit({ kind: 'gaussian', imbalance: 1 }, M, 1, 1);
    expect(hex(buildInit({ kind: 'gaussian', imbalance: 1 }, M, 1, 1))).toBe(hex(a));
    expect(hex(buildInit({ kind: 'gaussian', imbalance: 1 }, M, 1, 2))).not.toBe(hex(a));
  });
});
