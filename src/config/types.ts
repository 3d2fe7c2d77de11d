/**
 * The run configuration, in two forms:
 *
 *   FlatminConfig  what users write (JSONC files, JS objects): defaults may be left out, and the
 *                  forms of earlier flatmin versions are still accepted (see the Legacy* types).
 *                  config.schema.json is generated from this type (scripts/build-schema.mjs).
 *   RunConfig      what `validateConfig` returns: every default filled in, every legacy form
 *                  rewritten into the one vocabulary below. Results carry it, so any result re-runs.
 *
 * One optimizer vocabulary for every model: `optimizer` is one phase or a list of phases run in
 * order; a phase has `steps`, `lr`, an optional minibatch `batch`, an optional `noise` and the noise
 * `scale` schedule. The model (`model.kind`) is the only thing that differs between a two-factor
 * run and a deep-linear one.
 */
export type Seed = string | number;
export type Rows = number[][];
export type BackendName = 'wasm' | 'reference';
/** Working precision of the optimizer's arithmetic (reports are always computed in f64). */
export type Precision = 'f64' | 'f32';

// ---------------------------------------------------------------------------------------------
// The optimizer (both models)

/**
 * How a phase departs from plain GD/SGD — one kind per phase, one name from the config down to the
 * Wasm codes (ξ_t: fresh standard normals; the phase's `scale` multiplies σ, ρ and √eta alike):
 *   perturbed       gradient at θ + σ·ξ_t                        (perturbed GD, Liu et al. 2021)
 *   anticorrelated  gradient at θ + σ·(ξ_t − ξ_{t−1})            (anticorrelated perturbations)
 *   langevin        θ⁺ = θ − η∇f(θ) + √(2η·temperature)·ξ_t      (samples ∝ exp(−f/temperature))
 *   sam             gradient at θ + ρ·g/‖g‖, g = ∇f(θ) on the same batch (Foret et al. 2021)
 *   asam            gradient at θ + ρ·|θ|²⊙g/‖|θ|⊙g‖             (adaptive SAM, Kwon et al. 2021)
 *   label           fresh N(0, σ²) on the batch's targets each step (label-noise SGD, Damian et al. 2021)
 *   annealed        θ⁺ = θ − η(∇f(θ) + N(0, eta/(1+t)^γ)), t from the phase start (optax add_noise)
 */
export type NoiseKind = 'perturbed' | 'anticorrelated' | 'langevin' | 'sam' | 'asam' | 'label' | 'annealed';

/** Annealed gradient noise: variance eta/(1 + t)^gamma at the phase's step t (0, 1, …). */
export interface AnnealedNoise {
  kind: 'annealed';
  /**
   * The noise variance at the phase's first step, ≥ 0 (optax's `eta`).
   * @minimum 0
   */
  eta: number;
  /**
   * Its decay exponent γ ≥ 0 (default 0.55, optax's).
   * @minimum 0
   */
  gamma?: number;
}

/** SAM or ASAM: the gradient is taken at the ascent point at radius ρ. */
export interface SamNoise {
  kind: 'sam' | 'asam';
  /**
   * The ascent radius ρ > 0 (multiplied by the phase's scale).
   * @exclusiveMinimum 0
   */
  rho: number;
}

/** Label-noise SGD: N(0, σ²) added to each target of the batch (observed M entries, y_i; every M entry for the full target). */
export interface LabelNoise {
  kind: 'label';
  /**
   * σ ≥ 0 of the label noise.
   * @minimum 0
   */
  sigma: number;
}

/** Noise as written: σ is one number for every block, or one per block ([σ_X, σ_Y] or [σ_1 … σ_L]). */
export type NoiseInput =
  | { kind: 'perturbed' | 'anticorrelated'; sigma: number | number[] }
  | { kind: 'langevin'; temperature: number }
  | SamNoise
  | LabelNoise
  | AnnealedNoise;

/** Noise as run: one σ per parameter block; annealed's γ filled in. */
export type NoiseConfig =
  | { kind: 'perturbed' | 'anticorrelated'; sigma: number[] }
  | { kind: 'langevin'; temperature: number }
  | SamNoise
  | LabelNoise
  | Required<AnnealedNoise>;

