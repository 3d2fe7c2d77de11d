// Register-blocked GEMM micro-kernels on raw row-major buffers (byte pointers), generic over the
// element type T (f64 or f32).
//
//   gemmNN:  C[i][c] = Σ_k A[i·lda + k] · B[k·ldb + c]      (C = A B)
//   gemmTN:  C[i][c] = Σ_k A[k·lda + i] · B[k·ldb + c]      (C = Aᵀ B)
//
// Bit-exactness contract with src/linalg/kernels.ts: each C element starts at +0.0 and
// adds its products in ascending k, multiply then add, each rounded to T (Wasm never fuses). SIMD
// runs across output columns only: a lane is one output element doing exactly the scalar
// operations, so the SIMD build, the scalar build and the reference agree bit for bit.
//
// Tiles (L = 16 / sizeof<T> lanes: 2 for f64, 4 for f32):
//
//        c0         c0+2L
//   i0 ┌───────────┐
//      │ 8 × v128  │  ← acc[q][v] += splat(A[i0+q][k]) · B[k][c0 + vL .. +L]
//   i0+4└───────────┘
//
// 4 rows × 2 vectors keeps 8 accumulators + 2 B vectors + 1 splat in registers (V8 has 15 usable
// v128 registers; 12+ accumulators spill). Per k it issues 6 loads and 16 vector mul/add; with
// everything in L1 it runs at ≈19.5 GFLOP/s f64 / ≈38 f32 here, the limit of the FP mul/add ports
// without FMA, so the rest is about feeding it and not adding instructions:
//   - A is read with load_splat (one instruction, not a scalar load + splat);
//   - one walked pointer per A row: V8's clean loop is ≈25 instructions per k (checked with
//     --print-wasm-code; a single A pointer with row offsets, or a k loop unrolled by two, came out
//     slower: V8 hoists the second iteration's loads and spills accumulators);
//   - K > KC is cut into blocks so a 4×KC strip of A stays in L1 for all column tiles (≈5% at
//     1024×1024×64, where M rows are 8 KB apart); see the driver.
// Measured and dropped, all within noise or slower: packing B into contiguous K×2L panels (B is at
// most a few hundred KB and streams from L2 fast enough), packing the A strip, 2 rows × 4 vectors
// tiles, 8×1-vector tiles for f32 r = 4, a 4 × (2 vectors + 1 scalar) tile for f64 r = 5. So the
// kernels need no scratch. C must not overlap A or B (the blocked path zeroes C's rows first).
//
// Threads (the threads build only, pool.ts): a large product is split by blocks of 4 output rows
// over the pool (a static share each, then work stealing); each thread runs these same kernels on
// its rows, so the bits do not change.
//
// Column edges: after the 2-vector tiles, L+1 leftover columns (f32 r = 5, f64 cols ≡ 3 mod 4)
// use a fused 4 × (1 vector + 1 scalar) tile that shares the A loads; other leftovers use
// 4×1-vector and 4×1-scalar tiles. Leftover rows (rows % 4) go one row at a time. Without SIMD
// (the fallback build, ASC_FEATURE_SIMD false) everything takes the plain scalar loop, same
// arithmetic.

import { J_ARGS, JOB_GEMM, dealBlocks, jobWord, join, nextBlocks, partsFor, publish, storeArg } from './pool';

// K block length for the 4-row tiles: a 4×KC strip of A is 8 KB (f64), well inside L1 next to
// the B rows it meets. 128, 256 and 512 measured the same within noise.
// @ts-ignore: decorator
@lazy const KC: i32 = 256;

// @ts-ignore: decorator
@inline function mulAdd<T>(s: v128, a: v128, b: v128): v128 {
  return v128.add<T>(s, v128.mul<T>(a, b));
}

