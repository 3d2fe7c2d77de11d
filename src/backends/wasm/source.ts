// The types that name a Wasm core, apart from the loader so that the platform registry (which says
// where each build lives) can use them without importing the loader back.

/** Where the Wasm bytes come from: a URL, a fetch Response, the bytes, or a compiled module. */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

/**
 * The builds of assembly/, all with the same bits: SIMD kernels, a scalar fallback, and SIMD with
 * threads (shared memory imported as env.memory; src/backends/wasm/threads.ts runs it).
 */
export type Build = 'simd' | 'scalar' | 'threads';
