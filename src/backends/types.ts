/**
 * One interface, two implementations: `reference` (plain TypeScript, the oracle) and `wasm` (the
 * SIMD core). Given the same inputs both produce the same bits; the test suite runs over both.
 */
export type { BackendName, Precision } from '../config/types.js';
import type { BackendName, Precision } from '../config/types.js';

/**
 * The factorization problem as a backend sees it: raw row-major data, passed as f64. With
 * precision "f32" the backend rounds M and theta to f32 on entry and computes in f32; theta()
 * then returns f32 values widened (exactly) to f64.
 */
export interface FactorizationInput {
  n: number;
  m: number;
  r: number;
  precision: Precision;
  /** Target M, n×m. */
  M: Float64Array;
  /** Initial iterate [X (n×r) | Y (m×r)]. */
  theta: Float64Array;
  /** State of the noise stream: four xor128 lanes, 16 int32 (src/random/gaussian.ts). */
  rng: Int32Array;
  /** The loss (default: the full target ½‖XYᵀ − M‖²). */
  loss?: FactorizationLoss;
  /** Ridge weight λ of λ(‖X‖² + ‖Y‖²) (default 0). */
  lambda?: number;
  /** Where the noise σ·ξ goes (default "evaluation": perturbed GD). */
  noise?: NoisePlacement;
  /**
   * Minibatch SGD (completion and sensing only): each step's loss is over `batch` observed entries
   * or measurements, drawn without replacement inside an epoch (EpochSampler). Absent, or ≥ their
   * number: the full sum, bit for bit as without it.
   */
  batch?: number;
}

/**
 * The data term of the two-factor loss, as a function of W = XYᵀ:
 *   full        ½‖W − M‖²
 *   completion  (1/|Ω|) Σ_Ω (W_ij − M_ij)²       (THEORY.md §2's normalization, as the DLN uses)
 *   sensing     ½ Σ_i (⟨A_i, W⟩ − y_i)²           (M unused by the step)
 * On a minibatch B (FactorizationInput.batch): (1/|B|) Σ_B for completion and ½ (N/|B|) Σ_B for
 * sensing — unbiased estimates of the full loss, and equal to it when B is everything.
 */
export type FactorizationLoss =
  | { kind: 'full' }
  /** n×m row-major, nonzero = observed; at least one entry observed. */
  | { kind: 'completion'; mask: ArrayLike<number> }
  /** A: N measurement matrices, each n×m row-major, back to back (N·n·m); y: N values. */
  | { kind: 'sensing'; A: Float64Array; y: Float64Array };

/**
 * Where each step's noise σ·ξ (fresh standard normals ξ_t) enters:
 *   evaluation      gradient at θ + σ·ξ_t                  (perturbed GD)
 *   anticorrelated  gradient at θ + σ·(ξ_t − ξ_{t−1})      (ξ_{−1} = 0; ξ_{t−1} is session state)
 *   update          θ⁺ = θ − η∇f(θ) + σ·ξ_t                (Langevin, with σ = √(2η/β))
 * With σ·scale = 0 a step draws nothing and is plain GD, whatever the placement.
 */
export type NoisePlacement = 'evaluation' | 'anticorrelated' | 'update';

/** One stretch of the schedule: constant lr and σ, noise multiplier scale·mul^t at its t-th step. */
export interface StepParams {
  lr: number;
  sigmaX: number;
  sigmaY: number;
  scale: number;
  scaleMul: number;
}

export interface StepOutcome {
  /** Steps completed; fewer than asked only if the next one would have made the iterate non-finite. */
  done: number;
  /** Noise multiplier for the next step (scale·mul^done). */
  scale: number;
}

export interface FactorizationSession {
  run(steps: number, p: StepParams): StepOutcome;
  /** ½‖XYᵀ − M‖² at the current iterate. */
  loss(): number;
  /** ‖X‖², ‖Y‖². */
  norms(): { x2: number; y2: number };
  /** A copy of the iterate [X | Y]. */
  theta(): Float64Array;
  /** Replace the iterate (checkpoint resume). */
  setTheta(theta: Float64Array): void;
  /** A copy of the noise stream's state. */
  rng(): Int32Array;
  setRng(rng: Int32Array): void;
  /** A copy of ξ_{t−1} (anticorrelated noise; empty for the other placements), in working precision. */
  prevNoise(): Float64Array;
  setPrevNoise(xi: Float64Array): void;
  /** A copy of the minibatch sampler's state (order empty without minibatches). */
  sampler(): EpochSampler;
  setSampler(s: EpochSampler): void;
  /** Free the backend's buffers; the session is unusable afterwards. */
  dispose(): void;
}

