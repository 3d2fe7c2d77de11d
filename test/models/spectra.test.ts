import { describe, expect, it } from 'vitest';
import '../../src/node.js';
import { validateConfig } from '../../src/config/validate.js';
import type { FlatminConfig } from '../../src/config/types.js';
import { dlnCurvature, dlnHessianAt } from '../../src/diagnostics/dlnCurvature.js';
import { hessianAt } from '../../src/diagnostics/hessian.js';
import type { Curvature } from '../../src/diagnostics/spectrum.js';
import { FlatminError } from '../../src/errors.js';
import type { SymOperator } from '../../src/linalg/lanczos.js';
import { symEig } from '../../src/linalg/symEig.js';
import { deepLinearModel } from '../../src/models/deepLinear.js';
import { factorizationModel } from '../../src/models/factorization.js';
import { divergedResult, run } from '../../src/run.js';
import type { DeepLinearConfig, FactorizationConfig } from '../../src/config/types.js';
import { operatorMatrix } from '../helpers.js';

/** Every eigenvalue of an operator, from its dense matrix (symmetrized against rounding), descending. */
function denseSpectrum(op: SymOperator, d: number): number[] {
  return Array.from(symEig(operatorMatrix(op, d), d).values).sort((x, y) => y - x);
}

const CURVATURE = { top: 4, min: true, trace: true, density: true, probes: 30 };

const factorization = (loss: object, backend: 'wasm' | 'reference' = 'wasm', every?: number): FlatminConfig => ({
  problem: { target: { random: { n: 6, m: 5, singularValues: [2, 1], seed: 'spec' } }, rank: 2, loss, lambda: 0.01 },
  init: { kind: 'gaussian', scale: 0.5 },
  optimizer: { steps: 60, lr: 0.05 },
  recordEvery: 10, seed: 7, backend,
  diagnostics: { curvature: { ...CURVATURE, ...(every ? { every } : {}) } },
} as FlatminConfig);

const deep = (problem: object, backend: 'wasm' | 'reference' = 'wasm', every?: number): FlatminConfig => ({
  model: { kind: 'deep-linear', depth: 3, width: 3, init: { kind: 'gaussian', scale: 0.5 } },
  problem, lambda: 0.01,
  optimizer: { steps: 60, lr: 0.05 },
  recordEvery: 10, seed: 7, backend,
  diagnostics: { curvature: { ...CURVATURE, ...(every ? { every } : {}) } },
} as FlatminConfig);

const target = [[1, 0.5, 0, 0.2], [0.3, 1, 0.1, 0], [0, 0.4, 1, 0.3]];
const mask = [[1, 1, 0, 1], [0, 1, 1, 1], [1, 0, 1, 1]];

/** The exact Hessian at a result's final iterate, built from the model of its own config. */
function hessianOfResult(cfg: FlatminConfig, theta: Float64Array): SymOperator {
  const c = validateConfig(cfg);
  if (c.model.kind === 'factorization') return hessianAt(factorizationModel(c as FactorizationConfig).objective, theta);
  const d = c as DeepLinearConfig;
  const rt = deepLinearModel(d);
  const loss = rt.sessionInput.loss;
  return dlnHessianAt({
    dims: (rt.sessionInput.model as { dims: readonly number[] }).dims, lambda: d.lambda,
    // Sensing's loss sizes its gradient by M (every config here has the rows `target`).
    M: loss.kind === 'completion' ? loss.M : Float64Array.from(target.flat()),
    mask: loss.kind === 'completion' ? loss.mask : [],
    sensing: loss.kind === 'sensing' ? { A: loss.A, y: loss.y, ...(loss.sparse ? { sparse: loss.sparse } : {}) } : undefined,
  }, theta);
}

function finalTheta(r: { kind: string; final: { X?: number[][]; Y?: number[][]; weights?: number[][][] } }): Float64Array {
  return r.kind === 'factorization' ? Float64Array.from([...r.final.X!.flat(), ...r.final.Y!.flat()]) : Float64Array.from(r.final.weights!.flat(2));
}

const CASES: Array<[string, (b?: 'wasm' | 'reference', every?: number) => FlatminConfig]> = [
  ['two-factor, full target', (b, e) => factorization({ kind: 'full' }, b, e)],
  ['two-factor, completion', (b, e) => factorization({ kind: 'completion', fraction: 0.7 }, b, e)],
  ['two-factor, sensing', (b, e) => factorization({ kind: 'sensing', measurements: 20 }, b, e)],
  ['deep depth 3, completion', (b, e) => deep({ kind: 'completion', target, mask }, b, e)],
  ['deep depth 3, sensing', (b, e) => deep({ kind: 'sensing', target, measurements: 10 }, b, e)],
  ['two-factor, sparse sensing', (b, e) => factorization({ kind: 'sensing', measurements: { count: 20, nonzeros: 6 } }, b, e)],
  ['deep depth 3, sparse sensing', (b, e) => deep({ kind: 'sensing', target, measurements: { count: 12, nonzeros: 4 } }, b, e)],
];

