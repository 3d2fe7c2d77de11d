import { FlatminError } from '../../errors.js';
import type { FactorizationInput, FactorizationSession, StepParams, StepOutcome } from '../types.js';
import { Arena } from './buffers.js';
import type { CoreExports } from './loader.js';

/** Marshalling only: the loop itself is assembly/programs/factorization.ts. */
export function wasmFactorization(core: CoreExports, input: FactorizationInput): FactorizationSession {
  const { n, m, r } = input;
  const total = (n + m) * r;
  const arena = new Arena(core);
  const M = arena.f64(n * m);
  const Mt = arena.f64(n * m); // Mᵀ, packed once: the target never changes during a run
  const theta = arena.f64(total);
  const next = arena.f64(total);
  const P = arena.f64(total);
  const work = arena.f64(2 * r * r + total);
  const sched = arena.f64(2);
  const rng = arena.i32(4);
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
      const done = core.factorizationRun(
        n, m, r, M.ptr, Mt.ptr, theta.ptr, next.ptr, P.ptr, work.ptr, sched.ptr, rng.ptr,
        steps, p.lr, p.sigmaX, p.sigmaY,
      );
      return { done, scale: sched.view()[0] };
    },
    loss: () => (alive(), core.factorizationLoss(n, m, r, M.ptr, theta.ptr)),
    norms: () => {
      alive();
      return { x2: core.sumSquares(theta.ptr, n * r), y2: core.sumSquares(theta.ptr + n * r * 8, m * r) };
    },
    theta: () => (alive(), theta.view().slice()),
    setTheta: (t) => (alive(), theta.view().set(t)),
    rng: () => (alive(), rng.view().slice()),
    setRng: (s) => (alive(), rng.view().set(s)),
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
