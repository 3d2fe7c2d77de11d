import { dlnFixtureNames, dlnFixtures, type DlnFixtureName } from '../experiments/fixtures/index.js';
import { validateDlnNoise, type DlnNoiseConfig } from './dlnNoise.js';
import type { BackendName, RandomTarget, Rows, Seed } from './types.js';
import { buildTarget } from '../problems/factorization.js';
import {
  MAX_ENTRIES, MAX_TOTAL_STEPS, array, checkKeys, choice, fail, integer, isObject, matrixRows, nonNegative, object, positive,
  required, validateSeed, validateTarget,
} from './validate.js';

/**
 * The deep-linear-network config (THEORY.md §2), beside the two-factor one in types.ts: a
 * completion problem (a named fixture or explicit matrices), a model `W_L ⋯ W_1`, optimizer phases
 * run in order (e.g. SGD, then a full-batch GD polish). A config is this kind when it has `model`.
 */
export type DlnProblem =
  | { kind: 'completion'; fixture: DlnFixtureName }
  /** target and mask are d_out × d_in; truth (optional) gives the test error on unobserved entries. */
  | { kind: 'completion'; target: Rows; truth?: Rows; mask: Rows }
  /**
   * Matrix sensing of target (d_out × d_in), exactly as the two-factor loss "sensing": N =
   * measurements Gaussian A_i with N(0, 1/N) entries from the stream "sensing:" + (seed ?? the
   * config's seed), y_i = ⟨A_i, M⟩; loss ½ (N/|B|) Σ_B (⟨A_i, W_L ⋯ W_1⟩ − y_i)², batches of measurements.
   */
  | { kind: 'sensing'; target: Rows | RandomTarget; measurements: number; seed?: Seed };

export type DlnInitConfig =
  /** The fixture's `start` (a rank-overestimating critical point); fixture problems only. */
  | 'fixture-start'
  /** i.i.d. N(0, scale²) entries from the stream "init:" + seed. */
  | { kind: 'gaussian'; scale: number }
  /** [W_1, …, W_L] as rows; W_l is d_l × d_{l−1}. */
  | { kind: 'given'; weights: Rows[] };

export interface DlnModelConfig {
  kind: 'deep-linear';
  depth: number;
  /** Width of every hidden layer. */
  width: number;
  init: DlnInitConfig;
}

export interface DlnPhaseConfig {
  /** gd: full batch; sgd: minibatches of `batch` observed entries, without replacement per epoch. */
  kind: 'gd' | 'sgd';
  lr: number;
  batch: number | 'full';
  steps: number;
  /** Weight noise for this phase (src/config/dlnNoise.ts); absent: none. */
  noise?: DlnNoiseConfig;
}

export interface DlnRunConfig {
  description?: string;
  problem: DlnProblem;
  model: DlnModelConfig;
  /** Normalized: always an array of phases (one object in the input is one phase). */
  optimizer: DlnPhaseConfig[];
  lambda: number;
  seed: Seed;
  backend: BackendName;
  /** Singular values, ranks and errors every this many steps (default: total / 200, at least 1). */
  recordEvery: number;
  /** Extra, costlier recordings (absent: none). */
  diagnostics?: DlnDiagnosticsConfig;
}

export interface DlnDiagnosticsConfig {
  /** Record the Hessian trace (Hutchinson) and sharpness (power iteration) of the full-batch loss. */
  curvature: boolean;
  /** Rademacher probes per trace estimate (default 10). */
  probes: number;
}

/** The matrices of a completion problem, whether named or given. */
export interface CompletionData {
  target: Rows;
  truth?: Rows;
  mask: Rows;
  /** A fixture's rank-overestimating critical point [W_1, …, W_L]. */
  start?: Rows[];
}

/** A config for the deep-linear model, rather than the two-factor one? */
export function isDlnConfig(raw: unknown): boolean {
  return isObject(raw) && raw.model !== undefined;
}