// 4 rows × 2 vectors. Pointers: pc → C[i0][c0], pa → A[i0][k=0], pb → B[k=0][c0].
// aRow/aK/bK/ldcB are byte strides (A's per output row and per k, B's per k, C's per row).
// onto (always a literal): start from the partial sums in C instead of +0.0.
// @ts-ignore: decorator
@inline function tile4x2<T>(pc: usize, ldcB: usize, pa: usize, aRow: usize, aK: usize, pb: usize, bK: usize, K: i32, onto: bool): void {
  let s00 = v128.splat<T>(0), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  if (onto) {
    s00 = v128.load(pc); s01 = v128.load(pc, 16);
    s10 = v128.load(pc + ldcB); s11 = v128.load(pc + ldcB, 16);
    s20 = v128.load(pc + 2 * ldcB); s21 = v128.load(pc + 2 * ldcB, 16);
    s30 = v128.load(pc + 3 * ldcB); s31 = v128.load(pc + 3 * ldcB, 16);
  }
  let p0 = pa, p1 = pa + aRow, p2 = p1 + aRow, p3 = p2 + aRow;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load_splat<T>(p0);
    s00 = mulAdd<T>(s00, a, b0); s01 = mulAdd<T>(s01, a, b1);
    a = v128.load_splat<T>(p1);
    s10 = mulAdd<T>(s10, a, b0); s11 = mulAdd<T>(s11, a, b1);
    a = v128.load_splat<T>(p2);
    s20 = mulAdd<T>(s20, a, b0); s21 = mulAdd<T>(s21, a, b1);
    a = v128.load_splat<T>(p3);
    s30 = mulAdd<T>(s30, a, b0); s31 = mulAdd<T>(s31, a, b1);
    p0 += aK; p1 += aK; p2 += aK; p3 += aK; pb += bK;
  }
  v128.store(pc, s00); v128.store(pc, s01, 16); pc += ldcB;
  v128.store(pc, s10); v128.store(pc, s11, 16); pc += ldcB;
  v128.store(pc, s20); v128.store(pc, s21, 16); pc += ldcB;
  v128.store(pc, s30); v128.store(pc, s31, 16);
}

// 4 rows × 1 vector (L columns).
// @ts-ignore: decorator
@inline function tile4x1<T>(pc: usize, ldcB: usize, pa: usize, aRow: usize, aK: usize, pb: usize, bK: usize, K: i32, onto: bool): void {
  let s0 = v128.splat<T>(0), s1 = s0, s2 = s0, s3 = s0;
  if (onto) {
    s0 = v128.load(pc); s1 = v128.load(pc + ldcB); s2 = v128.load(pc + 2 * ldcB); s3 = v128.load(pc + 3 * ldcB);
  }
  let p0 = pa, p1 = pa + aRow, p2 = p1 + aRow, p3 = p2 + aRow;
  for (let k = 0; k < K; k++) {
    const b = v128.load(pb);
    s0 = mulAdd<T>(s0, v128.load_splat<T>(p0), b);
    s1 = mulAdd<T>(s1, v128.load_splat<T>(p1), b);
    s2 = mulAdd<T>(s2, v128.load_splat<T>(p2), b);
    s3 = mulAdd<T>(s3, v128.load_splat<T>(p3), b);
    p0 += aK; p1 += aK; p2 += aK; p3 += aK; pb += bK;
  }
  v128.store(pc, s0); pc += ldcB;
  v128.store(pc, s1); pc += ldcB;
  v128.store(pc, s2); pc += ldcB;
  v128.store(pc, s3);
}

