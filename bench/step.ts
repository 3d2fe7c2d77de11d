/**
 * Per-step time of the two runs the step-skeleton refactor (issue 9) must not slow down, through
 * the backends' `factorization()` / `dln()` entry points (so the same script times before and after):
 *   - the main job's perturbed-GD step: 30×20 target, r = 3, f64 and f32, σ = 0.1, η 0.0025;
 *   - Wang & Jacot D2 (depth 3, width 20) SGD with batch 1, η 0.05;
 * and, through session(), D2 in f32 (new with the skeleton).
 * Median over `--reps` repeats (default 9) of `--steps` steps each, wasm (SIMD build), in CPU time.
 *
 *   npx esbuild bench/step.ts --bundle --platform=node --format=esm --packages=external --outfile=build/bench-step.mjs && node build/bench-step.mjs
 */
import { readFileSync } from 'node:fs';
import { getBackend } from '../src/backends/index.js';
import { fixtureInput, type DlnFixture } from '../src/experiments/wangJacot.js';
import { seedGaussian } from '../src/random/gaussian.js';

const arg = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const reps = arg('reps', 9);
const steps = arg('steps', 50_000);
const backend = await getBackend('wasm', readFileSync('build/flatmin.wasm'));
const D2: DlnFixture = JSON.parse(readFileSync('src/experiments/fixtures/dln-D2.json', 'utf8'));

/** CPU µs since c0 (user + system): unlike wall time, it does not count the time other jobs on a shared machine take. */
function cpuMicros(c0: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function twoFactor(precision: 'f64' | 'f32'): number {
  const n = 30, m = 20, r = 3;
  const st = seedGaussian('bench');
  const M = Float64Array.from({ length: n * m }, (_, k) => Math.sin(k + 1)); // any fixed target
  const theta = Float64Array.from({ length: (n + m) * r }, (_, k) => 0.3 * Math.cos(3 * k + 1));
  const times: number[] = [];
  for (let rep = 0; rep < reps + 1; rep++) {
    const s = backend.factorization({ n, m, r, precision, M, theta, rng: st.slice() });
    const c0 = process.cpuUsage();
    s.run(steps, { lr: 0.0025, sigmaX: 0.1, sigmaY: 0.1, scale: 1, scaleMul: 1 });
    if (rep > 0) times.push(cpuMicros(c0) / steps);
    s.dispose();
  }
  return median(times);
}

function d2Batch1(): number {
  const times: number[] = [];
  for (let rep = 0; rep < reps + 1; rep++) {
    const s = backend.dln(fixtureInput(D2, rep + 1));
    const c0 = process.cpuUsage();
    s.run(steps, { lr: 0.05, batch: 1 });
    if (rep > 0) times.push(cpuMicros(c0) / steps);
    s.dispose();
  }
  return median(times);
}

console.log(`two-factor 30×20 r3 perturbed f64: ${twoFactor('f64').toFixed(3)} µs/step`);
console.log(`two-factor 30×20 r3 perturbed f32: ${twoFactor('f32').toFixed(3)} µs/step`);
console.log(`D2 depth 3 width 20 SGD batch 1:   ${d2Batch1().toFixed(3)} µs/step`);
if ('session' in backend) console.log(`D2 f32 SGD batch 1 (session):     ${d2Batch1F32().toFixed(3)} µs/step`);

function d2Batch1F32(): number {
  const times: number[] = [];
  for (let rep = 0; rep < reps + 1; rep++) {
    const d = fixtureInput(D2, rep + 1);
    const s = backend.session({
      model: { kind: 'deep-linear', dims: d.dims }, precision: 'f32', loss: { kind: 'completion', M: d.M, mask: d.mask },
      lambda: d.lambda, theta: d.theta, rng: d.rng, maxBatch: 1,
    });
    const c0 = process.cpuUsage();
    s.run(steps, { lr: 0.05, batch: 1, scale: 1, scaleMul: 1 });
    if (rep > 0) times.push(cpuMicros(c0) / steps);
    s.dispose();
  }
  return median(times);
}
