import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { FactorizationInput, StepParams } from '../../src/backends/types.js';
import { instantiateCore, loadCore, simdSupported } from '../../src/backends/wasm/loader.js';
import type { Precision } from '../../src/config/types.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { allBackends, hex, inBothPrecisions, instantiateBuild, lcg, scalarBackend, wasmBuilds } from '../helpers.js';

function problem(n: number, m: number, r: number, seed: number | string, scale = 0.5, precision: Precision = 'f64'): FactorizationInput {
  const rnd = lcg(typeof seed === 'number' ? seed : seed.length * 7919);
  return {
    n, m, r, precision,
    M: Float64Array.from({ length: n * m }, rnd),
    theta: Float64Array.from({ length: (n + m) * r }, () => scale * rnd()),
    rng: seedGaussian(seed),
  };
}

const noisy: StepParams = { lr: 0.01, sigmaX: 0.1, sigmaY: 0.05, scale: 1, scaleMul: 0.9995 };
const plain: StepParams = { lr: 0.02, sigmaX: 0, sigmaY: 0, scale: 1, scaleMul: 1 };

// The contract: same input → same bits, in f64 and in f32. Shapes cover r = 1 (no SIMD pair), odd r
// (SIMD vectors plus a scalar tail), r = 4 and 8 (whole f64/f32 tiles), r = 12 (tiles plus an f32
// half tile), wide and tall, r > min(n, m), and fills that end inside a Gaussian group.
const SHAPES: Array<[string, (p: Precision) => FactorizationInput, StepParams]> = [
  ['30×20 r3 perturbed', (p) => problem(30, 20, 3, 'a', 0.5, p), noisy],
  ['20×30 r1 perturbed', (p) => problem(20, 30, 1, 'b', 0.5, p), { ...noisy, sigmaX: 0.2 }],
  ['25×25 r4 plain GD', (p) => problem(25, 25, 4, 'c', 0.5, p), plain],
  ['40×10 r5 one-sided noise', (p) => problem(40, 10, 5, 'd', 0.5, p), { ...noisy, sigmaY: 0 }],
  ['7×3 r6 over-parameterized', (p) => problem(7, 3, 6, 'e', 0.5, p), { ...noisy, lr: 0.005 }],
  ['33×17 r8 perturbed', (p) => problem(33, 17, 8, 'g', 0.3, p), { ...noisy, lr: 0.004 }],
  ['18×21 r12 perturbed', (p) => problem(18, 21, 12, 'h', 0.3, p), { ...noisy, lr: 0.003 }],
  ['1×1 r1', (p) => problem(1, 1, 1, 'f', 0.5, p), noisy],
  // n, m > 256: the GEMM's K-blocked path (partial sums parked in C) and the Gram mirror with it.
  ['300×20 r4 perturbed (K blocks)', (p) => problem(300, 20, 4, 'k', 0.1, p), { ...noisy, lr: 0.001 }],
  ['12×260 r8 perturbed (K blocks)', (p) => problem(12, 260, 8, 'l', 0.1, p), { ...noisy, lr: 0.001 }],
];
const CONFIGS = inBothPrecisions(SHAPES);

