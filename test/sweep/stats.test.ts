import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/sweep/record.js';
import { expandSweep } from '../../src/sweep/spec.js';
import { formatStats, quantile, summarize, sweepStats, wilson } from '../../src/sweep/stats.js';
import { sweepPlots } from '../../src/sweep/plots.js';

describe('sweep statistics', () => {
  it('Wilson 95 % intervals match scipy.stats.binomtest(k, n).proportion_ci("wilson")', () => {
    // Values printed by scipy 1.17.1.
    const cases: [number, number, number, number][] = [
      [39, 60, 0.5236261884175486, 0.7583222559398244],
      [0, 10, 0, 0.27753279986288926],
      [10, 10, 0.7224672001371109, 1],
      [18, 32, 0.3932559113685198, 0.7183466888495963],
    ];
    for (const [k, n, lo, hi] of cases) {
      const r = wilson(k, n)!;
      expect(r.rate).toBe(k / n);
      expect(r.lo).toBeCloseTo(lo, 14);
      expect(r.hi).toBeCloseTo(hi, 14);
    }
    expect(wilson(0, 0)).toBeNull();
  });

  it("quantiles interpolate like numpy's default", () => {
    const xs = [3, 1, 4, 1.5, 9, 2.5, 6].sort((a, b) => a - b);
    // numpy.quantile(x, [0.1, 0.25, 0.5, 0.75, 0.9])
    expect([0.1, 0.25, 0.5, 0.75, 0.9].map((q) => quantile(xs, q))).toEqual([1.3, 2, 3, 5, 7.200000000000001]);
    expect(summarize([2])).toMatchObject({ n: 1, mean: 2, median: 2, q10: 2, q90: 2 });
    expect(summarize([])).toBeNull();
  });

  it('deep-linear: jump/diverge/stay rates, the rank-transition matrix, upward jumps and first-jump steps per point', () => {
    const sweep = expandSweep({
      base: { problem: { kind: 'completion', fixture: 'dln-D1' }, model: { kind: 'deep-linear', depth: 3, width: 20 }, optimizer: { kind: 'sgd', lr: 0.09, batch: 1, steps: 10 } },
      grid: { 'optimizer.lr': [0.09, 0.05] },
      seeds: 4,
    });
    const rec = (i: number, status: RunRecord['status'], rank: number, jumps: RunRecord['jumps']): RunRecord => {
      const run = sweep.runs[i];
      const first = jumps!.find((j) => !j.deep && j.to < j.from)?.step ?? null;
      return {
        key: run.key, index: i, point: run.point.key, values: run.point.values, seed: run.seed, config: run.config, flatmin: 'x', status,
        metrics: { rank, startRank: 3, testError: 0.1 * (i + 1), trainError: 0, firstJumpStep: first }, jumps,
      };
    };
    const down = (step: number) => ({ step, from: 3, to: 2, deep: false });
    const records = [
      rec(0, 'ok', 2, [down(1000)]), rec(1, 'ok', 2, [down(3000)]), rec(2, 'diverged', 2, [down(500)]), rec(3, 'ok', 3, [{ step: 10, from: 3, to: 4, deep: false }]),
      rec(4, 'ok', 3, []), rec(5, 'failed', 3, []),
      // runs 6 and 7 missing
    ];
    const stats = sweepStats(sweep, records.reverse());
    const [a, b] = stats.points;
    expect(a).toMatchObject({ point: 'lr=0.09', runs: 4, expected: 4, ok: 3, diverged: 1, failed: 0 });
    expect(a.events.jumped).toMatchObject({ k: 2, n: 4 });
    expect(a.events.diverged).toMatchObject({ k: 1, n: 4 });
    expect(a.events.stayed).toMatchObject({ k: 1, n: 4 });
    expect(a.transitions).toEqual({ '3→2': 2, '3→3': 1, '3→diverged': 1 });
    expect(a.upwardJumps).toEqual([{ key: 'lr=0.09_seed=3', step: 10, from: 3, to: 4 }]);
    expect(a.firstJumpSteps).toEqual([1000, 3000]);
    // Metric quantiles over the runs that finished: test errors 0.1, 0.2, 0.4.
    expect(a.metrics.testError).toMatchObject({ n: 3, min: 0.1, median: 0.2, max: 0.4 });
    expect(b).toMatchObject({ point: 'lr=0.05', runs: 2, ok: 1, failed: 1 });
    expect(b.events.jumped).toMatchObject({ k: 0, n: 1 });
    const text = formatStats(stats);
    expect(text).toContain('2/4 = 0.500');
    expect(text).toContain('upward rank jumps: lr=0.09_seed=3 at step 10 (3→4)');
    const plots = sweepPlots(sweep, stats);
    expect(Object.keys(plots).sort()).toEqual(['diverged-rate-vs-lr', 'jump-times', 'jumped-rate-vs-lr', 'rank-vs-lr', 'stayed-rate-vs-lr', 'testError-vs-lr', 'trainError-vs-lr']);
    for (const svg of Object.values(plots)) expect(svg).toMatch(/^<\?xml[^>]*>\n<svg[^>]*>[\s\S]*<\/svg>\n?$/);
  });
});
