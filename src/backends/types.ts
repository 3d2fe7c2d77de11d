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
}

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
  /** Free the backend's buffers; the session is unusable afterwards. */
  dispose(): void;
}

export interface Backend {
  readonly name: BackendName;
  factorization(input: FactorizationInput): FactorizationSession;
}
