import type { DlnCurvature } from '../../src/diagnostics/dlnCurvature.js';
import { describe, expect, it } from 'vitest';
import '../../src/node.js';
import type { DeepLinearConfig, FactorizationConfig } from '../../src/config/types.js';
import { modelKindOf, validateConfig } from '../../src/config/validate.js';
import { FlatminError } from '../../src/errors.js';
import { getBackend } from '../../src/backends/index.js';
import { deepLinearModel } from '../../src/models/deepLinear.js';
import { dlnFixtures } from '../../src/problems/fixtures/index.js';
import { fixtureInput } from '../../src/experiments/wangJacot.js';
import { divergedResult, run as runAny, type DeepLinearResult, type RunOptions } from '../../src/run.js';
import { buildLoss } from '../../src/problems/losses.js';
import { fromRows } from '../../src/linalg/matrix.js';

// The deep-linear config (src/config/deepLinear.ts) and its runs through the one run() of every model.

const validateDlnConfig = (raw: unknown) => validateConfig(raw) as DeepLinearConfig;
const runDln = (raw: unknown, o?: RunOptions) => runAny(raw, o).catch(divergedResult) as Promise<DeepLinearResult>;
/** The backend input of a config (the sensing A, y and the dims). */
const dlnInput = (c: DeepLinearConfig) => {
  const input = deepLinearModel(c).sessionInput;
  const dims = input.model.kind === 'deep-linear' ? input.model.dims : [];
  return { dims, sensing: input.loss.kind === 'sensing' ? input.loss : undefined };
};

const fixtureConfig = (over: Record<string, unknown> = {}) => ({
  problem: { kind: 'completion', fixture: 'dln-D2' },
  model: { kind: 'deep-linear', depth: 3, width: 20, init: 'fixture-start' },
  optimizer: { kind: 'sgd', lr: 0.05, batch: 1, steps: 300 },
  seed: 1,
  recordEvery: 100,
  ...over,
});

/** A 3×4 completion problem given as matrices (6 of 12 entries observed). */
const matrixConfig = (problem: Record<string, unknown> = {}, over: Record<string, unknown> = {}) => ({
  problem: {
    kind: 'completion',
    target: [[1, 2, 0, 1], [2, 4, 0, 2], [0, 0, 1, 1]],
    mask: [[1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0]],
    ...problem,
  },
  model: { kind: 'deep-linear', depth: 3, width: 5, init: { kind: 'gaussian', scale: 0.5 } },
  optimizer: { kind: 'gd', lr: 0.05, steps: 200 },
  lambda: 1e-3,
  ...over,
});

function fails(raw: unknown): FlatminError {
  try {
    validateDlnConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    return e as FlatminError;
  }
  throw new Error('expected a FlatminError');
}

describe('deep-linear config: defaults', () => {
  it('a fixture config takes the fixture λ and init; one phase becomes an array', () => {
    const c = validateDlnConfig({ problem: { kind: 'completion', fixture: 'dln-D1' }, model: { kind: 'deep-linear', depth: 3, width: 20 }, optimizer: { kind: 'gd', lr: 0.09, steps: 10 } });
    expect(c.lambda).toBe(dlnFixtures['dln-D1'].lambda);
    expect(c.model.init).toBe('fixture-start');
    expect(c.optimizer).toEqual([{ steps: 10, lr: 0.09, scale: 1 }]);
    expect(c).toMatchObject({ seed: 0, backend: 'wasm', precision: 'f64', recordEvery: 1 });
  });

  it('a scalar σ becomes one σ per layer; a list is kept; langevin keeps its temperature', () => {
    const phase = (noise: unknown) => validateDlnConfig(fixtureConfig({ optimizer: { kind: 'sgd', lr: 0.05, batch: 1, steps: 5, noise } })).optimizer[0].noise;
    expect(phase({ kind: 'perturbed', sigma: 0.01 })).toEqual({ kind: 'perturbed', sigma: [0.01, 0.01, 0.01] });
    expect(phase({ kind: 'anticorrelated', sigma: [0, 0.01, 0.02] })).toEqual({ kind: 'anticorrelated', sigma: [0, 0.01, 0.02] });
    expect(phase({ kind: 'langevin', temperature: 1e-4 })).toEqual({ kind: 'langevin', temperature: 1e-4 });
    expect(validateDlnConfig(fixtureConfig()).optimizer[0]).not.toHaveProperty('noise');
  });

  it('configs with `model` are deep-linear; the two-factor ones are unchanged', () => {
    expect(modelKindOf(fixtureConfig())).toBe('deep-linear');
    const twoFactor = { problem: { target: { random: { n: 4, m: 3, singularValues: [1], seed: 1 } }, rank: 1 }, optimizer: { kind: 'gd', lr: 0.1, steps: 5 } };
    expect(modelKindOf(twoFactor)).toBe('factorization');
    expect((validateConfig(twoFactor) as FactorizationConfig).problem.rank).toBe(1);
  });
});

