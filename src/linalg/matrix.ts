/**
 * Dense row-major f64 matrices. Used off the hot path (problem set-up, theory, reports); the
 * step itself runs on raw buffers inside a backend.
 */
import { FlatminError } from '../errors.js';
import { addTN, dotStrided, firstNonFinite } from './vector.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: entry (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/**
 * A Matrix from nested arrays (`rows[i][j]` is entry (i, j)), e.g. the `final.X` of a run result.
 *
 * Every row must have the same length and every entry must be a number; anything else (a ragged
 * row, a string, a hole in a sparse array, a getter that throws) is a FlatminError naming the
 * entry, `path[i][j]`, so a caller can point at it. NaN and ±Infinity are numbers and pass here:
 * functions that need finite input check that themselves. An empty array is the 0×0 matrix.
 */
export function fromRows(rows: ArrayLike<ArrayLike<number>>, path = 'rows'): Matrix {
  try {
    if (rows === null || typeof rows !== 'object' || typeof rows.length !== 'number') {
      throw new FlatminError('TYPE', path, `expected an array of rows (arrays of numbers), got ${describe(rows)}`);
    }
    const r = rows.length;
    const first = r === 0 ? undefined : rows[0];
    const c = first === undefined ? 0 : rowLength(first, `${path}[0]`);
    const out = zeros(r, c);
    for (let i = 0; i < r; i++) {
      const row = rows[i];
      const len = Array.isArray(row) ? row.length : rowLength(row, `${path}[${i}]`); // the path only when it may fail
      if (len !== c) throw new FlatminError('SHAPE', `${path}[${i}]`, `has ${len} entries where row 0 has ${c}: every row must have the same length`);
      const j = copyNumbers(out.data, i * c, row, c);
      if (j >= 0) throw new FlatminError('TYPE', `${path}[${i}][${j}]`, `expected a number, got ${describe(row[j])}`);
    }
    return out;
  } catch (e) {
    if (e instanceof FlatminError) throw e;
    throw new FlatminError('TYPE', path, `could not be read as rows of numbers: ${(e as Error)?.message ?? String(e)}`);
  }
}

/** out[at …] ← row[0 … c): −1, or the index of the first entry that is not a number (a small kernel: vector.ts dotFrom says why). */
function copyNumbers(out: Float64Array, at: number, row: ArrayLike<unknown>, c: number): number {
  for (let j = 0; j < c; j++) {
    const v = row[j];
    if (typeof v !== 'number') return j;
    out[at + j] = v;
  }
  return -1;
}

function rowLength(row: unknown, path: string): number {
  if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<number>).length !== 'number') {
    throw new FlatminError('TYPE', path, `expected a row (an array of numbers), got ${describe(row)}`);
  }
  return (row as ArrayLike<number>).length;
}

/** A short description of an unexpected value for an error message (echoes at most ~40 chars). */
function describe(v: unknown): string {
  if (v === undefined) return 'nothing (a missing entry)';
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return 'an array';
  return `a value of type ${typeof v}`;
}

/** Nested arrays of a Matrix (`out[i][j]` = entry (i, j)): plain data, for JSON or `fromRows`. */
export function toRows(a: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(rowOf(a, i));
  return out;
}

/** Row i of a Matrix as a fresh array. */
export function rowOf(a: Matrix, i: number): number[] {
  // A plain loop: Array.from(subarray) goes through the iterator, a result object per entry.
  const row = new Array<number>(a.cols);
  for (let j = 0; j < a.cols; j++) row[j] = a.data[i * a.cols + j];
  return row;
}

/**
 * `x` as a Matrix: nested arrays through `fromRows`, or a Matrix whose shape and data fit
 * (integer rows, cols ≥ 0; a Float64Array of rows·cols entries). A FlatminError naming `path`
 * otherwise.
 */
export function asMatrix(x: Matrix | ArrayLike<ArrayLike<number>>, path: string): Matrix {
  if (Array.isArray(x)) return fromRows(x, path);
  const m = x as Partial<Matrix> | null;
  if (m !== null && typeof m === 'object' && 'data' in m && 'rows' in m && 'cols' in m) {
    const { rows, cols, data } = m;
    if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows! >= 0 && cols! >= 0)) {
      throw new FlatminError('SHAPE', path, `a Matrix needs integer rows and cols ≥ 0, got ${rows}×${cols}`);
    }
    if (!(data instanceof Float64Array) || data.length !== rows! * cols!) {
      throw new FlatminError('SHAPE', `${path}.data`, `expected a Float64Array of ${rows}·${cols} = ${rows! * cols!} entries`);
    }
    return m as Matrix;
  }
  return fromRows(x as ArrayLike<ArrayLike<number>>, path);
}

/** Throws a FlatminError NOT_FINITE naming `path[i][j]` at the first NaN or ±Infinity of `a`. */
export function requireFinite(a: Matrix, path: string): void {
  const k = firstNonFinite(a.data);
  if (k >= 0) {
    const i = Math.floor(k / a.cols);
    throw new FlatminError('NOT_FINITE', `${path}[${i}][${k - i * a.cols}]`, `expected a finite number, got ${a.data[k]}`);
  }
}

export function transpose(a: Matrix): Matrix {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

/** out = a b, accumulating each entry in sequential k order. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`matmul: ${a.rows}x${a.cols} times ${b.rows}x${b.cols}`);
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  return out;
}

/** a b^T without forming the transpose. */
export function matmulNT(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) throw new Error(`matmulNT: ${a.rows}x${a.cols} times (${b.rows}x${b.cols})^T`);
  const out = zeros(a.rows, b.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.rows; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[j * b.cols + k];
      out.data[i * b.rows + j] = s;
    }
  return out;
}

/** a^T b without forming the transpose (each entry summed over the rows in ascending order, from +0). */
export function matmulTN(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw new Error(`matmulTN: (${a.rows}x${a.cols})^T times ${b.rows}x${b.cols}`);
  const out = zeros(a.cols, b.cols);
  addTN(out.data, b.cols, a.data, a.cols, a.cols, b.data, b.cols, b.cols, a.rows);
  return out;
}

export function sub(a: Matrix, b: Matrix): Matrix {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] - b.data[i];
  return out;
}

export function scale(a: Matrix, s: number): Matrix {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] * s;
  return out;
}

/** Squared Frobenius norm. */
export function frob2(a: Matrix): number {
  return dotStrided(a.data, 0, 1, a.data, 0, 1, a.data.length);
}

export function frob(a: Matrix): number {
  return Math.sqrt(frob2(a));
}
