/**
 * The run configuration, as users write it (JSON or a JS object). `validateConfig` turns an
 * unknown value into a `RunConfig` with every default filled in, or throws a FlatminError that
 * names the offending field.
 */
export type Seed = string | number;
export type Rows = number[][];

export interface RandomTarget {
  random: {
    n: number;
    m: number;
    /** Positive, non-increasing is not required; their count is rank(M). */
    singularValues: number[];
    seed: Seed;
  };
}

export interface FactorizationProblem {
  kind: 'factorization';
  /** The n×m target M, as rows or generated with orthonormal random singular vectors. */
  target: Rows | RandomTarget;
  /** Number of columns r of X and Y (may exceed rank(M)). */
  rank: number;
  /** The data term (default { kind: "full" }: ½‖XYᵀ − M‖²); validateConfig always fills it in. */
  loss?: LossConfig;
  /** Ridge λ(‖X‖² + ‖Y‖²) added to the loss (default 0); validateConfig always fills it in. */
  lambda?: number;
}

/**
 * The data term of the two-factor loss (THEORY.md §3):
 *   full        ½‖XYᵀ − M‖²
 *   completion  (1/|Ω|) Σ_Ω ((XYᵀ)_ij − M_ij)² on the observed entries Ω: a 0/1 `mask` (n rows of
 *               m), or a random one observing each entry with probability `fraction` (stream
 *               "mask:" + seed)
 *   sensing     ½ Σ_i (⟨A_i, XYᵀ⟩ − ⟨A_i, M⟩)², i < measurements, A_i Gaussian with entries
 *               N(0, 1/measurements) (stream "sensing:" + seed)
 */
export type LossConfig =
  | { kind: 'full' }
  | { kind: 'completion'; mask: Rows }
  | { kind: 'completion'; fraction: number }
  | { kind: 'sensing'; measurements: number };

export type InitConfig =
  /** X = scale·imbalance·G₁, Y = scale/imbalance·G₂. Default scale makes ‖X₀Y₀ᵀ‖ ≈ ‖M‖. */
  | { kind: 'gaussian'; scale?: number; imbalance: number }
  /** X, Y Gaussian with entries of standard deviation `scale` (default 1e-3). */
  | { kind: 'small'; scale: number }
  | { kind: 'given'; X: Rows; Y: Rows };

/** One phase of the noise schedule: `scale` multiplies σ_X and σ_Y; `[from, to]` decays geometrically. */
export interface Phase {
  steps: number;
  scale: number | [number, number];
}

/**
 * gd              X ← X − η∇f
 * perturbed-gd    X ← X − η∇f(X + σξ_t)                     (σ_X, σ_Y per factor)
 * anticorrelated-gd  X ← X − η∇f(X + σ(ξ_t − ξ_{t−1}))
 * langevin        X ← X − η∇f(X) + √(2η·temperature)·ξ_t    (samples ∝ exp(−f/temperature))
 * The schedule's scale multiplies the noise's standard deviation in every kind.
 */
export type OptimizerKind = 'gd' | 'perturbed-gd' | 'anticorrelated-gd' | 'langevin';

export interface OptimizerConfig {
  kind: OptimizerKind;
  lr: number;
  /** Langevin only: the temperature 1/β (required there). */
  temperature?: number;
  /** Standard deviation of the perturbation of X (perturbed and anticorrelated; default 0.1). */
  sigmaX: number;
  /** Standard deviation of the perturbation of Y (perturbed-gd only; default 0.1). */
  sigmaY: number;
  /** Normalized: always present. `steps: N` in the input is `[{ steps: N, scale: 1 }]`. */
  schedule: Phase[];
  /**
   * Minibatch SGD (problem.loss completion or sensing only): each step's loss is over this many
   * observed entries / measurements, without replacement inside an epoch. Absent: the full sum.
   */
  batch?: number;
}

export type BackendName = 'wasm' | 'reference';
/** Working precision of the optimizer's arithmetic (reports are always computed in f64). */
export type Precision = 'f64' | 'f32';

export interface RunConfig {
  problem: FactorizationProblem;
  init: InitConfig;
  optimizer: OptimizerConfig;
  seed: Seed;
  backend: BackendName;
  /** Default "f64". "f32" halves memory and doubles SIMD width; both backends give the same bits. */
  precision: Precision;
  /** Record loss and norms every this many steps (default: total steps / 200, at least 1). */
  recordEvery: number;
}
