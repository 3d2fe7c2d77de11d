import { describe, expect, it } from 'vitest';
import { getBackend, sessionBytes } from '../../src/backends/index.js';
import type { Backend, NoiseKind, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { FlatminError } from '../../src/errors.js';
import { matmulNN, matmulNT, matmulTN } from '../../src/linalg/kernels.js';
import { roundOf } from '../../src/math/round.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { epochStart } from '../../src/random/permutation.js';
import { hex, lcg, sessionState as state, wasmBuilds } from '../helpers.js';
import { expectBothBackendsReach, expectResumes, expectSamePhases } from './sessionChecks.js';

// Two-factor completion from the observed lists (src/backends/sparse.ts, assembly/models/
// sparseCompletion.ts): both Wasm builds match the reference bit for bit (f64, f32; full sums,
// minibatches through the touched-rows step and through the general step; every noise kind),
// the bits are the old dense path's (R = w ⊙ (W − M), [R Y | Rᵀ X] by the gemms), lists and a
// dense mask give the same run, and a resumed session continues with the same bits.

const N = 23, Mc = 17, R = 5;

function problem(precision: Precision, opts: Partial<SessionInput> = {}, seed = 11): SessionInput {
  const rnd = lcg(seed);
  const M = Float64Array.from({ length: N * Mc }, rnd);
  const mask = Array.from({ length: N * Mc }, (_, k) => ((k * 7) % 5 < 2 ? 1 : 0)); // 40%, rows and columns uneven
  mask[3 * Mc + 4] = 0; // a row and a column with holes everywhere but not empty
  return {
    model: { kind: 'factorization', n: N, m: Mc, r: R }, precision,
    loss: { kind: 'completion', M, mask }, lambda: 0, maxBatch: 9, anticorrelated: true, labelNoise: true,
    theta: Float64Array.from({ length: (N + Mc) * R }, () => 0.7 * rnd()),
    rng: seedGaussian(`sparse-${seed}`),
    ...opts,
  };
}

/** The same problem as observed lists (M and mask empty). */
function asLists(input: SessionInput): SessionInput {
  if (input.loss.kind !== 'completion') throw new Error('completion expected');
  const { M, mask } = input.loss;
  const index = Int32Array.from(Array.from(mask, (v, k) => (v !== 0 ? k : -1)).filter((k) => k >= 0));
  return { ...input, loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values: Float64Array.from(index, (e) => M[e]) } } };
}


const sig = (s: number) => [s, s / 2];
const PHASES: Array<[string, SessionStepParams[]]> = [
  ['GD + ridge, full sums', [{ lr: 0.2, scale: 1, scaleMul: 1 }]],
  ['SGD batch 4 (touched rows)', [{ lr: 0.2, batch: 4, scale: 1, scaleMul: 1 }]],
  ['perturbed SGD batch 9 (touched rows), then full', [{ lr: 0.2, batch: 9, noise: { kind: 'perturbed', sigma: sig(0.05) }, scale: 1, scaleMul: 0.99 }, { lr: 0.1, noise: { kind: 'perturbed', sigma: sig(0.05) }, scale: 1, scaleMul: 1 }]],
  ...(['anticorrelated', 'langevin', 'sam', 'asam', 'label', 'annealed'] as NoiseKind[]).map((kind): [string, SessionStepParams[]] => [
    `${kind}: batch 3, then full`,
    [{ lr: 0.15, batch: 3, noise: { kind, sigma: sig(0.04), gamma: 0.5 }, scale: 1, scaleMul: 1 }, { lr: 0.15, noise: { kind, sigma: sig(0.04), gamma: 0.5 }, scale: 1, scaleMul: 1, step: 30 }],
  ]),
];

describe.each(wasmBuilds)('%s: sparse two-factor completion against the reference', (_, wasm) => {
  for (const precision of ['f64', 'f32'] as const) {
    for (const [name, phases] of PHASES) {
      for (const lambda of name.includes('ridge') ? [0.03] : [0, 0.03]) {
        it(`${precision} ${name}, λ = ${lambda}: same bits`, async () => {
          const [w, ref] = [await wasm(), await getBackend('reference')];
          expectSamePhases(w, ref, problem(precision, { lambda }), phases, [7, 1, 22]);
        });
      }
    }
  }
});

/**
 * The old dense path, written out: W = X Yᵀ, R = w ⊙ (W − M) with w = rd(2/|Ω|) on Ω (the full
 * sum) or R = rd(2/|B|)(W − M) on the batch, ∇ = [R Y | Rᵀ X] by the reference gemms, then
 * θ − rd(lr)·(∇ + rd(2λ)·θ). Plain GD / SGD only (the noise streams are shared code).
 */
