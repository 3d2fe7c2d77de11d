import { FlatminError } from '../errors.js';

/**
 * Completion observations given as COO lists (rows[t], cols[t]) = values[t] → the storage of
 * src/backends/sparse.ts: flat indices i·m + j ascending (CSR order) and their values. Every
 * index, value and duplicate is checked here, naming the list and the index (path is the field).
 */
export function cooObserved(coo: { rows: ArrayLike<number>; cols: ArrayLike<number>; values: ArrayLike<number> }, n: number, m: number, path: string): { index: Int32Array; values: Float64Array } {
  const { rows, cols, values } = coo;
  const len = rows.length;
  if (cols.length !== len) throw new FlatminError('SHAPE', `${path}.cols`, `expected one column per row index (${len}), got ${cols.length}`);
  if (values.length !== len) throw new FlatminError('SHAPE', `${path}.values`, `expected one value per row index (${len}), got ${values.length}`);
  if (len === 0) throw new FlatminError('OUT_OF_RANGE', `${path}.rows`, 'no observed entry: the loss would be empty');
  const flat = new Int32Array(len);
  for (let t = 0; t < len; t++) {
    const i = rows[t], j = cols[t], v = values[t];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new FlatminError('OUT_OF_RANGE', `${path}.rows[${t}]`, `expected an integer row index in [0, ${n}), got ${i}`);
    if (!Number.isInteger(j) || j < 0 || j >= m) throw new FlatminError('OUT_OF_RANGE', `${path}.cols[${t}]`, `expected an integer column index in [0, ${m}), got ${j}`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new FlatminError('NOT_FINITE', `${path}.values[${t}]`, `expected a finite number, got ${v}`);
    flat[t] = i * m + j;
  }
  const perm = Int32Array.from({ length: len }, (_, t) => t).sort((a, b) => flat[a] - flat[b]);
  const index = new Int32Array(len);
  const vals = new Float64Array(len);
  for (let p = 0; p < len; p++) {
    const t = perm[p];
    index[p] = flat[t];
    vals[p] = values[t];
    if (p > 0 && index[p] === index[p - 1]) {
      const first = perm[p - 1];
      throw new FlatminError('DUPLICATE', `${path}.rows[${Math.max(first, t)}]`, `entry (${rows[t]}, ${cols[t]}) is given twice (at ${Math.min(first, t)} and ${Math.max(first, t)})`);
    }
  }
  return { index, values: vals };
}
