// The flatmin Wasm core. JS owns the buffers (alloc/free) and calls whole runs of steps.
//   detmath.ts     log, sin/cos(2πu) from IEEE basic operations (same bits as the TS reference)
//   random.ts      xor128 PRNG + Box-Muller Gaussians
//   kernels/       dense kernels on raw row-major buffers
//   programs/      step loops composed from kernels (one per model)

/** 16-byte aligned, uninitialized; never moved. */
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

export { rngLoad, rngStore, nextDouble, fillGaussian } from './random';
export { factorizationRun, factorizationLoss, sumSquares } from './programs/factorization';
