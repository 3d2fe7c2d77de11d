// Dense f64 kernels on raw row-major buffers (byte pointers into Wasm memory).
//
// Bit-exactness contract with src/backends/reference/kernels.ts: every output element is
// accumulated from 0.0 in sequential k order with separate multiply and add (Wasm never fuses).
// SIMD runs across *output columns* (two f64 lanes = two outputs), never across k, so each lane
// performs exactly the scalar reference's operations.

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** out[0..len) = 0 */
export function zero(out: usize, len: i32): void {
  memory.fill(out, 0, <usize>len << 3);
}

/**
 * Gram matrix out = Aᵀ A (r×r) of A (rows×r):  out[a][b] = Σ_i A[i][a]·A[i][b], i ascending.
 *
 *   for each row i of A, out += A[i]ᵀ A[i]   (a rank-1 update; per element: sequential in i)
 */
export function gram(out: usize, A: usize, rows: i32, r: i32): void {
  zero(out, r * r);
  const r2 = r & ~1;
  for (let i = 0; i < rows; i++) {
    const row = at(A, i * r);
    for (let a = 0; a < r; a++) {
      const av = load<f64>(at(row, a));
      const avv = f64x2.splat(av);
      const orow = at(out, a * r);
      let b = 0;
      for (; b < r2; b += 2) {
        const o = at(orow, b);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(avv, v128.load(at(row, b)))));
      }
      if (b < r) {
        const o = at(orow, b);
        store<f64>(o, load<f64>(o) + av * load<f64>(at(row, b)));
      }
    }
  }
}

/**
 * One pass over M (n×m) feeding both products (THEORY.md §1, the 4nmr form):
 *   MY  = M  Yp   (n×r):  MY[i][c]  = Σ_j M[i][j]·Yp[j][c], j ascending
 *   MtX = Mᵀ Xp   (m×r):  MtX[j][c] = Σ_i M[i][j]·Xp[i][c], i ascending
 * Row i of MY is finished inside the i loop; MtX collects one rank-1 update per row of M.
 */
export function mulMY_MtX(MY: usize, MtX: usize, M: usize, Xp: usize, Yp: usize, n: i32, m: i32, r: i32): void {
  zero(MY, n * r);
  zero(MtX, m * r);
  const r2 = r & ~1;
  for (let i = 0; i < n; i++) {
    const mrow = at(M, i * m);
    const xrow = at(Xp, i * r);
    const myrow = at(MY, i * r);
    for (let j = 0; j < m; j++) {
      const mij = load<f64>(at(mrow, j));
      const mv = f64x2.splat(mij);
      const yrow = at(Yp, j * r);
      const mtxrow = at(MtX, j * r);
      let c = 0;
      for (; c < r2; c += 2) {
        const o = at(myrow, c);
        v128.store(o, f64x2.add(v128.load(o), f64x2.mul(mv, v128.load(at(yrow, c)))));
        const q = at(mtxrow, c);
        v128.store(q, f64x2.add(v128.load(q), f64x2.mul(mv, v128.load(at(xrow, c)))));
      }
      if (c < r) {
        const o = at(myrow, c);
        store<f64>(o, load<f64>(o) + mij * load<f64>(at(yrow, c)));
        const q = at(mtxrow, c);
        store<f64>(q, load<f64>(q) + mij * load<f64>(at(xrow, c)));
      }
    }
  }
}

/**
 * The factor update of one block of rows:
 *   next[i][c] = theta[i][c] − lr · ( (Σ_a P[i][a]·G[a][c]) − B[i][c] )
 * i.e. X⁺ = X − η (Xp (YpᵀYp) − M Yp) with P = Xp, G = YpᵀYp, B = M Yp (and likewise for Y).
 * Returns Σ next² (sequential), which is ‖·‖² for reports and NaN/Inf when the step blew up.
 */
export function updateFactor(next: usize, theta: usize, P: usize, G: usize, B: usize, rows: i32, r: i32, lr: f64): f64 {
  const r2 = r & ~1;
  const lrv = f64x2.splat(lr);
  let ss: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const prow = at(P, i * r);
    const base = i * r;
    let c = 0;
    for (; c < r2; c += 2) {
      let acc = f64x2.splat(0);
      for (let a = 0; a < r; a++) {
        acc = f64x2.add(acc, f64x2.mul(f64x2.splat(load<f64>(at(prow, a))), v128.load(at(G, a * r + c))));
      }
      const g = f64x2.sub(acc, v128.load(at(B, base + c)));
      const v = f64x2.sub(v128.load(at(theta, base + c)), f64x2.mul(lrv, g));
      v128.store(at(next, base + c), v);
      const v0 = f64x2.extract_lane(v, 0);
      const v1 = f64x2.extract_lane(v, 1);
      ss += v0 * v0;
      ss += v1 * v1;
    }
    if (c < r) {
      let acc: f64 = 0;
      for (let a = 0; a < r; a++) acc += load<f64>(at(prow, a)) * load<f64>(at(G, a * r + c));
      const g = acc - load<f64>(at(B, base + c));
      const v = load<f64>(at(theta, base + c)) - lr * g;
      store<f64>(at(next, base + c), v);
      ss += v * v;
    }
  }
  return ss;
}

/** Σ p[k]², k ascending. */
export function sumSquares(p: usize, len: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < len; k++) {
    const v = load<f64>(at(p, k));
    s += v * v;
  }
  return s;
}

/** P = theta + s·P elementwise on [lo, hi): turns standard normals in P into theta + σ·noise. */
export function perturb(P: usize, theta: usize, lo: i32, hi: i32, s: f64): void {
  for (let k = lo; k < hi; k++) {
    store<f64>(at(P, k), load<f64>(at(theta, k)) + s * load<f64>(at(P, k)));
  }
}
