/**
 * Bundled (with esbuild, by digest.test.ts) and run in every engine through bench/runtimes/engines.mjs:
 * one fixed perturbed-GD run per precision × backend, through the shipped all-in-one module
 * (dist/embedded.js: both Wasm builds embedded, no node: imports), reduced to a SHA-256 of the
 * little-endian f64 bytes of the final X rows then Y rows.
 */
import { run, type FactorizationResult } from '../../dist/embedded.js';

export const DIGEST_CONFIG = {
  problem: { target: { random: { n: 40, m: 30, singularValues: [3, 2, 1], seed: 'digest' } }, rank: 4 },
  optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.1, sigmaY: 0.05, steps: 3000 },
  seed: 'digest',
} as const;

export const PRECISIONS = ['f64', 'f32'] as const;
export const BACKENDS = ['wasm', 'reference'] as const;

// The smallest module using a SIMD instruction (as in src/backends/wasm/loader.ts): which of the two
// Wasm builds run() picked in this engine.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export async function sha256OfRows(X: number[][], Y: number[][]): Promise<string> {
  const rows = [...X, ...Y];
  const bytes = new Uint8Array(8 * rows.reduce((s, row) => s + row.length, 0));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const row of rows) {
    for (const v of row) {
      view.setFloat64(at, v, true);
      at += 8;
    }
  }
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface DigestAnswer {
  /** "f64 wasm" → hex SHA-256 of final X then Y. */
  digests: Record<string, string>;
  /** Values in the digest (n·r + m·r), as a sanity check of the shape. */
  values: number;
  build: 'simd' | 'scalar';
}

export async function main(): Promise<DigestAnswer> {
  const digests: Record<string, string> = {};
  let values = 0;
  for (const precision of PRECISIONS) {
    for (const backend of BACKENDS) {
      const r = (await run({ ...DIGEST_CONFIG, precision, backend })) as FactorizationResult;
      digests[`${precision} ${backend}`] = await sha256OfRows(r.final.X, r.final.Y);
      values = (r.final.X.length + r.final.Y.length) * (r.final.X[0]?.length ?? 0);
    }
  }
  return { digests, values, build: WebAssembly.validate(SIMD_PROBE) ? 'simd' : 'scalar' };
}
