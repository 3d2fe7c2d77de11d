// xor128 (seedrandom's generator, src/random/xor128.ts) and Box-Muller Gaussians
// (src/random/gaussian.ts). The state sits in four globals during a run; rngLoad/rngStore move it
// to and from the 16 bytes of Wasm memory that JS owns, so checkpoints see it between calls.
import { detLog, kernelCos, kernelSin, turnQuadrant, turnReduced } from './detmath';

let sx: i32 = 0;
let sy: i32 = 0;
let sz: i32 = 0;
let sw: i32 = 0;

export function rngLoad(st: usize): void {
  sx = load<i32>(st, 0);
  sy = load<i32>(st, 4);
  sz = load<i32>(st, 8);
  sw = load<i32>(st, 12);
}

export function rngStore(st: usize): void {
  store<i32>(st, sx, 0);
  store<i32>(st, sy, 4);
  store<i32>(st, sz, 8);
  store<i32>(st, sw, 12);
}

// @ts-ignore: decorator
@inline export function nextInt32(): i32 {
  const t = sx ^ (sx << 11);
  sx = sy;
  sy = sz;
  sz = sw;
  sw = sw ^ (<i32>(<u32>sw >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
  return sw;
}

/** A double in (0, 1) with 53 random bits (seedrandom's double(), which rejects 0). */
export function nextDouble(): f64 {
  let result: f64;
  do {
    const top = <f64>(<u32>nextInt32() >> 11);
    const bot = <f64>(<u32>nextInt32()) / 4294967296.0;
    result = (top + bot) / 2097152.0;
  } while (result == 0);
  return result;
}

/**
 * count standard normals into out (f64); an odd count discards the last pair's sine.
 * The generator state is kept in locals for the whole fill (globals are memory round-trips in V8);
 * the two doubles per pair are nextDouble() written out, including its rejection of 0.
 */
export function fillGaussian(out: usize, count: i32): void {
  let x = sx, y = sy, z = sz, w = sw;
  for (let i = 0; i < count; i += 2) {
    let u1: f64, u2: f64;
    do {
      let t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (<i32>(<u32>w >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
      const top = <f64>(<u32>w >> 11);
      t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (<i32>(<u32>w >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
      u1 = (top + <f64>(<u32>w) / 4294967296.0) / 2097152.0;
    } while (u1 == 0);
    do {
      let t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (<i32>(<u32>w >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
      const top = <f64>(<u32>w >> 11);
      t = x ^ (x << 11); x = y; y = z; z = w; w = w ^ (<i32>(<u32>w >> 19)) ^ t ^ (<i32>(<u32>t >> 8));
      u2 = (top + <f64>(<u32>w) / 4294967296.0) / 2097152.0;
    } while (u2 == 0);
    const r = Math.sqrt(-2.0 * detLog(u1));
    const q = turnQuadrant(u2);
    const a = turnReduced(u2, q);
    const s = kernelSin(a);
    const c = kernelCos(a);
    const k = <i32>q & 3;
    // (cos, sin) of qπ/2 + a, by quadrant.
    const cosv = k == 0 ? c : k == 1 ? -s : k == 2 ? -c : s;
    const sinv = k == 0 ? s : k == 1 ? c : k == 2 ? -s : -c;
    store<f64>(out + (<usize>i << 3), r * cosv);
    if (i + 1 < count) store<f64>(out + (<usize>(i + 1) << 3), r * sinv);
  }
  sx = x; sy = y; sz = z; sw = w;
}
