import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { DlnInput, DlnStepParams, NoisePlacement } from '../../src/backends/types.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { shuffle } from '../../src/random/permutation.js';
import { allBackends, hex, instantiateBuild, lcg, wasmBuilds } from '../helpers.js';
import { expectSameDlnState } from './sessionChecks.js';

/** A random instance: entries of M in (−½, ½), about `frac` of them observed, weights × scale. */
function instance(dims: number[], seed: number, frac = 0.5, scale = 0.4, lambda = 0.01): DlnInput {
  const rnd = lcg(seed);
  const L = dims.length - 1;
  const size = dims[0] * dims[L];
  const mask = Array.from({ length: size }, () => (rnd() + 0.5 < frac ? 1 : 0));
  mask[0] = 1; // at least one observed entry
  if (size > 1) mask[size - 1] = 0; // at least one unobserved
  return {
    dims, mask, lambda,
    M: Float64Array.from({ length: size }, rnd),
    truth: Float64Array.from({ length: size }, rnd),
    theta: Float64Array.from({ length: layerOffsets(dims)[L] }, () => scale * rnd()),
    rng: seedGaussian(`dln${seed}`),
  };
}

// Depth 2, 3 and 4; square, odd, rectangular and bottleneck widths (odd sizes exercise the gemm
// tiles' scalar and leftover-row paths); batch 1, a batch that does not divide |Ω| (short last
// batch) and the full batch.
const CASES: Array<[string, DlnInput, DlnStepParams]> = [
  ['depth 2, 6×5, width 3, batch 1', instance([5, 3, 6], 1), { lr: 0.1, batch: 1 }],
  ['depth 3, 20×20, width 20, batch 1', instance([20, 20, 20, 20], 2), { lr: 0.05, batch: 1 }],
  ['depth 3, 20×20, width 20, full batch', instance([20, 20, 20, 20], 3), { lr: 0.05, batch: 'full' }],
  ['depth 3, 9×7, width 5, batch 7', instance([7, 5, 5, 9], 4), { lr: 0.05, batch: 7 }],
  ['depth 4, 11×13, widths 9/6/17, batch 3', instance([13, 9, 6, 17, 11], 5, 0.3, 0.35), { lr: 0.03, batch: 3 }],
  ['depth 4, 1×1, width 1, full batch', instance([1, 1, 1, 1, 1], 6, 1, 0.9), { lr: 0.1, batch: 1 }],
];

// Every noise placement on depth 2, 3 and 4 with batch 1 and the full batch; per-layer σ that differ
// (one layer at 0). Langevin's σ is √(2ηT) for a small T.
const PLACEMENTS: NoisePlacement[] = ['evaluation', 'anticorrelated', 'update'];
const NOISE_CASES: Array<[string, DlnInput, DlnStepParams]> = PLACEMENTS.flatMap((placement) => [
  [`${placement}, depth 2, batch 1`, instance([5, 3, 6], 21), { lr: 0.1, batch: 1, noise: { placement, sigma: [0.02, 0.05] } }],
  [`${placement}, depth 3, 20×20, full batch`, instance([20, 20, 20, 20], 22), { lr: 0.05, batch: 'full', noise: { placement, sigma: [0.01, 0, 0.03] } }],
  [`${placement}, depth 3, 9×7, batch 7`, instance([7, 5, 5, 9], 23), { lr: 0.05, batch: 7, noise: { placement, sigma: [0.02, 0.02, 0.02] } }],
  [`${placement}, depth 4, batch 1`, instance([13, 9, 6, 17, 11], 24, 0.3, 0.35), { lr: 0.03, batch: 1, noise: { placement, sigma: [0.01, 0.02, 0.03, 0.04] } }],
  [`${placement}, depth 4, full batch`, instance([13, 9, 6, 17, 11], 25, 0.3, 0.35), { lr: 0.03, batch: 'full', noise: { placement, sigma: [0, 0.02, 0.01, 0.005] } }],
] as Array<[string, DlnInput, DlnStepParams]>);

