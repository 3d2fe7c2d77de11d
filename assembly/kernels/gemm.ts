// Register-blocked f64 GEMM micro-kernels on raw row-major buffers (byte pointers).
//
//   gemmNN:  C[i][c] = Σ_k A[i·lda + k] · B[k·ldb + c]      (C = A B)
//   gemmTN:  C[i][c] = Σ_k A[k·lda + i] · B[k·ldb + c]      (C = Aᵀ B)
//
// Bit-exactness contract with src/backends/reference/kernels.ts: each C element starts at 0.0 and
// adds its products in ascending k, multiply then add (Wasm never fuses). SIMD runs across output
// columns only: a lane is one output element doing exactly the scalar operations.
//
// Tiles: 4 rows × 2 f64x2 vectors (4 columns) keeps 8 accumulators + 2 B vectors + a splat in
// registers (V8 has 15 usable v128 registers; 12+ accumulators spill). Edges fall back to 4×2,
// 4×1 and 1-row tiles. Without SIMD (the fallback build, ASC_FEATURE_SIMD false) every element
// goes through the scalar 1×1 path, with the same arithmetic.
//
//        c0        c0+4
//   i0 ┌──────────┐
//      │ 8 × v128 │  ← acc[q][v] += splat(A[i0+q][k]) · B[k][c0 + 2v .. +2]
//   i0+4└──────────┘

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function vld(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function vst(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 3), v);
}

/**
 * The shared driver. `aRow`/`aK` are A's strides in elements for (output row, k):
 * NN: aRow = lda, aK = 1;  TN: aRow = 1, aK = lda.
 */
// @ts-ignore: decorator
@inline function gemm<T>(C: usize, ldc: i32, A: usize, aRow: i32, aK: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 8) {
    for (; i + 4 <= rows; i += 4) {
      const a0 = i * aRow;
      const a1 = a0 + aRow;
      const a2 = a1 + aRow;
      const a3 = a2 + aRow;
      let c = 0;
      for (; c + 4 <= cols; c += 4) {
        let s00 = f64x2.splat(0), s01 = f64x2.splat(0);
        let s10 = f64x2.splat(0), s11 = f64x2.splat(0);
        let s20 = f64x2.splat(0), s21 = f64x2.splat(0);
        let s30 = f64x2.splat(0), s31 = f64x2.splat(0);
        for (let k = 0; k < K; k++) {
          const b = k * ldb + c;
          const b0 = vld(B, b);
          const b1 = vld(B, b + 2);
          const ak = k * aK;
          let a = f64x2.splat(ld(A, a0 + ak));
          s00 = f64x2.add(s00, f64x2.mul(a, b0));
          s01 = f64x2.add(s01, f64x2.mul(a, b1));
          a = f64x2.splat(ld(A, a1 + ak));
          s10 = f64x2.add(s10, f64x2.mul(a, b0));
          s11 = f64x2.add(s11, f64x2.mul(a, b1));
          a = f64x2.splat(ld(A, a2 + ak));
          s20 = f64x2.add(s20, f64x2.mul(a, b0));
          s21 = f64x2.add(s21, f64x2.mul(a, b1));
          a = f64x2.splat(ld(A, a3 + ak));
          s30 = f64x2.add(s30, f64x2.mul(a, b0));
          s31 = f64x2.add(s31, f64x2.mul(a, b1));
        }
        const o = i * ldc + c;
        vst(C, o, s00); vst(C, o + 2, s01);
        vst(C, o + ldc, s10); vst(C, o + ldc + 2, s11);
        vst(C, o + 2 * ldc, s20); vst(C, o + 2 * ldc + 2, s21);
        vst(C, o + 3 * ldc, s30); vst(C, o + 3 * ldc + 2, s31);
      }
      for (; c + 2 <= cols; c += 2) {
        let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
        for (let k = 0; k < K; k++) {
          const b0 = vld(B, k * ldb + c);
          const ak = k * aK;
          s0 = f64x2.add(s0, f64x2.mul(f64x2.splat(ld(A, a0 + ak)), b0));
          s1 = f64x2.add(s1, f64x2.mul(f64x2.splat(ld(A, a1 + ak)), b0));
          s2 = f64x2.add(s2, f64x2.mul(f64x2.splat(ld(A, a2 + ak)), b0));
          s3 = f64x2.add(s3, f64x2.mul(f64x2.splat(ld(A, a3 + ak)), b0));
        }
        const o = i * ldc + c;
        vst(C, o, s0); vst(C, o + ldc, s1); vst(C, o + 2 * ldc, s2); vst(C, o + 3 * ldc, s3);
      }
      if (c < cols) {
        // Last odd column of a 4-row block: four scalar accumulators.
        let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
        for (let k = 0; k < K; k++) {
          const bv = ld(B, k * ldb + c);
          const ak = k * aK;
          s0 += ld(A, a0 + ak) * bv;
          s1 += ld(A, a1 + ak) * bv;
          s2 += ld(A, a2 + ak) * bv;
          s3 += ld(A, a3 + ak) * bv;
        }
        const o = i * ldc + c;
        st(C, o, s0); st(C, o + ldc, s1); st(C, o + 2 * ldc, s2); st(C, o + 3 * ldc, s3);
      }
    }
    // Remaining rows, one at a time, two columns per vector.
    for (; i < rows; i++) {
      const a0 = i * aRow;
      let c = 0;
      for (; c + 2 <= cols; c += 2) {
        let s = f64x2.splat(0);
        for (let k = 0; k < K; k++) s = f64x2.add(s, f64x2.mul(f64x2.splat(ld(A, a0 + k * aK)), vld(B, k * ldb + c)));
        vst(C, i * ldc + c, s);
      }
      if (c < cols) {
        let s: f64 = 0;
        for (let k = 0; k < K; k++) s += ld(A, a0 + k * aK) * ld(B, k * ldb + c);
        st(C, i * ldc + c, s);
      }
    }
  } else {
    const sh = alignof<T>();
    for (; i < rows; i++) {
      const a0 = i * aRow;
      for (let c = 0; c < cols; c++) {
        let s: T = 0;
        for (let k = 0; k < K; k++) s += load<T>(A + (<usize>(a0 + k * aK) << sh)) * load<T>(B + (<usize>(k * ldb + c) << sh));
        store<T>(C + (<usize>(i * ldc + c) << sh), s);
      }
    }
  }
}

/** C (rows×cols, row stride ldc) = A (rows×K, stride lda) · B (K×cols, stride ldb). */
export function gemmNN<T>(C: usize, ldc: i32, A: usize, lda: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32): void {
  gemm<T>(C, ldc, A, lda, 1, B, ldb, rows, cols, K);
}

/** C (rows×cols) = Aᵀ · B where A is K×rows (stride lda) and B is K×cols (stride ldb). */
export function gemmTN<T>(C: usize, ldc: i32, A: usize, lda: i32, B: usize, ldb: i32, rows: i32, cols: i32, K: i32): void {
  gemm<T>(C, ldc, A, 1, lda, B, ldb, rows, cols, K);
}
