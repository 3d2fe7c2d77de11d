import { laneDouble, type GaussianState } from './gaussian.js';

/**
 * The minibatch order of one SGD epoch: a Fisher–Yates shuffle driven by lane 0 of the four-lane
 * xor128 state (src/random/gaussian.ts). assembly/random.ts `shuffleI32` is the same rule; this
 * definition is the one both follow.
 *
 *   for k = len−1 down to 1:   u = laneDouble(state, 0),   j = floor(u · (k+1)),   swap(a[k], a[j])
 *
 * Why it is exact everywhere: u has 53 random bits in (0, 1); k+1 < 2^31 is exact, so u·(k+1) is one
 * correctly rounded IEEE multiplication and floor is exact — no engine-dependent Math function.
 * It never gives j = k+1: u ≤ 1 − 2^-53, so the exact product is at most (k+1)(1 − 2^-53). If k+1 is a
 * power of two that value is representable (one ulp below k+1); otherwise it lies more than half an
 * ulp below k+1, so round-to-nearest stays below k+1 either way. (The modulo bias of
 * a 53-bit draw over ≤ 2^31 slots is below 2^-22 and irrelevant here.) Each swap costs one
 * laneDouble, i.e. two xor128 steps of lane 0 (more only on the 2^-53-rare rejected zero).
 */
export function shuffle(a: Int32Array, lo: number, len: number, st: GaussianState): void {
  for (let k = len - 1; k >= 1; k--) {
    const j = Math.floor(laneDouble(st, 0) * (k + 1));
    const t = a[lo + k];
    a[lo + k] = a[lo + j];
    a[lo + j] = t;
  }
}

/**
 * Where the next minibatch of an epoch starts (the rule the deep model and the two-factor model
 * share; assembly/random.ts `epochStart` is the same): `pos` itself, or 0 after a used-up epoch
 * (pos ≥ len) has reset `order` to `obs` and shuffled it. The batch is then the next
 * min(batch, len − start) entries of `order`: an epoch's last batch may be shorter.
 */
export function epochStart(order: Int32Array, obs: Int32Array, pos: number, st: GaussianState): number {
  if (pos < obs.length) return pos;
  order.set(obs);
  shuffle(order, 0, obs.length, st);
  return 0;
}
