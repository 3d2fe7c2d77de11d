import { dlnSession, factorizationSession } from '../adapters.js';
import type { Backend } from '../types.js';
import { referenceSession } from './step.js';

/** The reference backend: the step skeleton in plain TypeScript (step.ts), the oracle of the Wasm core. */
export const referenceBackend: Backend = {
  name: 'reference',
  session: referenceSession,
  factorization: (input) => factorizationSession(referenceSession, input),
  dln: (input) => dlnSession(referenceSession, input),
};
