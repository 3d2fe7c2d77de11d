import type { Preset } from './types.js';
import { runWangJacot, type WangJacotSpec } from './wangJacot.js';

/** THEORY.md §2, instance D2: rank-1 truth, 50 % observed, noisy, λ 0.03, start at rank 2. */
const D2: WangJacotSpec = {
  fixture: 'dln-D2',
  startRank: 2,
  lowRank: 1,
  gd: { lr: 0.05, steps: 20_000 },
  sgd: [
    { batch: 1, lr: 0.05, horizon: 5_000 },
    { batch: 8, lr: 0.2, horizon: 10_000 },
    { batch: 32, lr: 0.2, horizon: 10_000 },
  ],
  polish: { lr: 0.05, steps: 20_000 },
  seeds: 32,
  shown: 3,
  recordEvery: 100,
  // Jumps come at 2–4·10³ steps for batch 1 and 8, so the horizons stay; fewer seeds, a shorter polish.
  quick: { seeds: 8, gdSteps: 5_000, horizonFraction: 1, polishSteps: 5_000 },
  reference: 'GD stays rank 2; batch 1 and 8 jump 5/5, batch 32 0/5; test error 0.639 → 0.580 after a 2·10⁴-step polish',
};

export const wangJacotD2: Preset = {
  name: 'wang-jacot-D2',
  description: 'Deep linear net (depth 3, λ 0.03) from a rank-2 critical point on noisy completion: GD stays at rank 2; over 32 seeds per setting SGD with batch 1 or 8 jumps to rank 1 for good in every seed, batch 32 in none (rates with Wilson 95 % intervals), and the test error drops.',
  run: (options) => runWangJacot(D2, options),
};
