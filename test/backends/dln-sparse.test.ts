import { describe, expect, it } from 'vitest';
import { getBackend, sessionBytes } from '../../src/backends/index.js';
import { SLOT, deepSparseWorkLength, sessionPlan } from '../../src/backends/memory.js';
import { residualOf } from '../../src/backends/reference/losses.js';
import { deepLinearModel } from '../../src/backends/reference/models/deepLinear.js';
import type { SessionInput } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { roundOf } from '../../src/math/round.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { epochStart } from '../../src/random/permutation.js';
import { hex, lcg, wasmBuilds } from '../helpers.js';
import { everyNoisePhases, layerSigmas } from './deepPhases.js';
import { expectBothBackendsReach, expectResumes, expectSamePhases } from './sessionChecks.js';

// The deep model's completion from the observed lists (assembly/models/deepSparse.ts, reference
// models/deepLinear.ts deepLinearSparse): both Wasm builds match the reference bit for bit (f64,
// f32; depth 2–4; full sums and minibatches; every noise kind), the bits are the old dense path's
// (W = P_L, R on the batch, the dense backward) with signed zeros in θ and empty rows and columns
// of the mask, and the session holds no d_L × d_0 buffer.

const DIMS = [[13, 5, 17], [13, 5, 4, 17], [9, 4, 3, 4, 11]];

function problem(dims: number[], precision: Precision, opts: Partial<SessionInput> = {}): SessionInput {
  const rnd = lcg(dims.length * 7 + dims[0]);
  const [cols, rows] = [dims[0], dims[dims.length - 1]];
  const total = layerOffsets(dims)[dims.length - 1];
  const M = Float64Array.from({ length: rows * cols }, rnd);
  const mask = Array.from({ length: rows * cols }, (_, k) => ((k * 7) % 5 < 2 ? 1 : 0));
  for (let j = 0; j < cols; j++) mask[2 * cols + j] = 0; // an empty row of W
  for (let i = 0; i < rows; i++) mask[i * cols + 3] = 0; // an empty column
  const theta = Float64Array.from({ length: total }, () => 0.6 * rnd());
  theta[1] = -0; // signed zeros in W_1 and in the last layer, where the sparse products read them
  theta[2] = 0;
  theta[total - 1] = -0;
  theta[total - 5] = 0;
  return {
    model: { kind: 'deep-linear', dims }, precision, loss: { kind: 'completion', M, mask }, lambda: 0, maxBatch: 9,
    anticorrelated: true, labelNoise: true, theta, rng: seedGaussian(`dln-sparse-${dims.length}`), ...opts,
  };
}

describe.each(wasmBuilds)('%s: deep completion from the observed lists against the reference', (_, wasm) => {
  for (const precision of ['f64', 'f32'] as const) {
    for (const dims of DIMS) {
      it(`${precision} depth ${dims.length - 1}, λ = 0 and 0.03, every noise kind: same bits`, async () => {
        const [w, ref] = [await wasm(), await getBackend('reference')];
        for (const lambda of [0, 0.03]) {
          expectSamePhases(w, ref, problem(dims, precision, { lambda }), everyNoisePhases(dims.length - 1), [3, 1, 4]);
        }
      });
    }
  }
});

/**
 * The old dense path, written out with the reference's dense model and loss: W = P_L, R = rd(2/|B|)
 * (W − M) on the batch (+0 elsewhere), the dense backward, then θ − rd(lr)·(∇ + rd(2λ)·θ).
 */
function denseRun(input: SessionInput, steps: number, lr: number, batch: number): Float64Array {
  const rd = roundOf(input.precision);
  if (input.loss.kind !== 'completion' || input.model.kind !== 'deep-linear') throw new Error('deep completion expected');
  const { mask } = input.loss;
  const nm = mask.length;
  const M = input.loss.M.map((v, k) => (mask[k] !== 0 ? rd(v) : 0));
  const model = deepLinearModel(input.model.dims, rd);
  const residual = residualOf({ kind: 'completion', M, mask }, nm, rd);
  const obs = Int32Array.from(Array.from(mask, (v, k) => (v !== 0 ? k : -1)).filter((k) => k >= 0));
  const theta = input.theta.map(rd);
  const rng = Int32Array.from(input.rng);
  const order = Int32Array.from(obs);
  let pos = order.length;
  const g = new Float64Array(theta.length);
  const lrT = rd(lr), tl = rd(2 * input.lambda);
  for (let t = 0; t < steps; t++) {
    let [lo, size] = [0, 0];
    if (batch > 0) {
      pos = epochStart(order, obs, pos, rng);
      [lo, size] = [pos, Math.min(batch, obs.length - pos)];
      pos += size;
    }
    model.backward(theta, residual(model.forward(theta), order, lo, size), g);
    for (let k = 0; k < theta.length; k++) theta[k] = rd(theta[k] - rd(lrT * rd(g[k] + rd(tl * theta[k]))));
  }
  return theta;
}