describe('deep-linear config: typed errors naming the field', () => {
  it.each<[string, unknown, string, string]>([
    ['mask shape', matrixConfig({ mask: [[1, 0, 1, 0], [0, 1, 0, 1]] }), 'SHAPE', 'problem.mask'],
    ['no observed entry', matrixConfig({ mask: [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]] }), 'OUT_OF_RANGE', 'problem.mask'],
    ['truth shape', matrixConfig({ truth: [[1, 2, 3]] }), 'SHAPE', 'problem.truth'],
    ['batch larger than the observed set', matrixConfig({}, { optimizer: { kind: 'sgd', lr: 0.1, batch: 7, steps: 10 } }), 'OUT_OF_RANGE', 'optimizer.batch'],
    ['batch in a later phase', fixtureConfig({ optimizer: [{ kind: 'gd', lr: 0.1, steps: 5 }, { kind: 'sgd', lr: 0.1, batch: 201, steps: 5 }] }), 'OUT_OF_RANGE', 'optimizer[1].batch'],
    ['sgd without batch', fixtureConfig({ optimizer: { kind: 'sgd', lr: 0.1, steps: 5 } }), 'MISSING', 'optimizer.batch'],
    ['gd with a batch', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.1, batch: 4, steps: 5 } }), 'OUT_OF_RANGE', 'optimizer.batch'],
    ['depth < 2', matrixConfig({}, { model: { kind: 'deep-linear', depth: 1, width: 5 } }), 'OUT_OF_RANGE', 'model.depth'],
    ['width < 1', matrixConfig({}, { model: { kind: 'deep-linear', depth: 3, width: 0 } }), 'OUT_OF_RANGE', 'model.width'],
    ['non-finite λ', matrixConfig({}, { lambda: Infinity }), 'NOT_FINITE', 'lambda'],
    ['negative λ', matrixConfig({}, { lambda: -1 }), 'OUT_OF_RANGE', 'lambda'],
    ['missing λ without a fixture', matrixConfig({}, { lambda: undefined }), 'MISSING', 'lambda'],
    ['fixture-start of another width', fixtureConfig({ model: { kind: 'deep-linear', depth: 3, width: 10 } }), 'SHAPE', 'model.width'],
    ['fixture-start of another depth', fixtureConfig({ model: { kind: 'deep-linear', depth: 4, width: 20 } }), 'SHAPE', 'model.depth'],
    ['fixture-start without a fixture', matrixConfig({}, { model: { kind: 'deep-linear', depth: 3, width: 5, init: 'fixture-start' } }), 'OUT_OF_RANGE', 'model.init'],
    ['unknown fixture', fixtureConfig({ problem: { kind: 'completion', fixture: 'dln-D3' } }), 'UNKNOWN_KIND', 'problem.fixture'],
    ['unknown model kind', fixtureConfig({ model: { kind: 'deep-linaer', depth: 3, width: 20 } }), 'UNKNOWN_KIND', 'model.kind'],
    ['σ list of the wrong length', fixtureConfig({ optimizer: { kind: 'sgd', lr: 0.05, batch: 1, steps: 5, noise: { kind: 'perturbed', sigma: [0.1, 0.1] } } }), 'SHAPE', 'optimizer.noise.sigma'],
    ['negative σ', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'perturbed', sigma: -0.1 } } }), 'OUT_OF_RANGE', 'optimizer.noise.sigma'],
    ['non-finite layer σ', fixtureConfig({ optimizer: [{ kind: 'gd', lr: 0.05, steps: 5 }, { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'anticorrelated', sigma: [0, NaN, 0] } }] }), 'NOT_FINITE', 'optimizer[1].noise.sigma[1]'],
    ['non-finite temperature', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'langevin', temperature: Infinity } } }), 'NOT_FINITE', 'optimizer.noise.temperature'],
    ['negative temperature', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'langevin', temperature: -1 } } }), 'OUT_OF_RANGE', 'optimizer.noise.temperature'],
    ['langevin with sigma', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'langevin', temperature: 1, sigma: 0.1 } } }), 'UNKNOWN_KEY', 'optimizer.noise.sigma'],
    ['perturbed with a temperature', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'perturbed', sigma: 0.1, temperature: 1 } } }), 'UNKNOWN_KEY', 'optimizer.noise.temperature'],
    ['perturbed without sigma', fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'perturbed' } } }), 'MISSING', 'optimizer.noise.sigma'],
    ['curvature not a boolean', fixtureConfig({ diagnostics: { curvature: 'yes' } }), 'TYPE', 'diagnostics.curvature'],
    ['zero probes', fixtureConfig({ diagnostics: { curvature: true, probes: 0 } }), 'OUT_OF_RANGE', 'diagnostics.probes'],
    ['unknown diagnostics key', fixtureConfig({ diagnostics: { curvature: true, prob: 3 } }), 'UNKNOWN_KEY', 'diagnostics.prob'],
    ['given weights of the wrong shape', matrixConfig({}, { model: { kind: 'deep-linear', depth: 2, width: 2, init: { kind: 'given', weights: [[[1, 0, 0, 0], [0, 1, 0, 0]], [[1, 0]]] } } }), 'SHAPE', 'model.init.weights[1]'],
  ])('%s', (_name, raw, code, path) => {
    const e = fails(raw);
    expect(e.code).toBe(code);
    expect(e.path).toBe(path);
  });

  it('an unknown noise kind gets the nearest kind suggested', () => {
    const e = fails(fixtureConfig({ optimizer: { kind: 'gd', lr: 0.05, steps: 5, noise: { kind: 'langevn', temperature: 1 } } }));
    expect(e.code).toBe('UNKNOWN_KIND');
    expect(e.path).toBe('optimizer.noise.kind');
    expect(e.message).toMatch(/did you mean "langevin"\?/);
  });

  it('unknown keys get the nearest key suggested', () => {
    const e = fails(fixtureConfig({ recordevery: 10 }));
    expect(e.code).toBe('UNKNOWN_KEY');
    expect(e.message).toBe('recordevery: unknown key "recordevery"; did you mean "recordEvery"?');
    expect(fails(fixtureConfig({ model: { kind: 'deep-linear', dpeth: 3, width: 20 } })).message).toMatch(/^model\.dpeth: .*did you mean "depth"\?/);
  });
});

