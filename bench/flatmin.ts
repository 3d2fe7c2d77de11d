/**
 * flatmin's own rows. This list is the one place to add a variant (e.g. wasm f32, the scalar
 * fallback build): an entry whose `unavailable()` returns a reason prints "skipped: <reason>".
 */
import { existsSync, readFileSync } from 'node:fs';
import { getBackend, type Backend } from '../src/backends/index.js';
import { seedGaussian } from '../src/random/gaussian.js';
import type { Impl, Problem, Runner, Size } from './problem.js';

export const WASM_PATH = 'build/flatmin.wasm';
export const SCALAR_WASM_PATH = 'build/flatmin-scalar.wasm';

function sessionRunner(backend: Backend, p: Problem, extra: Record<string, unknown> = {}): Runner {
  const session = backend.factorization({
    n: p.n, m: p.m, r: p.r, precision: 'f64', M: p.M, theta: p.theta, rng: seedGaussian(p.seed), ...extra,
  });
  const params = { lr: p.lr, sigmaX: p.sigmaX, sigmaY: p.sigmaY, scale: 1, scaleMul: 1 };
  return {
    step(k) {
      const { done } = session.run(k, params);
      if (done !== k) throw new Error(`${backend.name}: ${done} of ${k} steps done (non-finite iterate)`);
    },
    read: () => session.theta(),
    dispose: () => session.dispose(),
  };
}

/** A flatmin Wasm build loaded from a file (each getBackend call binds its own instance). */
function wasmVariant(name: string, precision: 'f64' | 'f32', files: string[], extra: Record<string, unknown> = {},
  missing = `no ${files.join(' / ')} (run npm run build:wasm)`): Impl {
  let backend: Promise<Backend> | undefined;
  const file = () => files.find((f) => existsSync(f));
  return {
    name, precision, group: 'flatmin',
    unavailable: async () => (file() ? null : missing),
    async make(p) {
      backend ??= getBackend('wasm', readFileSync(file()!));
      return sessionRunner(await backend, p, extra);
    },
  };
}

const referenceF32 = 'flatmin reference (TS) f32';

export const flatminVariants: Impl[] = [
  wasmVariant('flatmin wasm f64', 'f64', [WASM_PATH]),
  // Checked against the f32 reference: same bits demanded; % peak uses the f32 peak.
  { ...wasmVariant('flatmin wasm f32', 'f32', [WASM_PATH], { precision: 'f32' }), oracle: referenceF32 },
  // The scalar (no-SIMD) build of the same core (asconfig target "scalar").
  wasmVariant('flatmin wasm scalar fallback', 'f64', [SCALAR_WASM_PATH], {}, `no ${SCALAR_WASM_PATH} (run npm run build:wasm)`),
  {
    name: 'flatmin reference (TS)', precision: 'f64', group: 'flatmin',
    unavailable: async () => null,
    make: async (p) => sessionRunner(await getBackend('reference'), p),
    maxSteps: (s: Size) => (s.n * s.m * s.r >= 512 * 512 * 32 ? 2 : 1e6),
  },
  {
    name: referenceF32, precision: 'f32', group: 'flatmin', oracle: referenceF32,
    unavailable: async () => null,
    make: async (p) => sessionRunner(await getBackend('reference'), p, { precision: 'f32' }),
    maxSteps: (s: Size) => (s.n * s.m * s.r >= 512 * 512 * 32 ? 2 : 1e6),
  },
];
