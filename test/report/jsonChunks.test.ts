import { expect, it } from 'vitest';
import { toRows } from '../../src/linalg/matrix.js';
import { jsonChunks } from '../../src/report/jsonChunks.js';
import { RowsOf } from '../../src/report/rowsOf.js';

const text = (v: unknown, indent = 1, chunk?: number) => [...jsonChunks(v, indent, chunk)].join('');
/** The text without the whitespace outside strings. */
const minified = (t: string) => t.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_, str: string | undefined) => str ?? '');

it('writes what JSON.stringify(value, null, indent) writes but for arrays of numbers, on one line; in pieces', () => {
  const values: unknown[] = [
    { a: 1, b: [1, 2.5, -0, NaN, Infinity, -1e-300], c: 'x\n"y"', d: true, e: null, f: undefined, g: () => 1, h: Symbol('s') },
    [[1, 2], [], {}, [undefined, () => 0, Symbol('t')], [[[3]]], { k: [{ z: [1, 'a', [2, { q: 3 }]] }] }],
    { rows: Array.from({ length: 50 }, (_, i) => [i / 7, -i, i * 1e21]), when: new Date(0), boxed: [new Number(3), new String('s'), new Boolean(false)] },
    { typed: new Float64Array([1.5, 2]), custom: { toJSON: () => ({ a: [1, 2] }) }, 'kéy "q"': 1 },
    [], {}, 3, 'plain', null, [1, 2, 3],
  ];
  for (const v of values)
    for (const indent of [0, 1, 2])
      for (const chunk of [1, 7, 1 << 16]) {
        const t = text(v, indent, chunk);
        expect(t).toBe(text(v, indent, 1 << 30)); // the pieces do not change the text
        if (indent === 0) expect(t).toBe(JSON.stringify(v));
        expect(minified(t)).toBe(JSON.stringify(v)); // only whitespace differs from JSON.stringify's
      }
});

it('lays a matrix out as its rows, one per line, and the rest as JSON.stringify(value, null, indent)', () => {
  const v = { a: [1, -0, NaN], m: [[1, 2.5], [3, 4]], s: ['x', 1], e: [], o: { k: null } };
  expect(text(v, 1)).toBe('{\n "a": [1,0,null],\n "m": [\n  [1,2.5],\n  [3,4]\n ],\n "s": [\n  "x",\n  1\n ],\n "e": [],\n "o": {\n  "k": null\n }\n}');
  expect(text([[1, 2]], 2)).toBe('[\n  [1,2]\n]');
  expect(text([3, 4], 2)).toBe('[3,4]');
});

it('a large value comes in pieces near the chunk size, none of them the whole', () => {
  const big = { config: { A: Array.from({ length: 2000 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i * 10 + j) / 3)) } };
  const pieces = [...jsonChunks(big, 1, 4096)];
  expect(JSON.parse(pieces.join(''))).toEqual(big);
  expect(minified(pieces.join(''))).toBe(JSON.stringify(big));
  expect(pieces.length).toBeGreaterThan(50);
  expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(8192);
});

it('a cycle throws a TypeError, as JSON.stringify does', () => {
  const o: Record<string, unknown> = { a: [1] };
  o.self = { back: o };
  expect(() => text(o)).toThrow(TypeError);
});

it('a RowsOf is written as its rows: the text of toRows of its matrix, at any depth, chunk and indent', () => {
  const m = (rows: number, cols: number) => ({ rows, cols, data: Float64Array.from({ length: rows * cols }, (_, i) => (i % 3 === 0 ? -0 : i / 7 - 1e-300 * i)) });
  const shapes = [m(5, 3), m(1, 1), m(0, 4), m(3, 0), m(40, 10)];
  for (const indent of [0, 1, 2])
    for (const chunk of [1, 64, 1 << 13])
      for (const a of shapes) {
        const deferred = { final: { X: new RowsOf(a), error: 0.5 }, weights: [new RowsOf(a), new RowsOf(m(2, 2))], top: 1 };
        const rows = { final: { X: toRows(a), error: 0.5 }, weights: [toRows(a), toRows(m(2, 2))], top: 1 };
        expect(text(deferred, indent, chunk)).toBe(text(rows, indent));
        expect(text(new RowsOf(a), indent, chunk)).toBe(text(toRows(a), indent));
      }
});
