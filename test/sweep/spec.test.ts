import { describe, expect, it } from 'vitest';
import { FlatminError } from '../../src/errors.js';
import { expandSweep, shardRuns } from '../../src/sweep/spec.js';

const base = {
  problem: { target: { random: { n: 6, m: 5, singularValues: [2, 1], seed: 't' } }, rank: 2 },
  init: { kind: 'gaussian', imbalance: 1 },
  optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.1, sigmaY: 0.1, steps: 100 },
  seed: 'b',
};
const dln = {
  problem: { kind: 'completion', fixture: 'dln-D2' },
  model: { kind: 'deep-linear', depth: 3, width: 20 },
  optimizer: [{ kind: 'sgd', lr: 0.05, batch: 1, steps: 10 }, { kind: 'gd', lr: 0.05, steps: 10 }],
};

function error(spec: unknown): FlatminError {
  try {
    expandSweep(spec);
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    return e as FlatminError;
  }
  throw new Error('expected the spec to be rejected');
}

describe('sweep spec expansion', () => {
  it('is the cartesian product of grid axes and zip groups, first axis slowest, seeds innermost', () => {
    const s = expandSweep({
      base,
      grid: { 'optimizer.lr': [0.01, 0.02], 'init.imbalance': [1, 2, 4] },
      zip: [{ 'optimizer.sigmaX': [0.1, 0.2], 'optimizer.sigmaY': [0.2, 0.1] }],
      seeds: 2,
    });
    expect(s.model).toBe('two-factor');
    expect(s.points.length).toBe(12);
    expect(s.runs.length).toBe(24);
    expect(s.runs.map((r) => r.index)).toEqual([...Array(24).keys()]);
    expect(s.runs.slice(0, 5).map((r) => r.key)).toEqual([
      'lr=0.01_imbalance=1_sigmaX=0.1_sigmaY=0.2_seed=0',
      'lr=0.01_imbalance=1_sigmaX=0.1_sigmaY=0.2_seed=1',
      'lr=0.01_imbalance=1_sigmaX=0.2_sigmaY=0.1_seed=0',
      'lr=0.01_imbalance=1_sigmaX=0.2_sigmaY=0.1_seed=1',
      'lr=0.01_imbalance=2_sigmaX=0.1_sigmaY=0.2_seed=0',
    ]);
    const last = s.runs[23];
    expect(last.key).toBe('lr=0.02_imbalance=4_sigmaX=0.2_sigmaY=0.1_seed=1');
    expect(last.config).toEqual({ ...base, init: { kind: 'gaussian', imbalance: 4 }, optimizer: { ...base.optimizer, lr: 0.02, sigmaX: 0.2, sigmaY: 0.1 }, seed: 'b/1' });
    expect(last.point.values).toEqual({ 'optimizer.lr': 0.02, 'init.imbalance': 4, 'optimizer.sigmaX': 0.2, 'optimizer.sigmaY': 0.1 });
    // The base is not mutated, and every key is unique and filename-safe.
    expect(base.optimizer.lr).toBe(0.01);
    expect(new Set(s.runs.map((r) => r.key)).size).toBe(24);
    for (const r of s.runs) expect(r.key).toMatch(/^[A-Za-z0-9.+=_-]+$/);
  });

  it("derives each run's seed from the base seed and its seed label only; explicit labels are kept", () => {
    const s = expandSweep({ base: dln, grid: { 'optimizer[0].lr': [0.05, 0.04] }, seeds: ['a', 7] });
    expect(s.runs.map((r) => [r.key, r.config.seed])).toEqual([
      ['lr=0.05_seed=a', '0/a'], ['lr=0.05_seed=7', '0/7'], ['lr=0.04_seed=a', '0/a'], ['lr=0.04_seed=7', '0/7'],
    ]);
    expect(expandSweep({ base: { ...dln, seed: 5 }, seeds: 1 }).runs.map((r) => [r.key, r.config.seed])).toEqual([['seed=0', '5/0']]);
  });

  it('names axes by the shortest unique path suffix, and hashes values that are not plain', () => {
    const s = expandSweep({
      base: dln,
      grid: { 'optimizer[0].lr': [0.05], 'optimizer[1].lr': [0.05], 'optimizer[0].noise': [{ kind: 'perturbed', sigma: 0.01 }, { sigma: 0.02, kind: 'perturbed' }] },
      seeds: 1,
    });
    const [a, b] = s.runs.map((r) => r.key);
    expect(a).toMatch(/^0\.lr=0\.05_1\.lr=0\.05_noise=h[0-9a-f]{12}_seed=0$/);
    expect(b).not.toBe(a);
    // Key order inside an object does not change its hash.
    const again = expandSweep({ base: dln, grid: { 'optimizer[0].noise': [{ sigma: 0.01, kind: 'perturbed' }] }, seeds: 1 });
    expect(again.runs[0].key.split('_')[0]).toBe(a.split('_')[2]);
  });

  it('gives every run the same key, seed and config whichever shard runs it (round-robin over canonical order)', () => {
    const s = expandSweep({ base, grid: { 'optimizer.lr': [0.01, 0.02, 0.03] }, seeds: 5 });
    for (const count of [1, 2, 3, 4, 7, 20]) {
      const shards = Array.from({ length: count }, (_, i) => shardRuns(s.runs, i, count));
      const all = shards.flat().sort((a, b) => a.index - b.index);
      expect(all).toEqual(s.runs);
      shards.forEach((runs, i) => expect(runs.every((r) => r.index % count === i)).toBe(true));
      // Balanced: shard sizes differ by at most one.
      const sizes = shards.map((r) => r.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });
});

describe('sweep spec errors name the spec path (and the grid point) before anything runs', () => {
  it.each([
    ['grid["optimizer.lr"]', /non-empty list/, { base, grid: { 'optimizer.lr': [] }, seeds: 1 }],
    ['grid["optimizer.lr"]', /list/, { base, grid: { 'optimizer.lr': 0.1 }, seeds: 1 }],
    ['grid["problem.shape.n"]', /unknown path.*base has no problem\.shape/, { base, grid: { 'problem.shape.n': [1] }, seeds: 1 }],
    ['grid["__proto__.seed"]', /unknown path.*base has no __proto__/, { base, grid: { '__proto__.seed': [1] }, seeds: 1 }],
    ['grid["optimizer.__proto__"][0]', /unknown key "__proto__"/, { base, grid: { 'optimizer.__proto__': [{ lr: 1 }] }, seeds: 1 }],
    ['grid["optimizer[2].lr"]', /optimizer has 2 entries/, { base: dln, grid: { 'optimizer[2].lr': [0.1] }, seeds: 1 }],
    ['grid["optimizer[0].lr"]', /optimizer is an object in base, not a list/, { base, grid: { 'optimizer[0].lr': [0.1] }, seeds: 1 }],
    ['grid["optimizer..lr"]', /expected a config path/, { base, grid: { 'optimizer..lr': [0.1] }, seeds: 1 }],
    ['grid["optimizer.lr"][1]', /same as \[0\]/, { base, grid: { 'optimizer.lr': [0.1, 0.1] }, seeds: 1 }],
    ['grid["optimizer.lr"][1]', /expected a number > 0.*\(config optimizer\.lr, grid point lr=-1\)/, { base, grid: { 'optimizer.lr': [0.01, -1] }, seeds: 2 }],
    ['grid["optimizer.lr"][1]', /grid point lr=big/, { base, grid: { 'optimizer.lr': [0.01, 'big'] }, seeds: 1 }],
    ['grid["optimizer.lrr"][0]', /unknown key "lrr".*did you mean "lr"/, { base, grid: { 'optimizer.lrr': [0.01] }, seeds: 1 }],
    ['base.recordEvery', /at grid point lr=0\.01/, { base: { ...base, recordEvery: 0 }, grid: { 'optimizer.lr': [0.01] }, seeds: 1 }],
    ['zip[0]["optimizer.sigmaY"]', /expected 2 values/, { base, zip: [{ 'optimizer.sigmaX': [0.1, 0.2], 'optimizer.sigmaY': [0.1] }], seeds: 1 }],
    ['zip[0]["optimizer.lr"]', /also set by grid/, { base, grid: { 'optimizer.lr': [0.1] }, zip: [{ 'optimizer.lr': [0.2] }], seeds: 1 }],
    ['grid["optimizer.lr"]', /overlaps optimizer/, { base, grid: { optimizer: [{}], 'optimizer.lr': [0.1] }, seeds: 1 }],
    ['grid["seed"]', /use "seeds"/, { base, grid: { seed: [1, 2] }, seeds: 1 }],
    ['seeds', /≥ 1/, { base, seeds: 0 }],
    ['seeds', /at least one/, { base, seeds: [] }],
    ['seeds[1]', /same as seeds\[0\]/, { base, seeds: [1, '1'] }],
    ['seeds', /count/, { base }],
    ['base', /base run config/, { grid: {}, seeds: 1 }],
    ['grids', /unknown key.*did you mean "grid"/, { base, seeds: 1, grids: {} }],
    ['report.metrics', /unknown two-factor metric "dx"/, { base, seeds: 1, report: { metrics: ['dx'] } }],
  ])('%s', (path, message, spec) => {
    const e = error(spec);
    expect(e.path).toBe(path);
    expect(e.reason).toMatch(message);
  });
});
