import { describe, expect, it } from 'vitest';
import { FlatminError } from '../../src/errors.js';
import { buildLoss } from '../../src/problems/losses.js';
import { fractionObserved } from '../../src/problems/observed.js';
import { cooObserved } from '../../src/config/observations.js';
import { laneDouble, seedGaussian } from '../../src/random/gaussian.js';

/** The dense draw fractionObserved replaced, verbatim: one u per entry, row-major, then the mask. */
function denseDraw(count: number, fraction: number, seed: string): Int32Array {
  const st = seedGaussian(`mask:${seed}`);
  const u = Float64Array.from({ length: count }, () => laneDouble(st, 0));
  const mask = Float64Array.from(u, (v) => (v < fraction ? 1 : 0));
  if (mask.every((v) => v === 0)) {
    let lowest = 0;
    for (let k = 1; k < u.length; k++) if (u[k] < u[lowest]) lowest = k;
    mask[lowest] = 1;
  }
  return Int32Array.from(Array.from(mask, (v, k) => (v ? k : -1)).filter((k) => k >= 0));
}

describe('fraction masks drawn without the dense mask', () => {
  it('the same observed set as the dense draw, for the presets\' and tests\' settings (and the empty-draw rule)', () => {
    for (const [count, fraction, seed] of [[600, 0.5, 'noise-zoo'], [30 * 20, 0.3, '1'], [7 * 5, 0.6, 'x'], [1000, 0.001, 'tiny'], [4, 1e-9, 'none drawn'], [5000, 1, 'all']] as const) {
      expect(Array.from(fractionObserved(count, fraction, seed))).toEqual(Array.from(denseDraw(count, fraction, seed)));
    }
  });

  it('buildLoss keeps its mask (the set of fractionObserved)', () => {
    const M = { rows: 12, cols: 9, data: new Float64Array(108) };
    const loss = buildLoss({ kind: 'completion', fraction: 0.4 }, M, 7);
    if (loss.kind !== 'completion') throw new Error('completion expected');
    expect(Array.from(loss.mask, (v, k) => (v ? k : -1)).filter((k) => k >= 0)).toEqual(Array.from(denseDraw(108, 0.4, '7')));
  });
});

describe('observations as COO lists', () => {
  it('sorts into CSR order (rows, then columns ascending), values following', () => {
    const o = cooObserved({ rows: [2, 0, 2, 1], cols: [0, 3, 1, 2], values: [5, 6, 7, 8] }, 3, 4, 'obs');
    expect(Array.from(o.index)).toEqual([3, 6, 8, 9]);
    expect(Array.from(o.values)).toEqual([6, 8, 5, 7]);
  });

  it('typed errors naming the field and index', () => {
    const err = (f: () => unknown, code: string, path: string) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(FlatminError);
        expect([(e as FlatminError).code, (e as FlatminError).path]).toEqual([code, path]);
        return;
      }
      throw new Error(`no error for ${path}`);
    };
    const coo = (rows: number[], cols: number[], values: number[]) => () => cooObserved({ rows, cols, values }, 3, 4, 'p.loss.observations');
    err(coo([0, 1, 0], [1, 1, 1], [1, 2, 3]), 'DUPLICATE', 'p.loss.observations.rows[2]');
    err(coo([0, 3], [1, 1], [1, 2]), 'OUT_OF_RANGE', 'p.loss.observations.rows[1]');
    err(coo([0, 1], [1, 4], [1, 2]), 'OUT_OF_RANGE', 'p.loss.observations.cols[1]');
    err(coo([0, 1.5], [1, 1], [1, 2]), 'OUT_OF_RANGE', 'p.loss.observations.rows[1]');
    err(coo([0, 1], [1, 1], [1, NaN]), 'NOT_FINITE', 'p.loss.observations.values[1]');
    err(coo([0, 1], [1], [1, 2]), 'SHAPE', 'p.loss.observations.cols');
    err(coo([0], [1], [1, 2]), 'SHAPE', 'p.loss.observations.values');
    err(coo([], [], []), 'OUT_OF_RANGE', 'p.loss.observations.rows');
  });
});
