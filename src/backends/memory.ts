import { MAX_BLOCK_BYTES, MAX_HEAP_BYTES } from './wasm/loader.js';
import { blocksOf, endToEndShape, hasSampler, universeOf } from './shape.js';
import type { SessionInput } from './types.js';

/**
 * The buffers of a Wasm session, as one plan that the marshalling (wasm/session.ts) allocates and
 * sessionBytes() sums, so the size check and the allocation cannot disagree. Each buffer fills one
 * word of the session descriptor; the word numbers are assembly/session.ts's (its table says what
 * each buffer holds).
 */
export const SLOT = {
  MODEL: 0, LOSS: 1, NBLOCKS: 2, BLOCKS: 3, DIMS: 4, THETA: 5, NEXT: 6, P: 7, NOISE: 8, PREV: 9, SIGMA: 10, RNG: 11, SCHED: 12,
  M: 13, MT: 14, WEIGHTS: 15, N: 16, A: 17, Y: 18, RV: 19, AB: 20, OBS: 21, NOBS: 22, ORDER: 23, SAMP: 24, W: 25, R: 26, WORK: 27,
  NM: 28, LCLEAN: 29, LNOISE: 30, FA: 31, FB: 32, FK: 33,
  CROW: 34, CCOL: 35, CVAL: 36, CSORT: 37, // completion's observed lists, two-factor and deep (sparse.ts)
  CJ: 38, // deep completion's batch columns (assembly/models/deepSparse.ts)
  DRAW: 39, // threads build: the draw plan (assembly/programs/draw.ts; wasm/session.ts writes it)
  SPTR: 40, SIDX: 41, SVAL: 42, // sparse sensing's CSR rows (assembly/kernels/sensing.ts sensingSparse)
} as const;
export const SESSION_WORDS = 43;

/** One buffer: its descriptor slot, element type (T = the session's precision) and length in elements. */
export interface BufferSpec {
  slot: number;
  type: 'T' | 'f64' | 'i32';
  length: number;
}

/** The input fields that size a session (theta and rng only fill it). */
export type SessionShape = Omit<SessionInput, 'theta' | 'rng'>;

/** f64 elements of the deep model's WORK: [P_2 … P_L | H_2 … H_{L−1} | T] (assembly/models/deepLinear.ts). */
export function deepWorkLength(dims: readonly number[]): number {
  const L = dims.length - 1;
  const d0 = dims[0];
  let t = 0;
  let len = 0;
  for (let l = 2; l <= L; l++) len += dims[l] * d0; // P_l
  for (let l = 2; l < L; l++) len += dims[l] * d0; // H_l
  for (let l = 1; l < L; l++) t = Math.max(t, dims[l] * d0);
  return len + t;
}

/**
 * f64 elements of the deep model's WORK on completion from the observed lists:
 * [P_2 … P_{L−1} | H_2 … H_{L−1} | T | G] (assembly/models/deepSparse.ts) — no d_L × d_0 block.
 */
export function deepSparseWorkLength(dims: readonly number[]): number {
  const L = dims.length - 1;
  const d0 = dims[0];
  let t = 0;
  let len = 0;
  for (let l = 2; l < L; l++) len += 2 * dims[l] * d0; // P_l, H_l
  for (let l = 1; l < L; l++) t = Math.max(t, dims[l] * d0);
  return len + t + d0 * dims[L - 1]; // T, G
}

export function sessionPlan(input: SessionShape): BufferSpec[] {
  const { model, loss } = input;
  const blocks = blocksOf(model);
  const nb = blocks.length - 1;
  const total = blocks[nb];
  const { rows, cols } = endToEndShape(model);
  const nm = rows * cols;
  const two = model.kind === 'factorization';
  const plan: BufferSpec[] = [];
  const add = (slot: number, type: BufferSpec['type'], length: number) => plan.push({ slot, type, length });
  if (loss.kind === 'factored' && model.kind === 'factorization') {
    factoredPlan(model, loss.k, input, add);
    return plan;
  }
  const sym = model.kind === 'symmetric';
  // two-factor and deep completion keep only the observed lists: no rows×cols buffer
  // (assembly/models/sparseCompletion.ts, assembly/models/deepSparse.ts)
  const sparse = !sym && loss.kind === 'completion';
  add(SLOT.DIMS, 'i32', two ? 3 : sym ? 2 : model.dims.length);
  add(SLOT.BLOCKS, 'i32', nb + 1);
  add(SLOT.THETA, 'T', total);
  add(SLOT.NEXT, 'T', total);
  add(SLOT.P, 'T', total);
  if (input.precision === 'f32') add(SLOT.NOISE, 'f64', total);
  if (input.anticorrelated) add(SLOT.PREV, 'T', total);
  add(SLOT.SIGMA, 'f64', nb);
  add(SLOT.RNG, 'i32', 16);
  add(SLOT.SCHED, 'f64', 5);
  if (loss.kind !== 'sensing' && !sparse) add(SLOT.M, 'T', nm);
  if (two && loss.kind === 'full') add(SLOT.MT, 'T', nm);
  const N = universeOf(loss).length;
  const sampler = hasSampler(input);
  const maxB = sampler ? Math.max(1, Math.min(input.maxBatch!, N - 1)) : 0; // a batch below N; N itself is the full sum
  if (sparse) {
    add(SLOT.CROW, 'i32', rows + 1);
    add(SLOT.CCOL, 'i32', N);
    add(SLOT.CVAL, 'T', N);
    if (sampler) add(SLOT.CSORT, 'i32', maxB);
    if (sampler && model.kind === 'deep-linear') add(SLOT.CJ, 'i32', maxB);
  }
  if (loss.kind === 'sensing' && loss.sparse) {
    // CSR rows: N·s, never N·nm; batches read their rows in place (no gather)
    add(SLOT.SPTR, 'i32', N + 1);
    add(SLOT.SIDX, 'i32', loss.sparse.index.length);
    add(SLOT.SVAL, 'T', loss.sparse.values.length);
    add(SLOT.Y, 'T', N);
    add(SLOT.RV, 'T', N);
  } else if (loss.kind === 'sensing') {
    add(SLOT.A, 'T', N * nm);
    add(SLOT.Y, 'T', N);
    add(SLOT.RV, 'T', N);
    // A batch below N gathers its rows; N itself is the full sum, read in place.
    if (sampler) add(SLOT.AB, 'T', maxB * nm);
  }
  if (loss.kind !== 'full') add(SLOT.OBS, 'i32', N);
  if (sampler) {
    add(SLOT.ORDER, 'i32', N);
    add(SLOT.SAMP, 'i32', 1);
  }
  if (input.labelNoise) {
    add(SLOT.LCLEAN, 'T', loss.kind === 'sensing' || sparse ? N : nm);
    add(SLOT.LNOISE, 'f64', loss.kind === 'full' ? nm : N);
  }
  if ((two || sym) && !sparse) add(SLOT.W, 'T', nm);
  if (!(two && loss.kind === 'full') && !sparse) add(SLOT.R, 'T', nm);
  const work = model.kind === 'deep-linear' ? (sparse ? deepSparseWorkLength(model.dims) : deepWorkLength(model.dims))
    : two ? (sparse ? 2 * maxB * model.r : 2 * model.r * model.r + total + model.m * model.r) // sparse: the batch's evaluation rows [X_i | Y_j]
    : total + nm; // sym: [Xt | R + Rᵀ]
  add(SLOT.WORK, 'T', work);
  return plan;
}