// 4 rows × (1 vector + 1 scalar column): L+1 columns. The scalar lane reuses lane 0 of the A
// splat, so the extra column costs no extra A loads (f32 r = 5: 4 + 1 columns).
// @ts-ignore: decorator
@inline function tile4x1s<T>(pc: usize, ldcB: usize, pa: usize, aRow: usize, aK: usize, pb: usize, bK: usize, K: i32, onto: bool): void {
  let s0 = v128.splat<T>(0), s1 = s0, s2 = s0, s3 = s0;
  let t0: T = 0, t1: T = 0, t2: T = 0, t3: T = 0;
  if (onto) {
    s0 = v128.load(pc); s1 = v128.load(pc + ldcB); s2 = v128.load(pc + 2 * ldcB); s3 = v128.load(pc + 3 * ldcB);
    t0 = load<T>(pc, 16); t1 = load<T>(pc + ldcB, 16); t2 = load<T>(pc + 2 * ldcB, 16); t3 = load<T>(pc + 3 * ldcB, 16);
  }
  let p0 = pa, p1 = pa + aRow, p2 = p1 + aRow, p3 = p2 + aRow;
  for (let k = 0; k < K; k++) {
    const b = v128.load(pb);
    const bs = load<T>(pb, 16);
    let a = v128.load_splat<T>(p0);
    s0 = mulAdd<T>(s0, a, b); t0 += v128.extract_lane<T>(a, 0) * bs;
    a = v128.load_splat<T>(p1);
    s1 = mulAdd<T>(s1, a, b); t1 += v128.extract_lane<T>(a, 0) * bs;
    a = v128.load_splat<T>(p2);
    s2 = mulAdd<T>(s2, a, b); t2 += v128.extract_lane<T>(a, 0) * bs;
    a = v128.load_splat<T>(p3);
    s3 = mulAdd<T>(s3, a, b); t3 += v128.extract_lane<T>(a, 0) * bs;
    p0 += aK; p1 += aK; p2 += aK; p3 += aK; pb += bK;
  }
  v128.store(pc, s0); store<T>(pc, t0, 16); pc += ldcB;
  v128.store(pc, s1); store<T>(pc, t1, 16); pc += ldcB;
  v128.store(pc, s2); store<T>(pc, t2, 16); pc += ldcB;
  v128.store(pc, s3); store<T>(pc, t3, 16);
}

// 4 rows × 1 scalar column.
// @ts-ignore: decorator
@inline function tile4xs<T>(pc: usize, ldcB: usize, pa: usize, aRow: usize, aK: usize, pb: usize, bK: usize, K: i32, onto: bool): void {
  let t0: T = 0, t1: T = 0, t2: T = 0, t3: T = 0;
  if (onto) {
    t0 = load<T>(pc); t1 = load<T>(pc + ldcB); t2 = load<T>(pc + 2 * ldcB); t3 = load<T>(pc + 3 * ldcB);
  }
  let p0 = pa, p1 = pa + aRow, p2 = p1 + aRow, p3 = p2 + aRow;
  for (let k = 0; k < K; k++) {
    const b = load<T>(pb);
    t0 += load<T>(p0) * b; t1 += load<T>(p1) * b; t2 += load<T>(p2) * b; t3 += load<T>(p3) * b;
    p0 += aK; p1 += aK; p2 += aK; p3 += aK; pb += bK;
  }
  store<T>(pc, t0); pc += ldcB;
  store<T>(pc, t1); pc += ldcB;
  store<T>(pc, t2); pc += ldcB;
  store<T>(pc, t3);
}

// 1 row × 1 vector.
// @ts-ignore: decorator
@inline function tile1x1<T>(pc: usize, pa: usize, aK: usize, pb: usize, bK: usize, K: i32): void {
  let s = v128.splat<T>(0);
  for (let k = 0; k < K; k++) {
    s = mulAdd<T>(s, v128.load_splat<T>(pa), v128.load(pb));
    pa += aK; pb += bK;
  }
  v128.store(pc, s);
}

// 1 row × 1 scalar column: the reference loop itself.
// @ts-ignore: decorator
@inline function tile1xs<T>(pc: usize, pa: usize, aK: usize, pb: usize, bK: usize, K: i32): void {
  let t: T = 0;
  for (let k = 0; k < K; k++) {
    t += load<T>(pa) * load<T>(pb);
    pa += aK; pb += bK;
  }
  store<T>(pc, t);
}

