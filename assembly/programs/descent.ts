// The step's descent (programs/step.ts, step 4): next = θ − T(η)·(∇ + T(2λ)·θ) over θ's elements,
// with ∇ already in next (or next − B on the two-factor fast path), checking that every new entry
// is finite. In the threads build a session with a draw plan (./draw.ts) splits it over the pool by
// the draw's shares (kernels/pool.ts shareStart), so that thread t descends the entries whose noise
// it drew and whose rows it mostly just computed: on two cores the data then stays in the cache of
// the core that wrote it. Elementwise, so the bits do not depend on the split.
import { descend, descendRidge, subtract } from '../kernels/elementwise';
import { J_ARGS, JOB_DESCENT, jobAddress, jobF64, jobWord, join, publish, shareStart, storeArg, storeArgF64 } from '../kernels/pool';
import { planParts } from './draw';

/** Modes: next = θ − η·(next − B) (the fast path without ridge); with the ridge: − η·((next − B) + 2λθ); − η·(next + 2λθ). */
export const DESCEND_FAST = 0;
export const DESCEND_FAST_RIDGE = 1;
export const DESCEND_RIDGE = 2;

// Job words (pool.ts J_ARGS + k): mode, θ, next, B, total, η (f64, two words), 2λ (f64, two words), OK.
const A_MODE = 0, A_THETA = 1, A_NEXT = 2, A_B = 3, A_TOTAL = 4, A_LR = 5, A_TL = 7, A_OK = 9;

/** The descent on [lo, hi); 0 if some new entry is not finite. */
function descentRange<T>(mode: i32, theta: usize, next: usize, B: usize, lo: i32, hi: i32, lr: T, tl: T): i32 {
  const o = <usize>lo << alignof<T>();
  if (mode == DESCEND_FAST) return descend<T>(next + o, theta + o, B + o, hi - lo, lr);
  if (mode == DESCEND_FAST_RIDGE) subtract<T>(next + o, next + o, B + o, hi - lo);
  return descendRidge<T>(next + o, theta + o, next + o, hi - lo, lr, tl);
}

/** Thread t's share (of P) of the published descent; the calling thread is t = 0. */
export function descentShare<T>(t: i32, parts: i32): void {
  const total = jobWord(J_ARGS + A_TOTAL);
  const ok = descentRange<T>(jobWord(J_ARGS + A_MODE), <usize>jobWord(J_ARGS + A_THETA), <usize>jobWord(J_ARGS + A_NEXT), <usize>jobWord(J_ARGS + A_B),
    shareStart(t, parts, total), shareStart(t + 1, parts, total), <T>jobF64(J_ARGS + A_LR), <T>jobF64(J_ARGS + A_TL));
  if (!ok) atomic.and<i32>(jobAddress(J_ARGS + A_OK), 0);
}

/** The descent over all `total` entries of θ; false if some new entry is not finite (then next is to be discarded). */
export function descent<T>(S: usize, mode: i32, theta: usize, next: usize, B: usize, total: i32, lr: T, tl: T): bool {
  const parts = planParts(S);
  if (ASC_FEATURE_THREADS && parts > 1) {
    storeArg(A_MODE, mode);
    storeArg(A_THETA, <i32>theta);
    storeArg(A_NEXT, <i32>next);
    storeArg(A_B, <i32>B);
    storeArg(A_TOTAL, total);
    storeArgF64(A_LR, <f64>lr);
    storeArgF64(A_TL, <f64>tl);
    storeArg(A_OK, 1);
    publish(parts, JOB_DESCENT + (sizeof<T>() == 8 ? 0 : 1));
    descentShare<T>(0, parts);
    join(parts);
    return atomic.load<i32>(jobAddress(J_ARGS + A_OK)) != 0;
  }
  return descentRange<T>(mode, theta, next, B, 0, total, lr, tl) != 0;
}