/** The noise multiplier of a phase: constant, or `[from, to]` decaying geometrically over the phase. */
export type ScaleSchedule = number | [number, number];

/** One phase as written. */
export interface PhaseInput {
  /**
   * Steps in this phase, an integer ≥ 1.
   * @asType integer
   * @minimum 1
   */
  steps: number;
  /**
   * Step size η > 0.
   * @exclusiveMinimum 0
   */
  lr: number;
  /**
   * Minibatch SGD (completion and sensing losses): each step's loss is over this many observed
   * entries / measurements, drawn without replacement inside an epoch. Absent, or "full": full batch.
   */
  batch?: number | 'full';
  /** Noise of this phase; absent: none (plain GD / SGD). */
  noise?: NoiseInput;
  /** Multiplies σ (default 1; 0 = noiseless). */
  scale?: ScaleSchedule;
  /**
   * Tail averaging (SWA): average the iterate over this phase's last `average` steps (1 … steps).
   * The result's `average` is the mean over every averaged step of the run.
   * @asType integer
   * @minimum 1
   */
  average?: number;
}

/** One phase as run (every default filled in; `batch` absent = full batch). */
export interface PhaseConfig {
  steps: number;
  lr: number;
  batch?: number;
  noise?: NoiseConfig;
  scale: ScaleSchedule;
  /** Tail averaging over the phase's last `average` steps. */
  average?: number;
}

// ---------------------------------------------------------------------------------------------
// The two-factor model X Yᵀ (THEORY.md §1, §3)

export interface RandomTarget {
  random: {
    n: number;
    m: number;
    /** Positive; their count is rank(M). */
    singularValues: number[];
    seed: Seed;
    /**
     * Two-factor model, full or completion loss (fraction or observations): keep M = (U Σ) Vᵀ as
     * its factors and never form the n×m matrix (the full step costs O((n + m)·r·(r + k)), memory
     * O((n + m)·(r + k)); completion reads M only at Ω). Default false: the dense target, whose bits
     * existing configs keep (the factored full step sums in another order).
     */
    factored?: boolean;
  };
}

/**
 * A target given by its factors, M = A Bᵀ (A n×k, B m×k, rows of numbers): two-factor model, full
 * or completion loss (fraction or observations). M is never formed; A and B need linearly
 * independent columns (the prediction's thin SVD).
 */
export interface FactoredTarget {
  factors: { A: Rows; B: Rows };
}

/**
 * The data term of the two-factor loss (THEORY.md §3):
 *   full        ½‖XYᵀ − M‖²
 *   completion  (1/|Ω|) Σ_Ω ((XYᵀ)_ij − M_ij)² on the observed entries Ω: a 0/1 `mask` (n rows of
 *               m), or a random one observing each entry with probability `fraction` (stream
 *               "mask:" + seed), or `observations` as lists (row, column, value): the values are
 *               the data there, the target stays the truth (prediction, distances)
 *   sensing     ½ Σ_i (⟨A_i, XYᵀ⟩ − ⟨A_i, M⟩)², i < N: measurements = N, A_i Gaussian with entries
 *               N(0, 1/N) (stream "sensing:" + seed); or measurements = { count: N, nonzeros: s },
 *               A_i with s nonzeros at uniform distinct positions, values N(0, nm/(s·N)) (stream
 *               "sensing-sparse:" + seed; src/problems/measurements.ts): memory N·s, a step O(N·s)
 */
/** A sensing problem's measurements: N dense Gaussian matrices, or N sparse ones of s nonzeros each. */
export type MeasurementsSpec =
  /**
   * N dense Gaussian measurement matrices, an integer ≥ 1.
   * @asType integer
   * @minimum 1
   */
  | number
  | {
    /**
     * N, the number of sparse measurement matrices.
     * @asType integer
     * @minimum 1
     */
    count: number;
    /**
     * s, the nonzero entries of each, at distinct uniform positions: an integer in 1 … n·m.
     * @asType integer
     * @minimum 1
     */
    nonzeros: number;
  };

