/**
 * The benchmark problem: one perturbed-GD step on f(X, Y) = ½‖XYᵀ − M‖² (X n×r, Y m×r, M n×m),
 *
 *   Xp = X + σ_X ξ,  Yp = Y + σ_Y ζ          (ξ, ζ standard Gaussian)
 *   G_X = Xp (YpᵀYp) − M Yp,  G_Y = Yp (XpᵀXp) − Mᵀ Xp
 *   X −= η G_X,  Y −= η G_Y
 *
 * Every implementation gets the same data: entries ~N(0,1)/√max(n,m), so ‖M‖₂ ≈ 2 and a small η never
 * diverges over the timed steps.
 */
export interface Size {
  n: number;
  m: number;
  r: number;
}

export interface Problem extends Size {
  /** n×m, row-major. */
  M: Float64Array;
  /** [X (n×r) | Y (m×r)], row-major. */
  theta: Float64Array;
  lr: number;
  sigmaX: number;
  sigmaY: number;
  seed: number;
}

export const LR = 1e-4;

export function label(s: Size): string {
  return `${s.n}×${s.m}×${s.r}`;
}

/** The convention: a step counts 6nmr flops (the naive residual algebra). */
export function flops6(s: Size): number {
  return 6 * s.n * s.m * s.r;
}

/**
 * Flops the 4nmr algebra actually executes: MY and MᵀX (4nmr), the two r×r Gram matrices and the
 * two Xp·G products (4(n+m)r²). Used for the fraction of the machine's peak.
 */
export function flopsExecuted(s: Size): number {
  return 4 * s.n * s.m * s.r + 4 * (s.n + s.m) * s.r * s.r;
}

/** A small deterministic PRNG (mulberry32) for data only — the problems here, the fuzz corpus of test/fuzz — not the noise. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussianArray(len: number, scale: number, rand: () => number): Float64Array {
  const out = new Float64Array(len);
  for (let i = 0; i < len; i += 2) {
    const u1 = 1 - rand();
    const u2 = rand();
    const rr = Math.sqrt(-2 * Math.log(u1)) * scale;
    out[i] = rr * Math.cos(2 * Math.PI * u2);
    if (i + 1 < len) out[i + 1] = rr * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

export function makeProblem(s: Size, seed = 1): Problem {
  const rand = mulberry32(seed * 7919 + s.n * 31 + s.m * 17 + s.r);
  const scale = 1 / Math.sqrt(Math.max(s.n, s.m));
  return {
    ...s,
    M: gaussianArray(s.n * s.m, scale, rand),
    theta: gaussianArray((s.n + s.m) * s.r, scale, rand),
    lr: LR,
    // Noise a tenth of the entries' size: a real perturbation, no divergence.
    sigmaX: 0.1 * scale,
    sigmaY: 0.1 * scale,
    seed,
  };
}

/** One implementation set up on one problem. */
export interface Runner {
  /** Run k steps; throws if the implementation stopped early. */
  step(k: number): void;
  /** Current [X | Y] as f64 row-major (for the correctness check). */
  read(): Float64Array;
  dispose(): void;
  /** Shown next to the row (e.g. which formulation was picked). */
  note?: string;
}

/** An implementation of the step: a bench row. */
export interface Impl {
  name: string;
  /** Element precision, for the table. */
  precision: 'f64' | 'f32';
  /** Group for the table: flatmin's own variants, or a peer. */
  group: 'flatmin' | 'peer';
  /** null if it can run here, else the reason it is skipped. */
  unavailable(): Promise<string | null>;
  make(p: Problem): Promise<Runner>;
  /**
   * The row whose iterate this one must match bit for bit in the correctness check (e.g. a future
   * 'flatmin reference (TS) f32' for 'flatmin wasm f32'). Default: flatmin rows must equal
   * 'flatmin reference (TS)' exactly; peers must be close to it.
   */
  oracle?: string;
  /** Upper bound on steps per timed repeat (slow implementations at large sizes). */
  maxSteps?(s: Size): number;
}
