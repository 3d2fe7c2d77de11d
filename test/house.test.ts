import madge from 'madge';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The house rules of src/, checked on its real import graph (madge): no cycles, and imports only
// go the right way — the layers below never reach up, and the Wasm marshalling never borrows from
// the reference backend (the two are independent implementations of one contract).

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('src/ import graph', async () => {
  const graph = await madge(`${ROOT}src`, { fileExtensions: ['ts'], tsConfig: `${ROOT}tsconfig.json` });
  const deps = graph.obj();

  it('has no import cycle', () => {
    expect(graph.circular()).toEqual([]);
  });

  /** Modules under `from` that import modules under `to`. */
  const imports = (from: RegExp, to: RegExp) =>
    Object.entries(deps).flatMap(([m, ds]: [string, string[]]) => (from.test(m) ? ds.filter((d) => to.test(d)).map((d) => `${m} → ${d}`) : []));

  it.each([
    ['config validates data: it imports only config/, errors and the fixtures (pure data)', /^config\//, /^(?!config\/|errors\.ts|problems\/fixtures\/)/],
    ['the Wasm marshalling never borrows from the reference backend', /^backends\/wasm\//, /^backends\/reference\//],
    // (The core's loading, its source types and its buffer arena are the Wasm plumbing, not a backend.)
    ['nothing but backends/index.ts reaches into a backend', /^(?!backends\/)/, /^backends\/(reference|wasm)\/(?!loader\.ts|source\.ts|buffers\.ts)/],
    ['maths (linalg, math, random) depends on no layer above it (the vocabulary types aside)', /^(linalg|math|random)\//, /^(?!linalg\/|math\/|random\/|errors\.ts|config\/types\.ts)/],
    ['the library never imports the CLI, the presets or the experiments', /^(?!cli\/|presets\/|experiments\/)/, /^(cli|presets|experiments)\//],
  ])('%s', (_rule, from, to) => {
    expect(imports(from, to)).toEqual([]);
  });
});
