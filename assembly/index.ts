// The flatmin Wasm core. JS owns the buffers (alloc/free) and calls whole runs of steps.
//   programs/step.ts   THE STEP SKELETON: batch → noise → model gradient → ridge, descent → update noise
//   session.ts         the session descriptor: one i32 table naming every buffer of a run
//   models/            gradient kernels: two-factor X Yᵀ, deep linear W_L ⋯ W_1 (E → W, R → ∂/∂θ)
//   losses.ts          R = ∂ℓ/∂W for full / completion / sensing, full sums and minibatches
//   kernels/           dense kernels on raw row-major buffers, generic over f64 / f32
//   detmath.ts         log, sin/cos(2πu) from IEEE basic operations (same bits as the TS reference)
//   random.ts          four xor128 lanes + Box-Muller Gaussians, epoch shuffles

/** 16-byte aligned, uninitialized; never moved. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

export { fillGaussian, shuffleI32 } from './random';
export {
  stepRunF64, stepRunF32, endToEndF64, endToEndF32, factorizationLossF64, factorizationLossF32, sumSquaresF64, sumSquaresF32,
} from './programs/step';
export { dlnHvp } from './kernels/dlnHvp';
export { poolBlockBytes, poolFailed, poolInit, poolThreads, poolShutdown } from './kernels/pool';
export { workerLoop } from './threads';