// The scalar fallback build (for engines without Wasm SIMD) must give the same bits too.
describe.each(wasmBuilds)('%s and reference agree bit for bit', (_label, makeWasm) => {
  it.each(CONFIGS)('%s: 1 000 steps give identical X, Y and RNG state', { timeout: 30_000 }, async (_name, input, params) => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const a = wasm.factorization(input);
    const b = ref.factorization(input);
    try {
      // Uneven chunks: chunk boundaries must not matter.
      for (const chunk of [1, 99, 400, 500]) {
        const oa = a.run(chunk, params);
        const ob = b.run(chunk, params);
        expect(oa).toEqual(ob);
        params = { ...params, scale: oa.scale };
      }
      expect(hex(a.theta())).toBe(hex(b.theta()));
      expect(Array.from(a.rng())).toEqual(Array.from(b.rng()));
      expect(a.loss()).toBe(b.loss());
      expect(a.norms()).toEqual(b.norms());
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe.each(allBackends)('%s backend', (_name, backend) => {
  it('plain GD decreases the loss and draws no noise', async () => {
    const s = (await backend()).factorization(problem(12, 9, 2, 'gd'));
    const rng0 = s.rng();
    const l0 = s.loss();
    s.run(500, plain);
    expect(s.loss()).toBeLessThan(0.5 * l0);
    expect(Array.from(s.rng())).toEqual(Array.from(rng0));
    s.dispose();
  });

  it('a step that would be non-finite is not applied', async () => {
    const input = problem(6, 5, 2, 'blow', 3);
    const s = (await backend()).factorization(input);
    const out = s.run(1000, { ...plain, lr: 50 });
    expect(out.done).toBeLessThan(1000);
    const theta = s.theta();
    expect(theta.every(Number.isFinite)).toBe(true);
    // The session stays usable after the failure.
    s.setTheta(input.theta);
    expect(s.run(10, plain).done).toBe(10);
    s.dispose();
  });

  it('the noise scale follows scale·mul^t', async () => {
    const s = (await backend()).factorization(problem(4, 3, 1, 'sched'));
    let scale = 0.8;
    for (let i = 0; i < 10; i++) scale *= 0.5;
    expect(s.run(10, { ...noisy, scale: 0.8, scaleMul: 0.5 }).scale).toBe(scale);
    s.dispose();
  });

  it('setTheta/setRng restore a state exactly (checkpoint primitive)', async () => {
    const s = (await backend()).factorization(problem(10, 8, 3, 'ckpt'));
    s.run(100, noisy);
    const theta = s.theta();
    const rng = s.rng();
    s.run(200, noisy);
    const after = hex(s.theta());
    s.setTheta(theta);
    s.setRng(rng);
    s.run(200, noisy);
    expect(hex(s.theta())).toBe(after);
    s.dispose();
  });
});

describe('wasm loading', () => {
  it('detects SIMD (on in every engine this suite runs on) and loads the SIMD build by default', async () => {
    expect(simdSupported()).toBe(true);
    const core = await loadCore();
    const simd = await instantiateBuild('simd');
    expect(Object.keys(core).sort()).toEqual(Object.keys(simd).sort());
    const scalar = await scalarBackend();
    expect(typeof scalar.factorization).toBe('function');
  });

  it('a bad source is a typed WASM error, and loading recovers afterwards', async () => {
    await expect(instantiateCore(new Uint8Array([0, 1, 2, 3]))).rejects.toMatchObject({ code: 'WASM' });
    await expect(loadCore(new Uint8Array([0, 1, 2, 3]))).rejects.toMatchObject({ code: 'WASM' });
    const core = await loadCore();
    expect(core.memory).toBeInstanceOf(WebAssembly.Memory);
  });
});

describe('wasm memory', () => {
  it('does not grow over many runs and sessions; disposing frees the buffers', async () => {
    const core = await loadCore();
    const wasm = await getBackend('wasm');
    const warm = wasm.factorization(problem(64, 48, 4, 'warm'));
    warm.run(10, noisy);
    warm.dispose();
    const before = core.memory.buffer.byteLength;
    for (let i = 0; i < 300; i++) {
      const s = wasm.factorization(problem(64, 48, 4, i));
      s.run(20, noisy);
      s.dispose();
    }
    expect(core.memory.buffer.byteLength).toBe(before);
    // One long run: 10⁶ steps in record-sized chunks, no growth either.
    const long = wasm.factorization(problem(6, 5, 2, 'long'));
    for (let i = 0; i < 1000; i++) expect(long.run(1000, { ...noisy, lr: 1e-3 }).done).toBe(1000);
    long.dispose();
    expect(core.memory.buffer.byteLength).toBe(before);
    // A freed block is reused: the next allocation of the same size lands at the same address.
    const p = core.alloc(1 << 16);
    core.free(p);
    const q = core.alloc(1 << 16);
    core.free(q);
    expect(q).toBe(p);
  });

  it('a disposed session refuses to run', async () => {
    const s = (await getBackend('wasm')).factorization(problem(3, 3, 1, 'x'));
    s.dispose();
    expect(() => s.run(1, noisy)).toThrow(/disposed/);
  });
});
