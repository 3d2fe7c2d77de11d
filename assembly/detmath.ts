// Deterministic log and sin/cos(2πu) from IEEE basic operations — the same operations, in the same
// order, as src/math/detmath.ts (the reference). Read that file for the derivation; any change here
// must be made there too, or the backends stop agreeing bit for bit.

const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LG1: f64 = 6.666666666666735130e-1;
const LG2: f64 = 3.999999999940941908e-1;
const LG3: f64 = 2.857142874366239149e-1;
const LG4: f64 = 2.222219843214978396e-1;
const LG5: f64 = 1.818357216161805012e-1;
const LG6: f64 = 1.531383769920937332e-1;
const LG7: f64 = 1.479819860511658591e-1;

/** Natural logarithm for positive, normal, finite x (fdlibm). */
// @ts-ignore: decorator
@inline export function detLog(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  hx += 0x3ff00000 - 0x3fe6a09e;
  const k = <i32>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffff) + 0x3fe6a09e;
  bits = (<u64>hx << 32) | (bits & 0xffffffff);
  const f = reinterpret<f64>(bits) - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const dk = <f64>k;
  return s * (hfsq + R) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

const S1: f64 = -1.66666666666666324348e-1;
const S2: f64 = 8.33333333332248946124e-3;
const S3: f64 = -1.98412698298579493134e-4;
const S4: f64 = 2.75573137070700676789e-6;
const S5: f64 = -2.50507602534068634195e-8;
const S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-2;
const C2: f64 = -1.38888888888741095749e-3;
const C3: f64 = 2.48015872894767294178e-5;
const C4: f64 = -2.75573143513906633035e-7;
const C5: f64 = 2.08757232129817482790e-9;
const C6: f64 = -1.13596475577881948265e-11;
const TWO_PI: f64 = 6.283185307179586;

// @ts-ignore: decorator
@inline export function kernelSin(x: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x + v * (S1 + z * r);
}

// @ts-ignore: decorator
@inline export function kernelCos(x: f64): f64 {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const one = 1.0 - hz;
  return one + ((1.0 - one - hz) + z * r);
}

/** Quadrant of 2πu (u ∈ [0, 1)) — see reduceTurn in the reference. */
// @ts-ignore: decorator
@inline export function turnQuadrant(u: f64): f64 {
  return Math.floor(u * 4.0 + 0.5);
}

/** Reduced angle for quadrant q: (u − q/4)·2π ∈ [−π/4, π/4]. */
// @ts-ignore: decorator
@inline export function turnReduced(u: f64, q: f64): f64 {
  return (u - q * 0.25) * TWO_PI;
}

// ---- The same functions on f64x2: lane for lane the scalar operations above, in the same order
// (f64x2 add/mul/div/sqrt/floor are IEEE-exact per lane, like their scalar forms). Inputs as above.

// Their constants are read from memory (`kv`), not written as splats: V8 ≥ 12 (Chromium, Deno)
// rematerializes every v128 constant inside the loop that uses it — movabs + vmovq + vpunpcklqdq,
// or vpcmpeqd + shifts, 3 instructions per use — where V8 11 (Node 20) hoists them and JSC hoists
// and spills them; in fillGaussian's loop (~60 constant uses per group of 8 normals) that made
// Chromium, Deno and Bun ~1.5× slower than Node. A v128.load at a constant address is one
// instruction in every engine and needs no bounds check even where the engine checks explicitly
// (Deno: the table lies in the first page, so it is statically in bounds). Same values, same
// operations: the bits do not change. bench/runtimes/README.md has the measurements.
const F = memory.data<f64>([
  1.0, 1.0, 0.5, 0.5, 2.0, 2.0, 4.0, 4.0, 0.25, 0.25, TWO_PI, TWO_PI, LN2_HI, LN2_HI, LN2_LO, LN2_LO,
  LG1, LG1, LG2, LG2, LG3, LG3, LG4, LG4, LG5, LG5, LG6, LG6, LG7, LG7,
  S1, S1, S2, S2, S3, S3, S4, S4, S5, S5, S6, S6,
  C1, C1, C2, C2, C3, C3, C4, C4, C5, C5, C6, C6,
], 16);
const K_ONE = 0, K_HALF = 1, K_TWO = 2, K_FOUR = 3, K_QUARTER = 4, K_TWO_PI = 5, K_LN2_HI = 6, K_LN2_LO = 7;
const K_LG = 7; // K_LG + j is LGj
const K_S = 14; // K_S + j is Sj
const K_C = 20; // K_C + j is Cj
// The integer masks of detLogV, as i64 lanes.
const I = memory.data<i64>([
  0x3ff00000 - 0x3fe6a09e, 0x3ff00000 - 0x3fe6a09e, 0x3ff, 0x3ff, 0x000fffff, 0x000fffff,
  0x3fe6a09e, 0x3fe6a09e, 0xffffffff, 0xffffffff,
], 16);

