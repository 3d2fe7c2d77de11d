import { getBackend, backendNames } from '../src/backends/index.js';
import type { Backend } from '../src/backends/types.js';

/** Every backend, for `describe.each` — the suite is written once and run over all of them. */
export const allBackends: Array<[string, () => Promise<Backend>]> = backendNames.map((n) => [n, () => getBackend(n)]);

/** Bytes of a Float64Array as hex, for exact comparisons with readable diffs. */
export function hex(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

/** A tiny deterministic generator for test data (not the library's PRNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}
