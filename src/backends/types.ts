/**
 * One interface, two implementations: `reference` (plain TypeScript, the oracle) and `wasm` (the
 * SIMD core). Given the same inputs both produce the same bits; the test suite runs over both.
 *
 * `Backend.session(SessionInput)` is the interface: one step skeleton per backend
 * (reference/step.ts, assembly/programs/step.ts) over every model (ModelShape), loss (DataLoss)
 * and noise kind (NoiseKind). `factorization()` and `dln()` with their inputs below are today's
 * entry points, thin adapters over it (adapters.ts).
 */
export type { BackendName, Precision } from '../config/types.js';
import type { BackendName, Precision } from '../config/types.js';

/**
 * How a step departs from GD, with strength s_b = σ_b·scale per parameter block b (ξ_t: fresh
 * standard normals). One vocabulary from the config down to the Wasm codes (0 … 6 in this order):
 *   perturbed       gradient at E = θ + s·ξ_t                  (perturbed GD / SGD)
 *   anticorrelated  gradient at E = θ + s·(ξ_t − ξ_{t−1})      (ξ_{−1} = 0; ξ_{t−1} is session state)
 *   langevin        E = θ;  θ⁺ = θ − η∇f(θ) + s·ξ_t            (σ = √(2η·temperature))
 *   sam             gradient at E = θ + s·g/‖g‖, g = ∇f(θ) on the same batch, no ridge (σ = ρ; Foret et al. 2021)
 *   asam            gradient at E = θ + s·|θ|²⊙g/‖|θ|⊙g‖                    (σ = ρ; Kwon et al. 2021)
 *   label           gradient at θ with the batch's targets (M entries, y_i) + s_0·ξ_t (σ_0 = label σ; Damian et al. 2021)
 *   annealed        as langevin with s_b·(1 + t)^(−γ/2), t = SessionStepParams.step + steps done
 *                   (σ = η·√eta: θ⁺ = θ − η(∇f + N(0, eta/(1+t)^γ)), optax add_noise)
 * With every s_b = 0 a step draws nothing and is plain GD, whatever the kind.
 */
export type NoiseKind = 'perturbed' | 'anticorrelated' | 'langevin' | 'sam' | 'asam' | 'label' | 'annealed';
/** Every NoiseKind; the index is the kind's code in the Wasm core (assembly/programs/step.ts). */
export const noiseKinds: readonly NoiseKind[] = ['perturbed', 'anticorrelated', 'langevin', 'sam', 'asam', 'label', 'annealed'];

/** The parametrization θ of the end-to-end matrix W. */
export type ModelShape =
  /** W = X Yᵀ (n×m); θ = [X (n×r) | Y (m×r)], blocks [X, Y]. */
  | { kind: 'factorization'; n: number; m: number; r: number }
  /** W = W_L ⋯ W_1 (d_L × d_0), W_l is d_l × d_{l−1}; θ = [W_1 | … | W_L], one block per layer. */
  | { kind: 'deep-linear'; dims: readonly number[] }
  /** W = X Xᵀ (n×n, PSD); θ = [X (n×k)], one block. */
  | { kind: 'symmetric'; n: number; k: number };

/**
 * The data term as a function of the end-to-end matrix W (rows × cols = n×m, or d_L×d_0), row-major:
 *   full        ½‖W − M‖²
 *   completion  (1/|Ω|) Σ_Ω (W_ij − M_ij)²       mask nonzero = observed (at least one)
 *   sensing     ½ Σ_i (⟨A_i, W⟩ − y_i)²           A: N matrices back to back (N·rows·cols), y: N values;
 *                                                 or sparse: A's nonzeros as CSR rows (SparseMeasurements)
 *   factored    ½‖W − A Bᵀ‖²                      two-factor model only: A n×k, B m×k row-major; the target
 *                                                 is never formed (../backends/reference/models/factored.ts)
 * On a minibatch B (StepParams.batch): (1/|B|) Σ_B for completion and ½ (N/|B|) Σ_B for sensing —
 * unbiased estimates of the full loss, equal to it when B is everything. `full` has no minibatches.
 */
export type DataLoss =
  | { kind: 'full'; M: Float64Array }
  /**
   * observed: the data as lists instead (src/backends/sparse.ts) — then M and mask are empty
   * (length 0), and nothing rows×cols is made for the two-factor model.
   */
  | { kind: 'completion'; M: Float64Array; mask: ArrayLike<number>; observed?: Observed }
  /** sparse: the measurements as CSR rows instead (SparseMeasurements) — then A is empty (length 0). */
  | { kind: 'sensing'; A: Float64Array; y: Float64Array; sparse?: SparseMeasurements }
  | { kind: 'factored'; A: Float64Array; B: Float64Array; k: number };

/**
 * Sparse sensing matrices as CSR over measurements: A_i's nonzeros are index[ptr[i] … ptr[i+1]),
 * flat positions k = row·cols + col strictly ascending within a measurement, with values[p] the
 * entry at index[p]. ptr has N + 1 entries, ptr[0] = 0, ptr[N] = index.length = values.length.
 */
export interface SparseMeasurements {
  ptr: Int32Array;
  index: Int32Array;
  values: Float64Array;
}

/**
 * Observed entries as lists: flat indices i·cols + j, strictly ascending (so CSR order: rows
 * ascending, columns ascending within a row), and their values in the same order.
 */
