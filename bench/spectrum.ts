/**
 * Cost of a spectrum (top-5 eigenvalues by block Lanczos + SLQ density, 10 probes × 80 steps) with
 * the reference Hessian-vector products (plain f64 TypeScript):
 *   - deep model: Wang & Jacot's D2 (20×20, depth 3, width 20: 1200 weights) at its start point,
 *     also with the Wasm product (assembly/kernels/dlnHvp.ts, same bits);
 *   - two-factor: 256×256, r = 16 (8192 weights), full target ½‖XYᵀ − M‖², at a random point and
 *     at a balanced global minimum (eigenvalues of multiplicity n − r = 240 there).
 * Prints products, seconds, and the share spent in the products. Median of 3 (deep) / 1 (256).
 *
 *   npm run bench:spectrum
 */
import { readFileSync } from 'node:fs';
import { instantiateCore } from '../src/backends/wasm/loader.js';
import { dlnHessianAt } from '../src/diagnostics/dlnCurvature.js';
import { wasmDlnHvpAt } from '../src/diagnostics/dlnHvpWasm.js';
import { hessianAt } from '../src/diagnostics/hessian.js';
import { curvature, type CurvatureOptions } from '../src/diagnostics/spectrum.js';
import { fixtureInput, type DlnFixture } from '../src/experiments/wangJacot.js';
import type { SymOperator } from '../src/linalg/lanczos.js';
import { endToEnd, lossOfW } from '../src/problems/losses.js';
import { gaussians, seedGaussian } from '../src/random/gaussian.js';

const OPTIONS: CurvatureOptions = { top: 5, min: true, density: true, probes: 10, lanczosSteps: 80 };

function measure(name: string, op: SymOperator, d: number, repeats: number): void {
  let inProducts = 0;
  const timed: SymOperator = (v, out) => {
    const t = performance.now();
    op(v, out);
    inProducts += performance.now() - t;
  };
  const runs: Array<{ ms: number; cpu: number; products: number; r: ReturnType<typeof curvature> }> = [];
  for (let i = 0; i < repeats; i++) {
    inProducts = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = curvature(timed, d, OPTIONS, 1);
    const c = process.cpuUsage(c0);
    runs.push({ ms: performance.now() - t0, cpu: (c.user + c.system) / 1000, products: inProducts, r });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const { ms, cpu, products, r } = runs[Math.floor(repeats / 2)];
  console.log(`${name}: d = ${d}, ${r.matvecs} products (top-5 ${r.converged ? 'converged' : 'NOT converged'}), ${(ms / 1000).toFixed(2)} s wall, ${(cpu / 1000).toFixed(2)} s CPU, ` +
    `${((100 * products) / ms).toFixed(0)}% in products (${((1000 * products) / r.matvecs).toFixed(0)} µs each); top = [${r.top.map((x) => x.toPrecision(6)).join(', ')}], min = ${r.min!.toPrecision(4)}`);
}

const D2: DlnFixture = JSON.parse(readFileSync('src/experiments/fixtures/dln-D2.json', 'utf8'));
const input = fixtureInput(D2, 1);
measure('deep 20×20 depth 3 (D2 start), reference product', dlnHessianAt(input, input.theta), input.theta.length, 3);
const core = await instantiateCore(readFileSync('build/flatmin.wasm'));
const wasm = wasmDlnHvpAt(core, { dims: input.dims, M: input.M, lambda: input.lambda, loss: { kind: 'completion', mask: input.mask } }, input.theta);
measure('deep 20×20 depth 3 (D2 start), Wasm product', wasm.hvp, input.theta.length, 3);
wasm.dispose();

const [n, m, r] = [256, 256, 16];
const st = seedGaussian('bench-spectrum');
const X = gaussians(n * r, st).map((x) => x / Math.sqrt(r));
const Y = gaussians(m * r, st).map((x) => x / Math.sqrt(r));
const M = endToEnd(new Float64Array(n * m), Float64Array.from([...X, ...Y]), n, m, r);
const random = gaussians((n + m) * r, st).map((x) => x / Math.sqrt(r));
measure('two-factor 256×256×16, random point', hessianAt({ loss: lossOfW({ kind: 'full' }, M), lambda: 0, n, m, r }, random), random.length, 1);
const minimum = Float64Array.from([...X, ...Y]);
measure('two-factor 256×256×16, global minimum', hessianAt({ loss: lossOfW({ kind: 'full' }, M), lambda: 0, n, m, r }, minimum), minimum.length, 1);
