import { FlatminError } from '../../errors.js';
import { roundOf } from '../../math/round.js';
import { matmulNT } from '../../linalg/kernels.js';
import { SESSION_WORDS, SLOT, elementBytes, sessionPlan } from '../memory.js';
import { denseOf, observedOf, positionOf, rowPointers } from '../sparse.js';
import { blocksOf, endToEndShape, hasSampler, stepTarget, universeOf, validateSessionInput, validateSessionStep } from '../shape.js';
import { noiseKinds, type EpochSampler, type Session, type SessionInput, type SessionStepParams, type StepOutcome } from '../types.js';
import { Arena, WasmArray } from './buffers.js';
import type { CoreExports } from './loader.js';
import { noEndToEnd } from '../factored.js';
import { lowRankLoss } from '../../linalg/lowRank.js';
import { groupJump, shareStart } from '../../random/jump.js';

/** The codes of assembly/session.ts; a noise kind's code is its index in noiseKinds (types.ts). */
const MODEL_CODES = { factorization: 0, 'deep-linear': 1, symmetric: 2 } as const;
const LOSS_CODES = { full: 0, completion: 1, sensing: 2, factored: 3 } as const;

type View = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor;

/**
 * The draw plan of assembly/programs/draw.ts for `parts` threads drawing θ's `total` normals: a
 * header, each thread's lanes and spill room, and thread t's jump J_t = T^(4·⌊tG/P⌋) (t ≥ 1).
 */
function drawPlan(parts: number, total: number): Int32Array {
  const plan = new Int32Array(4 + 32 * parts + 512 * (parts - 1));
  plan[0] = parts;
  for (let t = 1; t < parts; t++) plan.set(groupJump(shareStart(t, parts, total)), 4 + 32 * parts + 512 * (t - 1));
  return plan;
}

/**
 * Marshalling only: allocates the plan of src/backends/memory.ts, fills the buffers and the session
 * descriptor (assembly/session.ts), and calls the step skeleton (assembly/programs/step.ts).
 * `draw` (the threads build only, ./threads.ts): up to `threads` threads draw θ's noise, each at
 * least `minNormals` of it.
 */
