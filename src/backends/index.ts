import type { BackendName } from '../config/types.js';
import { referenceBackend } from './reference/factorization.js';
import type { Backend } from './types.js';
import { wasmDln } from './wasm/dln.js';
import { wasmFactorization } from './wasm/factorization.js';
import { loadCore, type CoreExports, type WasmSource } from './wasm/loader.js';

export type {
  Backend, FactorizationSession, FactorizationInput, StepParams, DlnInput, DlnSession, DlnStepParams, DlnSampler,
} from './types.js';

/** Resolve a backend by name; `wasm` loads (once) and instantiates the core. */
export async function getBackend(name: BackendName, wasm?: WasmSource): Promise<Backend> {
  if (name === 'reference') return referenceBackend;
  return wasmBackend(await loadCore(wasm));
}

/** The wasm backend over a given core instance. */
export function wasmBackend(core: CoreExports): Backend {
  return { name: 'wasm', factorization: (input) => wasmFactorization(core, input), dln: (input) => wasmDln(core, input) };
}

export const backendNames: readonly BackendName[] = ['wasm', 'reference'];
