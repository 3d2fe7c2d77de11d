import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { Backend, DataLoss, ModelShape, Session, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { FlatminError } from '../../src/errors.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { buildMeasurements, denseMeasurements, sparseMeasurements } from '../../src/problems/measurements.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { lossOfW } from '../../src/problems/losses.js';
import { hex, lcg, scalarBackend } from '../helpers.js';

// Sparse sensing (A as CSR rows, assembly/kernels/sensing.ts sensingSparse) against the same
// matrices stored dense: identical bits, on every backend, both models, f64 and f32, full batch and
// minibatches, with perturbed, anticorrelated and label noise.

const BACKENDS: Array<[string, () => Promise<Backend>]> = [
  ['reference', () => getBackend('reference')],
  ['wasm (SIMD)', () => getBackend('wasm')],
  ['wasm scalar fallback', scalarBackend],
];

const MODELS: Array<[string, ModelShape]> = [
  ['two-factor 7×5 r2', { kind: 'factorization', n: 7, m: 5, r: 2 }],
  ['deep [5, 3, 6]', { kind: 'deep-linear', dims: [5, 3, 6] }],
];

function shape(model: ModelShape): { nm: number; total: number } {
  if (model.kind === 'factorization') return { nm: model.n * model.m, total: (model.n + model.m) * model.r };
  if (model.kind === 'symmetric') return { nm: model.n * model.n, total: model.n * model.k };
  return { nm: model.dims[0] * model.dims[model.dims.length - 1], total: layerOffsets(model.dims)[model.dims.length - 1] };
}

/** The same N = 19 measurements of s = 4 nonzeros, sparse and dense, and the rest of a session input. */
function inputs(model: ModelShape, precision: Precision, seed: string): [SessionInput, SessionInput] {
  const { nm, total } = shape(model);
  const rnd = lcg(seed.length * 31 + nm);
  const M = Float64Array.from({ length: nm }, rnd);
  const sparse = buildMeasurements(seed, { count: 19, nonzeros: 4 }, M);
  const base = {
    model, precision, lambda: 0.01, maxBatch: 4, anticorrelated: true, labelNoise: true,
    theta: Float64Array.from({ length: total }, () => 0.6 * rnd()), rng: seedGaussian(seed),
  };
  const dense: DataLoss = { kind: 'sensing', A: denseMeasurements(sparse.sparse!, nm), y: sparse.y };
  return [{ ...base, loss: { kind: 'sensing', ...sparse } }, { ...base, loss: dense }];
}

const sigma = (model: ModelShape, s: number) => (model.kind === 'factorization' ? [s, s / 2] : [s, 0]);

function phases(model: ModelShape): Array<[number, SessionStepParams]> {
  return [
    [20, { lr: 0.05, noise: { kind: 'perturbed', sigma: sigma(model, 0.05) }, scale: 1, scaleMul: 0.98 }], // full batch
    [20, { lr: 0.03, batch: 3, noise: { kind: 'anticorrelated', sigma: sigma(model, 0.05) }, scale: 1, scaleMul: 1 }],
    [20, { lr: 0.03, batch: 4, noise: { kind: 'label', sigma: [0.1, 0] }, scale: 1, scaleMul: 1 }], // label noise on y
    [10, { lr: 0.03, batch: 1, scale: 1, scaleMul: 1 }],
  ];
}

function runAll(s: Session, model: ModelShape): string[] {
  const out: string[] = [];
  for (const [steps, p] of phases(model)) {
    expect(s.run(steps, p).done).toBe(steps);
    out.push(hex(s.theta()));
  }
  return out;
}

describe.each(BACKENDS)('%s: sparse sensing measurements', (_label, make) => {
  it.each(MODELS.flatMap(([name, model]) => (['f64', 'f32'] as const).map((p) => [`${name} ${p}`, model, p] as const)))(
    '%s: the same bits as the same matrices stored dense, full batch and minibatches, and as the reference',
    async (_name, model, precision) => {
      const [be, ref] = await Promise.all([make(), getBackend('reference')]);
      const [sparse, dense] = inputs(model, precision, `sp${model.kind}${precision}`);
      const a = be.session(sparse);
      const b = be.session(dense);
      const c = ref.session(sparse);
      try {
        const bits = runAll(a, model);
        expect(bits).toEqual(runAll(b, model));
        expect(bits).toEqual(runAll(c, model));
        expect(bits[0]).not.toBe(hex(Float64Array.from(sparse.theta, (v) => (precision === 'f32' ? Math.fround(v) : v))));
        expect(hex(a.endToEnd())).toBe(hex(b.endToEnd()));
      } finally {
        for (const s of [a, b, c]) s.dispose();
      }
    },
  );

  it('the deep model\'s dln() input takes them too: the dense form\'s bits and reports', async () => {
    const be = await make();
    const dims = [4, 3, 5];
    const rnd = lcg(77);
    const M = Float64Array.from({ length: 20 }, rnd);
    const sparse = buildMeasurements('dln', { count: 25, nonzeros: 6 }, M);
    const base = { dims, M, mask: new Array(20).fill(1), lambda: 0.01, theta: Float64Array.from({ length: 27 }, () => 0.5 * rnd()), rng: seedGaussian('dln') }; // 3·4 + 5·3
    const a = be.dln({ ...base, sensing: sparse });
    const b = be.dln({ ...base, sensing: { A: denseMeasurements(sparse.sparse!, 20), y: sparse.y } });
    for (const batch of [4, 'full'] as const) {
      const p = { lr: 0.03, batch, noise: { placement: 'evaluation' as const, sigma: [0.01, 0.02] } };
      expect(a.run(30, p)).toEqual(b.run(30, p));
    }
    expect(hex(a.theta())).toBe(hex(b.theta()));
    expect([a.loss(), a.trainError(), a.testError()]).toEqual([b.loss(), b.trainError(), b.testError()]);
    a.dispose();
    b.dispose();
  });

  it('rejects malformed CSR rows with a typed error naming the field', async () => {
    const be = await make();
    const [input] = inputs(MODELS[0][1], 'f64', 'bad');
    const loss = input.loss as Extract<DataLoss, { kind: 'sensing' }>;
    const sp = loss.sparse!;
    const index = sp.index.slice();
    [index[1], index[2]] = [index[2], index[1]]; // not ascending within measurement 0
    const cases: Array<[DataLoss, string]> = [
      [{ ...loss, sparse: { ...sp, index } }, 'loss.sparse.index[2]'],
      [{ ...loss, sparse: { ...sp, ptr: sp.ptr.slice(1) } }, 'loss.sparse.ptr'],
      [{ ...loss, A: new Float64Array(35) }, 'loss.A'],
    ];
    for (const [bad, path] of cases) {
      let err: unknown;
      try {
        be.session({ ...input, loss: bad }).dispose();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FlatminError);
      expect((err as FlatminError).path).toBe(path);
    }
  });
});

describe('sparse measurements: the reports', () => {
  it('lossOfW (the curvature and spectrum diagnostics) gives the dense form\'s bits: value, gradient, Hessian product', () => {
    const nm = 12;
    const rnd = lcg(5);
    const M = Float64Array.from({ length: nm }, rnd);
    const W = Float64Array.from({ length: nm }, rnd);
    const sparse = buildMeasurements('r', { count: 15, nonzeros: 5 }, M);
    const a = lossOfW({ kind: 'sensing', ...sparse }, M);
    const b = lossOfW({ kind: 'sensing', A: denseMeasurements(sparse.sparse!, nm), y: sparse.y }, M);
    expect(a.value(W)).toBe(b.value(W));
    const [ga, gb, ha, hb] = [0, 1, 2, 3].map(() => new Float64Array(nm));
    a.grad(W, ga);
    b.grad(W, gb);
    a.hess(W, ha);
    b.hess(W, hb);
    expect(hex(ga)).toBe(hex(gb));
    expect(hex(ha)).toBe(hex(hb));
    expect(ga.some((v) => v !== 0)).toBe(true);
  });
});

describe('sparse measurements: the generator', () => {
  it('draws s distinct ascending positions per measurement, values with E‖A_i‖² = nm/N, reproducibly and O(N·s)', () => {
    const [N, s, nm] = [400, 6, 50];
    const a = sparseMeasurements('g', N, s, nm);
    expect(a.index.length).toBe(N * s);
    expect(Array.from(a.ptr)).toEqual(Array.from({ length: N + 1 }, (_, i) => i * s));
    let sq = 0;
    const hits = new Float64Array(nm);
    for (let i = 0; i < N; i++) {
      for (let p = i * s + 1; p < (i + 1) * s; p++) expect(a.index[p]).toBeGreaterThan(a.index[p - 1]);
      for (let p = i * s; p < (i + 1) * s; p++) {
        sq += a.values[p] ** 2;
        hits[a.index[p]]++;
      }
    }
    expect(sq / N / (nm / N)).toBeGreaterThan(0.9); // mean ‖A_i‖² ≈ nm/N (2400 draws: ±3%)
    expect(sq / N / (nm / N)).toBeLessThan(1.1);
    expect(Math.min(...hits)).toBeGreaterThan(20); // every position drawn (expected 48 times each)
    const b = sparseMeasurements('g', N, s, nm);
    expect(hex(b.values)).toBe(hex(a.values));
    expect(Array.from(b.index)).toEqual(Array.from(a.index));
    expect(Array.from(sparseMeasurements('h', N, s, nm).index)).not.toEqual(Array.from(a.index));
    const full = sparseMeasurements('f', 3, nm, nm); // s = nm: every position
    expect(Array.from(full.index.subarray(0, nm))).toEqual(Array.from({ length: nm }, (_, k) => k));
  });
});
