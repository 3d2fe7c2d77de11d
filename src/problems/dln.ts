import { FlatminError } from '../errors.js';
import type { DlnProblem, Rows } from '../config/types.js';
import { toRows } from '../linalg/matrix.js';
import { buildTarget } from './factorization.js';
import { dlnFixtures } from './fixtures/index.js';
import { validateSparseMeasurements } from './measurements.js';
import type { SparseMeasurements } from '../backends/types.js';

/**
 * Shapes of a deep linear network A = W_L ⋯ W_1: `dims` = [d_0 = d_in, d_1, …, d_L = d_out], W_l is
 * d_l × d_{l−1}, and the parameter vector is [W_1 | W_2 | … | W_L], each packed row-major (the
 * layout both backends and every checkpoint use).
 */
export type Dims = readonly number[];

/** Offsets of W_1 … W_L in the parameter vector, plus the total length at index L. */
export function layerOffsets(dims: Dims): number[] {
  const o = [0];
  for (let l = 1; l < dims.length; l++) o.push(o[l - 1] + dims[l] * dims[l - 1]);
  return o;
}

/** dims for input d_in, output d_out, `depth` layers and a common hidden width. */
export function uniformDims(dIn: number, dOut: number, depth: number, width: number): number[] {
  return [dIn, ...Array.from({ length: depth - 1 }, () => width), dOut];
}

/** What a deep-linear session's batches are drawn from: the observed flat indices, or the measurement numbers 0 … N−1. */
export function dlnBatchUniverse(input: { mask: ArrayLike<number>; sensing?: { y: ArrayLike<number> } }): Int32Array {
  return input.sensing ? Int32Array.from({ length: input.sensing.y.length }, (_, i) => i) : observedIndices(input.mask);
}

/** Flat indices i·cols + j of the observed entries (mask ≠ 0), ascending. */
export function observedIndices(mask: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < mask.length; k++) if (mask[k] !== 0) out.push(k);
  return Int32Array.from(out);
}

/** Pack [W_1, …, W_L] (arrays of rows) into one parameter vector. */
export function packLayers(layers: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>): Float64Array {
  const rows = layers.flatMap((W) => W.map((r) => Array.from(r)));
  return Float64Array.from(rows.flat());
}

/**
 * Typed checks of a deep-linear-network input, shared by both backends so a bad input fails the
 * same way on each. Paths name the DlnInput / DlnStepParams field.
 */
export function validateDlnInput(input: {
  dims: Dims; M: ArrayLike<number>; mask: ArrayLike<number>; truth?: ArrayLike<number>; lambda: number; theta: ArrayLike<number>; rng: ArrayLike<number>;
  sensing?: { A: ArrayLike<number>; y: ArrayLike<number>; sparse?: SparseMeasurements };
}): void {
  const { dims } = input;
  if (!Array.isArray(dims) || dims.length < 3) {
    throw new FlatminError('OUT_OF_RANGE', 'dims', `depth must be ≥ 2 (dims = [d_in, widths…, d_out] needs ≥ 3 entries), got ${Array.isArray(dims) ? dims.length - 1 : 'no dims'}`);
  }
  dims.forEach((d, l) => {
    if (!Number.isInteger(d)) throw new FlatminError('NOT_INTEGER', `dims[${l}]`, `expected an integer ≥ 1, got ${d}`);
    if (d < 1) throw new FlatminError('OUT_OF_RANGE', `dims[${l}]`, `expected a width ≥ 1, got ${d}`);
  });
  const L = dims.length - 1;
  const size = dims[0] * dims[L];
  const shape = `${dims[L]}×${dims[0]} (d_out × d_in)`;
  if (input.M.length !== size) throw new FlatminError('SHAPE', 'M', `expected ${shape} = ${size} entries, got ${input.M.length}`);
  if (input.mask.length !== size) throw new FlatminError('SHAPE', 'mask', `expected ${shape} = ${size} entries, got ${input.mask.length}`);
  if (input.truth && input.truth.length !== size) throw new FlatminError('SHAPE', 'truth', `expected ${shape} = ${size} entries, got ${input.truth.length}`);
  let observed = 0;
  if (input.sensing) {
    const { A, y, sparse } = input.sensing;
    if (y.length < 1) throw new FlatminError('OUT_OF_RANGE', 'sensing.y', 'no measurement: the loss would be empty');
    const want = sparse ? 0 : y.length * size;
    if (A.length !== want) throw new FlatminError('SHAPE', 'sensing.A', sparse ? `expected none (sensing.sparse holds the measurements), got ${A.length} entries` : `expected ${y.length} matrices of ${shape} = ${want} entries, got ${A.length}`);
    if (sparse) validateSparseMeasurements(sparse, y.length, size, 'sensing.sparse');
    for (let k = 0; k < A.length; k++) if (!Number.isFinite(A[k])) throw new FlatminError('NOT_FINITE', `sensing.A[${k}]`, `expected a finite number, got ${A[k]}`);
    for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new FlatminError('NOT_FINITE', `sensing.y[${i}]`, `expected a finite number, got ${y[i]}`);
    observed = y.length;
  }
  for (let k = 0; k < size && !input.sensing; k++) {
    if (input.mask[k] !== 0) {
      observed++;
      if (!Number.isFinite(input.M[k])) throw new FlatminError('NOT_FINITE', `M[${Math.floor(k / dims[0])}][${k % dims[0]}]`, `an observed entry must be finite, got ${input.M[k]}`);
    }
  }
  if (observed === 0) throw new FlatminError('OUT_OF_RANGE', 'mask', 'no observed entry: the loss would be empty');
  if (!Number.isFinite(input.lambda)) throw new FlatminError('NOT_FINITE', 'lambda', `expected a finite number ≥ 0, got ${input.lambda}`);
  if (input.lambda < 0) throw new FlatminError('OUT_OF_RANGE', 'lambda', `expected a number ≥ 0, got ${input.lambda}`);
  const total = layerOffsets(dims)[L];
  if (input.theta.length !== total) throw new FlatminError('SHAPE', 'theta', `expected Σ d_l·d_{l−1} = ${total} entries for dims [${dims.join(', ')}], got ${input.theta.length}`);
  for (let k = 0; k < total; k++) {
    if (!Number.isFinite(input.theta[k])) throw new FlatminError('NOT_FINITE', `theta[${k}]`, `expected a finite number, got ${input.theta[k]}`);
  }
  if (input.rng.length !== 16) throw new FlatminError('SHAPE', 'rng', `expected 16 int32 (four xor128 lanes), got ${input.rng.length}`);
}

