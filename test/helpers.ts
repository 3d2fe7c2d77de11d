import { getBackend, backendNames } from '../src/backends/index.js';
import type { Backend } from '../src/backends/types.js';
import { defaultSource, instantiateCore, type Build, type CoreExports } from '../src/backends/wasm/loader.js';

/** Every backend, for `describe.each` — the suite is written once and run over all of them. */
export const allBackends: Array<[string, () => Promise<Backend>]> = backendNames.map((n) => [n, () => getBackend(n)]);

/** Bytes of a Float64Array as hex, for exact comparisons with readable diffs. */
export function hex(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A fresh instance of one build of the core, from the platform's default location (Node or browser). */
export function instantiateBuild(build: Build): Promise<CoreExports> {
  return instantiateCore(defaultSource(build));
}

/** A tiny deterministic generator for test data (not the library's PRNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}
