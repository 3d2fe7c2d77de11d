import type { Seed } from '../config/types.js';
import { cos2pi, log, sin2pi } from '../math/detmath.js';
import { seedState } from './xor128.js';

/**
 * Standard normal draws from four independent xor128 lanes, in the order a SIMD core can produce
 * them (`assembly/random.ts` is the same generator with the lanes in i32x4 / f64x2 vectors).
 *
 * Lane j is exactly `seedrandom.xor128(seed + "#" + j)`: every lane is a published known-answer
 * stream. One *group* makes 8 normals by Box-Muller:
 *
 *   u1_j, u2_j = the next two doubles of lane j              (j = 0..3; a lane rejects 0 itself)
 *   out[8g + j]     = √(−2 ln u1_j) · cos 2πu2_j
 *   out[8g + 4 + j] = √(−2 ln u1_j) · sin 2πu2_j
 *
 * A fill whose length is not a multiple of 8 still draws its last group whole and drops the unused
 * values: the stream is a pure function of (state, lengths of the fills), with no cached spare.
 * log/sin/cos are the deterministic ones (src/math/detmath.ts), so every engine gives the same bits.
 */
export const LANES = 4;
export const GROUP = 2 * LANES;

/** Four xor128 states, structure-of-arrays: [x0..x3, y0..y3, z0..z3, w0..w3] (one v128 per word). */
export type GaussianState = Int32Array;

export function seedGaussian(seed: Seed): GaussianState {
  const st = new Int32Array(4 * LANES);
  for (let j = 0; j < LANES; j++) {
    const s = seedState(`${String(seed)}#${j}`);
    for (let w = 0; w < 4; w++) st[w * LANES + j] = s[w];
  }
  return st;
}

/** seedrandom's xor128 step on lane j. */
function laneInt32(st: GaussianState, j: number): number {
  const x = st[j];
  const t = x ^ (x << 11);
  st[j] = st[LANES + j];
  st[LANES + j] = st[2 * LANES + j];
  st[2 * LANES + j] = st[3 * LANES + j];
  const w = st[3 * LANES + j];
  st[3 * LANES + j] = w ^ (w >>> 19) ^ t ^ (t >>> 8);
  return st[3 * LANES + j];
}

const TWO_M32 = 2 ** -32;
const TWO_M21 = 2 ** -21;

/**
 * seedrandom's double() on lane j: 53 bits in (0, 1), 0 rejected. Multiplying by 2^-32 and 2^-21
 * is exact, so this equals seedrandom's (top + bot/2^32)/2^21 while costing no division in SIMD.
 */
export function laneDouble(st: GaussianState, j: number): number {
  for (;;) {
    const top = laneInt32(st, j) >>> 11;
    const bot = laneInt32(st, j) >>> 0;
    if (top !== 0 || bot !== 0) return (top + bot * TWO_M32) * TWO_M21;
  }
}

export function fillGaussian(out: Float64Array, offset: number, count: number, st: GaussianState): void {
  const u1 = new Float64Array(LANES);
  const u2 = new Float64Array(LANES);
  const r = new Float64Array(LANES);
  const c = new Float64Array(LANES);
  const s = new Float64Array(LANES);
  for (let g = 0; g < count; g += GROUP) {
    laneDoubles(st, u1);
    laneDoubles(st, u2);
    // Box-Muller's three functions each in a small loop of its own, which V8 inlines them into: one
    // loop calling all of them (and the lanes' draws) exceeded its inlining budget, and every double
    // passed to or returned from a call was boxed — 2·10⁵ normals made ~15 MB of garbage. The same
    // operations on the same values: the same bits.
    radii(u1, r);
    cosines(u2, c);
    sines(u2, s);
    for (let j = 0; j < LANES; j++) {
      if (g + j < count) out[offset + g + j] = r[j] * c[j];
      if (g + LANES + j < count) out[offset + g + LANES + j] = r[j] * s[j];
    }
  }
}

/** u[j] = laneDouble(st, j), lanes in order. */
function laneDoubles(st: GaussianState, u: Float64Array): void {
  for (let j = 0; j < LANES; j++) u[j] = laneDouble(st, j);
}

/** r[j] = √(−2 ln u[j]). */
function radii(u: Float64Array, r: Float64Array): void {
  for (let j = 0; j < LANES; j++) r[j] = Math.sqrt(-2.0 * log(u[j]));
}

/** c[j] = cos 2πu[j]. */
function cosines(u: Float64Array, c: Float64Array): void {
  for (let j = 0; j < LANES; j++) c[j] = cos2pi(u[j]);
}

/** s[j] = sin 2πu[j]. */
function sines(u: Float64Array, s: Float64Array): void {
  for (let j = 0; j < LANES; j++) s[j] = sin2pi(u[j]);
}

export function gaussians(count: number, st: GaussianState): Float64Array {
  const out = new Float64Array(count);
  fillGaussian(out, 0, count, st);
  return out;
}
