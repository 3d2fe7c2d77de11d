import { dlnReports } from '../../diagnostics/completion.js';
import { FlatminError } from '../../errors.js';
import { dlnBatchUniverse, layerOffsets, validateDlnInput, validateDlnStep } from '../../problems/dln.js';
import type { DlnInput, DlnSession, DlnStepParams } from '../types.js';
import { Arena } from './buffers.js';
import { NOISE_CODES } from './factorization.js';
import type { CoreExports } from './loader.js';

/**
 * Marshalling only: the loop is assembly/programs/dln.ts (f64). The reports (loss, train and test
 * error) are computed in TS from the core's A, with the same code as the reference backend.
 */
export function wasmDln(core: CoreExports, input: DlnInput): DlnSession {
  validateDlnInput(input);
  const L = input.dims.length - 1;
  const total = layerOffsets(input.dims)[L];
  const dOut = input.dims[L];
  const d0 = input.dims[0];
  const obsJs = dlnBatchUniverse(input);
  const N = obsJs.length;
  const reports = dlnReports(input);
  const lambda = input.lambda;
  const arena = new Arena(core);
  const dims = arena.alloc(Int32Array, L + 1);
  dims.view().set(input.dims);
  const theta = arena.alloc(Float64Array, total);
  const next = arena.alloc(Float64Array, total);
  const grad = arena.alloc(Float64Array, total);
  const work = arena.alloc(Float64Array, core.dlnWorkLength(L, dims.ptr));
  const M = arena.alloc(Float64Array, dOut * d0);
  const obs = arena.alloc(Int32Array, N);
  const order = arena.alloc(Int32Array, N);
  const samp = arena.alloc(Int32Array, 1);
  const rng = arena.alloc(Int32Array, 16);
  const sigma = arena.alloc(Float64Array, L); // per-layer σ, written by every run (0: no noise)
  const P = arena.alloc(Float64Array, total);
  const prev = arena.alloc(Float64Array, total); // ξ_{t−1}, zeros until the first anticorrelated step
  theta.view().set(input.theta);
  M.view().set(input.M);
  // Sensing: [N, A, y, rv, Ab] (assembly/programs/dln.ts); 0 for completion.
  let sens = 0;
  if (input.sensing) {
    const nm = dOut * d0;
    const A = arena.alloc(Float64Array, N * nm);
    const y = arena.alloc(Float64Array, N);
    const rv = arena.alloc(Float64Array, N);
    const Ab = arena.alloc(Float64Array, Math.max(1, (N - 1) * nm)); // a batch below N (N: the full sum, read in place)
    A.view().set(input.sensing.A);
    y.view().set(input.sensing.y);
    const words = arena.alloc(Int32Array, 5);
    words.view().set([N, A.ptr, y.ptr, rv.ptr, Ab.ptr]);
    sens = words.ptr;
  }
  obs.view().set(obsJs);
  order.view().set(obsJs);
  samp.view()[0] = N; // the epoch is used up: the first SGD step shuffles
  rng.view().set(input.rng);
  prev.view().fill(0); // the allocator does not clear memory: ξ_{−1} = 0
  let live = true;
  const alive = () => {
    if (!live) throw new FlatminError('USAGE', 'session', 'this run was disposed');
  };
  const endToEnd = () => {
    alive();
    const p = core.dlnEndToEnd(L, dims.ptr, theta.ptr, work.ptr);
    return new Float64Array(core.memory.buffer, p, dOut * d0).slice();
  };

  return {
    run(steps: number, p: DlnStepParams) {
      alive();
      validateDlnStep(p, N, L);
      if (p.noise) sigma.view().set(p.noise.sigma);
      else sigma.view().fill(0);
      const done = core.dlnRun(
        L, dims.ptr, theta.ptr, next.ptr, grad.ptr, work.ptr, M.ptr, obs.ptr, N, order.ptr, samp.ptr, rng.ptr,
        steps, p.lr, lambda, p.batch === 'full' ? N : p.batch,
        NOISE_CODES[p.noise?.placement ?? 'evaluation'], sigma.ptr, P.ptr, prev.ptr, sens,
      );
      return { done };
    },
    endToEnd,
    loss: () => reports.loss(endToEnd(), theta.view()),
    trainError: () => reports.trainError(endToEnd()),
    testError: () => reports.testError(endToEnd()),
    theta: () => (alive(), theta.view().slice()),
    setTheta: (t) => (alive(), theta.view().set(t)),
    rng: () => (alive(), rng.view().slice()),
    setRng: (s) => (alive(), rng.view().set(s)),
    sampler: () => (alive(), { order: order.view().slice(), pos: samp.view()[0] }),
    setSampler: (s) => {
      alive();
      order.view().set(s.order);
      samp.view()[0] = s.pos;
    },
    prevNoise: () => (alive(), prev.view().slice()),
    setPrevNoise: (xi) => (alive(), prev.view().set(xi)),
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
