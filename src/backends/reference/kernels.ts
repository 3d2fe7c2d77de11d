/**
 * Scalar reference kernels: the arithmetic order every backend must reproduce bit for bit.
 * Each output element starts at 0 and accumulates its products in ascending k; no fused ops
 * (JS has none). Arrays are row-major Float64Array views; `o` arguments are element offsets.
 * Read beside assembly/kernels/, which does the same with SIMD across output columns.
 *
 * `rd` rounds to the working precision after *every* operation: the identity for f64, Math.fround
 * for f32 — a double operation rounded to f32 gives exactly the IEEE single result, so this is
 * bit-identical to f32 arithmetic in Wasm.
 */
export type Round = (x: number) => number;
export const roundF64: Round = (x) => x;
export const roundF32: Round = Math.fround;

/**
 * The full-target descent step, elementwise on [0, len): g = next[k] − B[k] (next holds P·G, B the
 * M·Y | Mᵀ·X products), with a ridge (tl = 2λ ≠ 0) g ← g + tl·theta[k], then
 * next[k] = theta[k] − lr·g (assembly: descend, or subtract + descendRidge). Returns whether every
 * new entry is finite.
 */
export function descendFull(
  next: Float64Array, theta: Float64Array, B: Float64Array, len: number, lr: number, tl: number, rd: Round,
): boolean {
  let finite = true;
  for (let k = 0; k < len; k++) {
    const w = theta[k];
    let g = rd(next[k] - B[k]);
    if (tl !== 0) g = rd(g + rd(tl * w));
    const v = rd(w - rd(lr * g));
    next[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/**
 * next[k] = theta[k] − lr·(grad[k] + tl·theta[k]) on [0, len), each operation rounded (assembly:
 * descendRidge; grad may be next). Returns whether every new entry is finite.
 */
export function descendRidge(
  next: Float64Array, theta: Float64Array, grad: Float64Array, len: number, lr: number, tl: number, rd: Round,
): boolean {
  let finite = true;
  for (let k = 0; k < len; k++) {
    const w = theta[k];
    const v = rd(w - rd(lr * rd(grad[k] + rd(tl * w))));
    next[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/**
 * P[k] = theta[k] + s·rd(P[k]) for k in [lo, hi): standard normals in P become theta + σ·noise.
 * Returns whether every new entry is finite.
 */
export function perturb(P: Float64Array, theta: Float64Array, lo: number, hi: number, s: number, rd: Round): boolean {
  let finite = true;
  for (let k = lo; k < hi; k++) {
    const v = rd(theta[k] + rd(s * rd(P[k])));
    P[k] = v;
    if (!(v - v === 0)) finite = false;
  }
  return finite;
}

/** Anticorrelated noise: P = rd(ξ_t) − prev and prev = rd(ξ_t) elementwise (assembly: anticorrelate). */
export function anticorrelate(P: Float64Array, prev: Float64Array, rd: Round): void {
  for (let k = 0; k < P.length; k++) {
    const xi = rd(P[k]);
    P[k] = rd(xi - prev[k]);
    prev[k] = xi;
  }
}

export function sumSquares(a: Float64Array, lo: number, hi: number): number {
  let s = 0;
  for (let k = lo; k < hi; k++) s += a[k] * a[k];
  return s;
}

/** ½‖XYᵀ − M‖² with X = theta[0, nr), Y = theta[nr, …), in f64 (a report). */
export function factorizationLoss(M: Float64Array, theta: Float64Array, n: number, m: number, r: number): number {
  const y = n * r;
  let s = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let xy = 0;
      for (let c = 0; c < r; c++) xy += theta[i * r + c] * theta[y + j * r + c];
      const d = xy - M[i * m + j];
      s += d * d;
    }
  return 0.5 * s;
}

/**
 * C (rows×cols) = A (rows×K) · B (K×cols), all packed row-major: C[i][c] = Σ_k A[i][k]·B[k][c]
 * (assembly: gemmNN). `rd` rounds every operation, as the working precision does.
 */
export function matmulNN(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[i * K + k] * B[k * cols + c]));
      C[i * cols + c] = s;
    }
}

/** C (rows×cols) = Aᵀ · B with A K×rows, B K×cols: C[i][c] = Σ_k A[k][i]·B[k][c] (assembly: gemmTN). */
export function matmulTN(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[k * rows + i] * B[k * cols + c]));
      C[i * cols + c] = s;
    }
}

/**
 * C (rows×cols) = A · Bᵀ with A rows×K, B cols×K: C[i][c] = Σ_k A[i][k]·B[c][k] (assembly: Bᵀ
 * packed by transpose, then gemmNN — the same sums in the same order).
 */
export function matmulNT(C: Float64Array, A: Float64Array, B: Float64Array, rows: number, cols: number, K: number, rd: Round = roundF64): void {
  for (let i = 0; i < rows; i++)
    for (let c = 0; c < cols; c++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = rd(s + rd(A[i * K + k] * B[c * K + k]));
      C[i * cols + c] = s;
    }
}