export function wasmSession(core: CoreExports, input: SessionInput, draw?: { threads: number; minNormals: number }): Session {
  validateSessionInput(input);
  const f32 = input.precision === 'f32';
  const rd = roundOf(input.precision);
  const T = f32 ? Float32Array : Float64Array;
  const run = f32 ? core.stepRunF32 : core.stepRunF64;
  const { model, loss } = input;
  const blocks = blocksOf(model);
  const nb = blocks.length - 1;
  const total = blocks[nb];
  const drawParts = draw ? Math.min(draw.threads, Math.floor(total / draw.minNormals)) : 1;
  const plan = drawParts > 1 ? drawPlan(drawParts, total) : undefined; // the jump matrices: made once
  const { rows, cols } = endToEndShape(model);
  const nm = rows * cols;
  const obsJs = universeOf(loss);
  // Allocate everything first: an alloc may grow memory and detach any view taken before it.
  const arena = new Arena(core);
  const buf = new Map<number, WasmArray<View>>();
  let S: WasmArray<Int32ArrayConstructor>;
  try {
    S = arena.alloc(Int32Array, SESSION_WORDS);
    for (const b of sessionPlan(input)) {
      const ctor: View = b.type === 'i32' ? Int32Array : elementBytes(b.type, input.precision) === 8 ? Float64Array : Float32Array;
      buf.set(b.slot, arena.alloc(ctor, b.length));
    }
    if (plan) buf.set(SLOT.DRAW, arena.alloc(Int32Array, plan.length));
  } catch (e) {
    arena.freeAll(); // out of Wasm memory part-way: give back what was taken
    throw e;
  }
  const at = (slot: number) => buf.get(slot)!;
  const words = new Int32Array(SESSION_WORDS);
  for (const [slot, b] of buf) words[slot] = b.ptr;
  words[SLOT.MODEL] = MODEL_CODES[model.kind];
  words[SLOT.LOSS] = LOSS_CODES[loss.kind];
  words[SLOT.NBLOCKS] = nb;
  words[SLOT.NOBS] = obsJs.length;
  words[SLOT.NM] = loss.kind === 'factored' ? 0 : nm; // n·m may pass 2³¹ for a factored target, which never reads it
  if (loss.kind === 'sensing') words[SLOT.N] = loss.y.length;
  if (loss.kind === 'factored') words[SLOT.FK] = loss.k;
  S.view().set(words);
  at(SLOT.DIMS).view().set(model.kind === 'factorization' ? [model.n, model.m, model.r] : model.kind === 'symmetric' ? [model.n, model.k] : model.dims);
  at(SLOT.BLOCKS).view().set(blocks);
  at(SLOT.THETA).view().set(input.theta);
  at(SLOT.RNG).view().set(input.rng);
  if (plan) at(SLOT.DRAW).view().set(plan);
  at(SLOT.SCHED).view().set([1, 1, input.lambda, 0, 0]);
  buf.get(SLOT.PREV)?.view().fill(0); // the allocator does not clear memory: ξ_{−1} = 0
  // two-factor and deep completion keep their observed lists (CROW/CCOL/CVAL); the symmetric model a dense M
  const observed = loss.kind === 'completion' ? observedOf(loss) : undefined;
  const denseTarget = () => (loss.kind === 'full' ? loss.M : loss.kind === 'completion' && loss.observed ? denseOf(loss, nm).M : stepTarget(loss as Extract<typeof loss, { kind: 'completion' }>));
  const target = buf.has(SLOT.M) ? denseTarget() : undefined;
  if (target) at(SLOT.M).view().set(target);
  if (buf.has(SLOT.CVAL)) {
    at(SLOT.CROW).view().set(rowPointers(observed!.index, rows, cols));
    at(SLOT.CCOL).view().set(observed!.index.map((e) => e % cols));
    at(SLOT.CVAL).view().set(observed!.values);
  }
  if (loss.kind === 'factored') {
    at(SLOT.FA).view().set(loss.A);
    at(SLOT.FB).view().set(loss.B);
  }
  if (buf.has(SLOT.MT) && loss.kind === 'full') {
    const M = loss.M;
    const mt = at(SLOT.MT).view(); // Mᵀ, packed once: the target never changes during a run
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mt[j * rows + i] = M[i * cols + j];
  }
  if (loss.kind === 'sensing' && loss.sparse) {
    at(SLOT.SPTR).view().set(loss.sparse.ptr);
    at(SLOT.SIDX).view().set(loss.sparse.index);
    at(SLOT.SVAL).view().set(loss.sparse.values);
  } else if (loss.kind === 'sensing') at(SLOT.A).view().set(loss.A);
  if (loss.kind === 'sensing') at(SLOT.Y).view().set(loss.y);
  if (buf.has(SLOT.OBS)) at(SLOT.OBS).view().set(obsJs);
  if (buf.has(SLOT.LCLEAN) && loss.kind !== 'factored') at(SLOT.LCLEAN).view().set(loss.kind === 'sensing' ? loss.y : buf.has(SLOT.CVAL) ? observed!.values : target ?? denseTarget());
  const sampler = hasSampler(input) ? { order: at(SLOT.ORDER), samp: at(SLOT.SAMP) } : undefined;
  // two-factor completion's ORDER holds positions in OBS (assembly/models/sparseCompletion.ts); the
  // sampler state outside is flat indices, as everywhere else
  const positions = buf.has(SLOT.CVAL);
  if (sampler) {
    sampler.order.view().set(positions ? obsJs.map((_, p) => p) : obsJs);
    sampler.samp.view()[0] = obsJs.length; // the epoch is used up: the first SGD step shuffles
  }
  const theta = at(SLOT.THETA);
  // fullLoss, ½‖XYᵀ − ABᵀ‖², is a JS report (linalg/lowRank.ts) on views of θ and of the factors
  // as the step reads them (FA, FB: in T), with a QR scratch kept for the next record — a record
  // copies nothing n-sized.
  let lossWork: Float64Array | undefined;
  const prev = buf.get(SLOT.PREV);
  let live = true;
  const alive = () => {
    if (!live) throw new FlatminError('USAGE', 'session', 'this run was disposed');
  };

  return {
    input,
    blocks,
    run(steps: number, p: SessionStepParams): StepOutcome {
      alive();
      const batch = validateSessionStep(p, nb, obsJs.length, input);
      const sigma = at(SLOT.SIGMA).view();
      sigma.fill(0);
      if (p.noise) sigma.set(p.noise.sigma);
      const sched = at(SLOT.SCHED).view();
      sched[0] = p.scale;
      sched[1] = p.scaleMul;
      sched[3] = p.noise?.gamma ?? 0;
      sched[4] = p.step ?? 0;
      const done = run(S.ptr, steps, p.lr, batch, noiseKinds.indexOf(p.noise?.kind ?? 'perturbed'));
      return { done, scale: at(SLOT.SCHED).view()[0] };
    },
    endToEnd: () => {
      alive();
      if (loss.kind === 'factored') throw noEndToEnd();
      if (!buf.has(SLOT.W) && model.kind === 'factorization') {
        // the sparse session has no W buffer: the forward's product in TS (the same sums, same bits)
        const t = Float64Array.from(theta.view());
        const W = new Float64Array(nm);
        matmulNT(W, t.subarray(0, rows * model.r), t.subarray(rows * model.r), rows, cols, model.r, rd);
        return W;
      }
      if (buf.has(SLOT.CVAL) && model.kind === 'deep-linear') {
        // nor has the deep one: a W buffer lent for this call (descriptor word W), filled by the
        // core's forward — O(d_L·w·d_0) per record, which only the records pay, never a step
        const W = new WasmArray(core, T, nm);
        try {
          S.view()[SLOT.W] = W.ptr;
          (f32 ? core.endToEndF32 : core.endToEndF64)(S.ptr);
          return Float64Array.from(W.view());
        } finally {
          S.view()[SLOT.W] = 0;
          core.free(W.ptr);
        }
      }
      const p = (f32 ? core.endToEndF32 : core.endToEndF64)(S.ptr);
      return Float64Array.from(new T(core.memory.buffer, p, nm));
    },
    fullLoss: () => {
      alive();
      if (model.kind === 'factorization' && loss.kind === 'factored') {
        const { n, m, r } = model;
        lossWork ??= new Float64Array(Math.max(n, m) * (r + loss.k));
        // views of Wasm memory (T), read before anything can grow it
        const t = { A: { rows: n, cols: loss.k, data: at(SLOT.FA).view() }, B: { rows: m, cols: loss.k, data: at(SLOT.FB).view() } };
        return lowRankLoss(theta.view() as Float64Array | Float32Array, t, r, lossWork);
      }
      if (model.kind !== 'factorization' || loss.kind !== 'full') return NaN;
      return (f32 ? core.factorizationLossF32 : core.factorizationLossF64)(model.n, model.m, model.r, at(SLOT.M).ptr, theta.ptr);
    },
    blockNorms: () => {
      alive();
      const sumSquares = f32 ? core.sumSquaresF32 : core.sumSquaresF64;
      return blocks.slice(1).map((hi, b) => sumSquares(theta.ptr + blocks[b] * T.BYTES_PER_ELEMENT, hi - blocks[b]));
    },
    theta: () => (alive(), Float64Array.from(theta.view())),
    setTheta: (t) => (alive(), theta.view().set(t)),
    rng: () => (alive(), at(SLOT.RNG).view().slice() as Int32Array),
    setRng: (r) => (alive(), at(SLOT.RNG).view().set(r)),
    prevNoise: () => (alive(), prev ? Float64Array.from(prev.view()) : new Float64Array(0)),
    setPrevNoise: (xi) => (alive(), prev?.view().set(xi)),
    sampler: (): EpochSampler => {
      alive();
      if (!sampler) return { order: new Int32Array(0), pos: 0 };
      const order = sampler.order.view().slice() as Int32Array;
      return { order: positions ? order.map((p) => obsJs[p]) : order, pos: sampler.samp.view()[0] };
    },
    setSampler: (s) => {
      alive();
      if (!sampler) return;
      sampler.order.view().set(positions ? s.order.map((e) => positionOf(obsJs, e)) : s.order);
      sampler.samp.view()[0] = s.pos;
    },
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
