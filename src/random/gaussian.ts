import { cos2pi, log, sin2pi } from '../math/detmath.js';
import { nextDouble, type RngState } from './xor128.js';

/**
 * Standard normal draws by Box-Muller on xor128 doubles: u1, u2 → r·cos 2πu2, r·sin 2πu2 with
 * r = √(−2 ln u1). log/sin/cos are the deterministic ones, so the stream is the same in every
 * engine and in the Wasm core (`assembly/random.ts`).
 *
 * Draws come in pairs; a fill of odd length discards the last pair's sine. That rule, not a
 * cached spare, keeps the stream a pure function of (state, lengths of the fills).
 */
export function fillGaussian(out: Float64Array, offset: number, count: number, st: RngState): void {
  let i = 0;
  while (i < count) {
    const u1 = nextDouble(st);
    const u2 = nextDouble(st);
    const r = Math.sqrt(-2.0 * log(u1));
    out[offset + i] = r * cos2pi(u2);
    if (i + 1 < count) out[offset + i + 1] = r * sin2pi(u2);
    i += 2;
  }
}

export function gaussians(count: number, st: RngState): Float64Array {
  const out = new Float64Array(count);
  fillGaussian(out, 0, count, st);
  return out;
}