/**
 * A deep linear network on matrix completion (THEORY.md §2), as a backend sees it. f64 only.
 * A = W_L ⋯ W_1 with W_l of shape dims[l] × dims[l−1]; the loss on a batch B of observed entries is
 * (1/|B|) Σ_B (A_ij − M_ij)² + λ Σ_l ‖W_l‖².
 */
export interface DlnInput {
  /** [d_in, d_1, …, d_{L−1}, d_out]; depth L = dims.length − 1 (src/problems/dln.ts). */
  dims: readonly number[];
  /** Target M, d_out × d_in (only observed entries are used). */
  M: Float64Array;
  /** Observation mask, d_out × d_in, nonzero = observed. */
  mask: ArrayLike<number>;
  /** Noiseless matrix for the test error on unobserved entries; absent: testError() is NaN. */
  truth?: Float64Array;
  lambda: number;
  /** Initial weights [W_1 | … | W_L], each row-major. */
  theta: Float64Array;
  /** Four xor128 lanes, 16 int32 (src/random/gaussian.ts); lane 0 shuffles the minibatches. */
  rng: Int32Array;
  /**
   * Matrix sensing instead of completion: the loss on a batch B of measurements is
   * ½ (N/|B|) Σ_B (⟨A_i, W_L ⋯ W_1⟩ − y_i)² + λ Σ_l ‖W_l‖², as the two-factor model's sensing
   * (FactorizationLoss; A: N matrices d_out × d_in back to back, y: N values). Batches are drawn from
   * the measurement numbers 0 … N−1; mask is then unused (its shape is still checked), and
   * testError() is ‖A − M‖/‖M‖ over every entry.
   */
  sensing?: { A: Float64Array; y: Float64Array };
}

export interface DlnStepParams {
  lr: number;
  /** Minibatch size in 1 … |Ω|, or "full": full-batch GD, which draws nothing (as does batch = |Ω|). */
  batch: number | 'full';
  /** Noise on the weights (absent: none). Composes with any batch. */
  noise?: DlnNoise;
}

/**
 * Per-layer noise for the deep linear network, placed as for the two-factor model (NoisePlacement):
 * sigma[l − 1] is σ_l for W_l (length L, each finite ≥ 0). Each noisy step draws one standard normal
 * per weight (fillGaussian over [W_1 | … | W_L]) after its batch; all σ_l = 0 draws nothing.
 * Langevin is placement "update" with σ_l = √(2η·T).
 */
export interface DlnNoise {
  placement: NoisePlacement;
  sigma: readonly number[];
}

/**
 * Where SGD is inside an epoch: its permutation of the observed indices (or measurement numbers)
 * and the next position; pos = order.length means the epoch is used up (the next step reshuffles).
 */
export interface EpochSampler {
  order: Int32Array;
  pos: number;
}
export type DlnSampler = EpochSampler;

export interface DlnSession {
  /** Steps completed; fewer than asked only if the next one would have made the iterate non-finite. */
  run(steps: number, p: DlnStepParams): { done: number };
  /** The end-to-end matrix A = W_L ⋯ W_1 (d_out × d_in), computed as the step's forward pass is. */
  endToEnd(): Float64Array;
  /** Full-batch loss: trainError() + λ Σ‖W_l‖². */
  loss(): number;
  /** Mean squared error on the observed entries against M. */
  trainError(): number;
  /** Relative error ‖(A − truth)|Ωᶜ‖ / ‖truth|Ωᶜ‖ on the unobserved entries (src/diagnostics/completion.ts). */
  testError(): number;
  theta(): Float64Array;
  setTheta(theta: Float64Array): void;
  rng(): Int32Array;
  setRng(rng: Int32Array): void;
  sampler(): DlnSampler;
  setSampler(s: DlnSampler): void;
  /** A copy of ξ_{t−1} of the anticorrelated placement (zeros before its first noisy step), like theta. */
  prevNoise(): Float64Array;
  setPrevNoise(xi: Float64Array): void;
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  factorization(input: FactorizationInput): FactorizationSession;
  dln(input: DlnInput): DlnSession;
}
