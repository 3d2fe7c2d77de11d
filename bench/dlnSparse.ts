/**
 * The deep model's completion step from the observed lists (assembly/models/deepSparse.ts), two jobs:
 *
 *   node build/x/bench-dln-sparse.mjs bits     hashes of θ after deep completion runs (both Wasm builds
 *                                           and the reference, f64/f32, every noise kind, full and
 *                                           minibatch, depth 2–4, and the D2 fixture config): run
 *                                           before and after a change, the lines must be identical
 *   node build/x/bench-dln-sparse.mjs step [d] [w]   per-step CPU time at d×d (2000), width w (20), depth 3,
 *                                           |Ω| ≈ 4·10⁴: full-batch GD, batch-64 SGD, batch-64 perturbed SGD
 *
 * Build: esbuild bench/dlnSparse.ts --bundle --platform=node --format=esm --packages=external
 *        --outfile=build/x/bench-dln-sparse.mjs (after npm run build:wasm). One directory below
 *        build/, as the bundle finds the Wasm at ../../build/ from itself. DLN_SPARSE_WASM=dir
 *        takes both Wasm builds from dir instead (a new build beside the one tests are reading).
 */
import '../src/platform/node.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { getBackend, wasmBackend } from '../src/backends/index.js';
import type { Backend, Session, SessionInput, SessionStepParams } from '../src/backends/types.js';
import { defaultSource, instantiateCore } from '../src/backends/wasm/loader.js';
import { fractionObserved } from '../src/problems/observed.js';
import { gaussians, seedGaussian } from '../src/random/gaussian.js';
import { run } from '../src/run.js';
import { everyNoisePhases } from '../test/backends/deepPhases.js';
import { median } from './stats.js';

/** CPU seconds of this process (user + system): steadier than wall time on a machine shared with other jobs. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const hash = (a: Float64Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex').slice(0, 16);

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 4294967296 - 0.5);
}

function problem(dims: number[], precision: 'f64' | 'f32', lambda: number): SessionInput {
  const rnd = lcg(dims.length * 31 + dims[0]);
  const [cols, rows] = [dims[0], dims[dims.length - 1]];
  let total = 0;
  for (let l = 1; l < dims.length; l++) total += dims[l] * dims[l - 1];
  const M = Float64Array.from({ length: rows * cols }, rnd);
  const mask = Array.from({ length: rows * cols }, (_, k) => ((k * 7) % 5 < 2 ? 1 : 0));
  return {
    model: { kind: 'deep-linear', dims }, precision, loss: { kind: 'completion', M, mask }, lambda, maxBatch: 9,
    anticorrelated: true, labelNoise: true, theta: Float64Array.from({ length: total }, () => 0.6 * rnd()), rng: seedGaussian('dln-sparse'),
  };
}

// DLN_SPARSE_WASM=dir: the two builds from dir (a build beside the one in build/, e.g. while tests read that)
const dir = process.env.DLN_SPARSE_WASM;
const core = (build: 'simd' | 'scalar') =>
  instantiateCore(dir ? readFileSync(`${dir}/${build === 'simd' ? 'flatmin' : 'flatmin-scalar'}.wasm`) : defaultSource(build));

async function bits(): Promise<void> {
  const backends: Array<[string, Backend]> = [
    ['wasm', wasmBackend(await core('simd'))], ['scalar', wasmBackend(await core('scalar'))], ['reference', await getBackend('reference')],
  ];
  for (const dims of [[17, 6, 23], [17, 6, 5, 23], [9, 4, 4, 4, 11]]) {
    for (const precision of ['f64', 'f32'] as const) {
      for (const lambda of [0, 0.03]) {
        for (const [name, b] of backends) {
          const s: Session = b.session(problem(dims, precision, lambda));
          const ph = everyNoisePhases(dims.length - 1);
          for (let k = 0; k < ph.length; k++) s.run(k % 2 ? 5 : 8, ph[k]);
          console.log(`dims ${dims.join('x')} ${precision} λ=${lambda} ${name}: θ ${hash(s.theta())} W ${hash(s.endToEnd())}`);
          s.dispose();
        }
      }
    }
  }
  for (const precision of ['f64', 'f32'] as const) {
    for (const backend of ['wasm', 'reference'] as const) {
      const r = await run({
        seed: 3, precision, backend, problem: { kind: 'completion', fixture: 'dln-D2' }, model: { kind: 'deep-linear', depth: 3, width: 20 },
        optimizer: [
          { steps: 301, lr: 0.05, batch: 1, noise: { kind: 'perturbed', sigma: [0.01, 0.02, 0.01] }, scale: [1, 0.1] },
          { steps: 200, lr: 0.04, batch: 7, noise: { kind: 'anticorrelated', sigma: 0.01 } },
          { steps: 150, lr: 0.05 },
        ],
        recordEvery: 50,
      } as never);
      console.log(`D2 ${precision} ${backend}: ${createHash('sha256').update(JSON.stringify((r as { final: unknown }).final)).digest('hex').slice(0, 16)}`);
    }
  }
}

async function step(): Promise<void> {
  const d = Number(process.argv[3] ?? 2000), w = Number(process.argv[4] ?? 20), L = 3, nObs = 40_000;
  const dims = [d, ...Array.from({ length: L - 1 }, () => w), d];
  let total = 0;
  for (let l = 1; l < dims.length; l++) total += dims[l] * dims[l - 1];
  const index = fractionObserved(d * d, nObs / (d * d), 'bench-dln-sparse');
  const values = gaussians(index.length, seedGaussian('values'));
  const b = wasmBackend(await core('simd'));
  for (const precision of ['f64', 'f32'] as const) {
    const s = b.session({
      model: { kind: 'deep-linear', dims }, precision, lambda: 0, maxBatch: 64,
      loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values } },
      theta: gaussians(total, seedGaussian('theta')).map((v) => 0.1 * v), rng: seedGaussian('bench'),
    });
    for (const [label, p, steps] of [
      ['full-batch GD', { lr: 0.01, scale: 1, scaleMul: 1 }, 3],
      ['batch-64 SGD', { lr: 0.01, batch: 64, scale: 1, scaleMul: 1 }, 5],
      ['batch-64 perturbed SGD', { lr: 0.01, batch: 64, noise: { kind: 'perturbed', sigma: [0.001, 0.001, 0.001] }, scale: 1, scaleMul: 1 }, 5],
    ] as Array<[string, SessionStepParams, number]>) {
      s.run(1, p);
      const t: number[] = [];
      for (let k = 0; k < 5; k++) {
        const t0 = cpu();
        s.run(steps, p);
        t.push((cpu() - t0) / steps);
      }
      console.log(`${d}x${d} w${w} L${L} |Ω|=${index.length} ${precision} ${label}: ${(median(t) * 1e3).toFixed(3)} ms/step`);
    }
    s.dispose();
  }
}

await (process.argv[2] === 'step' ? step() : bits());