export function completionData(p: DlnProblem): CompletionData {
  if (p.kind === 'sensing') {
    const { M } = buildTarget({ kind: 'factorization', target: p.target, rank: 1 });
    const target = Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));
    return { target, mask: target.map((row) => row.map(() => 1)) }; // the mask is unused by sensing
  }
  return 'fixture' in p ? dlnFixtures[p.fixture] : p;
}

const TOP_KEYS = ['description', 'problem', 'model', 'optimizer', 'lambda', 'seed', 'backend', 'recordEvery', 'diagnostics'] as const;
const DIAGNOSTICS_KEYS = ['curvature', 'probes'] as const;
const PROBLEM_KEYS = ['kind', 'fixture', 'target', 'truth', 'mask', 'measurements', 'seed'] as const;
const MODEL_KEYS = ['kind', 'depth', 'width', 'init'] as const;
const INIT_KEYS = ['kind', 'scale', 'weights'] as const;
const PHASE_KEYS = ['kind', 'lr', 'batch', 'steps', 'noise'] as const;
const BACKENDS = ['wasm', 'reference'] as const;

/** User config → DlnRunConfig with defaults filled in; typed errors naming the field otherwise. */
export function validateDlnConfig(raw: unknown): DlnRunConfig {
  const top = object(raw, 'config', 'a config object');
  checkKeys(top, '', TOP_KEYS);
  if (top.description !== undefined && typeof top.description !== 'string') fail('TYPE', 'description', 'expected a string');
  const problem = validateProblem(required(top, '', 'problem', '{ kind: "completion", fixture }, { kind: "completion", target, mask, truth? } or { kind: "sensing", target, measurements, seed? }'));
  const data = completionData(problem);
  const fixture = 'fixture' in problem ? dlnFixtures[problem.fixture] : undefined;
  const model = validateModel(required(top, '', 'model', '{ kind: "deep-linear", depth, width, init }'), fixture !== undefined);
  checkInitShape(model, data, fixture?.start);
  const sensing = problem.kind === 'sensing';
  const observed = sensing ? problem.measurements : data.mask.flat().filter((v) => v !== 0).length;
  const optimizer = validatePhases(required(top, '', 'optimizer', 'a phase { kind, lr, batch?, steps, noise? } or an array of them'), observed, model.depth, sensing ? 'measurements' : 'observed entries');
  const lambda =
    top.lambda === undefined && fixture ? fixture.lambda : nonNegative(required(top, '', 'lambda', 'the ridge weight λ ≥ 0'), 'lambda');
  const seed = top.seed === undefined ? 0 : validateSeed(top.seed, 'seed');
  const backend = top.backend === undefined ? 'wasm' : choice(top.backend, 'backend', BACKENDS, 'backend');
  const total = optimizer.reduce((s, p) => s + p.steps, 0);
  const recordEvery = top.recordEvery === undefined ? Math.max(1, Math.floor(total / 200)) : integer(top.recordEvery, 'recordEvery', 1);
  const out: DlnRunConfig = { problem, model, optimizer, lambda, seed, backend, recordEvery };
  if (typeof top.description === 'string') out.description = top.description;
  if (top.diagnostics !== undefined) out.diagnostics = validateDiagnostics(top.diagnostics);
  if (sensing && out.diagnostics?.curvature) fail('OUT_OF_RANGE', 'diagnostics.curvature', 'the curvature diagnostics are for completion problems; not available with problem.kind "sensing"');
  return out;
}