/** Rows i0..i0+3, columns c0..cols-1, K steps of k from the given pointers; `onto` as in the tiles. */
// @ts-ignore: decorator
@inline function rowBlock<T>(pc: usize, ldcB: usize, pa: usize, aRowB: usize, aKB: usize, pb: usize, bK: usize, c0: i32, cols: i32, K: i32, onto: bool): void {
  const sz = sizeof<T>();
  const L = 16 / <i32>sz;
  let c = c0;
  for (; c + 2 * L <= cols; c += 2 * L) tile4x2<T>(pc + <usize>c * sz, ldcB, pa, aRowB, aKB, pb + <usize>c * sz, bK, K, onto);
  if (cols - c == L + 1) {
    tile4x1s<T>(pc + <usize>c * sz, ldcB, pa, aRowB, aKB, pb + <usize>c * sz, bK, K, onto);
    return;
  }
  if (c + L <= cols) {
    tile4x1<T>(pc + <usize>c * sz, ldcB, pa, aRowB, aKB, pb + <usize>c * sz, bK, K, onto);
    c += L;
  }
  for (; c < cols; c++) tile4xs<T>(pc + <usize>c * sz, ldcB, pa, aRowB, aKB, pb + <usize>c * sz, bK, K, onto);
}

/**
 * The shared driver, for output rows [i0, i1) (i0 a multiple of 4; i1 a multiple of 4 or `rows`:
 * a thread's share, see pool.ts). `aRow`/`aK` are A's strides in elements for (output row, k):
 * NN: aRow = lda, aK = 1;  TN: aRow = 1, aK = lda. Which rows a call covers changes no bits: each
 * element's sum is the same wherever it is computed.
 *
 * `sym` (a literal): C = AᵀA, so C[c][i] is C[i][c] bit for bit (the same products, a·b = b·a
 * exactly, added in the same k order). Row block i starts at the 2L-column tile holding the
 * diagonal; the skipped lower part is copied from the upper part by `mirror` once every row is
 * done: about half the Gram work for r ≥ 8 (≈3% of a step at 256–1024; nothing to skip at r = 4, 5).
 */
// @ts-ignore: decorator
@inline function gemmRows<T>(C: usize, ldc: i32, A: usize, aRow: i32, aK: i32, B: usize, ldb: i32, i0: i32, i1: i32, cols: i32, K: i32, sym: bool): void {
  const sz = sizeof<T>();
  const ldcB = <usize>ldc * sz, aRowB = <usize>aRow * sz, aKB = <usize>aK * sz, bK = <usize>ldb * sz;
  let i = i0;
  if (ASC_FEATURE_SIMD) {
    const W = 32 / <i32>sz; // columns of a 4×2-vector tile
    if (K <= KC) {
      for (; i + 4 <= i1; i += 4) {
        rowBlock<T>(C + <usize>i * ldcB, ldcB, A + <usize>i * aRowB, aRowB, aKB, B, bK, sym ? i / W * W : 0, cols, K, false);
      }
    } else {
      // K in blocks of KC: all column tiles of a row block reuse the same 4×KC strip of A while
      // it is in L1. Between blocks the partial sums wait in C (stored and reloaded unchanged, so
      // still exact), and k keeps ascending. The rows start as +0.0 in C and every block reloads
      // (+0.0 + p is exactly what a fresh accumulator computes): a single, literal init path keeps
      // V8's register allocation as clean as the unblocked loop's (choosing splat-or-load at run
      // time cost ≈5% in register moves).
      for (; i + 4 <= i1; i += 4) {
        const pc = C + <usize>i * ldcB;
        for (let q = 0; q < 4; q++) memory.fill(pc + <usize>q * ldcB, 0, <usize>cols * sz);
        for (let k0 = 0; k0 < K; k0 += KC) {
          rowBlock<T>(pc, ldcB, A + <usize>i * aRowB + <usize>k0 * aKB, aRowB, aKB,
            B + <usize>k0 * bK, bK, sym ? i / W * W : 0, cols, min(KC, K - k0), true);
        }
      }
    }
    // Leftover rows (< 4, the product's last), all columns; the 1-row tiles' vectors are L wide.
    const L = 16 / <i32>sz;
    for (; i < i1; i++) {
      const pa = A + <usize>i * aRowB;
      const pc = C + <usize>i * ldcB;
      let c = 0;
      for (; c + L <= cols; c += L) tile1x1<T>(pc + <usize>c * sz, pa, aKB, B + <usize>c * sz, bK, K);
      for (; c < cols; c++) tile1xs<T>(pc + <usize>c * sz, pa, aKB, B + <usize>c * sz, bK, K);
    }
  } else {
    for (; i < i1; i++) {
      const pa = A + <usize>i * aRowB;
      const pc = C + <usize>i * ldcB;
      for (let c = 0; c < cols; c++) tile1xs<T>(pc + <usize>c * sz, pa, aKB, B + <usize>c * sz, bK, K);
    }
  }
}

