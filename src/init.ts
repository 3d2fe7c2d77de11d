import { loadCore, type WasmSource } from './backends/wasm/loader.js';

export interface InitOptions {
  /**
   * The core: a URL (or string), a fetch `Response`, the bytes, or a compiled `WebAssembly.Module`.
   * Default: the build this engine supports, from where the package entry says it lives.
   */
  wasm?: WasmSource;
}

/**
 * Load the Wasm core ahead of the first run (runs load it on demand otherwise). Call it with
 * `{ wasm }` when a bundler or server puts `flatmin.wasm` somewhere the package cannot guess.
 */
export async function init(options: InitOptions = {}): Promise<void> {
  await loadCore(options.wasm);
}