export type LossConfig =
  | { kind: 'full' }
  | { kind: 'completion'; mask: Rows }
  | { kind: 'completion'; fraction: number }
  | { kind: 'completion'; observations: Observations }
  | { kind: 'sensing'; measurements: MeasurementsSpec };

/** Observed entries as coordinate lists: entry t is (rows[t], cols[t]) = values[t]; no entry twice. */
export interface Observations {
  rows: number[];
  cols: number[];
  values: number[];
}

export interface FactorizationProblem {
  kind: 'factorization';
  /** The n×m target M, as rows, generated with orthonormal random singular vectors, or by its factors. */
  target: Rows | RandomTarget | FactoredTarget;
  /** Number of columns r of X and Y (may exceed rank(M)). */
  rank: number;
  /** The data term (default { kind: "full" }). */
  loss: LossConfig;
  /** Ridge λ(‖X‖² + ‖Y‖²) added to the loss (default 0). */
  lambda: number;
}

export type InitConfig =
  /** X = scale·imbalance·G₁, Y = scale/imbalance·G₂. Default scale makes ‖X₀Y₀ᵀ‖ ≈ ‖M‖. */
  | { kind: 'gaussian'; scale?: number; imbalance: number }
  /** X, Y Gaussian with entries of standard deviation `scale` (default 1e-3). */
  | { kind: 'small'; scale: number }
  | { kind: 'given'; X: Rows; Y: Rows };

export interface FactorizationConfig {
  model: { kind: 'factorization' };
  description?: string;
  problem: FactorizationProblem;
  init: InitConfig;
  optimizer: PhaseConfig[];
  /**
   * The noise ratio the prediction c = (σ_X/σ_Y)·√(n/m) is drawn for. Default: the σ of the first
   * perturbed or anticorrelated phase, else isotropic [1, 1] (the flattest minimum).
   */
  prediction: { sigma: [number, number] };
  seed: Seed;
  backend: BackendName;
  precision: Precision;
  /** Record loss and norms every this many steps (default: total steps / 200, at least 1). */
  recordEvery: number;
  /** Extra, costlier recordings (absent: none). */
  diagnostics?: DiagnosticsConfig;
}

// ---------------------------------------------------------------------------------------------
// The deep linear network W_L ⋯ W_1 (THEORY.md §2)

export type DlnFixtureName = 'dln-D1' | 'dln-D2';

export type DlnProblem =
  | { kind: 'completion'; fixture: DlnFixtureName }
  /** target and mask are d_out × d_in; truth (optional) gives the test error on unobserved entries. */
  | { kind: 'completion'; target: Rows; truth?: Rows; mask: Rows }
  /**
   * Matrix sensing of target (d_out × d_in), exactly as the two-factor loss "sensing": N =
   * measurements Gaussian A_i with N(0, 1/N) entries from the stream "sensing:" + (seed ?? the
   * config's seed), y_i = ⟨A_i, M⟩; loss ½ (N/|B|) Σ_B (⟨A_i, W_L ⋯ W_1⟩ − y_i)², batches of measurements.
   * measurements = { count: N, nonzeros: s }: sparse A_i as for the two-factor loss (memory N·s).
   */
  | { kind: 'sensing'; target: Rows | RandomTarget; measurements: MeasurementsSpec; seed?: Seed };

export type DlnInitConfig =
  /** The fixture's `start` (a rank-overestimating critical point); fixture problems only. */
  | 'fixture-start'
  /** i.i.d. N(0, scale²) entries from the stream "init:" + seed. */
  | { kind: 'gaussian'; scale: number }
  /** [W_1, …, W_L] as rows; W_l is d_l × d_{l−1}. */
  | { kind: 'given'; weights: Rows[] };

export interface DlnModelConfig {
  kind: 'deep-linear';
  depth: number;
  /** Width of every hidden layer. */
  width: number;
  init: DlnInitConfig;
}

/**
 * The spectral report of the full-batch training objective's Hessian (src/diagnostics/spectrum.ts),
 * recorded in `final.curvature` and, with `every`, in `history[i].curvature`. Seeded from the
 * config's seed and the step, so the same seed gives the same numbers on every backend.
 */
