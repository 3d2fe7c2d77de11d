import { FlatminError } from '../errors.js';
import { observedIndices } from '../problems/dln.js';
import type { DataLoss, Observed } from './types.js';

/**
 * Completion's observed entries as index lists, the storage of the two-factor completion step
 * (reference/sparseCompletion.ts, assembly/models/sparseCompletion.ts) and of the deep model's
 * (assembly/models/deepSparse.ts): flat indices i·cols + j strictly ascending — CSR order, rows
 * ascending and columns ascending within a row — and their values. A dense { M, mask } loss
 * converts to it (the indices ascending by construction); the symmetric model, which forms W
 * anyway, converts back (denseOf).
 */
export type CompletionLoss = Extract<DataLoss, { kind: 'completion' }>;

/** The observed lists of a completion loss (dense form: the mask's nonzeros, ascending). */
export function observedOf(loss: CompletionLoss): Observed {
  if (loss.observed) return loss.observed;
  const index = observedIndices(loss.mask);
  return { index, values: Float64Array.from(index, (e) => loss.M[e]) };
}

/** The dense form of a completion loss (unobserved entries 0, as stepTarget makes them). */
export function denseOf(loss: CompletionLoss, nm: number): { M: Float64Array; mask: Uint8Array } {
  const M = new Float64Array(nm);
  const mask = new Uint8Array(nm);
  if (!loss.observed) {
    for (let k = 0; k < nm; k++) if ((mask[k] = loss.mask[k] !== 0 ? 1 : 0)) M[k] = loss.M[k];
    return { M, mask };
  }
  const { index, values } = loss.observed;
  for (let p = 0; p < index.length; p++) {
    M[index[p]] = values[p];
    mask[index[p]] = 1;
  }
  return { M, mask };
}

/** CSR row pointers of ascending flat indices: row i holds positions [rowPtr[i], rowPtr[i + 1]). */
export function rowPointers(index: Int32Array, rows: number, cols: number): Int32Array {
  const ptr = new Int32Array(rows + 1);
  for (let p = 0; p < index.length; p++) ptr[Math.floor(index[p] / cols) + 1]++;
  for (let i = 0; i < rows; i++) ptr[i + 1] += ptr[i];
  return ptr;
}

/** The position of flat index e in the ascending list (binary search; e must be in it). */
export function positionOf(index: Int32Array, e: number): number {
  let lo = 0;
  let hi = index.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid] < e) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Typed checks of observed lists for a rows×cols matrix; path names the SessionInput field. */
export function validateObserved(obs: Observed, rows: number, cols: number, path: string): void {
  const { index, values } = obs;
  if (!(index instanceof Int32Array)) throw new FlatminError('SHAPE', `${path}.index`, 'expected an Int32Array of flat indices i·cols + j');
  if (!(values instanceof Float64Array)) throw new FlatminError('SHAPE', `${path}.values`, 'expected a Float64Array');
  if (values.length !== index.length) throw new FlatminError('SHAPE', `${path}.values`, `expected one value per index = ${index.length} entries, got ${values.length}`);
  if (index.length === 0) throw new FlatminError('OUT_OF_RANGE', `${path}.index`, 'no observed entry: the loss would be empty');
  const nm = rows * cols;
  for (let p = 0; p < index.length; p++) {
    const e = index[p];
    if (e < 0 || e >= nm) throw new FlatminError('OUT_OF_RANGE', `${path}.index[${p}]`, `expected a flat index in [0, ${nm}) of the ${rows}×${cols} matrix, got ${e}`);
    if (p > 0 && e <= index[p - 1]) throw new FlatminError('OUT_OF_RANGE', `${path}.index[${p}]`, `expected strictly ascending flat indices, got ${e} after ${index[p - 1]}`);
    if (!Number.isFinite(values[p])) throw new FlatminError('NOT_FINITE', `${path}.values[${p}]`, `an observed entry must be finite, got ${values[p]}`);
  }
}
