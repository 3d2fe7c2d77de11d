/**
 * Time of the SVD paths on random n×n matrices (uniform entries, a fixed LCG): the singular
 * values alone, all vectors, the top 3 pairs, and the prediction of a given n×n target (which
 * asks for its r = 3 pairs). Wall and CPU seconds (CPU is steadier on a shared machine).
 *
 *   npx esbuild bench/svd.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=build/bench-svd.mjs && node build/bench-svd.mjs 400 1000 1500
 */
import { singularValues, svd } from '../src/linalg/svd.js';
import { predictFactorization } from '../src/theory/factorization.js';

const sizes = process.argv.slice(2).map(Number);
const cpu = () => process.cpuUsage().user / 1e6;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function time(label: string, f: () => void): void {
  const c0 = cpu();
  const t0 = performance.now();
  f();
  console.log(`${label.padEnd(36)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(7)} s wall ${(cpu() - c0).toFixed(2).padStart(7)} s cpu`);
}

for (const n of sizes.length > 0 ? sizes : [400, 1000, 1500]) {
  const rnd = lcg(n);
  const a = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, rnd) };
  time(`${n}×${n} singularValues`, () => singularValues(a));
  time(`${n}×${n} svd (all vectors)`, () => svd(a));
  time(`${n}×${n} svd { vectors: 3 }`, () => svd(a, { vectors: 3 }));
  time(`${n}×${n} predictFactorization r = 3`, () => predictFactorization(a, 3, 0.1, 0.1));
}
