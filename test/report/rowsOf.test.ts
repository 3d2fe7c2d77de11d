import { expect, it } from 'vitest';
import { toRows } from '../../src/linalg/matrix.js';
import { materialize, RowsOf } from '../../src/report/rowsOf.js';

const matrix = (rows: number, cols: number) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, (_, i) => (i === 1 ? -0 : i / 3)) });

it('row(i) is row i of toRows, bit for bit (−0 kept)', () => {
  const a = matrix(4, 3);
  const r = new RowsOf(a);
  toRows(a).forEach((row, i) => {
    expect(r.row(i)).toEqual(row);
    row.forEach((v, j) => expect(Object.is(r.row(i)[j], v)).toBe(true));
  });
});

it('materialize replaces every RowsOf by its rows and leaves everything else as it was', () => {
  const a = matrix(3, 2);
  const b = matrix(2, 2);
  const curvature = { top: [1, 2] };
  const history = [{ step: 0 }];
  const theta = new Float64Array([1, 2]);
  const deferred = { final: { X: new RowsOf(a), curvature }, weights: [new RowsOf(a), new RowsOf(b)], history, theta, kind: 'x' };
  const out = materialize<{ final: { X: number[][]; curvature: typeof curvature }; weights: number[][][]; history: typeof history; theta: Float64Array; kind: string }>(deferred);
  expect(out).toEqual({ final: { X: toRows(a), curvature }, weights: [toRows(a), toRows(b)], history, theta, kind: 'x' });
  expect(Object.is(out.final.X[0][1], -0)).toBe(true);
  // containers without a RowsOf are the same objects; those on a path to one are copies
  expect(out.final.curvature).toBe(curvature);
  expect(out.history).toBe(history);
  expect(out.theta).toBe(theta);
  expect(out.final).not.toBe(deferred.final);
  expect(deferred.final.X).toBeInstanceOf(RowsOf);
  const plain = { a: [1, 2], b: { c: 'd' } };
  expect(materialize(plain)).toBe(plain);
});
