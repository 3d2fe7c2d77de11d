// The step's noise draw (programs/step.ts, step 2 and 5): θ's standard normals into P, and for the
// perturbed and Langevin kinds E = base + T(σ_b·a)·ξ over each block b, in one pass. In the threads
// build a session with a draw plan splits the fill over the pool; everywhere else, and for every
// fill that is not θ-sized (label noise), one thread draws it — the same bits either way:
//
//   normals  0 ……………… 8·g1 ……………… 8·g2 ……………… total        G = ⌈total / 8⌉ groups (random.ts)
//   thread     0            1             2                 thread t draws groups [⌊tG/P⌋, ⌊(t+1)G/P⌋)
//                                                           (kernels/pool.ts shareStart)
//   lanes    rng    →   J_1·rng   →   J_2·rng               J_t = T^(4·⌊tG/P⌋): the lanes as they
//                                                           would be after drawing everything before
//
// Each thread jumps its copy of the four lanes ahead (random.ts jumpLanes, matrices from
// src/random/jump.ts), draws its groups, rounds them (f32) and perturbs its range. The last
// thread's lanes are then the stream's state after the whole fill. A jump assumes 4 xor128 steps
// per group per lane; a lane that rejected a 0 double (p = 2⁻⁵³ a draw) took 2 more, so if a
// share other than the last rejected one, the shares after it started from the wrong state: the
// calling thread draws the whole fill again on its own (which ξ-dependent state it writes is only
// P, NOISE and its copy of the lanes, all rewritten; the session's lanes are read-only until then).
//
// The draw plan (word DRAW; JS writes it, src/backends/wasm/session.ts; 0: no plan):
//
//   byte                       what
//   0                          i32 P, the threads of a draw (≥ 2)
//   16 + 128·t                 thread t's lanes (64 bytes), then its spill room (64), t = 0 … P−1
//   16 + 128·P + 2048·(t − 1)  J_t, t = 1 … P−1 (128 columns × [x, y, z, w])
//
// Each thread writes only its own ranges of P and NOISE, its own plan bytes, and two job words:
// OK (atomic.and, cleared if a perturbed entry is not finite) and REJECT (set by a share that
// rejected, before the last).
import { demote, perturb } from '../kernels/elementwise';
import { J_ARGS, JOB_DRAW, jobAddress, jobF64, jobWord, join, poolSize, publish, shareStart, storeArg, storeArgF64 } from '../kernels/pool';
import { fillGaussian, fillGaussianVia, jumpLanes } from '../random';
import { S_BLOCKS, S_DRAW, S_NBLOCKS, S_NOISE, S_P, S_RNG, S_SIGMA, i32At, ptr, word } from '../session';

/** Modes: the normals alone into P, or E = base + T(σ_b·a)·ξ into P. */
export const DRAW_ONLY = 0;
export const DRAW_PERTURB = 1;

// Job words (pool.ts J_ARGS + k): S, base, mode, a (f64, two words), OK, REJECT.
const A_S = 0, A_BASE = 1, A_MODE = 2, A_AMP = 3, A_OK = 5, A_REJECT = 6;
const PLAN_LANES = 16;

/** P = base + T(σ_b·a)·P on [lo, hi) ∩ each block b (P holds standard normals); false if some entry is not finite. */
export function perturbBlocks<T>(S: usize, base: usize, lo: i32, hi: i32, amp: f64): bool {
  const nb = word(S, S_NBLOCKS);
  const blocks = ptr(S, S_BLOCKS), sigma = ptr(S, S_SIGMA), P = ptr(S, S_P);
  let finite = 1;
  for (let b = 0; b < nb; b++) {
    const b0 = max(lo, i32At(blocks, b)), b1 = min(hi, i32At(blocks, b + 1));
    if (b0 >= b1) continue;
    const s = <T>(load<f64>(sigma + (<usize>b << 3)) * amp);
    finite &= perturb<T>(P, base, b0, b1, s);
  }
  return finite != 0;
}