/**
 * The Gram product's lower part (c < c0 ≤ row) from its upper part: the mirror C[c][row] lies in
 * a row block's computed part, since that block started at or before column c < row. Only the
 * 4-row blocks skip columns (SIMD build); leftover rows were computed in full.
 */
// @ts-ignore: decorator
@inline function mirror<T>(C: usize, ldc: i32, rows: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const sz = sizeof<T>();
  const ldcB = <usize>ldc * sz;
  const W = 32 / <i32>sz;
  const blocked = rows & ~3;
  for (let row = 0; row < blocked; row++) {
    const c0 = (row & ~3) / W * W;
    for (let c = 0; c < c0; c++) store<T>(C + <usize>row * ldcB + <usize>c * sz, load<T>(C + <usize>c * ldcB + <usize>row * sz));
  }
}

// A job is one product or two independent ones (a step's pairs: the two Gram matrices, M Yp and
// Mᵀ Xp, …): one wake-up and one wait for both. Product p's 11 words are at J_ARGS + 11p:
// C, ldc, A, aRow, aK, B, ldb, rows, cols, K, sym. The 4-row blocks of both are dealt out as one
// list, product 0's first, so thread t's share may end in product 0 and go on in product 1.
const ARGS: i32 = 11;

// @ts-ignore: decorator
@inline function storeProduct(p: i32, C: usize, ldc: i32, A: usize, aRow: i32, aK: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32, sym: bool): void {
  const o = p * ARGS;
  storeArg(o, <i32>C); storeArg(o + 1, ldc); storeArg(o + 2, <i32>A); storeArg(o + 3, aRow); storeArg(o + 4, aK);
  storeArg(o + 5, <i32>B); storeArg(o + 6, ldb); storeArg(o + 7, rows); storeArg(o + 8, cols); storeArg(o + 9, K); storeArg(o + 10, sym ? 1 : 0);
}

/**
 * gemmRows as one function (two instances, sym or not, per T): every caller — one product, a
 * pair, a thread's share — goes through it, so the kernels are compiled once, not once per call
 * site (inlined into each, the pairs doubled the module).
 */
function gemmRange<T>(C: usize, ldc: i32, A: usize, aRow: i32, aK: i32, B: usize, ldb: i32, i0: i32, i1: i32, cols: i32, K: i32, sym: bool): void {
  if (sym) gemmRows<T>(C, ldc, A, aRow, aK, B, ldb, i0, i1, cols, K, true);
  else gemmRows<T>(C, ldc, A, aRow, aK, B, ldb, i0, i1, cols, K, false);
}

