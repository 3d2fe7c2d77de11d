// The types that name a Wasm core, apart from the loader so that the platform registry (which says
// where each build lives) can use them without importing the loader back.

/** Where the Wasm bytes come from: a URL, a fetch Response, the bytes, or a compiled module. */
export type WasmSource = string | URL | Response | BufferSource | WebAssembly.Module;

/** The two builds of assembly/: same bits, one with SIMD kernels and one scalar fallback. */
export type Build = 'simd' | 'scalar';
