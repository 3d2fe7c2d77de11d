import { describe, expect, it } from 'vitest';
import type { FactorizationLoss } from '../../src/backends/types.js';
import type { Build } from '../../src/backends/wasm/loader.js';
import { dlnHvpAt } from '../../src/diagnostics/dlnHvp.js';
import { wasmDlnHvpAt, type DlnHvpProblem } from '../../src/diagnostics/dlnHvpWasm.js';
import { curvature } from '../../src/diagnostics/spectrum.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { lossOfW } from '../../src/problems/losses.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { hex, instantiateBuild, lcg } from '../helpers.js';

function problem(dims: number[], kind: FactorizationLoss['kind'], seed: number): { p: DlnHvpProblem; theta: Float64Array } {
  const rnd = lcg(seed);
  const size = dims[0] * dims.at(-1)!;
  const M = Float64Array.from({ length: size }, rnd);
  const loss: FactorizationLoss = kind === 'full' ? { kind }
    : kind === 'completion' ? { kind, mask: Array.from({ length: size }, (_, k) => (k % 3 === 2 ? 0 : 1)) }
    : { kind, ...buildMeasurements(`w${seed}`, size + 3, M) };
  return { p: { dims, M, lambda: 0.03, loss }, theta: Float64Array.from({ length: layerOffsets(dims).at(-1)! }, rnd) };
}

const CASES: Array<[string, number[], FactorizationLoss['kind']]> = [
  ['depth 2, full', [5, 3, 4], 'full'],
  ['depth 3, completion (odd widths: SIMD edge tiles)', [7, 5, 3, 9], 'completion'],
  ['depth 4, sensing', [4, 3, 5, 2, 3], 'sensing'],
  ['depth 3, completion, 20×20 width 20', [20, 20, 20, 20], 'completion'],
];
const BUILDS: Build[] = ['simd', 'scalar'];

describe.each(BUILDS)('Wasm deep-linear Hessian-vector product (%s build)', (build) => {
  it.each(CASES)('%s: the same bits as the reference dlnHvpAt', async (_name, dims, kind) => {
    const core = await instantiateBuild(build);
    const { p, theta } = problem(dims, kind, dims.length + dims[0]);
    const ref = dlnHvpAt({ dims, loss: lossOfW(p.loss, p.M), lambda: p.lambda }, theta);
    const w = wasmDlnHvpAt(core, p, theta);
    for (const s of [1, 2, 3]) {
      const v = Float64Array.from({ length: theta.length }, lcg(50 + s));
      expect(hex(w.hvp(v, new Float64Array(v.length)))).toBe(hex(ref(v, new Float64Array(v.length))));
    }
    w.dispose();
    expect(() => w.hvp(theta, new Float64Array(theta.length))).toThrow(/after dispose/);
  });

  it('a whole curvature report on the Wasm product has the reference\'s bits', async () => {
    const core = await instantiateBuild(build);
    const { p, theta } = problem([6, 4, 4, 6], 'completion', 8);
    const opts = { top: 3, min: true, trace: true, density: true, probes: 4, lanczosSteps: 20 };
    const a = curvature(dlnHvpAt({ dims: p.dims, loss: lossOfW(p.loss, p.M), lambda: p.lambda }, theta), theta.length, opts, 'x');
    const w = wasmDlnHvpAt(core, p, theta);
    const b = curvature(w.hvp, theta.length, opts, 'x');
    w.dispose();
    const bits = (r: typeof a) => hex(Float64Array.from([...r.top, r.min!, r.trace!, r.traceStdErr!, ...r.density!.y]));
    expect(bits(b)).toBe(bits(a));
  });
});

describe('Wasm deep-linear Hessian-vector product: sparse measurements', () => {
  it('rejects them with a typed error naming loss.sparse (it reads dense matrices; runs use the reference product)', async () => {
    const core = await instantiateBuild('simd');
    const dims = [3, 2, 4];
    const M = Float64Array.from({ length: 12 }, lcg(9));
    const loss: FactorizationLoss = { kind: 'sensing', ...buildMeasurements('sp', { count: 10, nonzeros: 3 }, M) };
    const theta = Float64Array.from({ length: layerOffsets(dims).at(-1)! }, lcg(10));
    expect(() => wasmDlnHvpAt(core, { dims, M, lambda: 0, loss }, theta)).toThrow(expect.objectContaining({ code: 'USAGE', path: 'loss.sparse' }));
  });
});