describe('runDln', () => {
  it('a fixture config runs the same bits as the bare backend session stepped by hand (fixtureInput)', async () => {
    const r = await runDln(fixtureConfig({ optimizer: [{ kind: 'sgd', lr: 0.05, batch: 1, steps: 300 }, { kind: 'gd', lr: 0.05, steps: 200 }] }));
    const s = (await getBackend('wasm')).dln(fixtureInput(dlnFixtures['dln-D2'], 1));
    s.run(300, { lr: 0.05, batch: 1 });
    s.run(200, { lr: 0.05, batch: 'full' });
    const theta = s.theta();
    s.dispose();
    expect(r.steps).toBe(500);
    expect(r.history.map((h) => h.step)).toEqual([0, 100, 200, 300, 400, 500]);
    expect(r.final.weights.flat(2)).toEqual(Array.from(theta));
    expect(r.final.weights).toHaveLength(3);
  });

  it('a matrix config with a Gaussian init: history with ranks, same bits on both backends, no test error without truth', async () => {
    const w = await runDln(matrixConfig({}, { recordEvery: 50 }));
    const ref = await runDln(matrixConfig({}, { recordEvery: 50 }), { backend: 'reference' });
    expect(w.history).toHaveLength(5);
    expect(w.final.weights.map((W) => [W.length, W[0].length])).toEqual([[5, 4], [5, 5], [3, 5]]);
    expect(w.final.testError).toBeNull();
    expect(ref.final.weights).toEqual(w.final.weights);
    expect(w.final.trainError).toBeLessThan(w.history[0].trainError);
  });

  it('noise in a config: the same bits on both backends, and Langevin at T > 0 keeps the loss above GD', async () => {
    const noisy = (noise: unknown) => matrixConfig({}, { optimizer: { kind: 'gd', lr: 0.05, steps: 400, noise }, recordEvery: 100 });
    for (const noise of [{ kind: 'perturbed', sigma: [0.01, 0.02, 0.03] }, { kind: 'anticorrelated', sigma: 0.02 }, { kind: 'langevin', temperature: 1e-3 }]) {
      const w = await runDln(noisy(noise));
      const ref = await runDln(noisy(noise), { backend: 'reference' });
      expect(ref.final.weights).toEqual(w.final.weights);
    }
    const gd = await runDln(matrixConfig({}, { optimizer: { kind: 'gd', lr: 0.05, steps: 2000 }, recordEvery: 100 }));
    const hot = await runDln(matrixConfig({}, { optimizer: { kind: 'gd', lr: 0.05, steps: 2000, noise: { kind: 'langevin', temperature: 1e-3 } }, recordEvery: 100 }));
    // Averaged over the last half: the stationary loss sits above GD's minimum by ~T per dimension.
    const tail = (r: typeof gd) => r.history.slice(10).reduce((s, h) => s + h.loss, 0) / (r.history.length - 10);
    expect(tail(hot)).toBeGreaterThan(tail(gd) + 1e-3);
    expect(hot.diverged).toBeUndefined();
  });

  it('perturbed SGD with σ > 0 from D2\'s start stays finite and records curvature at every recording', async () => {
    const t0 = performance.now();
    const r = await runDln(fixtureConfig({
      optimizer: { kind: 'sgd', lr: 0.05, batch: 8, steps: 400, noise: { kind: 'perturbed', sigma: [0.01, 0.01, 0.01] } },
      diagnostics: { curvature: true, probes: 10 },
    }));
    const ms = performance.now() - t0;
    expect(r.diverged).toBeUndefined();
    expect(r.history).toHaveLength(5);
    // The 0.1 form records src/diagnostics/dlnCurvature.ts's report (the union's other half is the spectral one).
    for (const h of r.history) {
      const c = h.curvature as DlnCurvature;
      expect(Number.isFinite(c.trace) && c.trace > 0).toBe(true);
      expect(Number.isFinite(c.sharpness) && c.sharpness > 0).toBe(true);
    }
    // Near a minimum the sharpness is at most the trace (sum of mostly non-negative eigenvalues).
    const c = r.final.curvature as DlnCurvature;
    expect(c.sharpness).toBeLessThan(c.trace);
    expect(r.final.weights.flat(2).every(Number.isFinite)).toBe(true);
    expect(ms).toBeLessThan(20000);
    const plain = await runDln(fixtureConfig({ optimizer: { kind: 'sgd', lr: 0.05, batch: 8, steps: 400 } }));
    expect(plain.history[0]).not.toHaveProperty('curvature');
  });
});

