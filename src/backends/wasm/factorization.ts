import { FlatminError } from '../../errors.js';
import { batchUniverse, completionWeights } from '../../problems/losses.js';
import { roundF32, roundF64 } from '../reference/kernels.js';
import type { FactorizationInput, FactorizationSession, NoisePlacement, StepParams, StepOutcome } from '../types.js';
import { Arena } from './buffers.js';
import type { CoreExports } from './loader.js';

// Codes and the `ext` word layout of assembly/programs/factorization.ts.
const LOSS_CODES = { full: 0, completion: 1, sensing: 2 } as const;
/** Placement codes of the Wasm step loops (assembly/programs/factorization.ts and dln.ts). */
export const NOISE_CODES: Record<NoisePlacement, number> = { evaluation: 0, anticorrelated: 1, update: 2 };
const EXT_WORDS = 17;

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
  // The other losses' and noises' buffers, and the ext table pointing at them (0 = unused). The
  // words are collected first: an alloc may grow memory and detach any view taken before it.
  const loss = input.loss ?? { kind: 'full' };
  const placement = input.noise ?? 'evaluation';
  const nm = n * m;
  const words = new Array<number>(EXT_WORDS).fill(0);
  words[0] = LOSS_CODES[loss.kind];
  words[1] = NOISE_CODES[placement];
  if (loss.kind !== 'full') {
    words[6] = arena.alloc(T, nm).ptr; // W = Xp Ypᵀ
    words[7] = arena.alloc(T, nm).ptr; // R = ∂loss/∂W
    words[8] = arena.alloc(T, m * r).ptr; // Ypᵀ
  }
  const weights = loss.kind === 'completion' ? arena.alloc(T, nm) : undefined;
  const sensing = loss.kind === 'sensing' ? { A: arena.alloc(T, loss.A.length), y: arena.alloc(T, loss.y.length) } : undefined;
  if (weights) words[5] = weights.ptr;
  if (sensing) {
    words[2] = sensing.y.length;
    words[3] = sensing.A.ptr;
    words[4] = sensing.y.ptr;
    words[9] = arena.alloc(T, sensing.y.length).ptr; // rv
  }
  const prev = placement === 'anticorrelated' ? arena.alloc(T, total) : undefined;
  if (prev) words[10] = prev.ptr;
  // Minibatches: the sampler's arrays (batch 0 = the full sum; the core also treats batch ≥ nObs so).
  const obsJs = batchUniverse(loss);
  const batched = input.batch !== undefined && input.batch < obsJs.length;
  const sampler = batched
    ? { obs: arena.alloc(Int32Array, obsJs.length), order: arena.alloc(Int32Array, obsJs.length), samp: arena.alloc(Int32Array, 1) }
    : undefined;
  if (sampler) {
    words[11] = input.batch!;
    words[12] = sampler.obs.ptr;
    words[13] = obsJs.length;
    words[14] = sampler.order.ptr;
    words[15] = sampler.samp.ptr;
    if (loss.kind === 'sensing') words[16] = arena.alloc(T, input.batch! * nm).ptr; // Ab
  }
  const ext = arena.alloc(Int32Array, EXT_WORDS);
  // Every buffer exists now: fill them.
  ext.view().set(words);
  if (loss.kind === 'completion') weights!.view().set(completionWeights(loss.mask, f32 ? roundF32 : roundF64));
  if (loss.kind === 'sensing') {
    sensing!.A.view().set(loss.A);
    sensing!.y.view().set(loss.y);
  }
  prev?.view().fill(0);
  if (sampler) {
    sampler.obs.view().set(obsJs);
    sampler.order.view().set(obsJs);
    sampler.samp.view()[0] = obsJs.length; // the epoch is used up: the first step shuffles
  }
  const lambda = input.lambda ?? 0;
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
        steps, p.lr, p.sigmaX, p.sigmaY, ext.ptr, lambda,
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
    prevNoise: () => (alive(), prev ? Float64Array.from(prev.view()) : new Float64Array(0)),
    setPrevNoise: (xi) => (alive(), prev?.view().set(xi)),
    sampler: () => (alive(), sampler ? { order: sampler.order.view().slice(), pos: sampler.samp.view()[0] } : { order: new Int32Array(0), pos: 0 }),
    setSampler: (s) => {
      alive();
      if (!sampler) return;
      sampler.order.view().set(s.order);
      sampler.samp.view()[0] = s.pos;
    },
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