describe.each(CASES)('diagnostics.curvature through run(): %s', (_name, config) => {
  it('top and min match a dense eigensolver at the final iterate (1e−8 of max|λ|); the density has mass d', async () => {
    const r = await run(config()) as unknown as { kind: string; final: { curvature: Curvature; X?: number[][]; Y?: number[][]; weights?: number[][][] } };
    const theta = finalTheta(r);
    const exact = denseSpectrum(hessianOfResult(config(), theta), theta.length);
    const c = r.final.curvature;
    const scale = Math.max(Math.abs(exact[0]), Math.abs(exact.at(-1)!));
    expect(c.top).toHaveLength(4);
    c.top.forEach((v, i) => expect(Math.abs(v - exact[i]) / scale).toBeLessThan(1e-8));
    expect(c.sharpness).toBe(c.top[0]);
    expect(Math.abs(c.min! - exact.at(-1)!) / scale).toBeLessThan(1e-8);
    // Hutch++ with 30 products on d ≤ 30: an estimate (its low-rank part is most of the trace here), within 10%.
    const trace = exact.reduce((s, v) => s + v, 0);
    expect(Math.abs(c.trace! / trace - 1)).toBeLessThan(0.1);
    const { x, y } = c.density!;
    let mass = 0;
    for (let k = 1; k < x.length; k++) mass += ((y[k] + y[k - 1]) / 2) * (x[k] - x[k - 1]);
    expect(Math.abs(mass / theta.length - 1)).toBeLessThan(1e-3);
  });

  it('wasm and reference give the same report; with every, the recordings at its multiples carry one', async () => {
    const [w, ref] = await Promise.all([run(config('wasm', 20)), run(config('reference', 20))]) as unknown as Array<{ history: Array<{ step: number; curvature?: Curvature }>; final: { curvature: Curvature } }>;
    expect(w.final.curvature).toEqual(ref.final.curvature);
    expect(w.history.map((h) => h.curvature)).toEqual(ref.history.map((h) => h.curvature));
    for (const h of w.history) expect(h.curvature !== undefined).toBe(h.step % 20 === 0);
    expect(w.history.at(-1)!.curvature).toEqual(w.final.curvature);
  });
});

describe('diagnostics: the other forms and the bad input', () => {
  it('the deep 0.1 form (curvature: true, probes) records the numbers it did (dlnCurvature at each recording)', async () => {
    const cfg = { ...deep({ kind: 'completion', target, mask }), diagnostics: { curvature: true, probes: 5 } } as FlatminConfig;
    const r = await run(cfg) as unknown as { history: Array<{ step: number; curvature: unknown }>; final: { weights: number[][][] } };
    const c = validateConfig(cfg) as DeepLinearConfig;
    const rt = deepLinearModel(c);
    const loss = rt.sessionInput.loss as { M: Float64Array; mask: ArrayLike<number> };
    const last = r.history.at(-1)!;
    expect(last.curvature).toEqual(dlnCurvature({ dims: [4, 3, 3, 3], M: loss.M, mask: loss.mask, lambda: c.lambda }, Float64Array.from(r.final.weights.flat(2)), { probes: 5, seed: last.step }));
  });

  it('a diverging run still reports its divergence (no spectrum of a blown-up iterate is attempted as an error)', async () => {
    const cfg = { ...factorization({ kind: 'full' }), optimizer: { steps: 60, lr: 5 } } as FlatminConfig;
    const r = await run(cfg).catch(divergedResult) as unknown as { diverged?: { step: number } };
    expect(r.diverged).toBeDefined();
  });

  it('trajectory keeps θ at every recording', async () => {
    const cfg = { ...factorization({ kind: 'full' }), diagnostics: { trajectory: true } } as FlatminConfig;
    const r = await run(cfg) as unknown as { history: Array<{ theta: number[] }>; final: { X: number[][]; Y: number[][]; curvature?: unknown } };
    expect(r.history).toHaveLength(7);
    expect(r.history.at(-1)!.theta).toEqual([...r.final.X.flat(), ...r.final.Y.flat()]);
    expect(r.final.curvature).toBeUndefined();
  });

  const fails = (cfg: unknown): FlatminError => {
    try {
      validateConfig(cfg);
    } catch (e) {
      if (e instanceof FlatminError) return e;
      throw e;
    }
    throw new Error('expected a FlatminError');
  };
  const withCurvature = (base: FlatminConfig, curvature: unknown) => ({ ...base, diagnostics: { curvature } });
  it.each([
    ['top above the parameter count (two-factor: 22)', withCurvature(factorization({ kind: 'full' }), { top: 23 }), 'OUT_OF_RANGE', 'diagnostics.curvature.top'],
    ['top above the parameter count (deep: 30)', withCurvature(deep({ kind: 'completion', target, mask }), { top: 31 }), 'OUT_OF_RANGE', 'diagnostics.curvature.top'],
    ['zero probes', withCurvature(factorization({ kind: 'full' }), { trace: true, probes: 0 }), 'OUT_OF_RANGE', 'diagnostics.curvature.probes'],
    ['a density with no probes', withCurvature(deep({ kind: 'completion', target, mask }), { density: true, probes: 0 }), 'OUT_OF_RANGE', 'diagnostics.curvature.probes'],
    ['every not on a recording', withCurvature(factorization({ kind: 'full' }), { every: 15 }), 'OUT_OF_RANGE', 'diagnostics.curvature.every'],
    ['the 0.1 boolean on the two-factor model', withCurvature(factorization({ kind: 'full' }), true), 'TYPE', 'diagnostics.curvature'],
    ['min not a boolean', withCurvature(factorization({ kind: 'full' }), { min: 1 }), 'TYPE', 'diagnostics.curvature.min'],
    ['an unknown key', withCurvature(deep({ kind: 'completion', target, mask }), { topp: 2 }), 'UNKNOWN_KEY', 'diagnostics.curvature.topp'],
  ])('%s', (_name, cfg, code, path) => {
    const e = fails(cfg);
    expect([e.code, e.path]).toEqual([code, path]);
  });
  it('the density message says it needs a probe', () => {
    expect(fails(withCurvature(deep({ kind: 'completion', target, mask }), { density: true, probes: 0 })).message).toContain('density needs at least one SLQ probe');
  });
});