describe.each(wasmBuilds)('%s and reference agree bit for bit on deep linear networks', (_label, makeWasm) => {
  it.each([...CASES, ...NOISE_CASES])('%s: 300 steps in uneven chunks', async (_name, input, params) => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const a = wasm.dln(input);
    const b = ref.dln(input);
    try {
      for (const chunk of [1, 37, 62, 200]) {
        expect(a.run(chunk, params)).toEqual(b.run(chunk, params));
        expect(a.sampler().pos).toBe(b.sampler().pos);
      }
      expectSameDlnState(a, b);
      expect(hex(a.prevNoise())).toBe(hex(b.prevNoise()));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('switching from SGD to GD and back mid-epoch keeps them equal', async () => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const input = instance([8, 6, 6, 8], 7);
    const a = wasm.dln(input);
    const b = ref.dln(input);
    for (const p of [{ lr: 0.05, batch: 5 }, { lr: 0.05, batch: 'full' }, { lr: 0.02, batch: 2 }] as DlnStepParams[]) {
      expect(a.run(23, p)).toEqual(b.run(23, p));
    }
    expect(hex(a.theta())).toBe(hex(b.theta()));
    a.dispose();
    b.dispose();
  });
});

describe('the minibatch permutation', () => {
  it('is Fisher–Yates on seedrandom.xor128(seed + "#0") doubles, in Wasm as in TS', async () => {
    const n = 1000;
    const st = seedGaussian('perm');
    const ts = Int32Array.from({ length: n }, (_, i) => i);
    shuffle(ts, 0, n, st);
    // The oracle: the published generator itself, lane 0 = seed + "#0".
    const g = seedrandom.xor128('perm#0');
    const want = Array.from({ length: n }, (_, i) => i);
    for (let k = n - 1; k >= 1; k--) {
      const j = Math.floor(g.double() * (k + 1));
      [want[k], want[j]] = [want[j], want[k]];
    }
    expect(Array.from(ts)).toEqual(want);
    expect([...ts].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));

    for (const core of [await instantiateBuild('simd'), await instantiateBuild('scalar')]) {
      const a = core.alloc(4 * n);
      const s = core.alloc(64);
      new Int32Array(core.memory.buffer, a, n).set(Array.from({ length: n }, (_, i) => i));
      new Int32Array(core.memory.buffer, s, 16).set(seedGaussian('perm'));
      core.shuffleI32(a, n, s);
      expect(Array.from(new Int32Array(core.memory.buffer, a, n))).toEqual(want);
      expect(Array.from(new Int32Array(core.memory.buffer, s, 16))).toEqual(Array.from(st));
    }
  });
});

