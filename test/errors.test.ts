import { describe, expect, expectTypeOf, it } from 'vitest';
import { FlatminError, isFlatminError, run, type FactorizationResult, type RunResult } from '../src/index.js';

// `details` is typed per code (FlatminErrorDetailsByCode, declared next to each throw). The lines
// marked ts-expect-error are checked by `tsc -p tsconfig.json` in `npm test`'s pretest: if a
// typed detail were lost or loosened, they would stop being errors and the type check fails.

describe('FlatminError details', () => {
  it('isFlatminError narrows to the code and types its details (DIVERGED: step, suggestedLr, result)', async () => {
    const config = {
      problem: { kind: 'factorization', target: { random: { n: 10, m: 8, singularValues: [3, 2], seed: 1 } }, rank: 2 },
      optimizer: { steps: 5000, lr: 2 },
      recordEvery: 1000,
    } as const;
    const e: unknown = await run(config).then(() => undefined, (err: unknown) => err);
    expect(isFlatminError(e)).toBe(true);
    expect(isFlatminError(e, 'USAGE')).toBe(false);
    if (!isFlatminError(e, 'DIVERGED')) throw new Error(`expected DIVERGED, got ${String(e)}`);
    expectTypeOf(e.details.step).toEqualTypeOf<number>();
    expectTypeOf(e.details.result).toEqualTypeOf<RunResult>();
    expect(e.details.step).toBeGreaterThan(0);
    expect(e.details.suggestedLr).toBe(0.5);
    const last = e.details.result as FactorizationResult;
    expect(last.steps).toBe(e.details.step - 1);
    expect(last.final.X.flat().every(Number.isFinite)).toBe(true);
  });

  it('an unnarrowed FlatminError keeps loose details, so code written before the types still compiles', () => {
    const e = new FlatminError('OUT_OF_RANGE', 'optimizer.lr', 'must be > 0');
    expectTypeOf(e.details.anything).toEqualTypeOf<unknown>();
    expect(e.details).toEqual({});
    const generic: FlatminError = new FlatminError('DIVERGED', 'optimizer.lr', 'x', { step: 1, suggestedLr: 0.1, result: {} as RunResult });
    expect(generic.details.step).toBe(1);
  });

  it('a throw site must give the declared details of its code', () => {
    // @ts-expect-error DIVERGED requires step, suggestedLr and result
    const missing = new FlatminError('DIVERGED', 'optimizer.lr', 'x', { step: 1 });
    // @ts-expect-error OUT_OF_MEMORY's bytes is a number
    const wrong = new FlatminError('OUT_OF_MEMORY', 'wasm', 'x', { bytes: '1', heapBytes: 0, maxHeapBytes: 0 });
    expect([missing.code, wrong.code]).toEqual(['DIVERGED', 'OUT_OF_MEMORY']);
  });

  it('other values are not FlatminErrors', () => {
    expect(isFlatminError(new Error('x'))).toBe(false);
    expect(isFlatminError({ code: 'DIVERGED', path: 'p', details: {} })).toBe(false);
    expect(isFlatminError(undefined, 'DIVERGED')).toBe(false);
  });
});