export interface Observed {
  index: Int32Array;
  values: Float64Array;
}

/** What a session is made from. Every array is f64; with precision "f32" the backend rounds on entry. */
export interface SessionInput {
  model: ModelShape;
  precision: Precision;
  loss: DataLoss;
  /** Ridge λ Σ_b ‖θ_b‖², its gradient 2λθ taken at θ (not at the evaluation point). */
  lambda: number;
  /** Initial iterate, f64 (rounded to the precision on entry). */
  theta: Float64Array;
  /** State of the noise stream: 16 int32, four xor128 lanes (src/random/gaussian.ts); lane 0 also shuffles. */
  rng: Int32Array;
  /**
   * Largest minibatch any phase asks for: allocates the epoch sampler (and sizes sensing's gather
   * buffer). Absent: full batch only (a run with a smaller batch is an error).
   */
  maxBatch?: number;
  /** Allocate ξ_{t−1} (some phase uses anticorrelated noise). */
  anticorrelated?: boolean;
  /** Allocate the clean targets and label noise's Gaussians (some phase uses label noise). */
  labelNoise?: boolean;
}

/** One call's parameters: constant lr, batch and noise; the noise multiplier is scale·scaleMul^t at its t-th step. */
export interface SessionStepParams {
  lr: number;
  /** Minibatch size; absent or ≥ the universe (observed entries / measurements): the full sums. */
  batch?: number;
  /** One σ per block (2 for two-factor, L for deep); absent or all σ·scale = 0: no draw (plain GD). */
  noise?: { kind: NoiseKind; sigma: readonly number[]; /** annealed: the decay exponent γ ≥ 0 */ gamma?: number };
  /** Steps of the phase before this call (annealed noise's t at its first step; default 0). */
  step?: number;
  /** Noise multiplier at this call's first step. */
  scale: number;
  /** Per-step geometric factor of the multiplier. */
  scaleMul: number;
}

/**
 * A run of the one step skeleton (src/backends/reference/step.ts, assembly/programs/step.ts) on one
 * model, with its state (θ, RNG lanes, ξ_{t−1}, epoch sampler) held by the backend. Every step:
 * batch → noise and evaluation point E → the model's gradient of the data loss at E on the batch →
 * ridge 2λθ at θ → descent (kept only if finite) → Langevin's update noise.
 */
export interface Session {
  readonly input: Readonly<SessionInput>;
  /** Block boundaries in theta: [0, …, total] (length blocks + 1). */
  readonly blocks: readonly number[];
  /** Up to `steps` steps; fewer only if the next would make the iterate non-finite (then not applied). */
  run(steps: number, p: SessionStepParams): StepOutcome;
  /** W = X Yᵀ or W_L ⋯ W_1 at θ, computed as the step's forward pass is (an f64 copy); a factored target has none (an error). */
  endToEnd(): Float64Array;
  /**
   * ½‖XYᵀ − M‖² (two-factor full loss, f64, factorizationLoss's bits; a factored target: lowRankLoss
   * of src/linalg/lowRank.ts on θ and the factors in working precision); NaN for other losses and models.
   */
  fullLoss(): number;
  /** Σθ² per block, in f64 ascending (sumSquares's bits). */
  blockNorms(): number[];
  /** A copy of θ (f32 values widened exactly in f32). */
  theta(): Float64Array;
  setTheta(t: Float64Array): void;
  rng(): Int32Array;
  setRng(r: Int32Array): void;
  /** A copy of ξ_{t−1} in working precision; empty if not allocated (SessionInput.anticorrelated). */
  prevNoise(): Float64Array;
  setPrevNoise(xi: Float64Array): void;
  /** A copy of the epoch sampler's state; order empty if there is none (no maxBatch). */
  sampler(): EpochSampler;
  setSampler(s: EpochSampler): void;
  /** Free the backend's buffers; the session is unusable afterwards. */
  dispose(): void;
}

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
  /** Where the noise σ·ξ goes (default "evaluation": perturbed GD; legacy names of NoiseKind). */
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
  /** A: N measurement matrices, each n×m row-major, back to back (N·n·m); y: N values; or sparse (A empty). */
  | ({ kind: 'sensing' } & Measurements);

/** Sensing data: A dense (N·rows·cols) or, with sparse, empty (length 0) and the rows in CSR. */
export interface Measurements {
  A: Float64Array;
  y: Float64Array;
  sparse?: SparseMeasurements;
}

/**
 * The names of NoiseKind in the legacy `factorization()` / `dln()` inputs (evaluation = perturbed,
 * update = langevin); src/backends/adapters.ts translates them. New code uses NoiseKind.
 */
export type NoisePlacement = 'evaluation' | 'anticorrelated' | 'update';

/** Legacy two-factor run parameters (backend.factorization): one stretch of constant lr and σ_X, σ_Y. */
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
  sensing?: Measurements;
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
  /** A session of the step skeleton on any model, loss and noise. */
  session(input: SessionInput): Session;
  /** The two-factor model in today's form: a thin adapter over session() (src/backends/adapters.ts). */
  factorization(input: FactorizationInput): FactorizationSession;
  /** The deep linear network in today's form: a thin adapter over session(). */
  dln(input: DlnInput): DlnSession;
}
