import { choice, describe, fail, integer, validateSeed } from './checks.js';
import type { BackendName, Precision, Seed } from './types.js';

const BACKENDS = ['wasm', 'reference'] as const;
const PRECISIONS = ['f64', 'f32'] as const;

/** The keys every model's config shares, with their defaults. */
export function checkCommon(
  top: Record<string, unknown>, defaultRecordEvery: number,
): { seed: Seed; backend: BackendName; precision: Precision; recordEvery: number } {
  if (top.description !== undefined && typeof top.description !== 'string')
    fail('TYPE', 'description', `expected a string, got ${describe(top.description)}`);
  if (top.$schema !== undefined && typeof top.$schema !== 'string') fail('TYPE', '$schema', `expected a string (a URL or path of config.schema.json), got ${describe(top.$schema)}`);
  return {
    seed: top.seed === undefined ? 0 : validateSeed(top.seed, 'seed'),
    backend: top.backend === undefined ? 'wasm' : choice(top.backend, 'backend', BACKENDS, 'backend'),
    precision: top.precision === undefined ? 'f64' : choice(top.precision, 'precision', PRECISIONS, 'precision'),
    recordEvery: top.recordEvery === undefined ? defaultRecordEvery : integer(top.recordEvery, 'recordEvery', 1),
  };
}

export const backendNames: readonly BackendName[] = BACKENDS;
export const precisions: readonly Precision[] = PRECISIONS;