/** Normals [lo, hi) of the fill from the lanes at st (f32: drawn in f64 into NOISE, then rounded); returns the rejections. */
// @ts-ignore: decorator
@inline function fillRange<T>(S: usize, lo: i32, hi: i32, st: usize, sp: usize): i32 {
  const P = ptr(S, S_P);
  if (sizeof<T>() == 8) return fillGaussianVia(P + (<usize>lo << 3), hi - lo, st, sp);
  const noise = ptr(S, S_NOISE) + (<usize>lo << 3);
  const rej = fillGaussianVia(noise, hi - lo, st, sp);
  demote(P + (<usize>lo << 2), noise, hi - lo);
  return rej;
}

/**
 * The threads a draw or descent of session S splits over (./descent.ts too): its plan's P when the
 * threads build has a plan and a pool that large, else 1.
 */
export function planParts(S: usize): i32 {
  const plan = ptr(S, S_DRAW);
  if (!ASC_FEATURE_THREADS || plan == 0) return 1;
  const parts = i32At(plan, 0);
  return poolSize() >= parts ? parts : 1;
}

/** The one-thread draw: the session's lanes advance in place. */
function drawAll<T>(S: usize, base: usize, amp: f64, mode: i32): bool {
  const total = i32At(ptr(S, S_BLOCKS), word(S, S_NBLOCKS));
  const P = ptr(S, S_P), rng = ptr(S, S_RNG);
  if (sizeof<T>() == 8) fillGaussian(P, total, rng);
  else {
    fillGaussian(ptr(S, S_NOISE), total, rng);
    demote(P, ptr(S, S_NOISE), total);
  }
  return mode == DRAW_PERTURB ? perturbBlocks<T>(S, base, 0, total, amp) : true;
}

/** Thread t's share (of P) of the published draw job; the calling thread is t = 0. */
export function drawShare<T>(t: i32, parts: i32): void {
  const S = <usize>jobWord(J_ARGS + A_S);
  const total = i32At(ptr(S, S_BLOCKS), word(S, S_NBLOCKS));
  const lo = shareStart(t, parts, total), hi = shareStart(t + 1, parts, total);
  const plan = ptr(S, S_DRAW);
  const st = plan + PLAN_LANES + (<usize>t << 7);
  if (t == 0) memory.copy(st, ptr(S, S_RNG), 64);
  else jumpLanes(st, ptr(S, S_RNG), plan + PLAN_LANES + (<usize>parts << 7) + (<usize>(t - 1) << 11));
  if (fillRange<T>(S, lo, hi, st, st + 64) != 0 && t < parts - 1) atomic.store<i32>(jobAddress(J_ARGS + A_REJECT), 1);
  if (jobWord(J_ARGS + A_MODE) == DRAW_PERTURB && !perturbBlocks<T>(S, <usize>jobWord(J_ARGS + A_BASE), lo, hi, jobF64(J_ARGS + A_AMP))) {
    atomic.and<i32>(jobAddress(J_ARGS + A_OK), 0);
  }
}

/**
 * θ's normals for this step into P (mode DRAW_ONLY), or E = base + T(σ_b·amp)·ξ (DRAW_PERTURB);
 * false if some perturbed entry is not finite. The session's lanes end where one thread drawing
 * the whole fill leaves them.
 */
export function drawNoise<T>(S: usize, base: usize, amp: f64, mode: i32): bool {
  const parts = planParts(S);
  if (ASC_FEATURE_THREADS && parts > 1) {
    storeArg(A_S, <i32>S);
    storeArg(A_BASE, <i32>base);
    storeArg(A_MODE, mode);
    storeArgF64(A_AMP, amp);
    storeArg(A_OK, 1);
    storeArg(A_REJECT, 0);
    publish(parts, JOB_DRAW + (sizeof<T>() == 8 ? 0 : 1));
    drawShare<T>(0, parts);
    join(parts);
    if (atomic.load<i32>(jobAddress(J_ARGS + A_REJECT)) == 0) {
      memory.copy(ptr(S, S_RNG), ptr(S, S_DRAW) + PLAN_LANES + (<usize>(parts - 1) << 7), 64);
      return atomic.load<i32>(jobAddress(J_ARGS + A_OK)) != 0;
    }
  }
  return drawAll<T>(S, base, amp, mode);
}
