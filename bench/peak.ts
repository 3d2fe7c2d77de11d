/**
 * The machine's Wasm SIMD peak, measured: a GEMM micro-kernel written straight as Wasm bytes (no
 * toolchain), a 4-row × 2-vector register tile (8 v128 accumulators: 4 splatted A values times
 * 2 B vectors per k, mul then add — no FMA, like flatmin's kernels) over packed panels that stay
 * in L1. f64x2: 32 flops per k; f32x4: 64 flops per k.
 */

const enc = {
  u(v: number): number[] {
    const out: number[] = [];
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      out.push(b);
    } while (v !== 0);
    return out;
  },
  s(v: number): number[] {
    const out: number[] = [];
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        out.push(b);
        return out;
      }
      out.push(b | 0x80);
    }
  },
  str(s: string): number[] {
    return [...enc.u(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  },
  vec(items: number[][]): number[] {
    return [...enc.u(items.length), ...items.flat()];
  },
  section(id: number, body: number[]): number[] {
    return [id, ...enc.u(body.length), ...body];
  },
};

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  loop: 0x03, end: 0x0b, br_if: 0x0d, get: 0x20, set: 0x21, tee: 0x22, i32const: 0x41, add: 0x6a, sub: 0x6b,
};
const simd = (code: number, ...imm: number[]) => [0xfd, ...enc.u(code), ...imm];
const SIMD = { load: 0x00, load32splat: 0x09, load64splat: 0x0a, store: 0x0b, f32add: 0xe4, f32mul: 0xe6, f64add: 0xf0, f64mul: 0xf2 };

export const A_OFF = 0;
export const B_OFF = 16384;
export const OUT_OFF = 32768;
export const MAX_K = 512;

export interface Kind {
  name: 'f64' | 'f32';
  /** Bytes per element. */
  esz: number;
  lanes: number;
  splat: number;
  mul: number;
  add: number;
}
export const F64: Kind = { name: 'f64', esz: 8, lanes: 2, splat: SIMD.load64splat, mul: SIMD.f64mul, add: SIMD.f64add };
export const F32: Kind = { name: 'f32', esz: 4, lanes: 4, splat: SIMD.load32splat, mul: SIMD.f32mul, add: SIMD.f32add };

/** Flops of one k iteration of the tile: 4 rows × 2 vectors × lanes × (mul + add). */
export const flopsPerK = (k: Kind) => 4 * 2 * k.lanes * 2;

/**
 * kernel(reps, K): reps times over K (a multiple of unroll): acc[2i+j] += splat(A[k][i]) * B[k][j],
 * A packed k-major (4 elements per k), B packed k-major (2 vectors per k); then stores the 8
 * accumulators at OUT_OFF.
 */
function kernelBody(k: Kind, unroll: number): number[] {
  const [REPS, KK, CNT, PA, PB] = [0, 1, 2, 3, 4];
  const ACC = 5; // 5..12
  const A = 13;
  const B0 = 14;
  const B1 = 15;
  const alignSplat = Math.log2(k.esz);
  const code: number[] = [];
  code.push(op.loop, 0x40);
  code.push(op.i32const, ...enc.s(A_OFF), op.set, PA);
  code.push(op.i32const, ...enc.s(B_OFF), op.set, PB);
  code.push(op.get, KK, op.set, CNT);
  code.push(op.loop, 0x40);
  for (let u = 0; u < unroll; u++) {
    code.push(op.get, PB, ...simd(SIMD.load, 4, ...enc.u(32 * u)), op.set, B0);
    code.push(op.get, PB, ...simd(SIMD.load, 4, ...enc.u(32 * u + 16)), op.set, B1);
    for (let row = 0; row < 4; row++) {
      code.push(op.get, PA, ...simd(k.splat, alignSplat, ...enc.u((u * 4 + row) * k.esz)), op.set, A);
      for (const [j, b] of [[0, B0], [1, B1]]) {
        const acc = ACC + 2 * row + j;
        code.push(op.get, acc, op.get, A, op.get, b, ...simd(k.mul), ...simd(k.add), op.set, acc);
      }
    }
  }
  code.push(op.get, PA, op.i32const, ...enc.s(4 * k.esz * unroll), op.add, op.set, PA);
  code.push(op.get, PB, op.i32const, ...enc.s(32 * unroll), op.add, op.set, PB);
  code.push(op.get, CNT, op.i32const, ...enc.s(unroll), op.sub, op.tee, CNT, op.br_if, 0);
  code.push(op.end);
  code.push(op.get, REPS, op.i32const, 1, op.sub, op.tee, REPS, op.br_if, 0);
  code.push(op.end);
  for (let i = 0; i < 8; i++) {
    code.push(op.i32const, ...enc.s(OUT_OFF + 16 * i), op.get, ACC + i, ...simd(SIMD.store, 4, 0));
  }
  code.push(op.end);
  const locals = enc.vec([[...enc.u(3), I32], [...enc.u(11), V128]]);
  const body = [...locals, ...code];
  return [...enc.u(body.length), ...body];
}

