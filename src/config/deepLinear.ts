import { dlnFixtureNames, dlnFixtures } from '../problems/fixtures/index.js';
import {
  array, checkKeys, choice, fail, integer, matrixRows, nonNegative, object, positive, required, validateSeed,
} from './checks.js';
import { measurementCount, validateMeasurements } from './measurements.js';
import { checkCommon } from './common.js';
import { validateDiagnostics } from './diagnostics.js';
import { validateTarget } from './factorization.js';
import { defaultRecordEvery, validatePhases } from './optimizer.js';
import type { DeepLinearConfig, DlnInitConfig, DlnModelConfig, DlnProblem, MeasurementsSpec, Rows } from './types.js';

/**
 * The deep-linear-network config (THEORY.md §2): a completion problem (a named fixture or explicit
 * matrices) or a sensing one, a model `W_L ⋯ W_1`, optimizer phases run in order (e.g. SGD, then a
 * full-batch GD polish; src/config/optimizer.ts). A config is this kind when `model.kind` is "deep-linear".
 */
export function validateDeepLinear(top: Record<string, unknown>): DeepLinearConfig {
  checkKeys(top, '', TOP_KEYS);
  const problem = validateProblem(required(top, '', 'problem', '{ kind: "completion", fixture }, { kind: "completion", target, mask, truth? } or { kind: "sensing", target, measurements, seed? }'));
  const fixture = 'fixture' in problem ? dlnFixtures[problem.fixture] : undefined;
  const model = validateModel(required(top, '', 'model', '{ kind: "deep-linear", depth, width, init }'), fixture !== undefined);
  const [rows, cols] = shapeOf(problem);
  checkInitShape(model, rows, cols, fixture?.start);
  const sensing = problem.kind === 'sensing';
  const mask = sensing ? undefined : 'fixture' in problem ? dlnFixtures[problem.fixture].mask : problem.mask;
  const observed = mask ? mask.flat().filter((v) => v !== 0).length : measurementCount((problem as { measurements: MeasurementsSpec }).measurements);
  const optimizer = validatePhases(required(top, '', 'optimizer', 'a phase { steps, lr, batch?, noise?, scale? } or an array of them'), {
    blocks: model.depth, blockNames: `[σ_1, …, σ_${model.depth}]`, universe: { count: observed, what: sensing ? 'measurements' : 'observed entries' }, pairedSigma: false,
  });
  const lambda =
    top.lambda === undefined && fixture ? fixture.lambda : nonNegative(required(top, '', 'lambda', 'the ridge weight λ ≥ 0'), 'lambda');
  const out: DeepLinearConfig = { model, problem, optimizer, lambda, ...checkCommon(top, defaultRecordEvery(optimizer)) };
  if (typeof top.description === 'string') out.description = top.description;
  if (top.diagnostics !== undefined) {
    const dims = [cols, ...Array.from({ length: model.depth - 1 }, () => model.width), rows];
    const params = dims.slice(1).reduce((s, h, l) => s + h * dims[l], 0);
    out.diagnostics = validateDiagnostics(top.diagnostics, { params, recordEvery: out.recordEvery, legacy: true });
  }
  return out;
}

/** rows × cols (d_out × d_in) of the problem's target, without building it. */
function shapeOf(p: DlnProblem): [number, number] {
  const t = 'fixture' in p ? dlnFixtures[p.fixture].target : p.target;
  return Array.isArray(t) ? [t.length, t[0].length] : [t.random.n, t.random.m];
}

const TOP_KEYS = ['$schema', 'description', 'problem', 'model', 'optimizer', 'lambda', 'seed', 'backend', 'precision', 'recordEvery', 'diagnostics'] as const;
const PROBLEM_KEYS = ['kind', 'fixture', 'target', 'truth', 'mask', 'measurements', 'seed'] as const;
const MODEL_KEYS = ['kind', 'depth', 'width', 'init'] as const;
const INIT_KEYS = ['kind', 'scale', 'weights'] as const;

