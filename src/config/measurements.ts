import { MAX_ENTRIES, checkKeys, fail, integer, isObject, object, required } from './checks.js';
import type { MeasurementsSpec } from './types.js';

const WHAT = 'the number of Gaussian measurements (an integer ≥ 1), or { count, nonzeros } for sparse ones';

/**
 * A sensing problem's `measurements` (both models): N dense Gaussian matrices, or { count: N,
 * nonzeros: s } sparse ones with s entries each (1 ≤ s ≤ n·m; src/problems/measurements.ts draws
 * them). The memory check counts the entries held: N·n·m dense, N·s sparse.
 */
export function validateMeasurements(raw: unknown, path: string, n: number, m: number): MeasurementsSpec {
  const shape = `${n}×${m}`;
  if (!isObject(raw)) {
    const N = integer(raw, path, 1);
    if (N * n * m > MAX_ENTRIES)
      fail('OUT_OF_RANGE', path, `${N} measurement matrices of ${shape} have ${N * n * m} entries; at most ${MAX_ENTRIES} fit in memory (sparse ones, { count, nonzeros }, hold count·nonzeros)`);
    return N;
  }
  const o = object(raw, path, WHAT);
  checkKeys(o, path, ['count', 'nonzeros'], 'sparse measurements');
  const count = integer(required(o, path, 'count', 'the number of measurements, an integer ≥ 1'), `${path}.count`, 1);
  const spath = `${path}.nonzeros`;
  const nonzeros = integer(required(o, path, 'nonzeros', `the nonzero entries of each measurement matrix, an integer in 1 … ${n * m}`), spath, 1);
  if (nonzeros > n * m) fail('OUT_OF_RANGE', spath, `expected an integer in 1 … ${n * m} (the entries of a ${shape} matrix), got ${nonzeros}`);
  if (count * nonzeros > MAX_ENTRIES)
    fail('OUT_OF_RANGE', path, `${count} measurements of ${nonzeros} nonzeros hold ${count * nonzeros} entries; at most ${MAX_ENTRIES} fit in memory`);
  return { count, nonzeros };
}

/** N, the number of measurements of either form. */
export function measurementCount(spec: MeasurementsSpec): number {
  return typeof spec === 'number' ? spec : spec.count;
}
