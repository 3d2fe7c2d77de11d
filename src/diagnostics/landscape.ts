import type { Seed } from '../config/types.js';
import { FlatminError } from '../errors.js';
import { symEig } from '../linalg/symEig.js';
import { dot } from '../linalg/vector.js';
import { gaussians, seedGaussian } from '../random/gaussian.js';

/**
 * Loss landscapes (Li, Xu, Taylor, Studer, Goldstein, NeurIPS 2018), deterministic: slices of the
 * full-batch training objective f around an iterate θ*,
 *
 *   1D  f(θ* + α d)            along one seeded random direction d
 *   2D  f(θ* + α d₁ + β d₂)    along two
 *
 * with each direction rescaled block by block to the norm of θ*'s block (d_b ← d_b ‖θ*_b‖/‖d_b‖),
 * blocks being the factors X, Y (two-factor) or the layers W_l (deep model): the "filter
 * normalization" that makes slices of differently scaled minima comparable (a rescaled minimum
 * (aX, Y/a) has the same slice). Also the straight line between two iterates, and a trajectory
 * projected on its top-2 PCA directions (of θ_i − θ*) with the 2D slice along those directions.
 * Directions come from the streams "landscape:<seed>:1" and ":2".
 */
export interface Surface {
  /** The full-batch training objective at θ (plain f64). */
  loss(theta: Float64Array): number;
  /** Block boundaries [0, …, d]: the factors or the layers. */
  blocks: readonly number[];
}

export interface Grid2D {
  /** Coordinates along the first and second direction. */
  x: number[];
  y: number[];
  /** z[j][i] = f at (x[i], y[j]). */
  z: number[][];
}

/** A random direction of θ's shape, rescaled to θ's norm block by block (zero where θ's block is zero). */
export function normalizedDirection(theta: Float64Array, blocks: readonly number[], seed: Seed, k: number): Float64Array {
  const d = gaussians(theta.length, seedGaussian(`landscape:${seed}:${k}`));
  for (let b = 0; b + 1 < blocks.length; b++) {
    const [lo, hi] = [blocks[b], blocks[b + 1]];
    let t2 = 0;
    let d2 = 0;
    for (let i = lo; i < hi; i++) {
      t2 += theta[i] * theta[i];
      d2 += d[i] * d[i];
    }
    const s = d2 > 0 ? Math.sqrt(t2 / d2) : 0;
    for (let i = lo; i < hi; i++) d[i] *= s;
  }
  return d;
}

/** `points` values evenly from `from` to `to` (both included). */
export function linspace(from: number, to: number, points: number): number[] {
  if (!(Number.isInteger(points) && points >= 2)) throw new FlatminError('OUT_OF_RANGE', 'points', `expected an integer ≥ 2, got ${points}`);
  return Array.from({ length: points }, (_, i) => from + ((to - from) * i) / (points - 1));
}

/** f(θ* + Σ_k c_k d_k), reusing one buffer. */
function evaluator(s: Surface, center: Float64Array, dirs: readonly Float64Array[]) {
  const t = new Float64Array(center.length);
  return (c: readonly number[]) => {
    t.set(center);
    dirs.forEach((d, k) => {
      const a = c[k];
      if (a !== 0) for (let i = 0; i < t.length; i++) t[i] += a * d[i];
    });
    return s.loss(t);
  };
}

/** The 1D slice f(θ* + α d) for α in `alphas`. */
export function slice1D(s: Surface, center: Float64Array, dir: Float64Array, alphas: readonly number[]): number[] {
  const f = evaluator(s, center, [dir]);
  return alphas.map((a) => f([a]));
}

/** The 2D slice f(θ* + x d₁ + y d₂) on the grid xs × ys. */
export function slice2D(s: Surface, center: Float64Array, d1: Float64Array, d2: Float64Array, xs: readonly number[], ys: readonly number[]): Grid2D {
  const f = evaluator(s, center, [d1, d2]);
  return { x: [...xs], y: [...ys], z: ys.map((y) => xs.map((x) => f([x, y]))) };
}

/** f((1 − t) a + t b) for t in `ts` (0: a, 1: b). */
export function interpolate(s: Surface, a: Float64Array, b: Float64Array, ts: readonly number[]): number[] {
  const diff = Float64Array.from(b, (v, i) => v - a[i]);
  const f = evaluator(s, a, [diff]);
  return ts.map((t) => f([t]));
}

export interface PcaTrajectory {
  /** The two unit directions (orthogonal), the top principal components of θ_i − θ*. */
  directions: [Float64Array, Float64Array];
  /** The share of Σ‖θ_i − θ*‖² each direction explains. */
  explained: [number, number];
  /** Each iterate's coordinates (θ_i − θ*)·d₁, (θ_i − θ*)·d₂. */
  x: number[];
  y: number[];
}

/**
 * The top-2 PCA directions of a trajectory around its end θ* (Li et al.: random directions in high
 * dimension are nearly orthogonal to a trajectory, so it is plotted in its own principal plane).
 * From the k×k Gram matrix of the differences (k iterates ≪ d parameters).
 */
export function pcaTrajectory(thetas: readonly Float64Array[], center: Float64Array): PcaTrajectory {
  const k = thetas.length;
  if (k < 2) throw new FlatminError('OUT_OF_RANGE', 'history', `a trajectory needs at least 2 recorded iterates, got ${k}`);
  const D = thetas.map((t) => Float64Array.from(t, (v, i) => v - center[i]));
  const G = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) G[i * k + j] = G[j * k + i] = dot(D[i], D[j]);
  const { values, vectors } = symEig(G, k);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const dirs = [k - 1, k - 2].map((col) => {
    const d = new Float64Array(center.length);
    for (let i = 0; i < k; i++) {
      const u = vectors[i * k + col];
      if (u !== 0) for (let p = 0; p < d.length; p++) d[p] += u * D[i][p];
    }
    const n = Math.sqrt(dot(d, d));
    if (n > 0) for (let p = 0; p < d.length; p++) d[p] /= n;
    return d;
  }) as [Float64Array, Float64Array];
  const explained = [values[k - 1], values[k - 2]].map((v) => (total > 0 ? Math.max(v, 0) / total : 0)) as [number, number];
  return { directions: dirs, explained, x: D.map((d) => dot(d, dirs[0])), y: D.map((d) => dot(d, dirs[1])) };
}

/** A symmetric-ish range covering `values` with a margin (never empty). */
export function rangeAround(values: readonly number[], margin = 0.2): [number, number] {
  let lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi - lo === 0) [lo, hi] = [-1, 1];
  const pad = (hi - lo) * margin;
  return [lo - pad, hi + pad];
}