describe.each(allBackends)('%s backend, deep linear network', (_name, backend) => {
  it('full-batch GD decreases the loss and draws nothing', async () => {
    const s = (await backend()).dln(instance([6, 5, 5, 7], 8, 0.6, 0.5, 0.001));
    const rng0 = s.rng();
    const l0 = s.loss();
    s.run(2000, { lr: 0.1, batch: 'full' });
    expect(s.loss()).toBeLessThan(0.5 * l0);
    expect(Array.from(s.rng())).toEqual(Array.from(rng0));
    s.dispose();
  });

  it('an epoch of batch-1 SGD visits every observed entry once (the loss uses each once)', async () => {
    const input = instance([5, 4, 6], 9);
    const s = (await backend()).dln(input);
    const N = Array.from(input.mask).filter((v) => v !== 0).length;
    s.run(1, { lr: 0.01, batch: 1 });
    const { order, pos } = s.sampler();
    expect(pos).toBe(1);
    const observed = Array.from(input.mask).flatMap((v, k) => (v !== 0 ? [k] : []));
    expect([...order].sort((x, y) => x - y)).toEqual(observed);
    s.run(N - 1, { lr: 0.01, batch: 1 });
    expect(s.sampler().pos).toBe(N);
    s.dispose();
  });

  it('one full-batch step is −lr times the finite-difference gradient of the loss (ridge included)', async () => {
    const input = { ...instance([4, 3, 3, 5], 10, 0.7), lambda: 0.02 };
    const [s, ref] = [(await backend()).dln(input), await getBackend('reference')];
    const lr = 1e-3;
    s.run(1, { lr, batch: 'full' });
    const grad = s.theta().map((v, k) => (input.theta[k] - v) / lr);
    s.dispose();
    const lossAt = (theta: Float64Array) => {
      const r = ref.dln({ ...input, theta });
      const v = r.loss();
      r.dispose();
      return v;
    };
    const h = 1e-6;
    for (const k of [0, 5, 11, 20, 30, layerOffsets(input.dims)[3] - 1]) {
      const p = input.theta.slice();
      const m = input.theta.slice();
      p[k] += h;
      m[k] -= h;
      expect(grad[k]).toBeCloseTo((lossAt(p) - lossAt(m)) / (2 * h), 6);
    }
  });

  it('a step that would be non-finite is not applied', async () => {
    const input = instance([4, 4, 4, 4], 11, 0.8, 3);
    const s = (await backend()).dln(input);
    const out = s.run(1000, { lr: 50, batch: 'full' });
    expect(out.done).toBeLessThan(1000);
    expect(s.theta().every(Number.isFinite)).toBe(true);
    s.setTheta(input.theta.map((v) => v / 30));
    expect(s.run(10, { lr: 0.01, batch: 2 }).done).toBe(10);
    s.dispose();
  });

  it('theta/rng/sampler restore a mid-epoch state exactly (checkpoint primitive)', async () => {
    const s = (await backend()).dln(instance([7, 5, 5, 6], 12));
    const p = { lr: 0.05, batch: 4 };
    s.run(13, p);
    const saved = { theta: s.theta(), rng: s.rng(), sampler: s.sampler() };
    s.run(50, p);
    const after = hex(s.theta());
    s.setTheta(saved.theta);
    s.setRng(saved.rng);
    s.setSampler(saved.sampler);
    s.run(50, p);
    expect(hex(s.theta())).toBe(after);
    s.dispose();
  });

  it('anticorrelated noise resumes to the same bits from theta/rng/sampler/prevNoise', async () => {
    const input = instance([7, 5, 5, 6], 14);
    const s = (await backend()).dln(input);
    const p: DlnStepParams = { lr: 0.05, batch: 3, noise: { placement: 'anticorrelated', sigma: [0.03, 0.01, 0.02] } };
    s.run(17, p);
    const saved = { theta: s.theta(), rng: s.rng(), sampler: s.sampler(), prev: s.prevNoise() };
    expect(saved.prev.some((v) => v !== 0)).toBe(true);
    s.run(40, p);
    const after = hex(s.theta());
    s.dispose();
    const t = (await backend()).dln({ ...input, theta: saved.theta, rng: saved.rng });
    t.setSampler(saved.sampler);
    t.setPrevNoise(saved.prev);
    t.run(40, p);
    expect(hex(t.theta())).toBe(after);
    // Without ξ_{t−1} the first step's noise differs: the state is needed, not decorative.
    t.setTheta(saved.theta);
    t.setRng(saved.rng);
    t.setSampler(saved.sampler);
    t.setPrevNoise(new Float64Array(saved.prev.length));
    t.run(40, p);
    expect(hex(t.theta())).not.toBe(after);
    t.dispose();
  });

  it('a Langevin step whose added noise overflows is not applied', async () => {
    const input = instance([4, 4, 4, 4], 15);
    const s = (await backend()).dln(input);
    const out = s.run(5, { lr: 0.01, batch: 'full', noise: { placement: 'update', sigma: [1e308, 1e308, 1e308] } });
    expect(out.done).toBe(0);
    expect(hex(s.theta())).toBe(hex(input.theta));
    s.dispose();
  });

  it('σ = 0 on every layer is plain GD/SGD and draws nothing, whatever the placement', async () => {
    const input = instance([6, 4, 4, 5], 16);
    const plain = (await backend()).dln(input);
    plain.run(30, { lr: 0.05, batch: 4 });
    for (const placement of ['evaluation', 'anticorrelated', 'update'] as const) {
      const s = (await backend()).dln(input);
      s.run(30, { lr: 0.05, batch: 4, noise: { placement, sigma: [0, 0, 0] } });
      expect(hex(s.theta())).toBe(hex(plain.theta()));
      expect(Array.from(s.rng())).toEqual(Array.from(plain.rng()));
      s.dispose();
    }
    plain.dispose();
  });
});

