import { describe, expect, it } from 'vitest';
import { getBackend, sessionBytes } from '../../src/backends/index.js';
import type { Backend, NoiseKind, Session, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import type { Precision } from '../../src/config/types.js';
import { FlatminError } from '../../src/errors.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { hex, lcg, wasmBuilds } from '../helpers.js';

// The factored target M = A Bᵀ (loss kind "factored", LOSS_FACTORED = 3): the Wasm SIMD build, the
// scalar build and the reference agree bit for bit in f64 and f32 over every noise kind it takes
// (label noise is rejected: it perturbs entries of M, which is never formed), with and without
// ridge; and it agrees with the dense target M = A Bᵀ to rounding.

const [n, m, r, k] = [9, 7, 3, 2];

function factored(precision: Precision, lambda: number, seed = 1, [n, m, r, k] = [9, 7, 3, 2]): SessionInput {
  const rnd = lcg(seed);
  const A = Float64Array.from({ length: n * k }, rnd);
  const B = Float64Array.from({ length: m * k }, rnd);
  return {
    model: { kind: 'factorization', n, m, r }, precision, loss: { kind: 'factored', A, B, k }, lambda, anticorrelated: true,
    theta: Float64Array.from({ length: (n + m) * r }, () => 0.8 * rnd()), rng: seedGaussian('factored'),
  };
}

/** The same problem with M = A Bᵀ formed densely (in f64). */
function dense(input: SessionInput): SessionInput {
  if (input.loss.kind !== 'factored') throw new Error('not factored');
  const { A, B } = input.loss;
  const M = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) for (let c = 0; c < k; c++) M[i * m + j] += A[i * k + c] * B[j * k + c];
  return { ...input, loss: { kind: 'full', M } };
}

const PHASES: Array<[NoiseKind, SessionStepParams]> = [
  ['perturbed', { lr: 0.05, noise: { kind: 'perturbed', sigma: [0.02, 0.03] }, scale: 1, scaleMul: 0.99 }],
  ['anticorrelated', { lr: 0.04, noise: { kind: 'anticorrelated', sigma: [0.02, 0.01] }, scale: 1, scaleMul: 1 }],
  ['langevin', { lr: 0.05, noise: { kind: 'langevin', sigma: [0.01, 0.01] }, scale: 1, scaleMul: 1 }],
  ['sam', { lr: 0.05, noise: { kind: 'sam', sigma: [0.05, 0.05] }, scale: 1, scaleMul: 1 }],
  ['asam', { lr: 0.05, noise: { kind: 'asam', sigma: [0.05, 0.05] }, scale: 1, scaleMul: 1 }],
  ['annealed', { lr: 0.05, noise: { kind: 'annealed', sigma: [0.02, 0.02], gamma: 0.55 }, step: 3, scale: 1, scaleMul: 1 }],
];

function drive(s: Session): string {
  const parts: string[] = [];
  for (const [, p] of PHASES) {
    const out = s.run(7, p);
    parts.push(`${out.done}:${out.scale}:${hex(s.theta())}`);
  }
  parts.push(hex(Int32Array.from(s.rng()) as unknown as Float64Array), hex(s.prevNoise()), String(s.fullLoss()));
  return parts.join('|');
}

describe.each(wasmBuilds)('factored target: %s', (_name, make) => {
  // 9×7 r3 k2 and 13×10 r5 k6: leftover rows and every column-edge tile of the gemm kernels.
  it.each([
    ['f64', 0, [9, 7, 3, 2]], ['f32', 0, [9, 7, 3, 2]], ['f64', 0.01, [9, 7, 3, 2]], ['f32', 0.01, [9, 7, 3, 2]],
    ['f64', 0.01, [13, 10, 5, 6]], ['f32', 0, [13, 10, 5, 6]],
  ] as Array<[Precision, number, [number, number, number, number]]>)('%s λ=%s %j matches the reference bit for bit over every noise kind', async (precision, lambda, dims) => {
    const [wasm, ref] = [await make(), await getBackend('reference')];
    const input = factored(precision, lambda, 1, dims);
    const a = wasm.session(input);
    const b = ref.session(input);
    expect(drive(a)).toBe(drive(b));
    a.dispose();
  });
});

describe('factored target', () => {
  it('agrees with the dense target A Bᵀ to rounding (a different summation order: not bits)', async () => {
    const ref = await getBackend('reference');
    for (const [, p] of PHASES) {
      const input = factored('f64', 0.01, 3);
      const f = ref.session(input);
      const d = ref.session(dense(input));
      f.run(20, p);
      d.run(20, p);
      const [x, y] = [f.theta(), d.theta()];
      // 20 steps of O(1) entries, each product a few ulps apart: well inside 1e-12 absolute.
      for (let e = 0; e < x.length; e++) expect(Math.abs(x[e] - y[e])).toBeLessThan(1e-12);
      expect(Math.abs(f.fullLoss() - d.fullLoss())).toBeLessThan(1e-13 * Math.max(1, d.fullLoss()));
    }
  });

  it('rejects label noise and names the field; endToEnd is an error, not an n×m matrix', async () => {
    const backends: Backend[] = [await getBackend('reference'), await getBackend('wasm')];
    for (const be of backends) {
      expect(() => be.session({ ...factored('f64', 0), labelNoise: true })).toThrow(/label noise perturbs the entries of M/);
      const bad = factored('f64', 0);
      (bad.loss as { A: Float64Array }).A = new Float64Array(3);
      expect(() => be.session(bad)).toThrow(FlatminError);
      expect(() => be.session(bad)).toThrow(/loss\.A/);
      const s = be.session(factored('f64', 0));
      expect(() => s.endToEnd()).toThrow(/never forms the n×m matrix/);
      s.dispose();
    }
  });

  it('plans O((n + m)·(r + k)) memory: no M, Mᵀ, W or R', () => {
    const big = { model: { kind: 'factorization' as const, n: 10_000, m: 10_000, r: 10 }, precision: 'f64' as const, lambda: 0,
      loss: { kind: 'factored' as const, A: { length: 100_000 } as Float64Array, B: { length: 100_000 } as Float64Array, k: 10 } };
    // θ, NEXT, P (3·2e5), A, B (2e5), WORK (2e5 + 400) doubles ≈ 8.0 MB
    expect(sessionBytes(big)).toBeLessThan(8.1e6);
  });
});
