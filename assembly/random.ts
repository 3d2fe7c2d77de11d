// Gaussian noise: four xor128 lanes (seedrandom's generator) and Box-Muller, eight normals per
// group — the same stream as src/random/gaussian.ts, which defines it (read that first). With SIMD
// the four lanes live in i32x4 vectors and Box-Muller runs on two f64x2 vectors; without SIMD (the
// fallback build), and on the rare group where a lane must reject a 0 double, `scalarGroup` does
// the same arithmetic one lane at a time.
//
// State: 16 i32 in JS-owned memory, structure-of-arrays [x0..x3 | y0..y3 | z0..z3 | w0..w3].
import {
  detLog, detLogV, kernelCos, kernelCosV, kernelSin, kernelSinV, kv, turnQuadrant, turnQuadrantV, turnReduced, turnReducedV,
} from './detmath';

const LANES = 4;
const GROUP = 8;
const TWO_M32: f64 = 2.3283064365386963e-10; // 2^-32
const TWO_M21: f64 = 4.76837158203125e-7; // 2^-21

/** The vector path's f64x2 constants, read from memory for the reason given at detmath's `kv`. */
const K = memory.data<f64>([TWO_M32, TWO_M32, TWO_M21, TWO_M21, -2.0, -2.0, 1, 1, 2, 2, 3, 3], 16);

/** Room for one whole group when a fill ends inside it. */
const spill = memory.data(GROUP * 8, 16);
// The threads build takes that room from the heap instead: each pool thread's instantiation writes
// every data segment into the shared memory again (this one is zeros), and that must not land in
// the middle of a fill on the main thread. A pool thread drawing a share of a fill brings its own
// (programs/draw.ts): a worker never allocates.
let spillHeap: usize = 0;

// @ts-ignore: decorator
@inline function spillBuffer(): usize {
  if (!ASC_FEATURE_THREADS) return spill;
  if (spillHeap == 0) spillHeap = heap.alloc(GROUP * 8);
  return spillHeap;
}

