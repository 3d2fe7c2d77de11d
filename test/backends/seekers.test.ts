import { describe, expect, it } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { DataLoss, ModelShape, NoiseKind, Precision, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { exp, log } from '../../src/math/detmath.js';
import { gaussians, seedGaussian } from '../../src/random/gaussian.js';
import { hex, inBothPrecisions, lcg, wasmBuilds } from '../helpers.js';

// The flat-minimum seekers of the one step skeleton (SAM, ASAM, label noise, annealed noise): the
// Wasm builds and the reference agree bit for bit on every model and loss, in both precisions.

function input(model: ModelShape, lossKind: DataLoss['kind'], seed: number, precision: Precision, batch?: number): SessionInput {
  const rnd = lcg(seed);
  const dims = model.kind === 'deep-linear' ? model.dims : []; // the models here: two-factor and deep
  const rows = model.kind === 'factorization' ? model.n : dims[dims.length - 1];
  const cols = model.kind === 'factorization' ? model.m : dims[0];
  const total = model.kind === 'factorization' ? (model.n + model.m) * model.r : dims.slice(1).reduce((s, d, l) => s + d * dims[l], 0);
  const M = Float64Array.from({ length: rows * cols }, () => rnd() - 0.5);
  const loss: DataLoss = lossKind === 'full' ? { kind: 'full', M }
    : lossKind === 'completion' ? { kind: 'completion', M, mask: Array.from({ length: rows * cols }, (_, k) => (k % 3 === 1 ? 0 : 1)) }
    : { kind: 'sensing', ...buildMeasurements(seed, 17, M) };
  return {
    model, precision, loss, lambda: 0.01,
    theta: Float64Array.from({ length: total }, () => 0.5 * (rnd() - 0.5)),
    rng: seedGaussian(`seekers${seed}`),
    labelNoise: true,
    ...(batch !== undefined ? { maxBatch: batch } : {}),
  };
}

const two: ModelShape = { kind: 'factorization', n: 7, m: 5, r: 3 };
const deep: ModelShape = { kind: 'deep-linear', dims: [5, 4, 3, 6] };

type Case = [string, (p: Precision) => SessionInput, SessionStepParams];
const noise = (kind: NoiseKind, s: number, blocks: number, gamma?: number) => ({ kind, sigma: new Array(blocks).fill(s), ...(gamma !== undefined ? { gamma } : {}) });
const CASES: Case[] = [];
for (const [mname, model, nb] of [['two-factor', two, 2], ['deep', deep, 3]] as const) {
  for (const lossKind of ['full', 'completion', 'sensing'] as const) {
    const batch = lossKind === 'full' ? undefined : 4;
    for (const [kind, s, gamma] of [['sam', 0.05], ['asam', 0.2], ['label', 0.1], ['annealed', 0.02, 0.55]] as const) {
      for (const b of batch === undefined ? [undefined] : [undefined, batch]) {
        CASES.push([`${mname} ${lossKind}${b ? ` batch ${b}` : ''} ${kind}`, (p) => input(model, lossKind, CASES.length + 1, p, b),
          { lr: 0.05, ...(b ? { batch: b } : {}), noise: noise(kind, s, nb, gamma), scale: 1, scaleMul: 0.999 }]);
      }
    }
  }
}

describe.each(wasmBuilds)('%s and reference agree bit for bit on the seekers', (_label, makeWasm) => {
  it.each(inBothPrecisions(CASES))('%s: 60 steps in uneven chunks', async (_name, inp, params) => {
    const [wasm, ref] = await Promise.all([makeWasm(), getBackend('reference')]);
    const a = wasm.session(inp);
    const b = ref.session(inp);
    try {
      let step = 0;
      for (const chunk of [1, 22, 37]) {
        const p = { ...params, step };
        const out = a.run(chunk, p);
        expect(out.done).toBe(chunk); // stays finite: the comparison is not of frozen states
        expect(b.run(chunk, p)).toEqual(out);
        step += chunk;
      }
      expect(hex(a.theta())).toBe(hex(b.theta()));
      expect(hex(a.endToEnd())).toBe(hex(b.endToEnd()));
      expect(Array.from(a.rng())).toEqual(Array.from(b.rng()));
      expect(a.fullLoss()).toBe(b.fullLoss());
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});

describe.each(['wasm', 'reference'] as const)('%s: the seekers mean what they say', (name) => {
  it('label noise is GD on targets + σ·ξ, ξ drawn from the stream over the observed entries in order', async () => {
    const backend = await getBackend(name);
    const inp = input(two, 'completion', 99, 'f64');
    const loss = inp.loss as Extract<DataLoss, { kind: 'completion' }>;
    const a = backend.session(inp);
    const rng = a.rng();
    a.run(1, { lr: 0.1, noise: noise('label', 0.3, 2), scale: 1, scaleMul: 1 });
    const observed = Array.from(loss.mask, (v, k) => (v !== 0 ? k : -1)).filter((k) => k >= 0);
    const xi = gaussians(observed.length, rng);
    const noisy = Float64Array.from(loss.M);
    observed.forEach((k, t) => (noisy[k] = loss.M[k] + 0.3 * xi[t]));
    const b = backend.session({ ...inp, loss: { ...loss, M: noisy }, labelNoise: false });
    b.run(1, { lr: 0.1, scale: 1, scaleMul: 1 });
    expect(hex(a.theta())).toBe(hex(b.theta()));
    expect(Array.from(a.rng())).toEqual(Array.from(rng)); // the stream moved by exactly those draws
    // The clean targets are back: one more GD step matches a session on the clean targets from there.
    const c = backend.session({ ...inp, theta: a.theta(), labelNoise: false });
    a.run(1, { lr: 0.1, scale: 1, scaleMul: 1 });
    c.run(1, { lr: 0.1, scale: 1, scaleMul: 1 });
    expect(hex(a.theta())).toBe(hex(c.theta()));
    c.dispose();
    a.dispose();
    b.dispose();
  });

  it('annealed noise is Langevin-placed noise at scale·(1 + t)^(−γ/2), t counted from the call\'s step', async () => {
    const backend = await getBackend(name);
    const inp = input(deep, 'full', 98, 'f64');
    const a = backend.session(inp);
    const b = backend.session(inp);
    const gamma = 0.55;
    a.run(7, { lr: 0.05, noise: noise('annealed', 0.03, 3, gamma), step: 4, scale: 1, scaleMul: 1 });
    for (let t = 4; t < 11; t++) b.run(1, { lr: 0.05, noise: noise('langevin', 0.03, 3), scale: exp(-0.5 * gamma * log(1 + t)), scaleMul: 1 });
    expect(hex(a.theta())).toBe(hex(b.theta()));
    a.dispose();
    b.dispose();
  });
});
