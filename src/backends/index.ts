import type { BackendName } from '../config/types.js';
import { dlnSession, factorizationSession } from './adapters.js';
import { referenceBackend } from './reference/index.js';
import type { Backend, SessionInput } from './types.js';
import { loadCore, type CoreExports, type WasmSource } from './wasm/loader.js';
import { wasmSession } from './wasm/session.js';
import { threadedCore, threadedSession } from './wasm/threads.js';

export type {
  Backend, FactorizationSession, FactorizationInput, StepParams, DlnInput, DlnSession, DlnStepParams, DlnSampler,
  Session, SessionInput, SessionStepParams, NoiseKind, ModelShape, DataLoss,
} from './types.js';
export { sessionBytes, sessionMisfit } from './memory.js';
export { checkThreads, gainsFromThreads, resolveThreads } from './wasm/threads.js';

/**
 * Resolve a backend by name; `wasm` loads (once) and instantiates the core. `threads` > 1 (wasm
 * only; see wasm/threads.ts resolveThreads): the threaded core, with its pool started (`wasm` then
 * locates the threads build, when this call creates that core).
 */
export async function getBackend(name: BackendName, wasm?: WasmSource, threads = 1): Promise<Backend> {
  if (name === 'reference') return referenceBackend;
  if (threads > 1) {
    const core = await threadedCore(threads, wasm);
    const session = (input: SessionInput) => threadedSession(core, input, threads);
    return { name: 'wasm', session, factorization: (input) => factorizationSession(session, input), dln: (input) => dlnSession(session, input) };
  }
  return wasmBackend(await loadCore(wasm));
}

/** The wasm backend over a given core instance. */
export function wasmBackend(core: CoreExports): Backend {
  const session = (input: SessionInput) => wasmSession(core, input);
  return {
    name: 'wasm',
    session,
    factorization: (input) => factorizationSession(session, input),
    dln: (input) => dlnSession(session, input),
  };
}

export const backendNames: readonly BackendName[] = ['wasm', 'reference'];