export interface CurvatureConfig {
  /**
   * How many of the largest eigenvalues (default 1; at most the parameter count). `top[0]` is the sharpness.
   * @asType integer
   * @minimum 0
   */
  top?: number;
  /** The smallest eigenvalue too (default false). */
  min?: boolean;
  /** The trace (Hutch++) with its standard error (default false). */
  trace?: boolean;
  /** The eigenvalue density by stochastic Lanczos quadrature (default false). */
  density?: boolean;
  /**
   * Trace: the Hutch++ product budget; density: the SLQ probes (default 10).
   * @asType integer
   * @minimum 1
   */
  probes?: number;
  /**
   * Also at every recording whose step is a multiple of this many steps (a multiple of
   * `recordEvery`); absent: at the final iterate only.
   * @asType integer
   * @minimum 1
   */
  every?: number;
}

/**
 * Extra, costlier recordings (both models).
 *
 * `curvature: true` with `probes` is the deep model's form of flatmin 0.1, still accepted and
 * still computed as then (Hutchinson trace with `probes` probes and power-iteration sharpness at
 * every recording, src/diagnostics/dlnCurvature.ts); the object form is the spectral report.
 */
export interface DiagnosticsConfig {
  curvature?: boolean | CurvatureConfig;
  /** With `curvature: true` (0.1 form): Rademacher probes per trace estimate (default 10). */
  probes?: number;
  /** Keep the iterate θ at every recording (`history[i].theta`): what landscape trajectories need. */
  trajectory?: boolean;
}

/** @deprecated The deep model's diagnostics: now DiagnosticsConfig, shared by both models. */
export type DlnDiagnosticsConfig = DiagnosticsConfig;

export interface DeepLinearConfig {
  model: DlnModelConfig;
  description?: string;
  problem: DlnProblem;
  optimizer: PhaseConfig[];
  /** Ridge λ Σ_l ‖W_l‖² (default: the fixture's; required otherwise). */
  lambda: number;
  seed: Seed;
  backend: BackendName;
  precision: Precision;
  /** Singular values, ranks and errors every this many steps (default: total / 200, at least 1). */
  recordEvery: number;
  /** Extra, costlier recordings (absent: none). */
  diagnostics?: DiagnosticsConfig;
}

// ---------------------------------------------------------------------------------------------
// The symmetric model X Xᵀ (a PSD end-to-end matrix; THEORY.md §4, Xiong, Ding, Du 2024)

/** A random PSD target U diag(eigenvalues) Uᵀ with orthonormal random U (n × eigenvalues.length). */
export interface RandomPsdTarget {
  random: {
    n: number;
    /** Positive; their count is rank(M). */
    eigenvalues: number[];
    seed: Seed;
  };
}

export interface SymmetricProblem {
  /** The n×n target M: symmetric rows, or a random PSD matrix. */
  target: Rows | RandomPsdTarget;
  /** The data term on W = X Xᵀ, as for the two-factor model (default { kind: "full" }). */
  loss: LossConfig;
  /** Ridge λ‖X‖² (default 0). */
  lambda: number;
}

export interface SymmetricModelConfig {
  kind: 'symmetric';
  /** Columns k of X (may exceed rank(M): over-parameterized). */
  rank: number;
  /** X₀ has i.i.d. N(0, scale²) entries from the stream "init:" + seed (default scale 1e-3). */
  init: { scale: number };
}

export interface SymmetricConfig {
  model: SymmetricModelConfig;
  description?: string;
  problem: SymmetricProblem;
  optimizer: PhaseConfig[];
  seed: Seed;
  backend: BackendName;
  precision: Precision;
  /** Record loss, ‖X‖² and the relative error every this many steps (default: total / 200, at least 1). */
  recordEvery: number;
}

/** A validated config with every default filled in: what runs, and what every result carries. */
export type RunConfig = FactorizationConfig | DeepLinearConfig | SymmetricConfig;
export type ModelKind = RunConfig['model']['kind'];

// ---------------------------------------------------------------------------------------------
// What users write