function denseRun(input: SessionInput, steps: number, lr: number, batch: number): Float64Array {
  const rd = roundOf(input.precision);
  if (input.loss.kind !== 'completion') throw new Error('completion expected');
  const { mask } = input.loss;
  const M = input.loss.M.map((v, k) => (mask[k] !== 0 ? rd(v) : 0));
  const nm = N * Mc, nr = N * R;
  const obs = Int32Array.from(Array.from(mask, (v, k) => (v !== 0 ? k : -1)).filter((k) => k >= 0));
  const w = rd(2 / obs.length);
  const theta = input.theta.map(rd);
  const rng = Int32Array.from(input.rng);
  const order = Int32Array.from(obs);
  let pos = order.length;
  const W = new Float64Array(nm), Rm = new Float64Array(nm), g = new Float64Array(theta.length);
  const lrT = rd(lr), tl = rd(2 * input.lambda);
  for (let t = 0; t < steps; t++) {
    matmulNT(W, theta.subarray(0, nr), theta.subarray(nr), N, Mc, R, rd);
    if (batch > 0) {
      pos = epochStart(order, obs, pos, rng);
      const size = Math.min(batch, obs.length - pos);
      Rm.fill(0);
      const c = rd(2 / size);
      for (let k = pos; k < pos + size; k++) Rm[order[k]] = rd(c * rd(W[order[k]] - M[order[k]]));
      pos += size;
    } else for (let k = 0; k < nm; k++) Rm[k] = rd((mask[k] !== 0 ? w : 0) * rd(W[k] - M[k]));
    matmulNN(g.subarray(0, nr), Rm, theta.subarray(nr), N, R, Mc, rd);
    matmulTN(g.subarray(nr), Rm, theta.subarray(0, nr), Mc, R, N, rd);
    for (let k = 0; k < theta.length; k++) theta[k] = rd(theta[k] - rd(lrT * rd(g[k] + rd(tl * theta[k]))));
  }
  return theta;
}

describe('sparse two-factor completion keeps the dense path\'s bits', () => {
  for (const precision of ['f64', 'f32'] as const) {
    for (const [lambda, batch] of [[0, 0], [0.02, 0], [0, 5], [0.02, 5]]) {
      it(`${precision} λ = ${lambda}, batch ${batch || 'full'}: 60 steps equal the dense gemm path`, async () => {
        const input = problem(precision, { lambda });
        await expectBothBackendsReach(hex(denseRun(input, 60, 0.25, batch)), input, 60, { lr: 0.25, batch: batch || undefined, scale: 1, scaleMul: 1 });
      });
    }
  }
});