function validateDiagnostics(raw: unknown): DlnDiagnosticsConfig {
  const o = object(raw, 'diagnostics', '{ curvature: true, probes? }');
  checkKeys(o, 'diagnostics', DIAGNOSTICS_KEYS);
  const curvature = required(o, 'diagnostics', 'curvature', 'true or false');
  if (typeof curvature !== 'boolean') fail('TYPE', 'diagnostics.curvature', `expected true or false, got ${JSON.stringify(curvature)}`);
  return { curvature, probes: o.probes === undefined ? 10 : integer(o.probes, 'diagnostics.probes', 1) };
}

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
    const mpath = 'problem.measurements';
    const measurements = integer(required(o, path, 'measurements', 'the number of Gaussian measurements, an integer ≥ 1'), mpath, 1);
    if (measurements * n * m > MAX_ENTRIES)
      fail('OUT_OF_RANGE', mpath, `${measurements} measurement matrices of ${n}×${m} have ${measurements * n * m} entries; at most ${MAX_ENTRIES} fit in memory`);
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
function checkInitShape(model: DlnModelConfig, data: CompletionData, start?: Rows[]): void {
  const init = model.init;
  const weights = init === 'fixture-start' ? start! : typeof init === 'object' && init.kind === 'given' ? init.weights : undefined;
  if (!weights) return;
  const where = init === 'fixture-start' ? ' (the fixture\'s start)' : '';
  if (weights.length !== model.depth)
    fail('SHAPE', init === 'fixture-start' ? 'model.depth' : 'model.init.weights', `expected depth ${model.depth} to match ${weights.length} weight matrices${where}`);
  const dims = [data.target[0].length, ...Array.from({ length: model.depth - 1 }, () => model.width), data.target.length];
  weights.forEach((W, l) => {
    if (W.length !== dims[l + 1] || W[0].length !== dims[l])
      fail('SHAPE', init === 'fixture-start' ? 'model.width' : `model.init.weights[${l}]`, `W_${l + 1} must be ${dims[l + 1]}×${dims[l]} for width ${model.width}, got ${W.length}×${W[0].length}${where}`);
  });
}

function validatePhases(raw: unknown, observed: number, depth: number, what: string): DlnPhaseConfig[] {
  const many = Array.isArray(raw);
  const items = many ? raw : [raw];
  if (items.length === 0) fail('OUT_OF_RANGE', 'optimizer', 'expected at least one phase { kind, lr, batch?, steps }');
  const phases = items.map((p, i) => validatePhase(p, many ? `optimizer[${i}]` : 'optimizer', observed, depth, what));
  const total = phases.reduce((s, p) => s + p.steps, 0);
  if (total > MAX_TOTAL_STEPS) fail('OUT_OF_RANGE', 'optimizer', `expected at most ${MAX_TOTAL_STEPS} steps in total, got ${total}`);
  return phases;
}

function validatePhase(raw: unknown, path: string, observed: number, depth: number, what: string): DlnPhaseConfig {
  const phase = validateBatchPhase(raw, path, observed, what);
  const o = raw as Record<string, unknown>;
  if (o.noise !== undefined) phase.noise = validateDlnNoise(o.noise, `${path}.noise`, depth);
  return phase;
}

/** kind, lr, steps and the batch the kind implies. */
function validateBatchPhase(raw: unknown, path: string, observed: number, what = 'observed entries'): DlnPhaseConfig {
  const o = object(raw, path, 'a phase { kind, lr, batch?, steps }');
  checkKeys(o, path, PHASE_KEYS);
  const kind = choice(required(o, path, 'kind', '"gd" or "sgd"'), `${path}.kind`, ['gd', 'sgd'] as const, 'optimizer kind');
  const lr = positive(required(o, path, 'lr', 'the step size, a number > 0'), `${path}.lr`);
  const steps = integer(required(o, path, 'steps', 'an integer ≥ 1'), `${path}.steps`, 1);
  const bpath = `${path}.batch`;
  if (kind === 'gd') {
    if (o.batch !== undefined && o.batch !== 'full') fail('OUT_OF_RANGE', bpath, `gd uses all the ${what}: omit batch or give "full", got ${JSON.stringify(o.batch)}`);
    return { kind, lr, batch: 'full', steps };
  }
  const batch = integer(required(o, path, 'batch', `the minibatch size, 1 … ${observed}`), bpath, 1);
  if (batch > observed) fail('OUT_OF_RANGE', bpath, `expected at most ${observed} (the ${what}), got ${batch}`);
  return { kind, lr, batch, steps };
}

