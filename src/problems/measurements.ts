import { FlatminError } from '../errors.js';
import type { Measurements, SparseMeasurements } from '../backends/types.js';
import type { MeasurementsSpec, Seed } from '../config/types.js';
import { measurementCount } from '../config/measurements.js';
import { fillGaussian, gaussians, laneDouble, seedGaussian } from '../random/gaussian.js';

/**
 * Sensing measurements: the dense Gaussian ones, the sparse ones, and the two products every
 * report needs (⟨A_i, V⟩ and out += c·A_i) whichever form A is stored in. The step's own arithmetic
 * lives in the backends (assembly/kernels/sensing.ts, src/backends/reference/sensing.ts).
 */

/** Stream of the dense sensing matrices: changing them never changes the noise or the init. */
export function sensingStreamSeed(seed: Seed): string {
  return `sensing:${seed}`;
}

/** Stream of the sparse sensing matrices (its own, so the dense ones keep their bits). */
export function sparseSensingStreamSeed(seed: Seed): string {
  return `sensing-sparse:${seed}`;
}

/**
 * The measurements of a config, y_i = ⟨A_i, M⟩ (noiseless), M the target (nm entries, row-major).
 *
 * Dense (spec = N): N Gaussian matrices with i.i.d. N(0, 1/N) entries from "sensing:" + seed. The
 * 1/N variance makes the operator an approximate isometry, E Σ_i ⟨A_i, W⟩² = ‖W‖², so the sensing
 * loss is comparable to ½‖W − M‖² and step sizes carry over from the full target.
 *
 * Sparse (spec = { count: N, nonzeros: s }): from the stream st = seedGaussian("sensing-sparse:" +
 * seed), for each measurement i = 0 … N−1 in turn:
 *   1. positions: Floyd's sampling of s distinct flat positions out of nm — for j = nm−s … nm−1,
 *      t = ⌊u·(j+1)⌋ with u = laneDouble(st, 0); take t, or j if t is taken already — then sorted
 *      ascending (each s-subset is equally likely);
 *   2. values: fillGaussian(s values, st) (whole groups of 8: the unused tail of the last one is
 *      dropped, as for any fill) times √(nm/(s·N)), in ascending position order,
 * so E‖A_i‖² = nm/N as for the dense ones, and the same isometry holds. O(N·s) memory and
 * O(N·s·log s) time (the sorts), nothing N·nm.
 */
export function buildMeasurements(seed: Seed, spec: MeasurementsSpec, M: Float64Array): Measurements {
  const nm = M.length;
  if (typeof spec === 'number') {
    const N = spec;
    const A = gaussians(N * nm, seedGaussian(sensingStreamSeed(seed)));
    const c = 1 / Math.sqrt(N);
    for (let k = 0; k < A.length; k++) A[k] *= c;
    const y = new Float64Array(N);
    for (let i = 0; i < N; i++) y[i] = measure({ A, y }, i, M);
    return { A, y };
  }
  const sparse = sparseMeasurements(seed, spec.count, spec.nonzeros, nm);
  const m: Measurements = { A: new Float64Array(0), y: new Float64Array(spec.count), sparse };
  for (let i = 0; i < spec.count; i++) m.y[i] = measure(m, i, M);
  return m;
}

/** The sparse matrices of buildMeasurements (its rule), without y. */
export function sparseMeasurements(seed: Seed, N: number, s: number, nm: number): SparseMeasurements {
  const st = seedGaussian(sparseSensingStreamSeed(seed));
  const ptr = new Int32Array(N + 1);
  const index = new Int32Array(N * s);
  const values = new Float64Array(N * s);
  const c = Math.sqrt(nm / (s * N));
  const taken = new Set<number>();
  for (let i = 0; i < N; i++) {
    const off = i * s;
    taken.clear();
    for (let j = nm - s; j < nm; j++) {
      const t = Math.floor(laneDouble(st, 0) * (j + 1));
      taken.add(taken.has(t) ? j : t);
    }
    let p = off;
    for (const k of taken) index[p++] = k;
    index.subarray(off, off + s).sort();
    fillGaussian(values, off, s, st);
    for (let p2 = off; p2 < off + s; p2++) values[p2] *= c;
    ptr[i + 1] = off + s;
  }
  return { ptr, index, values };
}

