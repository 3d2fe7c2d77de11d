import type { Observed } from '../backends/types.js';
import { laneDouble, seedGaussian } from '../random/gaussian.js';
import type { Seed } from '../config/types.js';

/** Stream of a random completion mask. */
export function maskStreamSeed(seed: Seed): string {
  return `mask:${seed}`;
}

/**
 * The observed set of a `fraction` mask, as ascending flat indices, without the rows×cols mask:
 * entry k (row-major) is observed when the k-th draw u_k of lane 0 of the "mask:" + seed stream is
 * below fraction; if none is, the entry drawn lowest (the first of equals) is kept, so the loss is
 * never empty. Same draws in the same order as the dense mask this replaced, so the same set; it
 * streams, O(|Ω|) memory and one draw per entry.
 */
export function fractionObserved(count: number, fraction: number, seed: Seed): Int32Array {
  const st = seedGaussian(maskStreamSeed(seed));
  let out = new Int32Array(Math.max(16, Math.min(count, Math.ceil(count * fraction * 1.1) + 64)));
  let len = 0;
  let lowest = 0;
  let lowestU = Infinity;
  for (let k = 0; k < count; k++) {
    const u = laneDouble(st, 0);
    if (u < lowestU) {
      lowestU = u;
      lowest = k;
    }
    if (u < fraction) {
      if (len === out.length) {
        const grown = new Int32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      out[len++] = k;
    }
  }
  return len === 0 ? Int32Array.of(lowest) : out.slice(0, len);
}

/**
 * The completion objective (1/|Ω|) Σ_Ω ((XYᵀ)_ij − M_ij)² + λ‖θ‖² in f64 from the observed lists,
 * O(|Ω|·r): the bits of losses.ts objective(lossOfW(completion)) — the same w_ij sums (c ascending
 * from 0), the same Σ over Ω in ascending flat order, the same ridge sum — without forming W.
 */
export function observedObjective(obs: Observed, lambda: number, theta: Float64Array, n: number, m: number, r: number): number {
  const { index, values } = obs;
  const y = n * r;
  let s = 0;
  for (let p = 0; p < index.length; p++) {
    const i = Math.floor(index[p] / m), j = index[p] % m;
    let w = 0;
    for (let c = 0; c < r; c++) w += theta[i * r + c] * theta[y + j * r + c];
    s += (w - values[p]) ** 2;
  }
  let ridge = 0;
  if (lambda !== 0) for (let k = 0; k < theta.length; k++) ridge += theta[k] * theta[k];
  return (1 / index.length) * s + lambda * ridge;
}