interface CommonInput {
  /** The JSON Schema of this file (editors use it for completion and checking); ignored by flatmin. */
  $schema?: string;
  description?: string;
  /** The seed of every random stream: init, noise, minibatches (default 0). 42 and "42" are the same. */
  seed?: Seed;
  backend?: BackendName;
  precision?: Precision;
  recordEvery?: number;
}

export type InitInput =
  | { kind: 'gaussian'; scale?: number; imbalance?: number }
  | { kind: 'small'; scale?: number }
  | { kind: 'given'; X: Rows; Y: Rows };

export interface FactorizationInput extends CommonInput {
  /** Optional for the two-factor model (a config without `model` is two-factor). */
  model?: { kind: 'factorization' };
  problem: {
    kind?: 'factorization';
    target: Rows | RandomTarget | FactoredTarget;
    rank: number;
    loss?: LossConfig;
    lambda?: number;
  };
  init?: InitInput;
  optimizer: PhaseInput | PhaseInput[] | LegacyFactorizationOptimizer;
  prediction?: { sigma: [number, number] };
  /** Extra, costlier recordings: the Hessian spectrum, the trajectory. */
  diagnostics?: DiagnosticsConfig;
}

export type DlnProblemInput =
  | { kind: 'completion'; fixture: DlnFixtureName }
  | { kind: 'completion'; target: Rows; truth?: Rows; mask: Rows }
  | { kind: 'sensing'; target: Rows | RandomTarget; measurements: MeasurementsSpec; seed?: Seed };

export interface DeepLinearInput extends CommonInput {
  model: {
    kind: 'deep-linear';
    depth: number;
    width: number;
    /** Default: "fixture-start" for fixture problems, else { kind: "gaussian", scale: 0.1 }. */
    init?: DlnInitConfig;
  };
  problem: DlnProblemInput;
  optimizer: PhaseInput | LegacyDlnPhase | Array<PhaseInput | LegacyDlnPhase>;
  lambda?: number;
  /** Extra, costlier recordings: the Hessian spectrum, the trajectory. */
  diagnostics?: DiagnosticsConfig;
}

export interface SymmetricInput extends CommonInput {
  model: {
    kind: 'symmetric';
    /**
     * Columns k of X, an integer ≥ 1.
     * @asType integer
     * @minimum 1
     */
    rank: number;
    /** X₀ = scale·G, G standard normal (default scale 1e-3). */
    init?: { scale: number };
  };
  problem: {
    /** The n×n target: symmetric rows, or { random: { n, eigenvalues, seed } } (PSD). */
    target: Rows | RandomPsdTarget;
    /** Default { kind: "full" }. */
    loss?: LossConfig;
    /** Ridge λ‖X‖² (default 0). */
    lambda?: number;
  };
  optimizer: PhaseInput | PhaseInput[];
}

/** Any config flatmin runs, as written: the type `run`, `Run.create` and `runInWorker` accept. */
export type FlatminConfig = FactorizationInput | DeepLinearInput | SymmetricInput;

/**
 * The two-factor optimizer of flatmin 0.1, still accepted as written and normalized into phases
 * (one per schedule entry, each with this lr, batch and noise):
 *   gd → no noise; perturbed-gd → noise perturbed [sigmaX, sigmaY]; anticorrelated-gd → noise
 *   anticorrelated [sigmaX, sigmaY]; langevin → noise langevin (temperature).
 */
export interface LegacyFactorizationOptimizer {
  kind: 'gd' | 'perturbed-gd' | 'anticorrelated-gd' | 'langevin';
  lr: number;
  sigmaX?: number;
  sigmaY?: number;
  temperature?: number;
  steps?: number;
  schedule?: Array<{ steps: number; scale: ScaleSchedule }>;
  batch?: number;
}

/** A deep-linear phase of flatmin 0.1: `gd` is full batch, `sgd` needs `batch`. Still accepted. */
export interface LegacyDlnPhase {
  kind: 'gd' | 'sgd';
  lr: number;
  steps: number;
  batch?: number | 'full';
  noise?: NoiseInput;
}