/** A module exporting `memory` and one kernel per (kind, unroll) in `variants`. */
export function peakModuleBytes(variants: { kind: Kind; unroll: number }[]): Uint8Array<ArrayBuffer> {
  const type = enc.section(1, enc.vec([[0x60, ...enc.vec([[I32], [I32]]), 0x00]]));
  const funcs = enc.section(3, enc.vec(variants.map(() => [0x00])));
  const memory = enc.section(5, enc.vec([[0x00, ...enc.u(1)]]));
  const exports = enc.section(7, enc.vec([
    [...enc.str('memory'), 0x02, 0x00],
    ...variants.map((v, i) => [...enc.str(`${v.kind.name}_u${v.unroll}`), 0x00, ...enc.u(i)]),
  ]));
  const code = enc.section(10, enc.vec(variants.map((v) => kernelBody(v.kind, v.unroll))));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...type, ...funcs, ...memory, ...exports, ...code]);
}

type Kernel = (reps: number, K: number) => void;

/** Check one kernel against a scalar JS evaluation of the same sums in the same order. */
function verify(kind: Kind, fn: Kernel, mem: WebAssembly.Memory): void {
  const K = 8;
  const Arr = kind.name === 'f64' ? Float64Array : Float32Array;
  const round = kind.name === 'f64' ? (x: number) => x : Math.fround;
  const cols = 2 * kind.lanes;
  const A = new Arr(mem.buffer, A_OFF, 4 * K);
  const B = new Arr(mem.buffer, B_OFF, cols * K);
  for (let i = 0; i < A.length; i++) A[i] = 0.5 + ((i * 37) % 11) / 16;
  for (let i = 0; i < B.length; i++) B[i] = 0.25 + ((i * 13) % 7) / 8;
  fn(2, K);
  const out = new Arr(mem.buffer, OUT_OFF, 8 * kind.lanes);
  for (let row = 0; row < 4; row++) {
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let rep = 0; rep < 2; rep++) for (let k = 0; k < K; k++) s = round(s + round(A[k * 4 + row] * B[k * cols + c]));
      const got = out[(2 * row + (c >= kind.lanes ? 1 : 0)) * kind.lanes + (c % kind.lanes)];
      if (got !== s) throw new Error(`peak kernel ${kind.name}: wrong result at (${row}, ${c}): ${got} vs ${s}`);
    }
  }
}

export interface PeakResult {
  gflopsF64: number;
  gflopsF32: number;
  /** Best configuration per kind. */
  detail: Record<string, { unroll: number; K: number; gflops: number }[]>;
}

/** Measure the peak: best GFLOP/s over a few unrolls, each the best of several timed calls. */
export async function measurePeak(opts: { quick: boolean }): Promise<PeakResult> {
  const unrolls = [1, 2, 4];
  const variants = [F64, F32].flatMap((kind) => unrolls.map((unroll) => ({ kind, unroll })));
  const bytes = peakModuleBytes(variants);
  if (!WebAssembly.validate(bytes)) throw new Error('peak module does not validate');
  const { instance } = await WebAssembly.instantiate(bytes);
  const mem = instance.exports.memory as WebAssembly.Memory;
  const K = 256; // f64: A 8 KiB + B 8 KiB; f32: 4 + 8 KiB — L1-resident
  const detail: PeakResult['detail'] = { f64: [], f32: [] };
  const best = { f64: 0, f32: 0 };
  for (const v of variants) {
    const fn = instance.exports[`${v.kind.name}_u${v.unroll}`] as Kernel;
    verify(v.kind, fn, mem);
    const flopsPerRep = K * flopsPerK(v.kind);
    // Warm-up (lets V8 tier up from Liftoff to TurboFan: several calls), then calibrate.
    let reps = 64;
    for (let i = 0; i < 20; i++) fn(reps, K);
    for (;;) {
      const t0 = performance.now();
      fn(reps, K);
      const dt = performance.now() - t0;
      if (dt > (opts.quick ? 5 : 20)) break;
      reps *= 2;
    }
    let bestSec = Infinity;
    for (let i = 0; i < (opts.quick ? 3 : 10); i++) {
      const t0 = performance.now();
      fn(reps, K);
      bestSec = Math.min(bestSec, (performance.now() - t0) / 1000);
    }
    const gflops = (reps * flopsPerRep) / bestSec / 1e9;
    detail[v.kind.name].push({ unroll: v.unroll, K, gflops });
    best[v.kind.name] = Math.max(best[v.kind.name], gflops);
  }
  return { gflopsF64: best.f64, gflopsF32: best.f32, detail };
}
