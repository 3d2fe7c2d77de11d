import { describe, expect, it } from 'vitest';
import { matmulTN } from '../../src/linalg/matrix.js';
import { addTN, copyColumns, dotFrom, dotFrom4, joinColumns, splitColumns, subScaledFrom, subScaledFrom4 } from '../../src/linalg/vector.js';
import { hex, randomMatrix } from '../helpers.js';

// The row-sweep kernels reorder memory traffic, never arithmetic: each result must have the bits of
// the entry-by-entry loop it replaced (a strided pass per column or per entry).

describe('addTN / matmulTN', () => {
  it('every entry is the sequential sum over the rows from +0, in ascending order', () => {
    const a = randomMatrix(257, 5, 1);
    const b = randomMatrix(257, 3, 2);
    b.data[7] = -0; // a −0 term must not turn a +0 start into −0
    const want = new Float64Array(5 * 3);
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let t = 0; t < 257; t++) s += a.data[t * 5 + i] * b.data[t * 3 + j];
        want[i * 3 + j] = s;
      }
    expect(hex(matmulTN(a, b).data)).toBe(hex(want));
  });

  it('adds to what out holds, into a block of a wider array', () => {
    const a = randomMatrix(40, 4, 3);
    const out = new Float64Array(4 * 6).fill(0.25);
    addTN(out, 6, a.data, 4, 2, a.data, 4, 2, 40); // the 2×2 Gram of the first two columns, at out's left
    const g = matmulTN(a, a).data;
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 6; j++) {
        let s = 0.25;
        if (i < 2 && j < 2) for (let t = 0; t < 40; t++) s += a.data[t * 4 + i] * a.data[t * 4 + j];
        expect(Object.is(out[i * 6 + j], s), `${i},${j}`).toBe(true);
      }
    expect(out[1 * 6 + 0] - 0.25).toBeCloseTo(g[1 * 4 + 0], 12);
  });
});

describe('splitColumns / joinColumns / copyColumns', () => {
  it('split and join are inverse copies, into given arrays too', () => {
    const a = randomMatrix(9, 4, 4);
    const cols = splitColumns(a.data, 9, 4);
    expect(cols.map((c) => c[2])).toEqual([0, 1, 2, 3].map((j) => a.data[2 * 4 + j]));
    const buf = new Float64Array(40);
    const into = [0, 1, 2, 3].map((j) => buf.subarray(j * 10, j * 10 + 9));
    expect(splitColumns(a.data, 9, 4, into)).toBe(into);
    expect(into.map((c) => Array.from(c))).toEqual(cols.map((c) => Array.from(c)));
    const back = new Float64Array(36);
    joinColumns(back, 9, 4, cols);
    expect(hex(back)).toBe(hex(a.data));
  });

  it('copyColumns copies or scales the first columns, row by row', () => {
    const src = randomMatrix(6, 5, 5);
    const out = new Float64Array(6 * 3).fill(7);
    copyColumns(out, 3, src.data, 5, 6, 2, Float64Array.of(3, 0.5));
    for (let i = 0; i < 6; i++) {
      expect(out[i * 3]).toBe(src.data[i * 5] * 3);
      expect(out[i * 3 + 1]).toBe(src.data[i * 5 + 1] * 0.5);
      expect(out[i * 3 + 2]).toBe(7);
    }
    copyColumns(out, 3, src.data, 5, 6, 3);
    for (let i = 0; i < 6; i++) expect(Array.from(out.subarray(i * 3, i * 3 + 3))).toEqual(Array.from(src.data.subarray(i * 5, i * 5 + 3)));
  });
});

describe('dotFrom4 / subScaledFrom4', () => {
  it('four sums and four updates at once, each with the bits of its own dotFrom / subScaledFrom', () => {
    const x = randomMatrix(1, 301, 6).data;
    const ys = [7, 8, 9, 10].map((seed) => randomMatrix(1, 301, seed).data);
    const start = Float64Array.of(0.5, -0, 0, -1.25);
    const s = Float64Array.from(start);
    dotFrom4(x, ys[0], ys[1], ys[2], ys[3], 3, 301, s);
    expect(hex(s)).toBe(hex(Float64Array.from(ys, (y, t) => dotFrom(x, y, 3, 301, start[t]))));
    const g = Float64Array.of(0.3, -2, 1e-300, 7);
    const four = ys.map((y) => Float64Array.from(y));
    subScaledFrom4(four[0], four[1], four[2], four[3], g, x, 3, 301);
    ys.forEach((y, t) => {
      const one = Float64Array.from(y);
      subScaledFrom(one, g[t], x, 3, 301);
      expect(hex(four[t])).toBe(hex(one));
    });
  });
});