/**
 * A factored target M = A Bᵀ (two-factor model only): θ's three copies, the factors and the fast
 * path's WORK [Gx | Gy | B | Cy | Cx] (assembly/models/factored.ts) — O((n + m)·(r + k)), no M,
 * Mᵀ, W or R. Label noise is rejected for it (shape.ts), so no LCLEAN / LNOISE either.
 */
function factoredPlan(model: { n: number; m: number; r: number }, k: number, input: SessionShape, add: (slot: number, type: BufferSpec['type'], length: number) => void): void {
  const { n, m, r } = model;
  const total = (n + m) * r;
  add(SLOT.DIMS, 'i32', 3);
  add(SLOT.BLOCKS, 'i32', 3);
  add(SLOT.THETA, 'T', total);
  add(SLOT.NEXT, 'T', total);
  add(SLOT.P, 'T', total);
  if (input.precision === 'f32') add(SLOT.NOISE, 'f64', total);
  if (input.anticorrelated) add(SLOT.PREV, 'T', total);
  add(SLOT.SIGMA, 'f64', 2);
  add(SLOT.RNG, 'i32', 16);
  add(SLOT.SCHED, 'f64', 5);
  add(SLOT.FA, 'T', n * k);
  add(SLOT.FB, 'T', m * k);
  add(SLOT.WORK, 'T', 2 * r * r + total + 2 * k * r);
}

/** Bytes per element of a buffer type. */
export function elementBytes(type: BufferSpec['type'], precision: SessionInput['precision']): number {
  return type === 'i32' ? 4 : type === 'f64' || precision === 'f64' ? 8 : 4;
}

/**
 * Bytes of Wasm memory a session of this input allocates (for a check before allocating): every
 * buffer of the plan plus the descriptor, each rounded up to 16 bytes, plus 16 bytes of allocator
 * overhead per block (AssemblyScript's TLSF needs less): an upper bound, a few percent above the
 * heap a fresh core actually gives the session (test/backends/session.test.ts measures it).
 */
export function sessionBytes(input: SessionShape): number {
  const block = (bytes: number) => Math.ceil(Math.max(1, bytes) / 16) * 16 + 16;
  let sum = block(SESSION_WORDS * 4);
  for (const b of sessionPlan(input)) sum += block(Math.max(1, b.length) * elementBytes(b.type, input.precision));
  return sum;
}

/** What one session may take of the 4 GiB heap: all but 256 MiB (the core's own data, other sessions). */
const SESSION_BUDGET = MAX_HEAP_BYTES - 2 ** 28;

/**
 * Why a session of this input cannot be allocated — one buffer above the allocator's 1 GiB, or
 * more than the heap can give — in words for an error message; undefined when it fits. Checked
 * before anything is allocated (the models name the config field that sized it).
 */
export function sessionMisfit(input: SessionShape): string | undefined {
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
  const largest = Math.max(...sessionPlan(input).map((b) => Math.max(1, b.length) * elementBytes(b.type, input.precision)));
  if (largest > MAX_BLOCK_BYTES) return `one of its buffers needs ${mib(largest)}; the WebAssembly allocator gives at most ${mib(MAX_BLOCK_BYTES)} per buffer`;
  const total = sessionBytes(input);
  if (total > SESSION_BUDGET) return `its buffers need ${mib(total)}; at most ${mib(SESSION_BUDGET)} fit in the 4 GiB WebAssembly heap`;
  return undefined;
}
