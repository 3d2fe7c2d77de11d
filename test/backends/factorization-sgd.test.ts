import { describe, expect, it } from 'vitest';
import type { FactorizationInput, NoisePlacement, StepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { allBackends, hex, inBothPrecisions, wasmBuilds } from '../helpers.js';
import { expectWasmMatchesReference, factorizationProblem } from './factorizationHelpers.js';

// Minibatch SGD on the two-factor model (completion and sensing): the SIMD build, the scalar build
// and the reference agree bit for bit — iterate, noise stream and sampler — and the sampler state
// is enough to resume mid-epoch.

function problem(
  n: number, m: number, r: number, seed: string, precision: Precision,
  loss: 'completion' | 'sensing', noise: NoisePlacement, batch: number | undefined, lambda = 0,
): FactorizationInput {
  return { ...factorizationProblem(n, m, r, seed, precision, loss, noise, lambda), batch };
}

const noisy: StepParams = { lr: 0.01, sigmaX: 0.1, sigmaY: 0.05, scale: 1, scaleMul: 0.9995 };
const plain: StepParams = { ...noisy, sigmaX: 0, sigmaY: 0 };

// 7×5 completion observes 23 entries, 9×7 sensing has 48 measurements: batch 5 leaves an uneven
// last batch in both (23 = 4·5 + 3, 48 = 9·5 + 3), batch 3 one in completion.
const CASES: Array<[string, (p: Precision) => FactorizationInput, StepParams]> = [
  ['completion 7×5 r2 batch 1 plain', (p) => problem(7, 5, 2, 'b1', p, 'completion', 'evaluation', 1), { ...plain, lr: 0.3 }],
  ['completion 7×5 r3 batch 3 perturbed + ridge', (p) => problem(7, 5, 3, 'b3', p, 'completion', 'evaluation', 3, 0.01), { ...noisy, lr: 0.3 }],
  ['completion 12×9 r5 batch 5 anticorrelated', (p) => problem(12, 9, 5, 'b5', p, 'completion', 'anticorrelated', 5), { ...noisy, lr: 0.2 }],
  ['completion 7×5 r1 batch 5 Langevin', (p) => problem(7, 5, 1, 'bl', p, 'completion', 'update', 5), { ...noisy, lr: 0.2, sigmaX: 0.01, sigmaY: 0.01 }],
  ['sensing 9×7 r2 batch 1 plain', (p) => problem(9, 7, 2, 's1', p, 'sensing', 'evaluation', 1), { ...plain, lr: 0.02 }],
  ['sensing 9×7 r3 batch 3 perturbed', (p) => problem(9, 7, 3, 's3', p, 'sensing', 'evaluation', 3), { ...noisy, lr: 0.02 }],
  ['sensing 9×7 r5 batch 5 anticorrelated + ridge', (p) => problem(9, 7, 5, 's5', p, 'sensing', 'anticorrelated', 5, 0.02), { ...noisy, lr: 0.02 }],
  ['sensing 10×6 r2 batch 5 Langevin', (p) => problem(10, 6, 2, 'sl', p, 'sensing', 'update', 5), { ...noisy, lr: 0.02, sigmaX: 0.01, sigmaY: 0.01 }],
];
const CONFIGS = inBothPrecisions(CASES);

describe.each(wasmBuilds)('%s and reference agree bit for bit under minibatch SGD', (_label, makeWasm) => {
  it.each(CONFIGS)('%s: 400 steps give identical X, Y, RNG, sampler and ξ_{t−1}', (_name, input, params) =>
    expectWasmMatchesReference(makeWasm, input, params, [1, 7, 392], (a, b) => expect(a.sampler()).toEqual(b.sampler())));
});

describe.each(allBackends)('%s backend, minibatch SGD', (_name, backend) => {
  it('batch = all (or more) is the full sum bit for bit, and a smaller batch is not', async () => {
    for (const loss of ['completion', 'sensing'] as const) {
      const N = loss === 'completion' ? 23 : 48;
      const out: string[] = [];
      for (const batch of [undefined, N, N + 4, 4]) {
        const s = (await backend()).factorization(problem(7, 5, 2, 'all', 'f64', loss, 'evaluation', batch));
        s.setSampler({ order: Int32Array.of(2, 1, 0), pos: 1 }); // ignored without minibatches
        s.run(50, { ...noisy, lr: 0.05 });
        out.push(hex(s.theta()));
        s.dispose();
      }
      expect(out.slice(1, 3)).toEqual([out[0], out[0]]);
      expect(out[3]).not.toBe(out[0]);
    }
  });

  it('resumes mid-epoch to the same bits from (θ, rng, sampler, ξ_{t−1})', async () => {
    for (const loss of ['completion', 'sensing'] as const) {
      const input = problem(7, 5, 3, 'resume', 'f64', loss, 'anticorrelated', 3);
      const s = (await backend()).factorization(input);
      s.run(5, noisy); // 15 of 23 (48) entries used: mid-epoch
      const saved = { theta: s.theta(), rng: s.rng(), prev: s.prevNoise(), sampler: s.sampler() };
      expect(saved.sampler.pos).toBe(15);
      s.run(40, noisy);
      const after = hex(s.theta());
      const t = (await backend()).factorization({ ...input, theta: saved.theta, rng: saved.rng });
      t.setPrevNoise(saved.prev);
      t.setSampler(saved.sampler);
      t.run(40, noisy);
      expect(hex(t.theta())).toBe(after);
      expect(t.sampler()).toEqual(s.sampler());
      // Without the sampler the continuation reshuffles and differs: it really is state.
      const u = (await backend()).factorization({ ...input, theta: saved.theta, rng: saved.rng });
      u.setPrevNoise(saved.prev);
      u.run(40, noisy);
      expect(hex(u.theta())).not.toBe(after);
      for (const x of [s, t, u]) x.dispose();
    }
  });

  it('each epoch visits every observed entry once: the sampler is a permutation', async () => {
    const s = (await backend()).factorization(problem(7, 5, 2, 'perm', 'f64', 'completion', 'evaluation', 3));
    s.run(1, plain);
    const { order, pos } = s.sampler();
    expect(pos).toBe(3);
    const mask = Array.from({ length: 35 }, (_, k) => k % 3 !== 1);
    expect(Array.from(order).sort((x, y) => x - y)).toEqual(mask.flatMap((o, k) => (o ? [k] : [])));
    s.dispose();
  });
});
