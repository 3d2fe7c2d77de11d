import type { BackendName } from '../config/types.js';
import { referenceBackend } from './reference/factorization.js';
import type { Backend } from './types.js';
import { wasmFactorization } from './wasm/factorization.js';
import { loadCore, type WasmSource } from './wasm/loader.js';

export type { Backend, FactorizationSession, FactorizationInput, StepParams } from './types.js';

/** Resolve a backend by name; `wasm` loads (once) and instantiates the core. */
export async function getBackend(name: BackendName, wasm?: WasmSource): Promise<Backend> {
  if (name === 'reference') return referenceBackend;
  const core = await loadCore(wasm);
  return { name: 'wasm', factorization: (input) => wasmFactorization(core, input) };
}

export const backendNames: readonly BackendName[] = ['wasm', 'reference'];
