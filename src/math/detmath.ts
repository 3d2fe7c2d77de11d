/**
 * Deterministic elementary functions, built only from IEEE-754 basic operations (+ − × ÷, exact
 * bit manipulation) in a fixed order. JS engines' own Math.log/sin/cos/exp/pow differ in the last
 * bits between Node, Chromium, Bun and Deno; these give the same bits everywhere, and
 * `assembly/detmath.ts` performs exactly the same operations so the Wasm core matches bit for bit.
 *
 * The algorithms and coefficients are fdlibm's (as in musl): `log`, `__sin`/`__cos` kernels and
 * `exp`. Accuracy is < 1 ulp, which is plenty; what matters here is that it is *the same* ulp.
 *
 * Inputs are restricted to what flatmin needs (documented per function); out-of-range inputs
 * are the caller's bug, not handled silently.
 */

// Scratch views for reading/writing the two 32-bit halves of a double. Little-endian is assumed:
// every engine flatmin targets (x86-64, arm64, Wasm itself) is little-endian.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef 35793c76
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/** Natural logarithm for positive, normal, finite x (fdlibm `__ieee754_log`). */
export function log(x: number): number {
  f64[0] = x;
  let hx = u32[1];
  // Reduce x into [sqrt(2)/2, sqrt(2)): x = 2^k (1 + f).
  hx = (hx + (0x3ff00000 - 0x3fe6a09e)) >>> 0;
  const k = (hx >>> 20) - 0x3ff;
  hx = ((hx & 0x000fffff) + 0x3fe6a09e) >>> 0;
  u32[1] = hx;
  const f = f64[0] - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const R = t2 + t1;
  const dk = k;
  return s * (hfsq + R) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** sin(x) for |x| ≤ π/4 (fdlibm `__sin` with no tail). */
export function kernelSin(x: number): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return x + v * (S1 + z * r);
}

/** cos(x) for |x| ≤ π/4 (fdlibm `__cos` with no tail). */
export function kernelCos(x: number): number {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const one = 1.0 - hz;
  return one + ((1.0 - one - hz) + z * r);
}

export const TWO_PI = 6.283185307179586;

/**
 * The quadrant q ∈ {0,1,2,3} and reduced angle x ∈ [−π/4, π/4] with 2πu = qπ/2 + x, for
 * u ∈ [0, 1). Exact apart from the final multiplication: 4u and u − q/4 are exact in binary.
 */
export function reduceTurn(u: number): { q: number; x: number } {
  const q = Math.floor(u * 4 + 0.5);
  return { q: q & 3, x: (u - q * 0.25) * TWO_PI };
}

/** cos(2πu) for u ∈ [0, 1). */
export function cos2pi(u: number): number {
  const { q, x } = reduceTurn(u);
  if (q === 0) return kernelCos(x);
  if (q === 1) return -kernelSin(x);
  if (q === 2) return -kernelCos(x);
  return kernelSin(x);
}

/** sin(2πu) for u ∈ [0, 1). */
export function sin2pi(u: number): number {
  const { q, x } = reduceTurn(u);
  if (q === 0) return kernelSin(x);
  if (q === 1) return kernelCos(x);
  if (q === 2) return -kernelSin(x);
  return -kernelCos(x);
}

const INV_LN2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

/** 2^k for integer k in the normal range, built from the exponent bits (no Math.pow). */
export function pow2(k: number): number {
  u32[0] = 0;
  u32[1] = ((k + 0x3ff) << 20) >>> 0;
  return f64[0];
}

/** e^x for |x| ≤ 700 (fdlibm `__ieee754_exp`). Used off the hot path (noise-schedule decay). */
export function exp(x: number): number {
  f64[0] = x;
  const hx = u32[1] & 0x7fffffff;
  const sign = u32[1] >>> 31;
  let k = 0;
  let hi = x;
  let lo = 0;
  if (hx > 0x3fd62e42) {
    // |x| > 0.5 ln2: x = k ln2 + r, |r| ≤ 0.5 ln2.
    if (hx >= 0x3ff0a2b2) k = Math.trunc(INV_LN2 * x + (sign ? -0.5 : 0.5));
    else k = 1 - sign - sign;
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (hx <= 0x3e300000) {
    return 1 + x; // |x| ≤ 2^-28
  }
  const xx = x * x;
  const c = x - xx * (P1 + xx * (P2 + xx * (P3 + xx * (P4 + xx * P5))));
  const y = 1 + ((x * c) / (2 - c) - lo + hi);
  return k === 0 ? y : y * pow2(k);
}
