import { describe, expect, it } from 'vitest';
import { getBackend, sessionBytes, wasmBackend } from '../../src/backends/index.js';
import type { Backend, DataLoss, ModelShape, NoiseKind, Session, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { allBackends, hex, inBothPrecisions, instantiateBuild, lcg, wasmBuilds } from '../helpers.js';

// backend.session(): the one step skeleton on every model × loss × noise kind, in f64 and f32.
// The SIMD build, the scalar build and the reference agree bit for bit — iterate, RNG lanes,
// ξ_{t−1}, sampler and the noise scale — through runs that change lr, batch and noise between
// calls, and chunking a run does not change its bits.

const MODELS: Array<[string, ModelShape]> = [
  ['two-factor 7×5 r3', { kind: 'factorization', n: 7, m: 5, r: 3 }],
  ['deep [5, 4, 6, 7]', { kind: 'deep-linear', dims: [5, 4, 6, 7] }],
  ['symmetric 9 k4', { kind: 'symmetric', n: 9, k: 4 }],
];
const KINDS: NoiseKind[] = ['perturbed', 'anticorrelated', 'langevin'];

function rowsCols(model: ModelShape): [number, number] {
  if (model.kind === 'symmetric') return [model.n, model.n];
  return model.kind === 'factorization' ? [model.n, model.m] : [model.dims[model.dims.length - 1], model.dims[0]];
}

function total(model: ModelShape): number {
  if (model.kind === 'symmetric') return model.n * model.k;
  return model.kind === 'factorization' ? (model.n + model.m) * model.r : layerOffsets(model.dims)[model.dims.length - 1];
}

function sessionInput(model: ModelShape, loss: DataLoss['kind'], precision: Precision, seed: string, maxBatch?: number, lambda = 0.01): SessionInput {
  const rnd = lcg(seed.length * 7919 + total(model));
  const [rows, cols] = rowsCols(model);
  const M = Float64Array.from({ length: rows * cols }, rnd);
  const data: DataLoss = loss === 'full' ? { kind: 'full', M }
    : loss === 'completion' ? { kind: 'completion', M, mask: Array.from({ length: rows * cols }, (_, k) => (k % 3 === 1 ? 0 : 1)) }
      : { kind: 'sensing', ...buildMeasurements(seed, 2 * (rows + cols), M) };
  return {
    model, precision, loss: data, lambda, maxBatch, anticorrelated: true,
    theta: Float64Array.from({ length: total(model) }, () => 0.6 * rnd()),
    rng: seedGaussian(seed),
  };
}

/** σ per block: different on each block, one of them 0 on the deep model. */
function sigmas(model: ModelShape, s: number): number[] {
  if (model.kind === 'symmetric') return [s];
  return model.kind === 'factorization' ? [s, s / 2] : model.dims.slice(1).map((_, l) => (l === 1 ? 0 : s * (l + 1)));
}

/** Runs `phases` on a and b chunk by chunk, checking the outcomes agree; the scale carries over. */
function runBoth(a: Session, b: Session, phases: Array<[number[], SessionStepParams]>): void {
  for (const [chunks, p0] of phases) {
    let p = p0;
    for (const chunk of chunks) {
      const oa = a.run(chunk, p);
      expect(oa).toEqual(b.run(chunk, p));
      p = { ...p, scale: oa.scale };
    }
  }
}

function expectSameState(a: Session, b: Session): void {
  expect(hex(a.theta())).toBe(hex(b.theta()));
  expect(Array.from(a.rng())).toEqual(Array.from(b.rng()));
  expect(hex(a.prevNoise())).toBe(hex(b.prevNoise()));
  expect(a.sampler()).toEqual(b.sampler());
  expect(hex(a.endToEnd())).toBe(hex(b.endToEnd()));
  expect(a.blockNorms()).toEqual(b.blockNorms());
  expect(Object.is(a.fullLoss(), b.fullLoss())).toBe(true);
}

// Every model × loss × noise kind, both precisions. Three phases per case: a noisy minibatch phase
// with a geometric noise scale, a full-batch phase with another lr, and a plain phase with batch 1
// (the full loss has no minibatches: its phases run the full sums).
const CASES = inBothPrecisions(MODELS.flatMap(([mname, model]) => (['full', 'completion', 'sensing'] as const).flatMap((loss) =>
  KINDS.map((kind): [string, (p: Precision) => SessionInput, Array<[number[], SessionStepParams]>] => [
    `${mname} ${loss} ${kind}`,
    (p) => sessionInput(model, loss, p, `${mname}${loss}${kind}`, 4),
    [
      [[1, 30, 19], { lr: model.kind === 'deep-linear' ? 0.02 : 0.05, batch: 3, noise: { kind, sigma: sigmas(model, kind === 'langevin' ? 0.005 : 0.05) }, scale: 1, scaleMul: 0.98 }],
      [[25], { lr: 0.01, noise: { kind, sigma: sigmas(model, 0.02) }, scale: 0.5, scaleMul: 1 }],
      [[13, 12], { lr: 0.03, batch: 1, scale: 1, scaleMul: 1 }],
    ],
  ]))));

describe.each(wasmBuilds)('%s and reference agree bit for bit through session()', (_label, makeWasm) => {
  it.each(CASES)('%s: three phases of different lr, batch and noise', async (_name, input, phases) => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const a = wasm.session(input);
    const b = ref.session(input);
    try {
      runBoth(a, b, phases);
      expectSameState(a, b);
      expect(a.theta()).not.toEqual(input.theta);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('deep model in f32 at width 20 (whole SIMD tiles), batch 1 with perturbed noise: same bits as the f32 reference, and not the f64 run', async () => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const model: ModelShape = { kind: 'deep-linear', dims: [20, 20, 20, 20] };
    const phase: SessionStepParams = { lr: 0.05, batch: 1, noise: { kind: 'perturbed', sigma: [0.01, 0.01, 0.01] }, scale: 1, scaleMul: 1 };
    const input = sessionInput(model, 'completion', 'f32', 'wide', 8, 0);
    const a = wasm.session(input);
    const b = ref.session(input);
    const c = ref.session({ ...input, precision: 'f64' });
    runBoth(a, b, [[[1, 99, 100], phase]]);
    c.run(200, phase);
    expectSameState(a, b);
    expect(a.theta().every((v) => Math.fround(v) === v)).toBe(true);
    expect(hex(a.theta())).not.toBe(hex(c.theta()));
    for (const s of [a, b, c]) s.dispose();
  });
});

describe.each(allBackends)('%s backend, session()', (_name, backend) => {
  it('chunking invariance: two phases (different lr, batch and a geometric noise scale) in any chunks give the same bits', async () => {
    const be = await backend();
    for (const [, model] of MODELS) {
      for (const precision of ['f64', 'f32'] as const) {
        const input = sessionInput(model, 'completion', precision, 'chunks', 5);
        const noise = { kind: 'anticorrelated' as const, sigma: sigmas(model, 0.05) };
        const one = be.session(input);
        const many = be.session(input);
        const first = one.run(60, { lr: 0.04, batch: 5, noise, scale: 1, scaleMul: 0.97 });
        one.run(40, { lr: 0.02, batch: 2, noise, scale: first.scale, scaleMul: 0.97 });
        let p: SessionStepParams = { lr: 0.04, batch: 5, noise, scale: 1, scaleMul: 0.97 };
        for (const chunk of [1, 16, 43]) p = { ...p, scale: many.run(chunk, p).scale };
        expect(p.scale).toBe(first.scale);
        p = { lr: 0.02, batch: 2, noise, scale: p.scale, scaleMul: 0.97 };
        for (const chunk of [7, 33]) p = { ...p, scale: many.run(chunk, p).scale };
        expectSameState(one, many);
        one.dispose();
        many.dispose();
      }
    }
  });

  it('resumes to the same bits in a fresh session from theta, rng, ξ_{t−1} and the sampler (deep f32, scaled anticorrelated noise)', async () => {
    const be = await backend();
    const model: ModelShape = { kind: 'deep-linear', dims: [6, 5, 4, 7] };
    const input = sessionInput(model, 'sensing', 'f32', 'resume', 3);
    const p: SessionStepParams = { lr: 0.02, batch: 3, noise: { kind: 'anticorrelated', sigma: [0.02, 0.01, 0.03] }, scale: 1, scaleMul: 0.99 };
    const s = be.session(input);
    const mid = s.run(17, p); // inside the second epoch (26 measurements, batch 3: 9 batches an epoch)
    const saved = { theta: s.theta(), rng: s.rng(), prev: s.prevNoise(), sampler: s.sampler() };
    expect(saved.sampler.pos % saved.sampler.order.length).not.toBe(0);
    const end = s.run(23, { ...p, scale: mid.scale });
    const t = be.session({ ...input, theta: saved.theta, rng: saved.rng });
    t.setPrevNoise(saved.prev);
    t.setSampler(saved.sampler);
    expect(t.run(23, { ...p, scale: mid.scale })).toEqual(end);
    expectSameState(s, t);
    s.dispose();
    t.dispose();
  });

  it('a geometric noise scale on the deep model: the returned scale is scale·mul^done, and it changes the run', async () => {
    const be = await backend();
    const input = sessionInput({ kind: 'deep-linear', dims: [5, 4, 4, 6] }, 'completion', 'f64', 'geo', 2);
    const noise = { kind: 'perturbed' as const, sigma: [0.05, 0.05, 0.05] };
    const decaying = be.session(input);
    const constant = be.session(input);
    let scale = 1;
    for (let k = 0; k < 50; k++) scale *= 0.9;
    expect(decaying.run(50, { lr: 0.02, batch: 2, noise, scale: 1, scaleMul: 0.9 }).scale).toBe(scale);
    constant.run(50, { lr: 0.02, batch: 2, noise, scale: 1, scaleMul: 1 });
    expect(hex(decaying.theta())).not.toBe(hex(constant.theta()));
    // Once σ·scale rounds to 0 a step draws nothing: the stream stops moving.
    const rng = decaying.rng();
    decaying.run(5, { lr: 0.02, batch: 2, noise, scale: 0, scaleMul: 0.9 });
    const noiseLanes = (st: Int32Array) => Array.from(st).filter((_, k) => k % 4 !== 0); // lane 0 also shuffles
    expect(noiseLanes(decaying.rng())).toEqual(noiseLanes(rng));
    decaying.dispose();
    constant.dispose();
  });

  it('a two-factor phase with batch after a full-batch phase keeps the sampler across run() calls', async () => {
    const be = await backend();
    const input = sessionInput({ kind: 'factorization', n: 6, m: 5, r: 2 }, 'completion', 'f64', 'phases', 4);
    const s = be.session(input);
    expect(s.sampler()).toEqual({ order: expect.any(Int32Array), pos: 20 }); // 20 observed: the epoch is used up
    s.run(10, { lr: 0.1, scale: 1, scaleMul: 1 }); // full batch: the sampler does not move
    expect(s.sampler().pos).toBe(20);
    s.run(3, { lr: 0.1, batch: 4, scale: 1, scaleMul: 1 });
    expect(s.sampler().pos).toBe(12);
    s.run(2, { lr: 0.05, batch: 3, scale: 1, scaleMul: 1 });
    expect(s.sampler().pos).toBe(18);
    s.dispose();
  });

  it('batch ≥ the universe is the full sums, bit for bit as no batch, and draws nothing', async () => {
    const be = await backend();
    for (const loss of ['completion', 'sensing'] as const) {
      const input = sessionInput({ kind: 'factorization', n: 6, m: 5, r: 2 }, loss, 'f32', 'all', 4);
      const none = be.session(input);
      const all = be.session(input);
      const p: SessionStepParams = { lr: loss === 'sensing' ? 0.02 : 0.1, scale: 1, scaleMul: 1 };
      none.run(30, p);
      all.run(30, { ...p, batch: 10_000 });
      expectSameState(none, all);
      expect(Array.from(all.rng())).toEqual(Array.from(input.rng));
      none.dispose();
      all.dispose();
    }
  });

  it('the deep model takes the full target ½‖W − M‖²: at depth 2 it follows the two-factor run X = W_2, Y = W_1ᵀ', async () => {
    const be = await backend();
    const n = 6, m = 5, r = 2;
    const two = sessionInput({ kind: 'factorization', n, m, r }, 'full', 'f64', 'depth2', undefined, 0);
    const X = two.theta.subarray(0, n * r);
    const Y = two.theta.subarray(n * r);
    const W1 = new Float64Array(r * m); // r × m = Yᵀ
    for (let j = 0; j < m; j++) for (let c = 0; c < r; c++) W1[c * m + j] = Y[j * r + c];
    const deep = be.session({ ...two, model: { kind: 'deep-linear', dims: [m, r, n] }, theta: Float64Array.from([...W1, ...X]) });
    const fact = be.session(two);
    const loss0 = fact.fullLoss();
    const p: SessionStepParams = { lr: 0.05, scale: 1, scaleMul: 1 };
    deep.run(300, p);
    fact.run(300, p);
    // Different arithmetic order (the fast path never forms W): equal to rounding, not to the bit.
    const a = deep.endToEnd();
    const b = fact.endToEnd();
    for (let k = 0; k < a.length; k++) expect(a[k]).toBeCloseTo(b[k], 10);
    expect(Number.isNaN(deep.fullLoss())).toBe(true);
    expect(fact.fullLoss()).toBeLessThan(0.5 * loss0);
    deep.dispose();
    fact.dispose();
  });

  it('completion never reads unobserved target entries: NaN there gives the bits of 0 there (both models)', async () => {
    const be = await backend();
    for (const [, model] of MODELS) {
      const input = sessionInput(model, 'completion', 'f32', 'nan', 2);
      if (input.loss.kind !== 'completion') throw new Error('completion expected');
      const { M, mask } = input.loss;
      const hole = Array.from(mask).indexOf(0);
      const withNaN = be.session({ ...input, loss: { kind: 'completion', mask, M: M.map((v, k) => (k === hole ? NaN : v)) } });
      const withZero = be.session({ ...input, loss: { kind: 'completion', mask, M: M.map((v, k) => (k === hole ? 0 : v)) } });
      const p: SessionStepParams = { lr: 0.02, batch: 2, noise: { kind: 'perturbed', sigma: sigmas(model, 0.01) }, scale: 1, scaleMul: 1 };
      expect(withNaN.run(40, p).done).toBe(40);
      withZero.run(40, p);
      expectSameState(withNaN, withZero);
      withNaN.dispose();
      withZero.dispose();
      const observed = Array.from(mask).indexOf(1);
      expect(() => be.session({ ...input, loss: { kind: 'completion', mask, M: M.map((v, k) => (k === observed ? NaN : v)) } }))
        .toThrow(expect.objectContaining({ code: 'NOT_FINITE', path: `loss.M[${observed}]` }));
    }
  });

  it('rejects bad input with typed errors naming the field', async () => {
    const be = await backend();
    const good = sessionInput({ kind: 'deep-linear', dims: [4, 3, 5] }, 'completion', 'f64', 'bad', 2);
    const bad: Array<[Partial<SessionInput>, string, string]> = [
      [{ model: { kind: 'deep-linear', dims: [4, 5] } }, 'OUT_OF_RANGE', 'model.dims'],
      [{ model: { kind: 'deep-linear', dims: [4, 0, 5] } }, 'OUT_OF_RANGE', 'model.dims[1]'],
      [{ model: { kind: 'factorization', n: 5, m: 4, r: 1.5 } }, 'NOT_INTEGER', 'model.r'],
      [{ loss: { kind: 'completion', M: good.loss.kind === 'completion' ? good.loss.M : new Float64Array(0), mask: new Array(20).fill(0) } }, 'OUT_OF_RANGE', 'loss.mask'],
      [{ loss: { kind: 'full', M: new Float64Array(19) } }, 'SHAPE', 'loss.M'],
      [{ lambda: -1 }, 'OUT_OF_RANGE', 'lambda'],
      [{ theta: new Float64Array(3) }, 'SHAPE', 'theta'],
      [{ rng: new Int32Array(4) }, 'SHAPE', 'rng'],
      [{ maxBatch: 0 }, 'OUT_OF_RANGE', 'maxBatch'],
    ];
    for (const [change, code, path] of bad) {
      expect(() => be.session({ ...good, ...change })).toThrow(expect.objectContaining({ name: 'FlatminError', code, path }));
    }
    const s = be.session({ ...good, anticorrelated: false });
    const p: SessionStepParams = { lr: 0.1, scale: 1, scaleMul: 1 };
    const rejects = (q: Partial<SessionStepParams>, code: string, path: string) => expect(() => s.run(1, { ...p, ...q })).toThrow(expect.objectContaining({ code, path }));
    rejects({ noise: { kind: 'perturbed', sigma: [0.1] } }, 'SHAPE', 'noise.sigma');
    rejects({ noise: { kind: 'perturbed', sigma: [0.1, -0.1] } }, 'OUT_OF_RANGE', 'noise.sigma[1]');
    rejects({ noise: { kind: 'evaluation' as NoiseKind, sigma: [0, 0] } }, 'UNKNOWN_KIND', 'noise.kind');
    rejects({ noise: { kind: 'anticorrelated', sigma: [0.1, 0.1] } }, 'USAGE', 'noise.kind');
    rejects({ batch: 3 }, 'OUT_OF_RANGE', 'batch'); // above maxBatch 2
    rejects({ batch: 0 }, 'OUT_OF_RANGE', 'batch');
    rejects({ lr: NaN }, 'NOT_FINITE', 'lr');
    expect(s.run(2, { ...p, batch: 2 }).done).toBe(2);
    s.dispose();
  });
});

describe('sessionBytes', () => {
  it('bounds what a session takes from a fresh core, within 10 %, for every model, loss and precision', async () => {
    for (const [, model] of MODELS) {
      for (const loss of ['full', 'completion', 'sensing'] as const) {
        for (const precision of ['f64', 'f32'] as const) {
          const core = await instantiateBuild('simd');
          const be: Backend = wasmBackend(core);
          const input = sessionInput(model, loss, precision, 'bytes', 3);
          const before = core.alloc(16);
          const s = be.session(input);
          const after = core.alloc(16);
          const used = after - before - 32; // the probe's own block
          const planned = sessionBytes(input);
          expect(used).toBeGreaterThan(0.9 * planned);
          expect(used).toBeLessThanOrEqual(planned);
          s.dispose();
        }
      }
    }
  });
});