/** ⟨A_i, V⟩ in f64, products added in ascending flat position from +0 (A's zeros add nothing: the same bits either form). */
export function measure(m: Measurements, i: number, V: ArrayLike<number>): number {
  let s = 0;
  if (m.sparse) {
    const { ptr, index, values } = m.sparse;
    for (let p = ptr[i]; p < ptr[i + 1]; p++) s += values[p] * V[index[p]];
    return s;
  }
  const nm = V.length;
  const off = i * nm;
  for (let k = 0; k < nm; k++) s += m.A[off + k] * V[k];
  return s;
}

/** out += c·A_i (out has nm entries). */
export function addMeasurement(m: Measurements, i: number, c: number, out: Float64Array): void {
  if (m.sparse) {
    const { ptr, index, values } = m.sparse;
    for (let p = ptr[i]; p < ptr[i + 1]; p++) out[index[p]] += c * values[p];
    return;
  }
  const nm = out.length;
  const off = i * nm;
  for (let k = 0; k < nm; k++) out[k] += c * m.A[off + k];
}

/** The dense N·nm matrices of sparse measurements (tests compare the two storages with it). */
export function denseMeasurements(sparse: SparseMeasurements, nm: number): Float64Array {
  const N = sparse.ptr.length - 1;
  const A = new Float64Array(N * nm);
  for (let i = 0; i < N; i++) for (let p = sparse.ptr[i]; p < sparse.ptr[i + 1]; p++) A[i * nm + sparse.index[p]] = sparse.values[p];
  return A;
}

/** Stand-ins with the lengths buildMeasurements would make (nothing allocated): a memory check's input. */
export function measurementsShape(spec: MeasurementsSpec, nm: number): Measurements {
  const len = <T>(length: number) => ({ length }) as T;
  const N = measurementCount(spec);
  if (typeof spec === 'number') return { A: len(N * nm), y: len(N) };
  const nnz = N * spec.nonzeros;
  return { A: new Float64Array(0), y: len(N), sparse: { ptr: len(N + 1), index: len(nnz), values: len(nnz) } };
}

/**
 * CSR rows of N sparse measurements of nm entries (types.ts SparseMeasurements): ptr[0] = 0,
 * nondecreasing, ptr[N] = the list lengths; positions integers in [0, nm), strictly ascending within
 * a measurement; values finite.
 */
export function validateSparseMeasurements(a: SparseMeasurements, N: number, nm: number, path: string): void {
  const { ptr, index, values } = a;
  if (ptr.length !== N + 1) throw new FlatminError('SHAPE', `${path}.ptr`, `expected N + 1 = ${N + 1} row pointers, got ${ptr.length}`);
  if (values.length !== index.length) throw new FlatminError('SHAPE', `${path}.values`, `expected one per position (${index.length}), got ${values.length}`);
  if (ptr[0] !== 0) throw new FlatminError('OUT_OF_RANGE', `${path}.ptr[0]`, `expected 0, got ${ptr[0]}`);
  if (ptr[N] !== index.length) throw new FlatminError('OUT_OF_RANGE', `${path}.ptr[${N}]`, `expected ${index.length} (the positions' count), got ${ptr[N]}`);
  for (let i = 0; i < N; i++) {
    if (!Number.isInteger(ptr[i + 1]) || ptr[i + 1] < ptr[i]) throw new FlatminError('OUT_OF_RANGE', `${path}.ptr[${i + 1}]`, `expected an integer ≥ ${path}.ptr[${i}] = ${ptr[i]}, got ${ptr[i + 1]}`);
    for (let p = ptr[i]; p < ptr[i + 1]; p++) {
      const k = index[p];
      const lo = p > ptr[i] ? index[p - 1] + 1 : 0;
      if (!Number.isInteger(k) || k < lo || k >= nm)
        throw new FlatminError('OUT_OF_RANGE', `${path}.index[${p}]`, `expected a flat position in ${lo} … ${nm - 1} (ascending within measurement ${i}), got ${k}`);
    }
  }
  for (let p = 0; p < values.length; p++) if (!Number.isFinite(values[p])) throw new FlatminError('NOT_FINITE', `${path}.values[${p}]`, `expected a finite number, got ${values[p]}`);
}