/** Entry i (a lane pair) of a constant table. */
// @ts-ignore: decorator
@inline export function kv(table: usize, i: i32): v128 {
  return v128.load(table + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline function sp(i: i32): v128 {
  return kv(F, i);
}

/** detLog on each lane. */
// @ts-ignore: decorator
@inline export function detLogV(x: v128): v128 {
  let hx = i64x2.shr_u(x, 32);
  hx = i64x2.add(hx, kv(I, 0));
  const k = i64x2.sub(i64x2.shr_u(hx, 20), kv(I, 1));
  hx = i64x2.add(v128.and(hx, kv(I, 2)), kv(I, 3));
  const bits = v128.or(i64x2.shl(hx, 32), v128.and(x, kv(I, 4)));
  const f = f64x2.sub(bits, sp(K_ONE));
  const hfsq = f64x2.mul(f64x2.mul(sp(K_HALF), f), f);
  const s = f64x2.div(f, f64x2.add(sp(K_TWO), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  const t1 = f64x2.mul(w, f64x2.add(sp(K_LG + 2), f64x2.mul(w, f64x2.add(sp(K_LG + 4), f64x2.mul(w, sp(K_LG + 6))))));
  const t2 = f64x2.mul(z, f64x2.add(sp(K_LG + 1), f64x2.mul(w, f64x2.add(sp(K_LG + 3), f64x2.mul(w, f64x2.add(sp(K_LG + 5), f64x2.mul(w, sp(K_LG + 7))))))));
  const R = f64x2.add(t2, t1);
  // k (small, in the low word of each i64 lane) to f64: gather the low words, convert exactly.
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  let y = f64x2.mul(s, f64x2.add(hfsq, R));
  y = f64x2.add(y, f64x2.mul(dk, sp(K_LN2_LO)));
  y = f64x2.sub(y, hfsq);
  y = f64x2.add(y, f);
  return f64x2.add(y, f64x2.mul(dk, sp(K_LN2_HI)));
}

// @ts-ignore: decorator
@inline export function kernelSinV(x: v128): v128 {
  const z = f64x2.mul(x, x);
  const w = f64x2.mul(z, z);
  const r = f64x2.add(
    f64x2.add(sp(K_S + 2), f64x2.mul(z, f64x2.add(sp(K_S + 3), f64x2.mul(z, sp(K_S + 4))))),
    f64x2.mul(f64x2.mul(z, w), f64x2.add(sp(K_S + 5), f64x2.mul(z, sp(K_S + 6)))),
  );
  const v = f64x2.mul(z, x);
  return f64x2.add(x, f64x2.mul(v, f64x2.add(sp(K_S + 1), f64x2.mul(z, r))));
}

// @ts-ignore: decorator
@inline export function kernelCosV(x: v128): v128 {
  const z = f64x2.mul(x, x);
  const w = f64x2.mul(z, z);
  const r = f64x2.add(
    f64x2.mul(z, f64x2.add(sp(K_C + 1), f64x2.mul(z, f64x2.add(sp(K_C + 2), f64x2.mul(z, sp(K_C + 3)))))),
    f64x2.mul(f64x2.mul(w, w), f64x2.add(sp(K_C + 4), f64x2.mul(z, f64x2.add(sp(K_C + 5), f64x2.mul(z, sp(K_C + 6)))))),
  );
  const hz = f64x2.mul(sp(K_HALF), z);
  const one = f64x2.sub(sp(K_ONE), hz);
  return f64x2.add(one, f64x2.add(f64x2.sub(f64x2.sub(sp(K_ONE), one), hz), f64x2.mul(z, r)));
}

// @ts-ignore: decorator
@inline export function turnQuadrantV(u: v128): v128 {
  return f64x2.floor(f64x2.add(f64x2.mul(u, sp(K_FOUR)), sp(K_HALF)));
}

// @ts-ignore: decorator
@inline export function turnReducedV(u: v128, q: v128): v128 {
  return f64x2.mul(f64x2.sub(u, f64x2.mul(q, sp(K_QUARTER))), sp(K_TWO_PI));
}

const INV_LN2: f64 = 1.44269504088896338700e0;
const P1: f64 = 1.66666666666666019037e-1;
const P2: f64 = -2.77777777770155933842e-3;
const P3: f64 = 6.61375632143793436117e-5;
const P4: f64 = -1.65339022054652515390e-6;
const P5: f64 = 4.13813679705723846039e-8;

/** e^x for |x| ≤ 700 (fdlibm): src/math/detmath.ts exp, operation for operation. */
export function detExp(x: f64): f64 {
  const high = <u32>(reinterpret<u64>(x) >> 32);
  const hx = high & 0x7fffffff;
  const sign = high >> 31;
  let k = 0;
  let hi = x;
  let lo: f64 = 0;
  if (hx > 0x3fd62e42) {
    if (hx >= 0x3ff0a2b2) k = <i32>trunc(INV_LN2 * x + (sign ? -0.5 : 0.5));
    else k = 1 - <i32>sign - <i32>sign;
    hi = x - <f64>k * LN2_HI;
    lo = <f64>k * LN2_LO;
    x = hi - lo;
  } else if (hx <= 0x3e300000) {
    return 1 + x;
  }
  const xx = x * x;
  const c = x - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
  const y = 1 + ((x * c) / (2 - c) - lo + hi);
  return k == 0 ? y : y * reinterpret<f64>(<u64>(k + 0x3ff) << 52);
}