/** Blocks [b0, b1) of the published job's product p. */
function productShare<T>(p: i32, b0: i32, b1: i32): void {
  const o = J_ARGS + p * ARGS;
  const rows = jobWord(o + 7);
  const i0 = b0 << 2, i1 = min(rows, b1 << 2);
  if (i0 >= i1) return;
  const C = <usize>jobWord(o), ldc = jobWord(o + 1), A = <usize>jobWord(o + 2), aRow = jobWord(o + 3), aK = jobWord(o + 4);
  const B = <usize>jobWord(o + 5), ldb = jobWord(o + 6), cols = jobWord(o + 8), K = jobWord(o + 9);
  gemmRange<T>(C, ldc, A, aRow, aK, B, ldb, i0, i1, cols, K, jobWord(o + 10) != 0);
}

/** Thread t's part (of P) of the published job (pool.ts): chunks of blocks from its share, then stolen ones; the main thread is t = 0. */
export function gemmShare<T>(t: i32, P: i32): void {
  const nb0 = (jobWord(J_ARGS + 7) + 3) >> 2;
  for (let c = nextBlocks(t, P); c >= 0; c = nextBlocks(t, P)) {
    const lo = <i32>c, hi = <i32>(c >>> 32);
    if (lo < nb0) productShare<T>(0, lo, min(hi, nb0));
    if (hi > nb0) productShare<T>(1, max(lo - nb0, 0), hi - nb0);
  }
}

/** 4-row blocks of a job's one or two products (rows2 = 0: one). */
// @ts-ignore: decorator
@inline function blocksOf(rows1: i32, rows2: i32): i32 {
  return ((rows1 + 3) >> 2) + ((rows2 + 3) >> 2);
}

// @ts-ignore: decorator
@inline function work(rows: i32, cols: i32, K: i32): i64 {
  return <i64>rows * <i64>cols * <i64>K;
}

/**
 * Every product goes through here (or gemm2). On one thread (the single-threaded builds, small
 * products) it is the plain kernel; on P threads (threads build, pool.ts) the calling thread
 * publishes the product, takes the first share of rows itself and waits for the others.
 */
// @ts-ignore: decorator
@inline function gemm<T>(C: usize, ldc: i32, A: usize, aRow: i32, aK: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32, sym: bool): void {
  const P = partsFor(work(rows, cols, K), blocksOf(rows, 0));
  if (ASC_FEATURE_THREADS && P > 1) {
    storeProduct(0, C, ldc, A, aRow, aK, B, ldb, rows, cols, K, sym);
    storeArg(ARGS + 7, 0); // no second product
    dealBlocks(blocksOf(rows, 0), P);
    publish(P, JOB_GEMM + (sizeof<T>() == 8 ? 0 : 1));
    gemmShare<T>(0, P);
    join(P);
  } else {
    gemmRange<T>(C, ldc, A, aRow, aK, B, ldb, 0, rows, cols, K, sym);
  }
  if (sym) mirror<T>(C, ldc, rows);
}

/** Two independent products, one job: the same bits as two gemm calls. */
// @ts-ignore: decorator
@inline function gemm2<T>(
  C1: usize, ldc1: i32, A1: usize, aRow1: i32, aK1: i32, B1: usize, ldb1: i32, rows1: i32, cols1: i32, K1: i32, sym1: bool,
  C2: usize, ldc2: i32, A2: usize, aRow2: i32, aK2: i32, B2: usize, ldb2: i32, rows2: i32, cols2: i32, K2: i32, sym2: bool,
): void {
  const P = partsFor(work(rows1, cols1, K1) + work(rows2, cols2, K2), blocksOf(rows1, rows2));
  if (ASC_FEATURE_THREADS && P > 1) {
    storeProduct(0, C1, ldc1, A1, aRow1, aK1, B1, ldb1, rows1, cols1, K1, sym1);
    storeProduct(1, C2, ldc2, A2, aRow2, aK2, B2, ldb2, rows2, cols2, K2, sym2);
    dealBlocks(blocksOf(rows1, rows2), P);
    publish(P, JOB_GEMM + (sizeof<T>() == 8 ? 0 : 1));
    gemmShare<T>(0, P);
    join(P);
  } else {
    gemmRange<T>(C1, ldc1, A1, aRow1, aK1, B1, ldb1, 0, rows1, cols1, K1, sym1);
    gemmRange<T>(C2, ldc2, A2, aRow2, aK2, B2, ldb2, 0, rows2, cols2, K2, sym2);
  }
  if (sym1) mirror<T>(C1, ldc1, rows1);
  if (sym2) mirror<T>(C2, ldc2, rows2);
}