describe('deep completion from the lists keeps the dense path\'s bits', () => {
  for (const precision of ['f64', 'f32'] as const) {
    for (const dims of DIMS) {
      it(`${precision} depth ${dims.length - 1}: full and batch-5 GD, λ = 0 and 0.02, equal the dense gemm path`, async () => {
        for (const [lambda, batch] of [[0, 0], [0.02, 0], [0, 5], [0.02, 5]]) {
          const input = problem(dims, precision, { lambda });
          await expectBothBackendsReach(hex(denseRun(input, 30, 0.2, batch)), input, 30, { lr: 0.2, batch: batch || undefined, scale: 1, scaleMul: 1 });
        }
      });
    }
  }
});

describe.each([['wasm'], ['reference']] as const)('%s: a resumed deep completion session', (name) => {
  it('θ, RNG lanes, ξ_{t−1} and the epoch position carry the run on with the same bits (f32, batch 4)', async () => {
    expectResumes(await getBackend(name), problem(DIMS[1], 'f32'), { lr: 0.1, batch: 4, noise: { kind: 'anticorrelated', sigma: layerSigmas(3, 0.03) }, scale: 1, scaleMul: 1 });
  });
});

describe('a deep completion batch works on its columns', () => {
  it('observed entries in two columns only (batches of one or two columns, many rows): the dense path\'s bits', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      for (const dims of [DIMS[0], DIMS[2]]) {
        const base = problem(dims, precision, { lambda: 0.01 });
        if (base.loss.kind !== 'completion') throw new Error('completion expected');
        const cols = dims[0];
        const mask = Array.from({ length: base.loss.mask.length }, (_, k) => (k % cols === 1 || k % cols === cols - 2 ? 1 : 0));
        const input: SessionInput = { ...base, loss: { ...base.loss, mask } };
        await expectBothBackendsReach(hex(denseRun(input, 25, 0.2, 3)), input, 25, { lr: 0.2, batch: 3, scale: 1, scaleMul: 1 });
      }
    }
  });
});

describe('deep completion memory', () => {
  const d = 2000, w = 20;
  const dims = [d, w, w, d];
  const nObs = 40_000;
  const index = Int32Array.from({ length: nObs }, (_, p) => p * 100 + (p % 97)); // ascending, spread over rows and columns
  const input: SessionInput = {
    model: { kind: 'deep-linear', dims }, precision: 'f64', lambda: 0, maxBatch: 64, labelNoise: true,
    loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values: Float64Array.from(index, (e) => Math.sin(e)) } },
    theta: Float64Array.from({ length: layerOffsets(dims)[3] }, (_, k) => 0.05 * Math.cos(k)), rng: seedGaussian('dln-sparse-memory'),
  };

  it('the plan has no d_L × d_0 buffer (no M, W or R; WORK without P_L), sized by |Ω| and w·d_0', () => {
    const plan = sessionPlan(input);
    for (const slot of [SLOT.M, SLOT.W, SLOT.R]) expect(plan.find((b) => b.slot === slot)).toBeUndefined();
    expect(plan.find((b) => b.slot === SLOT.WORK)!.length).toBe(deepSparseWorkLength(dims));
    expect(plan.find((b) => b.slot === SLOT.CJ)!.length).toBe(64); // a batch's columns
    expect(deepSparseWorkLength(dims)).toBe(w * d /* P_2 */ + w * d /* H_2 */ + w * d /* T */ + d * w /* G */);
    expect(Math.max(...plan.map((b) => b.length))).toBeLessThan(d * d / 20);
    // M, R and P_L were 4·10⁶ entries, 32 MB each; now θ's copies (1.9 MB), WORK (1.3 MB) and the lists
    expect(sessionBytes(input)).toBeLessThan(6 * 2 ** 20);
  });

  it('a 2000×2000 width-20 session runs full and batch steps, and its end-to-end W is formed on request', async () => {
    const s = (await getBackend('wasm')).session(input);
    expect(s.run(2, { lr: 0.05, scale: 1, scaleMul: 1 }).done).toBe(2);
    expect(s.run(3, { lr: 0.05, batch: 64, noise: { kind: 'label', sigma: [0.01, 0, 0] }, scale: 1, scaleMul: 1 }).done).toBe(3);
    const W = s.endToEnd();
    expect(W.length).toBe(d * d);
    expect(W.every(Number.isFinite)).toBe(true);
    s.dispose();
  });
});