describe.each([['wasm'], ['reference']] as const)('%s: observed lists as input', (name) => {
  const backend = (): Promise<Backend> => getBackend(name);

  it('lists and the dense mask give the same bits (f64 and f32, label noise on observed entries)', async () => {
    const be = await backend();
    for (const precision of ['f64', 'f32'] as const) {
      const input = problem(precision, { lambda: 0.01 });
      const a = be.session(input);
      const b = be.session(asLists(input));
      for (const p of PHASES.flatMap(([, ps]) => ps)) expect(a.run(5, p)).toEqual(b.run(5, p));
      expect(state(a)).toBe(state(b));
      a.dispose();
      b.dispose();
    }
  });

  it('the deep and symmetric models take the lists too (deep: from the lists; symmetric: densified) with the bits of the mask', async () => {
    const be = await backend();
    for (const model of [{ kind: 'deep-linear', dims: [Mc, 6, N] }, { kind: 'symmetric', n: N, k: 4 }] as const) {
      const cols = model.kind === 'symmetric' ? N : Mc;
      const rnd = lcg(4);
      const M = Float64Array.from({ length: N * cols }, rnd);
      const mask = Array.from({ length: N * cols }, (_, k) => ((k * 7) % 5 < 2 ? 1 : 0));
      const len = model.kind === 'symmetric' ? N * 4 : Mc * 6 + 6 * N;
      const input: SessionInput = { model, precision: 'f64', loss: { kind: 'completion', M, mask }, lambda: 0.01, maxBatch: 5, labelNoise: true,
        theta: Float64Array.from({ length: len }, () => 0.5 * rnd()), rng: seedGaussian('deep') };
      const a = be.session(input);
      const index = Int32Array.from(Array.from(mask, (v, k) => (v ? k : -1)).filter((k) => k >= 0));
      const b = be.session({ ...input, loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values: Float64Array.from(index, (e) => M[e]) } } });
      const sigma = model.kind === 'symmetric' ? [0.02] : [0.02, 0.01];
      for (const p of [{ lr: 0.05, batch: 5, noise: { kind: 'label' as const, sigma }, scale: 1, scaleMul: 1 }, { lr: 0.05, noise: { kind: 'perturbed' as const, sigma }, scale: 1, scaleMul: 1 }]) {
        expect(a.run(9, p)).toEqual(b.run(9, p));
      }
      expect(state(a)).toBe(state(b));
      a.dispose();
      b.dispose();
    }
  });

  it('a resumed session (θ, RNG lanes, ξ_{t−1}, epoch position) continues with the same bits', async () => {
    expectResumes(await backend(), asLists(problem('f32')), { lr: 0.2, batch: 7, noise: { kind: 'perturbed', sigma: sig(0.03) }, scale: 1, scaleMul: 1 });
  });

  it('bad lists fail with typed errors naming the field and index', async () => {
    const be = await backend();
    const base = asLists(problem('f64'));
    const obs = (base.loss as { observed: { index: Int32Array; values: Float64Array } }).observed;
    const bad = (index: Int32Array, values: Float64Array = new Float64Array(index.length).fill(1), extra = {}) =>
      () => be.session({ ...base, loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values }, ...extra } });
    const err = (f: () => unknown, path: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(FlatminError);
        expect((e as FlatminError).path).toBe(path);
        return;
      }
      throw new Error(`no error for ${path}`);
    };
    err(bad(Int32Array.from([0, 5, 5])), 'loss.observed.index[2]');
    err(bad(Int32Array.from([0, 9, 3])), 'loss.observed.index[2]');
    err(bad(Int32Array.from([0, N * Mc])), 'loss.observed.index[1]');
    err(bad(Int32Array.from([-1, 2])), 'loss.observed.index[0]');
    err(bad(new Int32Array(0)), 'loss.observed.index');
    err(bad(Int32Array.from([1, 2]), Float64Array.from([1, NaN])), 'loss.observed.values[1]');
    err(bad(Int32Array.from([1, 2]), Float64Array.from([1])), 'loss.observed.values');
    err(bad(obs.index, obs.values, { M: new Float64Array(N * Mc) }), 'loss.M');
  });
});

describe('memory of a sparse session', () => {
  it('10⁴×10⁴, |Ω| = 10⁶, r = 10: the plan is the lists and θ-sized buffers (< 60 MB, no rows×cols buffer)', () => {
    const n = 10_000;
    const index = new Int32Array(1_000_000); // the plan reads only the sizes
    const input = { model: { kind: 'factorization' as const, n, m: n, r: 10 }, precision: 'f64' as const, lambda: 0, maxBatch: 64, labelNoise: true, anticorrelated: true,
      loss: { kind: 'completion' as const, M: new Float64Array(0), mask: [], observed: { index, values: new Float64Array(index.length) } } };
    const bytes = sessionBytes(input);
    expect(bytes).toBeLessThan(60e6);
    expect(bytes).toBeGreaterThan(index.length * (4 + 4 + 4 + 8 + 8 + 8)); // OBS, ORDER, CCOL, CVAL, LCLEAN, LNOISE
  });

  it('a 2000×2000 session with |Ω| = 4·10⁴ allocates and steps in a few MB of Wasm memory', async () => {
    const be = await getBackend('wasm');
    const n = 2000, r = 4, count = 40_000;
    const rnd = lcg(5);
    const set = new Set<number>();
    while (set.size < count) set.add(Math.floor((rnd() + 0.5) * n * n));
    const index = Int32Array.from([...set].sort((a, b) => a - b));
    const input: SessionInput = { model: { kind: 'factorization', n, m: n, r }, precision: 'f64', lambda: 0, maxBatch: 64,
      loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values: Float64Array.from(index, () => rnd()) } },
      theta: Float64Array.from({ length: 2 * n * r }, () => 0.1 * rnd()), rng: seedGaussian('mem') };
    expect(sessionBytes(input)).toBeLessThan(2e6);
    const s = be.session(input);
    expect(s.run(3, { lr: 0.1, scale: 1, scaleMul: 1 }).done).toBe(3);
    expect(s.run(50, { lr: 0.1, batch: 64, scale: 1, scaleMul: 1 }).done).toBe(50);
    s.dispose();
  });
});
