import type { DlnInput } from '../backends/types.js';
import { FlatminError } from '../errors.js';
import { packLayers, uniformDims } from '../problems/dln.js';
import { seedGaussian } from '../random/gaussian.js';
import type { Seed } from '../config/types.js';
import type { DlnFixture } from '../problems/fixtures/index.js';

export type { DlnFixture };

/** A backend input from a fixture (for benchmarks and backend tests of the bare session), starting at `start`, with the sampler seeded from `seed`. */
export function fixtureInput(f: DlnFixture, seed: Seed): DlnInput {
  if (f.start.length !== f.depth) {
    throw new FlatminError('SHAPE', 'start', `expected ${f.depth} weight matrices (depth), got ${f.start.length}`);
  }
  const rows = f.target.length;
  const cols = f.target[0].length;
  const width = f.start[0].length;
  const dims = uniformDims(cols, rows, f.depth, width);
  f.start.forEach((W, i) => {
    if (W.length !== dims[i + 1] || W[0].length !== dims[i]) {
      throw new FlatminError('SHAPE', `start[${i}]`, `expected ${dims[i + 1]}×${dims[i]}, got ${W.length}×${W[0].length}`);
    }
  });
  return {
    dims,
    M: Float64Array.from(f.target.flat()),
    truth: Float64Array.from(f.truth.flat()),
    mask: f.mask.flat(),
    lambda: f.lambda,
    theta: packLayers(f.start),
    rng: seedGaussian(seed),
  };
}
