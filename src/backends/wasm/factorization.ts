import { FlatminError } from '../../errors.js';
import type { FactorizationInput, FactorizationSession, StepParams, StepOutcome } from '../types.js';
import { Arena } from './buffers.js';
import type { CoreExports } from './loader.js';

/** Marshalling only: the loop itself is assembly/programs/factorization.ts. */
export function wasmFactorization(core: CoreExports, input: FactorizationInput): FactorizationSession {
  const { n, m, r } = input;
  const f32 = input.precision === 'f32';
  const T = f32 ? Float32Array : Float64Array;
  const run = f32 ? core.factorizationRunF32 : core.factorizationRunF64;
  const lossOf = f32 ? core.factorizationLossF32 : core.factorizationLossF64;
  const sumSquares = f32 ? core.sumSquaresF32 : core.sumSquaresF64;
  const nr = n * r;
  const total = nr + m * r;
  const arena = new Arena(core);
  const M = arena.alloc(T, n * m);
  const Mt = arena.alloc(T, n * m); // Mᵀ, packed once: the target never changes during a run
  const theta = arena.alloc(T, total);
  const next = arena.alloc(T, total);
  const P = arena.alloc(T, total);
  const work = arena.alloc(T, 2 * r * r + total);
  const noise = f32 ? arena.alloc(Float64Array, total).ptr : 0; // f64 Gaussians before rounding
  const sched = arena.alloc(Float64Array, 2);
  const rng = arena.alloc(Int32Array, 16);
  M.view().set(input.M);
  const mt = Mt.view();
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mt[j * n + i] = input.M[i * m + j];
  theta.view().set(input.theta);
  rng.view().set(input.rng);
  let live = true;
  const alive = () => {
    if (!live) throw new FlatminError('USAGE', 'session', 'this run was disposed');
  };

  return {
    run(steps: number, p: StepParams): StepOutcome {
      alive();
      const s = sched.view();
      s[0] = p.scale;
      s[1] = p.scaleMul;
      const done = run(
        n, m, r, M.ptr, Mt.ptr, theta.ptr, next.ptr, P.ptr, work.ptr, noise, sched.ptr, rng.ptr,
        steps, p.lr, p.sigmaX, p.sigmaY,
      );
      return { done, scale: sched.view()[0] };
    },
    loss: () => (alive(), lossOf(n, m, r, M.ptr, theta.ptr)),
    norms: () => {
      alive();
      return { x2: sumSquares(theta.ptr, nr), y2: sumSquares(theta.ptr + nr * T.BYTES_PER_ELEMENT, m * r) };
    },
    theta: () => (alive(), Float64Array.from(theta.view())),
    setTheta: (t) => (alive(), theta.view().set(t)),
    rng: () => (alive(), rng.view().slice()),
    setRng: (s) => (alive(), rng.view().set(s)),
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
