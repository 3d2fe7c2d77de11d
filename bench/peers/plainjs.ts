/**
 * The best plain-JavaScript f64 step we could write: the 4nmr algebra, everything kept transposed
 * (rows of Xᵀ, Yᵀ contiguous) so every product is a dot product of contiguous rows, with a 2×4
 * register block; Mᵀ is precomputed once; Box-Muller noise from Math.random / Math.log / Math.sin.
 */
import type { Impl, Problem, Runner } from '../problem.js';

/** out[k·ldo + i] = dot(A_i, B_k) for i < na rows of A, k < nb rows of B, both rows of length len. */
export function dotRows(out: Float64Array, ldo: number, A: Float64Array, na: number, B: Float64Array, nb: number, len: number): void {
  let i = 0;
  for (; i + 1 < na; i += 2) {
    const a0 = i * len;
    const a1 = a0 + len;
    let k = 0;
    for (; k + 3 < nb; k += 4) {
      const b0 = k * len;
      const b1 = b0 + len;
      const b2 = b1 + len;
      const b3 = b2 + len;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let j = 0; j < len; j++) {
        const x0 = A[a0 + j];
        const x1 = A[a1 + j];
        const y0 = B[b0 + j];
        const y1 = B[b1 + j];
        const y2 = B[b2 + j];
        const y3 = B[b3 + j];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      out[k * ldo + i] = s00; out[(k + 1) * ldo + i] = s01; out[(k + 2) * ldo + i] = s02; out[(k + 3) * ldo + i] = s03;
      out[k * ldo + i + 1] = s10; out[(k + 1) * ldo + i + 1] = s11; out[(k + 2) * ldo + i + 1] = s12; out[(k + 3) * ldo + i + 1] = s13;
    }
    for (; k < nb; k++) {
      const b0 = k * len;
      let s0 = 0, s1 = 0;
      for (let j = 0; j < len; j++) {
        const y = B[b0 + j];
        s0 += A[a0 + j] * y;
        s1 += A[a1 + j] * y;
      }
      out[k * ldo + i] = s0;
      out[k * ldo + i + 1] = s1;
    }
  }
  for (; i < na; i++) {
    const a0 = i * len;
    for (let k = 0; k < nb; k++) {
      const b0 = k * len;
      let s = 0;
      for (let j = 0; j < len; j++) s += A[a0 + j] * B[b0 + j];
      out[k * ldo + i] = s;
    }
  }
}

/** Fill out[0..len) with base + σ·N(0,1) (Box-Muller on Math.random). */
export function perturbBoxMuller(out: Float64Array, base: Float64Array, len: number, sigma: number): void {
  const TWO_PI = 2 * Math.PI;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    const rr = sigma * Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = TWO_PI * Math.random();
    out[i] = base[i] + rr * Math.cos(t);
    out[i + 1] = base[i + 1] + rr * Math.sin(t);
  }
  if (i < len) out[i] = base[i] + sigma * Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(TWO_PI * Math.random());
}

/** The same draws, for the ns-per-Gaussian line. */
export function fillBoxMuller(out: Float64Array): void {
  const TWO_PI = 2 * Math.PI;
  const len = out.length;
  for (let i = 0; i + 1 < len; i += 2) {
    const rr = Math.sqrt(-2 * Math.log(1 - Math.random()));
    const t = TWO_PI * Math.random();
    out[i] = rr * Math.cos(t);
    out[i + 1] = rr * Math.sin(t);
  }
}

function transpose(src: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
  return out;
}

/** T = theta − lr·(G·Pᵀ-rows − B): for each k, T_k −= lr(Σ_l G[k,l] P_l − B_k), rows of length len. */
function update(T: Float64Array, P: Float64Array, G: Float64Array, B: Float64Array, r: number, len: number, lr: number, tmp: Float64Array): void {
  for (let k = 0; k < r; k++) {
    const bk = k * len;
    for (let i = 0; i < len; i++) tmp[i] = -B[bk + i];
    for (let l = 0; l < r; l++) {
      const g = G[k * r + l];
      const pl = l * len;
      for (let i = 0; i < len; i++) tmp[i] += g * P[pl + i];
    }
    for (let i = 0; i < len; i++) T[bk + i] -= lr * tmp[i];
  }
}

export function plainStepper(p: Problem): Runner {
  const { n, m, r, lr, sigmaX, sigmaY } = p;
  const M = Float64Array.from(p.M);
  const Mt = transpose(M, n, m);
  const XT = transpose(p.theta.subarray(0, n * r), n, r); // r×n
  const YT = transpose(p.theta.subarray(n * r), m, r); // r×m
  const XpT = new Float64Array(r * n);
  const YpT = new Float64Array(r * m);
  const Gx = new Float64Array(r * r);
  const Gy = new Float64Array(r * r);
  const MYT = new Float64Array(r * n); // (M Yp)ᵀ
  const MtXT = new Float64Array(r * m); // (Mᵀ Xp)ᵀ
  const tmp = new Float64Array(Math.max(n, m));
  return {
    step(steps) {
      for (let s = 0; s < steps; s++) {
        if (sigmaX !== 0 || sigmaY !== 0) {
          perturbBoxMuller(XpT, XT, r * n, sigmaX);
          perturbBoxMuller(YpT, YT, r * m, sigmaY);
        } else {
          XpT.set(XT); // the update writes XT while still reading Xp
          YpT.set(YT);
        }
        const Xp = XpT;
        const Yp = YpT;
        dotRows(Gx, r, Xp, r, Xp, r, n); // XpᵀXp
        dotRows(Gy, r, Yp, r, Yp, r, m); // YpᵀYp
        dotRows(MYT, n, M, n, Yp, r, m); // MYT[k, i] = M_i · Yp_k
        dotRows(MtXT, m, Mt, m, Xp, r, n); // MtXT[k, j] = Mᵀ_j · Xp_k
        update(XT, Xp, Gy, MYT, r, n, lr, tmp); // X −= lr (Xp Gy − M Yp)
        update(YT, Yp, Gx, MtXT, r, m, lr, tmp); // Y −= lr (Yp Gx − Mᵀ Xp)
      }
    },
    read: () => {
      const out = new Float64Array((n + m) * r);
      out.set(transpose(XT, r, n), 0);
      out.set(transpose(YT, r, m), n * r);
      return out;
    },
    dispose() {},
  };
}

export const plainJs: Impl = {
  name: 'plain JS (best loops)',
  precision: 'f64',
  group: 'peer',
  unavailable: async () => null,
  make: async (p) => plainStepper(p),
};