const PLACEMENTS = ['evaluation', 'anticorrelated', 'update'];

/** Checks one run's parameters against the number of observed entries and the depth. */
export function validateDlnStep(
  p: { lr: number; batch: number | 'full'; noise?: { placement: string; sigma: readonly number[] } }, observed: number, depth: number,
): void {
  if (p.noise) validateDlnNoise(p.noise, depth);
  if (!Number.isFinite(p.lr)) throw new FlatminError('NOT_FINITE', 'lr', `expected a finite number > 0, got ${p.lr}`);
  if (!(p.lr > 0)) throw new FlatminError('OUT_OF_RANGE', 'lr', `expected a number > 0, got ${p.lr}`);
  if (p.batch === 'full') return;
  if (!Number.isInteger(p.batch)) throw new FlatminError('NOT_INTEGER', 'batch', `expected an integer or "full", got ${p.batch}`);
  if (p.batch < 1 || p.batch > observed) {
    throw new FlatminError('OUT_OF_RANGE', 'batch', `expected 1 … ${observed} (the observed entries) or "full", got ${p.batch}`);
  }
}

function validateDlnNoise(noise: { placement: string; sigma: readonly number[] }, depth: number): void {
  if (!PLACEMENTS.includes(noise.placement)) {
    throw new FlatminError('OUT_OF_RANGE', 'noise.placement', `expected one of ${PLACEMENTS.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(noise.placement)}`);
  }
  if (!Array.isArray(noise.sigma) || noise.sigma.length !== depth) {
    throw new FlatminError('SHAPE', 'noise.sigma', `expected one σ per layer (${depth}), got ${Array.isArray(noise.sigma) ? noise.sigma.length : typeof noise.sigma}`);
  }
  noise.sigma.forEach((s, l) => {
    if (!Number.isFinite(s)) throw new FlatminError('NOT_FINITE', `noise.sigma[${l}]`, `expected a finite number ≥ 0, got ${s}`);
    if (s < 0) throw new FlatminError('OUT_OF_RANGE', `noise.sigma[${l}]`, `expected a number ≥ 0, got ${s}`);
  });
}

/** The matrices of a deep-linear problem, whether named or given (sensing: the target, mask all 1). */
export interface CompletionData {
  target: Rows;
  truth?: Rows;
  mask: Rows;
  /** A fixture's rank-overestimating critical point [W_1, …, W_L]. */
  start?: Rows[];
}

export function completionData(p: DlnProblem): CompletionData {
  if (p.kind === 'sensing') {
    const { M } = buildTarget({ target: p.target });
    const target = toRows(M);
    return { target, mask: target.map((row) => row.map(() => 1)) }; // the mask is unused by sensing
  }
  return 'fixture' in p ? dlnFixtures[p.fixture] : p;
}
