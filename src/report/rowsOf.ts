/**
 * A result's large matrices, kept as Matrices until someone reads them as rows.
 *
 * A result gives its final factors as nested arrays (`final.X[i][j]`), which is what a script
 * wants. For a CLI run that only writes them out, those arrays are pure cost: at 10⁴×10 a factor
 * is 10⁴ row arrays (≈ 1.3 MB), at 5·10⁵×20 about 100 MB, all alive while the JSON is written —
 * and V8 doubles its young generation to 2 × 8 MB once that many survive two scavenges. So a model
 * puts `new RowsOf(X)` where its result has rows; `Run.result()` turns every one into rows
 * (`materialize`), and the CLI writes the deferred result instead (report/jsonChunks.ts prints a
 * RowsOf one row at a time): the same text, without the arrays.
 */
import { rowOf, toRows, type Matrix } from '../linalg/matrix.js';

export class RowsOf {
  constructor(readonly matrix: Matrix) {}

  /** Row i as a fresh array (what `toRows` would hold there). */
  row(i: number): number[] {
    return rowOf(this.matrix, i);
  }
}

/** T with every matrix given as rows (number[][]) allowed to be a RowsOf instead: what a model's result builds. */
export type Deferred<T> = T extends number[][]
  ? number[][] | RowsOf
  : T extends readonly unknown[]
    ? { [K in keyof T]: Deferred<T[K]> }
    : T extends object
      ? { [K in keyof T]: Deferred<T[K]> }
      : T;

/**
 * `value` with every RowsOf in it replaced by its rows: walks plain objects and arrays, copying only
 * the containers on a path to a RowsOf (everything else is returned as it is).
 */
export function materialize<T>(value: Deferred<T>): T {
  return walk(value) as T;
}

function walk(v: unknown): unknown {
  if (v instanceof RowsOf) return toRows(v.matrix);
  if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const w = walk(x);
      if (w !== x) (out ??= v.slice())[i] = w;
    });
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const w = walk(x);
    if (w !== x) (out ??= { ...v })[k] = w;
  }
  return out ?? v;
}