describe('deep-linear config: sensing', () => {
  const target = [[1, 0, 0.5], [0, 2, 0], [0.5, 0, 1], [1, 1, 1]];
  const sensing = (problem: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
    problem: { kind: 'sensing', target, measurements: 20, ...problem },
    model: { kind: 'deep-linear', depth: 2, width: 3, init: { kind: 'gaussian', scale: 0.3 } },
    optimizer: { kind: 'sgd', lr: 0.01, batch: 4, steps: 30 },
    lambda: 0,
    seed: 5,
    ...over,
  });

  it('builds the two-factor model\'s measurements (same stream, same A and y) and runs; testError is ‖A − M‖/‖M‖', async () => {
    const config = validateDlnConfig(sensing({}));
    const input = dlnInput(config);
    const twoFactor = buildLoss({ kind: 'sensing', measurements: 20 }, fromRows(target), 5);
    expect(twoFactor.kind).toBe('sensing');
    if (twoFactor.kind !== 'sensing') return;
    expect(Array.from(input.sensing!.A)).toEqual(Array.from(twoFactor.A));
    expect(Array.from(input.sensing!.y)).toEqual(Array.from(twoFactor.y));
    expect(input.dims).toEqual([3, 3, 4]);
    const own = dlnInput(validateDlnConfig(sensing({ seed: 'other' })));
    expect(Array.from(own.sensing!.A)).not.toEqual(Array.from(twoFactor.A));
    const result = await runDln(sensing({}, { backend: 'reference' }));
    const A = result.final.weights; // W_1 (3×3), W_2 (4×3)
    const E = target.map((_, i) => [0, 1, 2].map((j) => [0, 1, 2].reduce((s, k) => s + A[1][i][k] * A[0][k][j], 0)));
    let num = 0;
    let den = 0;
    target.forEach((row, i) => row.forEach((v, j) => { num += (E[i][j] - v) ** 2; den += v * v; }));
    expect(result.final.testError).toBeCloseTo(Math.sqrt(num / den), 12);
    const wasm = await runDln(sensing({}, { backend: 'wasm' }));
    expect(wasm.final.weights).toEqual(result.final.weights);
  });

  it('sparse measurements { count, nonzeros }: the two-factor model\'s CSR rows and y, no dense A', () => {
    const measurements = { count: 20, nonzeros: 5 };
    const input = dlnInput(validateDlnConfig(sensing({ measurements })));
    const twoFactor = buildLoss({ kind: 'sensing', measurements }, fromRows(target), 5);
    if (twoFactor.kind !== 'sensing') throw new Error('expected sensing');
    expect(input.sensing!.A).toHaveLength(0);
    expect(Array.from(input.sensing!.sparse!.index)).toEqual(Array.from(twoFactor.sparse!.index));
    expect(Array.from(input.sensing!.sparse!.values)).toEqual(Array.from(twoFactor.sparse!.values));
    expect(Array.from(input.sensing!.y)).toEqual(Array.from(twoFactor.y));
    expect(input.sensing!.sparse!.ptr.at(-1)).toBe(100);
  });

  it('a random target like the two-factor schema', () => {
    const c = validateDlnConfig(sensing({ target: { random: { n: 5, m: 4, singularValues: [2, 1], seed: 3 } } }));
    expect(dlnInput(c).dims).toEqual([4, 3, 5]);
  });

  it('errors name the field', () => {
    expect(fails(sensing({ measurements: undefined })).path).toBe('problem.measurements');
    expect(fails(sensing({ measurements: 0 })).path).toBe('problem.measurements');
    expect(fails(sensing({ measurements: 2.5 })).path).toBe('problem.measurements');
    expect(fails(sensing({ measurements: { count: 3, nonzeros: 13 } })).message).toMatch(/problem\.measurements\.nonzeros.*1 … 12/);
    expect(fails(sensing({ measurements: { count: 0, nonzeros: 2 } })).path).toBe('problem.measurements.count');
    expect(fails(sensing({ measurements: { count: 3 } })).path).toBe('problem.measurements.nonzeros');
    expect(fails(sensing({ target: undefined })).path).toBe('problem.target');
    expect(fails(sensing({ target: { random: { n: 5, m: 4, singularValues: [-1], seed: 3 } } })).path).toBe('problem.target.random.singularValues[0]');
    expect(fails(sensing({ mask: target })).path).toBe('problem.mask');
    expect(fails(sensing({ seed: {} })).path).toBe('problem.seed');
    expect(fails(sensing({ bogus: 1 })).path).toBe('problem.bogus');
    expect(fails({ ...sensing({}), problem: { kind: 'completion', fixture: 'dln-D1', measurements: 3 } }).path).toBe('problem.measurements');
    const big = fails(sensing({}, { optimizer: { kind: 'sgd', lr: 0.01, batch: 21, steps: 3 } }));
    expect([big.path, big.message]).toEqual(['optimizer.batch', expect.stringContaining('at most 20 (the measurements)')]);
    // Spectra of a sensing model are computed now (issue 12), not rejected: the bad ones are the fields'.
    expect(fails(sensing({}, { diagnostics: { curvature: { top: 10_000 } } })).path).toBe('diagnostics.curvature.top');
    expect(fails(sensing({}, { model: { kind: 'deep-linear', depth: 2, width: 3, init: 'fixture-start' } })).path).toBe('model.init');
  });
});