// @ts-ignore: decorator
@inline function laneInt32(st: usize, j: i32): i32 {
  const p = st + (<usize>j << 2);
  const x = load<i32>(p, 0);
  const t = x ^ (x << 11);
  store<i32>(p, load<i32>(p, 16), 0);
  store<i32>(p, load<i32>(p, 32), 16);
  const w = load<i32>(p, 48);
  store<i32>(p, w, 32);
  const v = w ^ (<i32>(<u32>w >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
  store<i32>(p, v, 48);
  return v;
}

/** Zero doubles rejected so far by this instance (a global: each pool thread counts its own). */
let rejected: i32 = 0;

/** seedrandom's double() on lane j (0 rejected); ×2^-32 and ×2^-21 are exact, like its divisions. */
function laneDouble(st: usize, j: i32): f64 {
  let top: u32, bot: u32;
  for (;;) {
    top = <u32>laneInt32(st, j) >> 11;
    bot = <u32>laneInt32(st, j);
    if (top != 0 || bot != 0) break;
    rejected++;
  }
  return (<f64>top + <f64>bot * TWO_M32) * TWO_M21;
}

/** One group, lane by lane: min(count, 8) values to out. */
function scalarGroup(out: usize, count: i32, st: usize): void {
  const u1a = laneDouble(st, 0), u1b = laneDouble(st, 1), u1c = laneDouble(st, 2), u1d = laneDouble(st, 3);
  const u2a = laneDouble(st, 0), u2b = laneDouble(st, 1), u2c = laneDouble(st, 2), u2d = laneDouble(st, 3);
  boxMuller(out, count, 0, u1a, u2a);
  boxMuller(out, count, 1, u1b, u2b);
  boxMuller(out, count, 2, u1c, u2c);
  boxMuller(out, count, 3, u1d, u2d);
}

// @ts-ignore: decorator
@inline function boxMuller(out: usize, count: i32, j: i32, u1: f64, u2: f64): void {
  const r = Math.sqrt(-2.0 * detLog(u1));
  const q = turnQuadrant(u2);
  const a = turnReduced(u2, q);
  const s = kernelSin(a);
  const c = kernelCos(a);
  const k = <i32>q & 3;
  // (cos, sin) of qπ/2 + a, by quadrant.
  const cosv = k == 0 ? c : k == 1 ? -s : k == 2 ? -c : s;
  const sinv = k == 0 ? s : k == 1 ? c : k == 2 ? -s : -c;
  if (j < count) store<f64>(out + (<usize>j << 3), r * cosv);
  if (j + LANES < count) store<f64>(out + (<usize>(j + LANES) << 3), r * sinv);
}

// One xor128 step on all four lanes, written as "new w from the old w and the word leaving at x".
// Four steps from state (x, y, z, w) give w1..w4, and the new state is (w1, w2, w3, w4).
// @ts-ignore: decorator
@inline function xorStep(w: v128, x: v128): v128 {
  const t = v128.xor(x, i32x4.shl(x, 11));
  return v128.xor(v128.xor(w, i32x4.shr_u(w, 19)), v128.xor(t, i32x4.shr_u(t, 8)));
}

/** Doubles of lanes (0, 1) from the (top, bottom) words; `hiHalf` takes lanes (2, 3) instead. */
// @ts-ignore: decorator
@inline function toDouble(top: v128, bot: v128): v128 {
  return f64x2.mul(
    f64x2.add(f64x2.convert_low_i32x4_u(top), f64x2.mul(f64x2.convert_low_i32x4_u(bot), kv(K, 0))),
    kv(K, 1),
  );
}

// @ts-ignore: decorator
@inline function hiHalf(v: v128): v128 {
  return i32x4.shuffle(v, v, 2, 3, 2, 3);
}

/** Box-Muller on two lanes: cos values to out[0..1], sin values to out[4..5]. */
// @ts-ignore: decorator
@inline function boxMullerV(out: usize, u1: v128, u2: v128): void {
  const r = f64x2.sqrt(f64x2.mul(kv(K, 2), detLogV(u1)));
  const q = turnQuadrantV(u2);
  const a = turnReducedV(u2, q);
  const s = kernelSinV(a);
  const c = kernelCosV(a);
  // Quadrant select as in boxMuller (q = 4 is quadrant 0): masks, then bitselect.
  const q1 = f64x2.eq(q, kv(K, 3));
  const q2 = f64x2.eq(q, kv(K, 4));
  const q3 = f64x2.eq(q, kv(K, 5));
  const cosv = v128.bitselect(s, v128.bitselect(f64x2.neg(c), v128.bitselect(f64x2.neg(s), c, q1), q2), q3);
  const sinv = v128.bitselect(f64x2.neg(c), v128.bitselect(f64x2.neg(s), v128.bitselect(c, s, q1), q2), q3);
  v128.store(out, f64x2.mul(r, cosv));
  v128.store(out, f64x2.mul(r, sinv), 32);
}

/**
 * count standard normals (f64) into out, advancing the lane state at st. Returns how many zero
 * doubles were rejected (each took a lane two words further than 4 per group: what a jump-ahead,
 * programs/draw.ts, must know).
 */
export function fillGaussian(out: usize, count: i32, st: usize): i32 {
  return fillGaussianVia(out, count, st, spillBuffer());
}

/** fillGaussian with the spill room at sp (GROUP f64; a pool thread's own: programs/draw.ts). */
export function fillGaussianVia(out: usize, count: i32, st: usize, sp: usize): i32 {
  const before = rejected;
  let g = 0;
  if (ASC_FEATURE_SIMD) {
    let x = v128.load(st, 0), y = v128.load(st, 16), z = v128.load(st, 32), w = v128.load(st, 48);
    const zero = i32x4.splat(0);
    for (; g < count; g += GROUP) {
      const w1 = xorStep(w, x);
      const w2 = xorStep(w1, y);
      const w3 = xorStep(w2, z);
      const w4 = xorStep(w3, w);
      const top1 = i32x4.shr_u(w1, 11);
      const top2 = i32x4.shr_u(w3, 11);
      // A zero double (p = 2^-53 per draw) must be redrawn in its lane only: redo this group lane by lane.
      const zero1 = v128.and(i32x4.eq(top1, zero), i32x4.eq(w2, zero));
      const zero2 = v128.and(i32x4.eq(top2, zero), i32x4.eq(w4, zero));
      const dst = count - g >= GROUP ? out + (<usize>g << 3) : sp;
      if (v128.any_true(v128.or(zero1, zero2))) {
        v128.store(st, x, 0); v128.store(st, y, 16); v128.store(st, z, 32); v128.store(st, w, 48);
        scalarGroup(dst, GROUP, st);
        x = v128.load(st, 0); y = v128.load(st, 16); z = v128.load(st, 32); w = v128.load(st, 48);
      } else {
        boxMullerV(dst, toDouble(top1, w2), toDouble(top2, w4));
        boxMullerV(dst + 16, toDouble(hiHalf(top1), hiHalf(w2)), toDouble(hiHalf(top2), hiHalf(w4)));
        x = w1; y = w2; z = w3; w = w4;
      }
      if (dst == sp) memory.copy(out + (<usize>g << 3), sp, <usize>(count - g) << 3);
    }
    v128.store(st, x, 0); v128.store(st, y, 16); v128.store(st, z, 32); v128.store(st, w, 48);
  } else {
    for (; g < count; g += GROUP) scalarGroup(out + (<usize>g << 3), count - g, st);
  }
  return rejected - before;
}

/**
 * The four lanes at src advanced by the jump matrix at m (src/random/jump.ts: 128 columns of
 * [x, y, z, w], column i the image of state bit i) into dst: per lane, the XOR of the columns of
 * its set bits. dst must not be src.
 */
export function jumpLanes(dst: usize, src: usize, m: usize): void {
  for (let j = 0; j < LANES; j++) {
    let x = 0, y = 0, z = 0, w = 0;
    for (let i = 0; i < 128; i++) {
      const bit = (load<i32>(src + (<usize>((i >> 5) * LANES + j) << 2)) >>> (i & 31)) & 1;
      const mask = -bit; // all ones where the bit is set
      const col = m + (<usize>i << 4);
      x ^= load<i32>(col) & mask; y ^= load<i32>(col, 4) & mask; z ^= load<i32>(col, 8) & mask; w ^= load<i32>(col, 12) & mask;
    }
    const d = dst + (<usize>j << 2);
    store<i32>(d, x, 0); store<i32>(d, y, 16); store<i32>(d, z, 32); store<i32>(d, w, 48);
  }
}

/**
 * Fisher–Yates on the i32 array at a (len entries), driven by lane 0 of the state at st:
 * for k = len−1 down to 1, j = floor(laneDouble(st, 0)·(k+1)), swap a[k], a[j]. The rule and why it
 * is exact are in src/random/permutation.ts.
 */
export function shuffleI32(a: usize, len: i32, st: usize): void {
  for (let k = len - 1; k >= 1; k--) {
    const j = <i32>Math.floor(laneDouble(st, 0) * <f64>(k + 1));
    const pk = a + (<usize>k << 2);
    const pj = a + (<usize>j << 2);
    const t = load<i32>(pk);
    store<i32>(pk, load<i32>(pj));
    store<i32>(pj, t);
  }
}

/**
 * Where the next minibatch of an epoch starts: pos, or 0 after a used-up epoch (pos ≥ nObs) has
 * reset `order` to `obs` and shuffled it (src/random/permutation.ts epochStart defines the rule).
 * obs = 0: reset to the positions 0 … nObs − 1 instead (the shuffle moves entries by position
 * alone, so that is the same permutation of positions: two-factor completion's ORDER).
 */
export function epochStart(order: usize, obs: usize, nObs: i32, pos: i32, st: usize): i32 {
  if (pos < nObs) return pos;
  if (obs != 0) memory.copy(order, obs, <usize>nObs << 2);
  else for (let k = 0; k < nObs; k++) store<i32>(order + (<usize>k << 2), k);
  shuffleI32(order, nObs, st);
  return 0;
}
