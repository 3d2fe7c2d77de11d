import { getBackend, backendNames, wasmBackend } from '../src/backends/index.js';
import type { Backend, Session } from '../src/backends/types.js';
import type { Precision } from '../src/config/types.js';
import { defaultSource, instantiateCore, type Build, type CoreExports } from '../src/backends/wasm/loader.js';
import { expect } from 'vitest';
import { validateConfig } from '../src/config/validate.js';
import { FlatminError } from '../src/errors.js';
import type { SymOperator } from '../src/linalg/lanczos.js';
import { matmulTN, zeros, type Matrix } from '../src/linalg/matrix.js';

/** Every backend, for `describe.each` — the suite is written once and run over all of them. */
export const allBackends: Array<[string, () => Promise<Backend>]> = backendNames.map((n) => [n, () => getBackend(n)]);

/** Bytes of a Float64Array as hex, for exact comparisons with readable diffs. */
export function hex(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A session's whole run state as one string: θ's bits, the RNG lanes, ξ_{t−1}, the epoch sampler. */
export function sessionState(s: Session): string {
  return [hex(s.theta()), Array.from(s.rng()).join(','), hex(s.prevNoise()), Array.from(s.sampler().order).join(','), s.sampler().pos].join('|');
}

/** A fresh instance of one build of the core, from the platform's default location (Node or browser). */
export function instantiateBuild(build: Build): Promise<CoreExports> {
  return instantiateCore(defaultSource(build));
}

/** The error `f` throws (fails the test if it returns). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** A tiny deterministic generator for test data (not the library's PRNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

/** A rows × cols matrix of lcg(seed) entries, uniform in [−½, ½). */
export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rnd = lcg(seed);
  const a = zeros(rows, cols);
  for (let i = 0; i < a.data.length; i++) a.data[i] = rnd();
  return a;
}

/** max |QᵀQ − I|: how far Q's columns are from orthonormal. */
export function orthogonalityError(q: Matrix): number {
  const g = matmulTN(q, q);
  let e = 0;
  for (let i = 0; i < g.rows; i++)
    for (let j = 0; j < g.cols; j++) e = Math.max(e, Math.abs(g.data[i * g.cols + j] - (i === j ? 1 : 0)));
  return e;
}

/** The d × d matrix of an operator, column k = op(e_k), symmetrized against rounding: the dense oracle for spectra and traces. */
export function operatorMatrix(op: SymOperator, d: number): Float64Array {
  const a = new Float64Array(d * d);
  const e = new Float64Array(d);
  const col = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    e.fill(0);
    e[k] = 1;
    op(e, col);
    for (let i = 0; i < d; i++) a[i * d + k] = col[i];
  }
  for (let i = 0; i < d; i++) for (let k = 0; k < i; k++) a[i * d + k] = a[k * d + i] = (a[i * d + k] + a[k * d + i]) / 2;
  return a;
}

/** The scalar (no-SIMD) Wasm build as a backend, on a fresh instance. */
export const scalarBackend = (): Promise<Backend> => instantiateBuild('scalar').then(wasmBackend);

/** Both Wasm builds, for `describe.each`: each must agree with the reference bit for bit. */
export const wasmBuilds: Array<[string, () => Promise<Backend>]> = [
  ['wasm (SIMD)', () => getBackend('wasm')],
  ['wasm scalar fallback', scalarBackend],
];

/** Every case made once in f64 and once in f32, its name prefixed with the precision. */
export function inBothPrecisions<I, P>(cases: Array<[string, (p: Precision) => I, P]>): Array<[string, I, P]> {
  return (['f64', 'f32'] as const).flatMap((prec) => cases.map(([name, make, params]): [string, I, P] => [`${prec} ${name}`, make(prec), params]));
}

/** validateConfig(cfg) throws a FlatminError naming `path`, with a message matching `text`. */
export function expectError(cfg: unknown, path: string, text: RegExp): void {
  let err: unknown;
  try {
    validateConfig(cfg);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FlatminError);
  expect((err as FlatminError).path).toBe(path);
  expect((err as FlatminError).message).toMatch(text);
}
