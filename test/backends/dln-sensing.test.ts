import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { DlnInput, DlnStepParams } from '../../src/backends/types.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { gaussians, seedGaussian } from '../../src/random/gaussian.js';
import { allBackends, lcg, wasmBuilds } from '../helpers.js';
import { expectSameDlnState } from './sessionChecks.js';

/** A deep sensing instance: M (d_out × d_in) with entries in (−½, ½), N measurements by the two-factor set-up. */
function instance(dims: number[], N: number, seed: number, scale = 0.4, lambda = 0.01): DlnInput {
  const rnd = lcg(seed);
  const L = dims.length - 1;
  const size = dims[0] * dims[L];
  const M = Float64Array.from({ length: size }, rnd);
  return {
    dims, M, lambda,
    mask: new Array(size).fill(1),
    theta: Float64Array.from({ length: layerOffsets(dims)[L] }, () => scale * rnd()),
    rng: seedGaussian(`dln-sensing${seed}`),
    sensing: buildMeasurements(seed, N, M),
  };
}

// Depth 2 and 3 (odd sizes: the gemm tiles' leftover paths), batch 1, 4 (N = 30 and 23: a short last
// batch) and all measurements.
const CASES: Array<[string, DlnInput, DlnStepParams]> = [2, 3].flatMap((depth) => {
  const dims = depth === 2 ? [5, 3, 6] : [7, 5, 5, 9];
  const N = depth === 2 ? 30 : 23;
  return ([1, 4, 'full'] as const).map((batch, i) => [
    `depth ${depth}, ${dims.at(-1)}×${dims[0]}, N = ${N}, batch ${batch}`, instance(dims, N, 10 * depth + i), { lr: batch === 1 ? 0.01 : 0.05, batch },
  ] as [string, DlnInput, DlnStepParams]);
});

describe.each(wasmBuilds)('%s and reference agree bit for bit on deep sensing', (_label, makeWasm) => {
  it.each(CASES)('%s: 200 steps in uneven chunks', async (_name, input, params) => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const a = wasm.dln(input);
    const b = ref.dln(input);
    try {
      for (const chunk of [1, 37, 162]) {
        const done = a.run(chunk, params);
        expect(done).toEqual({ done: chunk }); // stays finite: the comparison is not of frozen states
        expect(b.run(chunk, params)).toEqual(done);
        expect(a.sampler().pos).toBe(b.sampler().pos);
      }
      expectSameDlnState(a, b);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe.each(allBackends)('%s backend, deep sensing', (_name, backend) => {
  it('one full-batch step is −lr times the finite-difference gradient of the sensing loss (ridge included)', async () => {
    const input = instance([4, 3, 3, 5], 17, 3, 0.5, 0.02);
    const be = await backend();
    const probe = be.dln(input);
    const lr = 1e-3;
    probe.run(1, { lr, batch: 'full' });
    const step = probe.theta();
    probe.dispose();
    const h = 1e-6;
    for (let k = 0; k < input.theta.length; k += 5) {
      const at = (d: number) => {
        const t = Float64Array.from(input.theta);
        t[k] += d;
        const s = be.dln({ ...input, theta: t });
        const v = s.loss();
        s.dispose();
        return v;
      };
      const g = (at(h) - at(-h)) / (2 * h);
      expect((input.theta[k] - step[k]) / lr).toBeCloseTo(g, 5);
    }
  });

  it('batches are drawn from the measurement numbers: an epoch of batch 1 visits each once', async () => {
    const input = instance([5, 3, 6], 11, 4);
    const s = (await backend()).dln(input);
    s.run(1, { lr: 0.01, batch: 1 });
    expect(Array.from(s.sampler().order).sort((x, y) => x - y)).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(s.sampler().pos).toBe(1);
    s.dispose();
  });

  it('depth 2 from a small init fits a rank-2 12×12 target from 120 measurements: the loss falls 100×', async () => {
    const n = 12;
    const g = gaussians(4 * n, seedGaussian('rank2'));
    const M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = (g[i] * g[2 * n + j] + g[n + i] * g[3 * n + j]) / 3;
    const dims = [n, n, n];
    const theta = gaussians(layerOffsets(dims)[2], seedGaussian('small-init'));
    for (let k = 0; k < theta.length; k++) theta[k] *= 0.05;
    const s = (await backend()).dln({
      dims, M, mask: new Array(n * n).fill(1), lambda: 0, theta, rng: seedGaussian(1), sensing: buildMeasurements(7, 120, M),
    });
    const before = s.loss();
    expect(s.run(1500, { lr: 0.1, batch: 'full' }).done).toBe(1500);
    expect(s.loss()).toBeLessThan(before / 100);
    expect(s.testError()).toBeLessThan(0.1);
    s.dispose();
  });
});
