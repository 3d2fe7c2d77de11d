/**
 * A model as the reference step skeleton (../step.ts) sees it: a gradient kernel. It maps the
 * evaluation point E (a θ-shaped vector) to the end-to-end matrix W and, given R = ∂ℓ/∂W from the
 * loss (../losses.ts), writes ∂ℓ/∂θ. assembly/models/ holds the Wasm twins.
 */
export interface Model {
  /** W at E (rows×cols, row-major), into a buffer the model owns and the next call overwrites. */
  forward(E: Float64Array): Float64Array;
  /** ∂ℓ/∂θ at E into out (θ-shaped), by the chain rule through the last forward(E). */
  backward(E: Float64Array, R: Float64Array, out: Float64Array): void;
  /**
   * The full target ½‖W − M‖² without forming W, where the model has such a path: writes the part
   * of the gradient that depends on E alone into out and returns the part B to subtract
   * (gradient = out − B), as the descent of the fast path takes it (kernels.ts descendFull).
   */
  fullTarget?(E: Float64Array, M: Float64Array, out: Float64Array): Float64Array;
}
