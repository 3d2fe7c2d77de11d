import { expect } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { Backend, FactorizationInput, FactorizationLoss, FactorizationSession, NoisePlacement, StepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { hex, lcg } from '../helpers.js';

// The two-factor instances and the Wasm-against-reference run shared by the suites of the legacy
// factorization() input's losses, noise placements and minibatches (factorization-variants and
// factorization-sgd).

/**
 * A two-factor instance: M with entries in (−½, ½), θ = [X | Y] half that size, seeded by `seed`;
 * the loss is the full target, completion with every third entry unobserved, or sensing with
 * 3(n + m) measurements.
 */
export function factorizationProblem(
  n: number, m: number, r: number, seed: string, precision: Precision,
  loss: FactorizationLoss['kind'], noise: NoisePlacement, lambda = 0,
): FactorizationInput {
  const rnd = lcg(seed.length * 7919 + n * 31 + m);
  const M = Float64Array.from({ length: n * m }, rnd);
  const lossInput: FactorizationLoss =
    loss === 'full' ? { kind: 'full' }
      : loss === 'completion' ? { kind: 'completion', mask: Array.from({ length: n * m }, (_, k) => (k % 3 === 1 ? 0 : 1)) }
        : { kind: 'sensing', ...buildMeasurements(seed, 3 * (n + m), M) };
  return {
    n, m, r, precision, M,
    theta: Float64Array.from({ length: (n + m) * r }, () => 0.5 * rnd()),
    rng: seedGaussian(seed),
    loss: lossInput, noise, lambda,
  };
}

/**
 * A Wasm build and the reference run `input` chunk by chunk (uneven chunks: the boundaries must not
 * matter): each chunk's outcome is the same and runs every step, and the noise scale carries over;
 * at the end θ, the RNG lanes and ξ_{t−1} are the same bits. `eachChunk` adds checks after each chunk.
 */
export async function expectWasmMatchesReference(
  makeWasm: () => Promise<Backend>, input: FactorizationInput, params: StepParams, chunks: number[],
  eachChunk?: (a: FactorizationSession, b: FactorizationSession) => void,
): Promise<void> {
  const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
  const a = wasm.factorization(input);
  const b = ref.factorization(input);
  try {
    for (const chunk of chunks) {
      const oa = a.run(chunk, params);
      expect(oa).toEqual(b.run(chunk, params));
      expect(oa.done).toBe(chunk);
      params = { ...params, scale: oa.scale };
      eachChunk?.(a, b);
    }
    expect(hex(a.theta())).toBe(hex(b.theta()));
    expect(Array.from(a.rng())).toEqual(Array.from(b.rng()));
    expect(hex(a.prevNoise())).toBe(hex(b.prevNoise()));
  } finally {
    a.dispose();
    b.dispose();
  }
}
