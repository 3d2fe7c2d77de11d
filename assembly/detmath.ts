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
