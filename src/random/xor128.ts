import type { Seed } from '../config/types.js';

/**
 * Marsaglia's xor128, exactly as seedrandom's `xor128` generator: the state is four int32 words,
 * explicit and serializable, so a run can be checkpointed and resumed to the same bits. Seeding
 * (string or number) is seedrandom's own, so `seedrandom.xor128(seed)` is a published known-answer
 * oracle for this generator. `assembly/random.ts` is the same generator inside Wasm.
 */
export type RngState = Int32Array; // [x, y, z, w]

/**
 * seedrandom's xor128 seeding of the seed's *string form*: 42 and "42" are the same seed. (Given a
 * number, seedrandom would put it straight into x — and seed 0 would leave the all-zero state, on
 * which xor128 is stuck at 0 forever and `double()` never returns.)
 *
 * Written out here rather than imported: seedrandom ships CommonJS only, which the Vite dev server
 * hands unconverted to a module worker, and these eight lines are all of it we need at run time.
 * seedrandom stays a devDependency, as the known-answer oracle of test/random/xor128.test.ts.
 */
export function seedState(seed: Seed): RngState {
  const str = String(seed);
  const st = new Int32Array(4);
  // Mix in the UTF-16 code units, then discard 64 values (charCodeAt past the end is NaN → 0).
  for (let k = 0; k < str.length + 64; k++) {
    st[0] ^= str.charCodeAt(k) | 0;
    nextInt32(st);
  }
  if (st.every((v) => v === 0)) throw new Error(`seed ${JSON.stringify(seed)} gives the all-zero xor128 state`);
  return st;
}

/** Advance the state and return the next int32 (seedrandom's `int32()`). */
export function nextInt32(st: RngState): number {
  const x = st[0];
  const t = x ^ (x << 11);
  st[0] = st[1];
  st[1] = st[2];
  st[2] = st[3];
  const w = st[3];
  st[3] = w ^ (w >>> 19) ^ t ^ (t >>> 8);
  return st[3];
}

/** A double in (0, 1) with 53 random bits (seedrandom's `double()`, which rejects 0). */
export function nextDouble(st: RngState): number {
  let result: number;
  do {
    const top = nextInt32(st) >>> 11;
    const bot = (nextInt32(st) >>> 0) / 0x100000000;
    result = (top + bot) / (1 << 21);
  } while (result === 0);
  return result;
}