/** C (rows×cols, row stride ldc) = A (rows×K, stride lda) · B (K×cols, stride ldb). */
export function gemmNN<T>(C: usize, ldc: i32, A: usize, lda: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32): void {
  gemm<T>(C, ldc, A, lda, 1, B, ldb, rows, cols, K, false);
}

/**
 * C (rows×cols) = Aᵀ · B where A is K×rows (stride lda) and B is K×cols (stride ldb).
 * A Gram matrix (B is A) computes only the upper part and mirrors it.
 */
export function gemmTN<T>(C: usize, ldc: i32, A: usize, lda: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32): void {
  if (A == B && lda == ldb && rows == cols) gemm<T>(C, ldc, A, 1, lda, A, lda, rows, rows, K, true);
  else gemm<T>(C, ldc, A, 1, lda, B, ldb, rows, cols, K, false);
}

/** gemmNN twice (independent products, e.g. M Yp and Mᵀ Xp): one pool job for both. */
export function gemmNN2<T>(
  C1: usize, ldc1: i32, A1: usize, lda1: i32, B1: usize, ldb1: i32, rows1: i32, cols1: i32, K1: i32,
  C2: usize, ldc2: i32, A2: usize, lda2: i32, B2: usize, ldb2: i32, rows2: i32, cols2: i32, K2: i32,
): void {
  gemm2<T>(C1, ldc1, A1, lda1, 1, B1, ldb1, rows1, cols1, K1, false, C2, ldc2, A2, lda2, 1, B2, ldb2, rows2, cols2, K2, false);
}

/** gemmNN then a (non-Gram) gemmTN, independent: one pool job for both. */
export function gemmNNTN<T>(
  C1: usize, ldc1: i32, A1: usize, lda1: i32, B1: usize, ldb1: i32, rows1: i32, cols1: i32, K1: i32,
  C2: usize, ldc2: i32, A2: usize, lda2: i32, B2: usize, ldb2: i32, rows2: i32, cols2: i32, K2: i32,
): void {
  gemm2<T>(C1, ldc1, A1, lda1, 1, B1, ldb1, rows1, cols1, K1, false, C2, ldc2, A2, 1, lda2, B2, ldb2, rows2, cols2, K2, false);
}

/** gemmTN twice, neither a Gram matrix (e.g. Bᵀ Yp and Aᵀ Xp): one pool job for both. */
export function gemmTN2<T>(
  C1: usize, ldc1: i32, A1: usize, lda1: i32, B1: usize, ldb1: i32, rows1: i32, cols1: i32, K1: i32,
  C2: usize, ldc2: i32, A2: usize, lda2: i32, B2: usize, ldb2: i32, rows2: i32, cols2: i32, K2: i32,
): void {
  gemm2<T>(C1, ldc1, A1, 1, lda1, B1, ldb1, rows1, cols1, K1, false, C2, ldc2, A2, 1, lda2, B2, ldb2, rows2, cols2, K2, false);
}

/** Two Gram matrices G = AᵀA (A is K×r, stride lda; G r×r, stride r) — gemmTN's Gram path — in one pool job. */
export function gram2<T>(G1: usize, A1: usize, lda1: i32, r1: i32, K1: i32, G2: usize, A2: usize, lda2: i32, r2: i32, K2: i32): void {
  gemm2<T>(G1, r1, A1, 1, lda1, A1, lda1, r1, r1, K1, true, G2, r2, A2, 1, lda2, A2, lda2, r2, r2, K2, true);
}
