import { describe, it, expect } from 'vitest';
import { FlatminError } from '../../src/errors.js';
import { asMatrix, fromRows, requireFinite, toRows } from '../../src/linalg/matrix.js';

/** The FlatminError `f` throws (fails the test if it returns or throws something else). */
function flatminError(f: () => unknown): FlatminError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    return e as FlatminError;
  }
  throw new Error('expected a throw');
}

describe('fromRows / toRows', () => {
  it('round-trip nested arrays, row-major', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, -0.5],
    ];
    const a = fromRows(rows);
    expect(a.rows).toBe(2);
    expect(a.cols).toBe(3);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, -0.5]);
    expect(toRows(a)).toEqual(rows);
    expect(fromRows([])).toMatchObject({ rows: 0, cols: 0 });
    expect(toRows(fromRows([[], []]))).toEqual([[], []]);
    // Typed rows work too (ArrayLike).
    expect(toRows(fromRows([Float64Array.of(1, 2)]))).toEqual([[1, 2]]);
  });

  it('ragged, non-numeric, sparse, non-array and unreadable input is a FlatminError naming the entry', () => {
    let e = flatminError(() => fromRows([[1, 2], [3]], 'X'));
    expect(e.code).toBe('SHAPE');
    expect(e.path).toBe('X[1]');
    e = flatminError(() => fromRows([[1, '2' as unknown as number]], 'M'));
    expect([e.code, e.path]).toEqual(['TYPE', 'M[0][1]']);
    expect(e.message).toMatch(/expected a number, got the string "2"/);
    // eslint-disable-next-line no-sparse-arrays
    e = flatminError(() => fromRows([[3, , 1]] as number[][], 'M'));
    expect([e.code, e.path]).toEqual(['TYPE', 'M[0][1]']);
    e = flatminError(() => fromRows([[1], null as unknown as number[]], 'Y'));
    expect([e.code, e.path]).toEqual(['TYPE', 'Y[1]']);
    e = flatminError(() => fromRows(42 as unknown as number[][], 'M'));
    expect([e.code, e.path]).toEqual(['TYPE', 'M']);
    const row = [1, 2];
    Object.defineProperty(row, 1, { get: () => { throw new Error('no access'); } });
    e = flatminError(() => fromRows([row], 'M'));
    expect([e.code, e.path]).toEqual(['TYPE', 'M']);
    expect(e.message).toMatch(/no access/);
    // A long string is not echoed in full.
    e = flatminError(() => fromRows([['x'.repeat(10000) as unknown as number]], 'M'));
    expect(e.message.length).toBeLessThan(120);
  });

  it('asMatrix takes a Matrix as is and checks its shape; requireFinite names the entry', () => {
    const a = fromRows([[1, 2]]);
    expect(asMatrix(a, 'A')).toBe(a);
    expect(asMatrix([[1, 2]], 'A')).toEqual(a);
    expect(flatminError(() => asMatrix({ rows: 2, cols: 2, data: new Float64Array(3) }, 'A')).path).toBe('A.data');
    expect(flatminError(() => asMatrix({ rows: 1.5, cols: 2, data: new Float64Array(3) }, 'A')).code).toBe('SHAPE');
    const e = flatminError(() => requireFinite(fromRows([[1, 2], [3, NaN]]), 'X'));
    expect([e.code, e.path]).toEqual(['NOT_FINITE', 'X[1][1]']);
  });
});