function validateProblem(raw: unknown): DlnProblem {
  const path = 'problem';
  const o = object(raw, path, 'an object { kind: "completion" | "sensing", … }');
  checkKeys(o, path, PROBLEM_KEYS);
  const kind = choice(required(o, path, 'kind', '"completion" or "sensing"'), 'problem.kind', ['completion', 'sensing'] as const, 'problem kind for the deep-linear model');
  const only = (keys: readonly string[], what: string) => {
    for (const k of keys) if (o[k] !== undefined) fail('TYPE', `problem.${k}`, `not a field of a ${what} problem`);
  };
  if (kind === 'sensing') {
    only(['fixture', 'truth', 'mask'], 'sensing');
    const target = validateTarget(required(o, path, 'target', 'the target matrix: rows, or { random: { n, m, singularValues, seed } }'));
    const [n, m] = Array.isArray(target) ? [target.length, target[0].length] : [target.random.n, target.random.m];
    const measurements = validateMeasurements(required(o, path, 'measurements', 'the number of Gaussian measurements (an integer ≥ 1), or { count, nonzeros }'), 'problem.measurements', n, m);
    const out: DlnProblem = { kind, target, measurements };
    if (o.seed !== undefined) out.seed = validateSeed(o.seed, 'problem.seed');
    return out;
  }
  only(['measurements', 'seed'], 'completion');
  if (o.fixture !== undefined) {
    for (const k of ['target', 'truth', 'mask'] as const)
      if (o[k] !== undefined) fail('TYPE', `problem.${k}`, 'give either fixture or target/mask/truth, not both');
    return { kind: 'completion', fixture: choice(o.fixture, 'problem.fixture', dlnFixtureNames, 'fixture') };
  }
  const target = matrixRows(array(required(o, path, 'target', 'the target as rows, or fixture'), 'problem.target', 'rows of numbers'), 'problem.target', 'the target');
  const shape = (rows: Rows) => `${rows.length}×${rows[0].length}`;
  const same = (name: 'mask' | 'truth', rows: Rows) => {
    if (rows.length !== target.length || rows[0].length !== target[0].length)
      fail('SHAPE', `problem.${name}`, `expected ${shape(target)} like the target, got ${shape(rows)}`);
    return rows;
  };
  const mask = same('mask', matrixRows(array(required(o, path, 'mask', 'the observation mask as rows (1 = observed)'), 'problem.mask', 'rows of 0/1'), 'problem.mask', 'the mask'));
  mask.forEach((row, i) => row.forEach((v, j) => {
    if (v !== 0 && v !== 1) fail('OUT_OF_RANGE', `problem.mask[${i}][${j}]`, `expected 0 (unobserved) or 1 (observed), got ${v}`);
  }));
  if (!mask.some((row) => row.some((v) => v !== 0))) fail('OUT_OF_RANGE', 'problem.mask', 'no observed entry: the loss would be empty');
  const out: DlnProblem = { kind: 'completion', target, mask };
  if (o.truth !== undefined) out.truth = same('truth', matrixRows(array(o.truth, 'problem.truth', 'rows of numbers'), 'problem.truth', 'the truth'));
  return out;
}

function validateModel(raw: unknown, hasFixture: boolean): DlnModelConfig {
  const path = 'model';
  const o = object(raw, path, 'an object { kind: "deep-linear", depth, width, init }');
  checkKeys(o, path, MODEL_KEYS);
  choice(required(o, path, 'kind', '"deep-linear"'), 'model.kind', ['deep-linear'] as const, 'model kind');
  const depth = integer(required(o, path, 'depth', 'the number of layers L, an integer ≥ 2'), 'model.depth', 2);
  const width = integer(required(o, path, 'width', 'the hidden width, an integer ≥ 1'), 'model.width', 1);
  let init: DlnInitConfig;
  if (o.init === undefined) init = hasFixture ? 'fixture-start' : { kind: 'gaussian', scale: 0.1 };
  else if (o.init === 'fixture-start') {
    if (!hasFixture) fail('OUT_OF_RANGE', 'model.init', '"fixture-start" needs problem.fixture');
    init = 'fixture-start';
  } else {
    const i = object(o.init, 'model.init', '"fixture-start", { kind: "gaussian", scale } or { kind: "given", weights }');
    checkKeys(i, 'model.init', INIT_KEYS);
    const kind = choice(required(i, 'model.init', 'kind', '"gaussian" or "given"'), 'model.init.kind', ['gaussian', 'given'] as const, 'init kind');
    if (kind === 'gaussian') init = { kind, scale: positive(required(i, 'model.init', 'scale', 'a number > 0'), 'model.init.scale') };
    else {
      const w = array(required(i, 'model.init', 'weights', '[W_1, …, W_L] as rows'), 'model.init.weights', 'an array of L matrices');
      init = { kind, weights: w.map((W, l) => matrixRows(array(W, `model.init.weights[${l}]`, 'rows of numbers'), `model.init.weights[${l}]`, 'a weight matrix')) };
    }
  }
  return { kind: 'deep-linear', depth, width, init };
}

/** Given or fixture weights must have the shapes depth, width and the target imply. */
function checkInitShape(model: DlnModelConfig, rows: number, cols: number, start?: Rows[]): void {
  const init = model.init;
  const weights = init === 'fixture-start' ? start! : typeof init === 'object' && init.kind === 'given' ? init.weights : undefined;
  if (!weights) return;
  const where = init === 'fixture-start' ? ' (the fixture\'s start)' : '';
  if (weights.length !== model.depth)
    fail('SHAPE', init === 'fixture-start' ? 'model.depth' : 'model.init.weights', `expected depth ${model.depth} to match ${weights.length} weight matrices${where}`);
  const dims = [cols, ...Array.from({ length: model.depth - 1 }, () => model.width), rows];
  weights.forEach((W, l) => {
    if (W.length !== dims[l + 1] || W[0].length !== dims[l])
      fail('SHAPE', init === 'fixture-start' ? 'model.width' : `model.init.weights[${l}]`, `W_${l + 1} must be ${dims[l + 1]}×${dims[l]} for width ${model.width}, got ${W.length}×${W[0].length}${where}`);
  });
}