describe.each(allBackends)('%s backend, deep linear network input errors', (_name, backend) => {
  const good = () => instance([4, 3, 3, 5], 13);
  const bad: Array<[string, (i: DlnInput) => DlnInput, string, string]> = [
    ['depth 1', (i) => ({ ...i, dims: [4, 5], theta: new Float64Array(20) }), 'OUT_OF_RANGE', 'dims'],
    ['a width of 0', (i) => ({ ...i, dims: [4, 0, 3, 5] }), 'OUT_OF_RANGE', 'dims[1]'],
    ['a fractional width', (i) => ({ ...i, dims: [4, 2.5, 3, 5] }), 'NOT_INTEGER', 'dims[1]'],
    ['a mask of the wrong shape', (i) => ({ ...i, mask: Array.from(i.mask).slice(1) }), 'SHAPE', 'mask'],
    ['a mask with no observed entry', (i) => ({ ...i, mask: Array.from(i.mask, () => 0) }), 'OUT_OF_RANGE', 'mask'],
    ['a target of the wrong shape', (i) => ({ ...i, M: i.M.slice(2) }), 'SHAPE', 'M'],
    ['λ = NaN', (i) => ({ ...i, lambda: NaN }), 'NOT_FINITE', 'lambda'],
    ['λ = Infinity', (i) => ({ ...i, lambda: Infinity }), 'NOT_FINITE', 'lambda'],
    ['λ < 0', (i) => ({ ...i, lambda: -0.1 }), 'OUT_OF_RANGE', 'lambda'],
    ['weights of the wrong length', (i) => ({ ...i, theta: i.theta.slice(1) }), 'SHAPE', 'theta'],
    ['a non-finite weight', (i) => ({ ...i, theta: i.theta.map((v, k) => (k === 7 ? NaN : v)) }), 'NOT_FINITE', 'theta[7]'],
  ];
  it.each(bad)('rejects %s with a typed error naming the field', async (_what, make, code, path) => {
    const b = await backend();
    expect(() => b.dln(make(good()))).toThrow(expect.objectContaining({ name: 'FlatminError', code, path }));
  });

  it('rejects a batch larger than the observed set, a batch of 0, a non-positive step size and bad noise', async () => {
    const input = good();
    const N = Array.from(input.mask).filter((v) => v !== 0).length;
    const s = (await backend()).dln(input);
    const rejects = (p: DlnStepParams, code: string, path: string) =>
      expect(() => s.run(1, p)).toThrow(expect.objectContaining({ code, path }));
    rejects({ lr: 0.1, batch: N + 1 }, 'OUT_OF_RANGE', 'batch');
    rejects({ lr: 0.1, batch: 0 }, 'OUT_OF_RANGE', 'batch');
    rejects({ lr: 0.1, batch: 1.5 }, 'NOT_INTEGER', 'batch');
    rejects({ lr: 0, batch: 1 }, 'OUT_OF_RANGE', 'lr');
    rejects({ lr: NaN, batch: 1 }, 'NOT_FINITE', 'lr');
    rejects({ lr: 0.1, batch: 1, noise: { placement: 'evaluation', sigma: [0.1, 0.1] } }, 'SHAPE', 'noise.sigma');
    rejects({ lr: 0.1, batch: 1, noise: { placement: 'evaluation', sigma: [0.1, -1, 0.1] } }, 'OUT_OF_RANGE', 'noise.sigma[1]');
    rejects({ lr: 0.1, batch: 1, noise: { placement: 'update', sigma: [0.1, 0.1, NaN] } }, 'NOT_FINITE', 'noise.sigma[2]');
    rejects({ lr: 0.1, batch: 1, noise: { placement: 'gradient' as never, sigma: [0, 0, 0] } }, 'OUT_OF_RANGE', 'noise.placement');
    expect(s.run(3, { lr: 0.01, batch: N }).done).toBe(3); // batch = |Ω| is allowed (full batch)
    s.dispose();
  });
});
