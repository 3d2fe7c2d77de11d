import { describe, expect, it } from 'vitest';
import { Run } from '../src/index.js';

// A given target's SVD (the prediction needs it) runs before step 1 and takes seconds at 1500×1500:
// Run.create reports it through onPrepare, so no caller has to wait silently.

/** A dense n×m target with a spread spectrum (no shortcut for the SVD). */
function givenTarget(n: number, m: number): number[][] {
  let s = 7;
  return Array.from({ length: n }, () => Array.from({ length: m }, () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5));
}

describe('Run.create onPrepare', () => {
  it('reports the SVD of a given target: fractions non-decreasing in (0, 1], the last 1, naming the target', async () => {
    const calls: [number, string][] = [];
    const run = await Run.create(
      { problem: { target: givenTarget(120, 90), rank: 3 }, optimizer: { steps: 1, lr: 0.001 } },
      { onPrepare: (f, what) => calls.push([f, what]) },
    );
    run.dispose();
    expect(calls.length).toBeGreaterThan(1);
    const fs = calls.map(([f]) => f);
    expect(fs.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= fs[i - 1]))).toBe(true);
    expect(fs.at(-1)).toBe(1);
    expect(new Set(calls.map(([, w]) => w))).toEqual(new Set(['SVD of the 120×90 target']));
  });

  it('is not called when there is nothing to wait for (a generated target carries its SVD)', async () => {
    let called = 0;
    const run = await Run.create(
      { problem: { target: { random: { n: 120, m: 90, singularValues: [3, 2], seed: 1 } }, rank: 3 }, optimizer: { steps: 1, lr: 0.001 } },
      { onPrepare: () => called++ },
    );
    run.dispose();
    expect(called).toBe(0);
  });
});
