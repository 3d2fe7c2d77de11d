import '../../src/platform/node.js';
import { describe, it, expect } from 'vitest';
import { buildTarget } from '../../src/problems/factorization.js';
import { predictFactorization, factorizationDistances } from '../../src/theory/factorization.js';
import { run, type FactorizationResult } from '../../src/run.js';
import type { Matrix } from '../../src/linalg/matrix.js';

/** Q diag(d)^{1/2}: the balanced (c = 1) factor of a thin U Σ. */
function sqrtScaled(Q: Matrix, s: ArrayLike<number>, r: number): Matrix {
  const k = Q.cols;
  const out = { rows: Q.rows, cols: r, data: new Float64Array(Q.rows * r) };
  for (let i = 0; i < Q.rows; i++) for (let j = 0; j < k; j++) out.data[i * r + j] = Q.data[i * k + j] * Math.sqrt(s[j]);
  return out;
}

// Tall targets whose n×n Gram matrices could not exist: 100000² f64 is 80 GB, 50000² is 20 GB (a
// Float64Array that large cannot even be allocated, so passing at all proves none was formed).
describe('prediction and distances of tall targets in O((n + m)·k²) memory', () => {
  it.each([
    [100000, 1, [2], 1],
    [100000, 1, [2], 3],
    [50000, 2, [3, 1], 2],
  ])('%i×%i with singular values %j, rank %i', (n, m, s, r) => {
    const { M, svd } = buildTarget({ target: { random: { n, m, singularValues: s, seed: 'tall' } } });
    const buffers0 = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    for (const p of [predictFactorization(M, r, 0.1, 0.1, { svd }), predictFactorization(M, r, 0.1, 0.1)]) {
      const c = Math.sqrt(n / m);
      expect(p.c).toBeCloseTo(c, 10);
      expect(p.rankM).toBe(s.length);
      // The prediction itself: at distance ~0, fitting M.
      const self = factorizationDistances(p.Xstar, p.Ystar, M, p);
      expect(self.dX).toBeLessThan(1e-13);
      expect(self.dY).toBeLessThan(1e-13);
      expect(self.residual).toBeLessThan(1e-13);
      // The balanced minimum X = U√Σ, Y = V√Σ: XXᵀ = UΣUᵀ against c·UΣUᵀ, so dX = (c − 1)/c, dY = c − 1.
      const d = factorizationDistances(sqrtScaled(p.U, p.singularValues, r), sqrtScaled(p.V, p.singularValues, r), M, p);
      expect(d.dX).toBeCloseTo((c - 1) / c, 12);
      expect(d.dY / (c - 1) - 1).toBeLessThan(1e-12);
      expect(d.residual).toBeLessThan(1e-13);
    }
    const seconds = (performance.now() - t0) / 1000;
    // Both predictions and four distance evaluations; a few hundred ms on an idle core.
    expect(seconds).toBeLessThan(20);
    // What is still held: M-sized and (n + m)·r-sized buffers, a few MB — not gigabytes.
    expect(process.memoryUsage().arrayBuffers - buffers0).toBeLessThan(64 * 2 ** 20);
    // And nothing big was ever touched: this process's peak RSS (kB on Linux) stays far below the
    // 20–80 GB an n×n Gram matrix would have taken.
    expect(process.resourceUsage().maxRSS * 1024).toBeLessThan(2 * 2 ** 30);
  });

  it.each([
    [100000, 1, [2]],
    [50000, 2, [3, 1]],
  ])('a run on a %i×%i random target completes and reports its distances', async (n, m, s) => {
    const r = (await run({
      problem: { target: { random: { n, m, singularValues: s, seed: 'tall' } }, rank: s.length },
      optimizer: { kind: 'perturbed-gd', lr: 1e-6, sigmaX: 0.01, sigmaY: 0.01, steps: 20 },
      seed: 1,
    })) as FactorizationResult;
    expect(r.steps).toBe(20);
    expect(r.prediction.c2).toBeCloseTo(n / m, 6);
    expect(Number.isFinite(r.distances.dX)).toBe(true);
    expect(Number.isFinite(r.distances.residual)).toBe(true);
  });
});
