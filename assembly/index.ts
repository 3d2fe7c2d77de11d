// The flatmin Wasm core. JS owns the buffers (alloc/free) and calls whole runs of steps.
//   detmath.ts     log, sin/cos(2πu) from IEEE basic operations (same bits as the TS reference)
//   random.ts      four xor128 lanes + Box-Muller Gaussians
//   kernels/       dense kernels on raw row-major buffers, generic over f64 / f32
//   programs/      step loops composed from kernels (one per model), one export per precision

/** 16-byte aligned, uninitialized; never moved. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

export { fillGaussian } from './random';
export {
  factorizationRunF64, factorizationRunF32, factorizationLossF64, factorizationLossF32, sumSquaresF64, sumSquaresF32,
} from './programs/factorization';
export { shuffleI32 } from './random';
export { dlnRun, dlnWorkLength, dlnEndToEnd } from './programs/dln';
export { dlnHvp } from './kernels/dlnHvp';
