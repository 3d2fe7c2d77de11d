import { describe, expect, it } from 'vitest';
import { interpolate, linspace, normalizedDirection, pcaTrajectory, slice1D, slice2D, type Surface } from '../../src/diagnostics/landscape.js';
import { lossOfW, objective } from '../../src/problems/losses.js';
import { marchingSquares } from '../../src/report/heatmap.js';
import { lcg } from '../helpers.js';

/** ½‖XYᵀ − M‖² on 5×4, rank 2, blocks X | Y. */
function twoFactor(): { s: Surface; theta: Float64Array } {
  const rnd = lcg(11);
  const [n, m, r] = [5, 4, 2];
  const M = Float64Array.from({ length: n * m }, rnd);
  const loss = lossOfW({ kind: 'full' }, M);
  return { s: { loss: (t) => objective(loss, 0, t, n, m, r), blocks: [0, n * r, (n + m) * r] }, theta: Float64Array.from({ length: (n + m) * r }, rnd) };
}

describe('loss landscapes', () => {
  it('directions are seeded and rescaled to θ block by block', () => {
    const { s, theta } = twoFactor();
    const d = normalizedDirection(theta, s.blocks, 'x', 1);
    expect(normalizedDirection(theta, s.blocks, 'x', 1)).toEqual(d);
    expect(normalizedDirection(theta, s.blocks, 'x', 2)).not.toEqual(d);
    for (let b = 0; b < 2; b++) {
      const [lo, hi] = [s.blocks[b], s.blocks[b + 1]];
      const n2 = (v: Float64Array) => v.subarray(lo, hi).reduce((a, x) => a + x * x, 0);
      expect(Math.abs(Math.sqrt(n2(d) / n2(theta)) - 1)).toBeLessThan(1e-14);
    }
  });

  it('filter normalization: the rescaled minimum (aX, Y/a) has the same slices', () => {
    const { s, theta } = twoFactor();
    const a = 3;
    const scaled = Float64Array.from(theta, (v, i) => (i < 10 ? a * v : v / a));
    const xs = linspace(-1, 1, 9);
    const one = slice1D(s, theta, normalizedDirection(theta, s.blocks, 1, 1), xs);
    const other = slice1D(s, scaled, normalizedDirection(scaled, s.blocks, 1, 1), xs);
    one.forEach((v, i) => expect(Math.abs(other[i] - v) / v).toBeLessThan(1e-12));
    // Without it (the same raw direction) the slices differ.
    const raw = normalizedDirection(theta, s.blocks, 1, 1);
    const unnormalized = slice1D(s, scaled, raw, xs);
    expect(Math.abs(unnormalized[0] - one[0]) / one[0]).toBeGreaterThan(1e-3);
  });

  it('the 2D slice passes through θ* at the origin and matches the 1D slice on its axis; the line hits both ends', () => {
    const { s, theta } = twoFactor();
    const [d1, d2] = [normalizedDirection(theta, s.blocks, 0, 1), normalizedDirection(theta, s.blocks, 0, 2)];
    const xs = linspace(-1, 1, 5);
    const g = slice2D(s, theta, d1, d2, xs, xs);
    expect(g.z[2][2]).toBe(s.loss(theta));
    expect(g.z[2]).toEqual(slice1D(s, theta, d1, xs));
    const other = Float64Array.from(theta, (v) => v * 0.5);
    const line = interpolate(s, theta, other, [0, 1]);
    expect(line[0]).toBe(s.loss(theta));
    expect(Math.abs(line[1] - s.loss(other))).toBeLessThan(1e-12 * s.loss(other));
  });

  it('PCA of a planar trajectory: two directions explain all of it and reproduce the coordinates', () => {
    const center = Float64Array.from({ length: 12 }, lcg(3));
    const u = Float64Array.from({ length: 12 }, (_, i) => (i === 2 ? 1 : 0));
    const v = Float64Array.from({ length: 12 }, (_, i) => (i === 7 ? 1 : 0));
    const coords = [[3, 1], [2, 0.5], [1, 0.4], [0.5, -0.2], [0.1, 0.05]];
    const thetas = coords.map(([a, b]) => Float64Array.from(center, (c, i) => c + a * u[i] + b * v[i]));
    const p = pcaTrajectory(thetas, center);
    expect(p.explained[0] + p.explained[1]).toBeCloseTo(1, 12);
    expect(p.explained[0]).toBeGreaterThan(p.explained[1]);
    // Distances from the centre are kept in the plane.
    coords.forEach(([a, b], i) => expect(Math.hypot(p.x[i], p.y[i])).toBeCloseTo(Math.hypot(a, b), 12));
  });

  it('marching squares: the level-0.5 contour of x² + y² lies on the circle of radius √0.5', () => {
    const xs = linspace(-1, 1, 41);
    const z = xs.map((y) => xs.map((x) => x * x + y * y));
    const segs = marchingSquares(xs, xs, z, 0.5);
    expect(segs.length).toBeGreaterThan(40);
    for (const seg of segs) for (const [x, y] of seg) expect(Math.abs(Math.hypot(x, y) - Math.sqrt(0.5))).toBeLessThan(0.01);
  });
});
