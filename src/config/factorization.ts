import {
  MAX_ENTRIES, MAX_RANK, array, checkKeys, choice, describe, fail, integer, isObject, list, matrixRows, nonNegative, numberIn,
  object, positive, required, validateSeed,
} from './checks.js';
import { measurementCount, validateMeasurements } from './measurements.js';
import { checkCommon } from './common.js';
import { validateDiagnostics } from './diagnostics.js';
import { defaultPrediction, defaultRecordEvery, isLegacyFactorizationOptimizer, validateLegacyOptimizer, validatePhases, type OptimizerContext } from './optimizer.js';
import type { FactoredTarget, FactorizationConfig, FactorizationProblem, InitConfig, LossConfig, Observations, RandomTarget, Rows } from './types.js';
import { cooObserved } from './observations.js';

/**
 * The two-factor model's config (THEORY.md §1, §3): `problem` (target, rank, loss, λ), `init`,
 * the optimizer (src/config/optimizer.ts) and an optional `prediction` σ ratio.
 */
export function validateFactorization(top: Record<string, unknown>): FactorizationConfig {
  checkKeys(top, '', TOP_KEYS);
  if (top.model !== undefined) {
    const model = object(top.model, 'model', '{ kind: "factorization" } or { kind: "deep-linear", … }');
    checkKeys(model, 'model', ['kind'], 'model kind "factorization" (rank, init and λ are in problem and init)');
  }
  const problem = validateProblem(required(top, '', 'problem', 'the problem to solve, e.g. { target, rank }'));
  const { n, m } = targetShape(problem);
  const init = validateInit(top.init, 'init', n, m, problem.rank);
  const ctx: OptimizerContext = { blocks: 2, blockNames: '[σ_X, σ_Y]', universe: universeOf(problem.loss), pairedSigma: true };
  const rawOptimizer = required(top, '', 'optimizer', 'one phase { steps, lr, batch?, noise?, scale? } or a list of them');
  let optimizer;
  let prediction: [number, number];
  if (isLegacyFactorizationOptimizer(rawOptimizer)) {
    ({ phases: optimizer, prediction } = validateLegacyOptimizer(rawOptimizer, ctx));
  } else {
    optimizer = validatePhases(rawOptimizer, ctx);
    prediction = defaultPrediction(optimizer);
  }
  if (top.prediction !== undefined) prediction = validatePrediction(top.prediction);
  if (isFactored(problem.target)) checkFactoredUse(optimizer, top.diagnostics, problem.loss.kind);
  const common = checkCommon(top, defaultRecordEvery(optimizer));
  const out: FactorizationConfig = { model: { kind: 'factorization' }, problem, init, optimizer, prediction: { sigma: prediction }, ...common };
  if (typeof top.description === 'string') out.description = top.description;
  if (top.diagnostics !== undefined)
    out.diagnostics = validateDiagnostics(top.diagnostics, { params: (n + m) * problem.rank, recordEvery: common.recordEvery, legacy: false });
  return out;
}

const TOP_KEYS = ['$schema', 'model', 'problem', 'init', 'optimizer', 'prediction', 'seed', 'backend', 'precision', 'recordEvery', 'description', 'diagnostics'] as const;
const PROBLEM_KEYS = ['kind', 'target', 'rank', 'loss', 'lambda'] as const;
const LOSS_KINDS = ['full', 'completion', 'sensing'] as const;
const LOSS_KEYS = {
  full: ['kind'],
  completion: ['kind', 'mask', 'fraction', 'observations'],
  sensing: ['kind', 'measurements'],
} as const;
const ALL_LOSS_KEYS = ['kind', 'mask', 'fraction', 'observations', 'measurements'] as const;
const TARGET_KEYS = ['random'] as const;
const RANDOM_KEYS = ['n', 'm', 'singularValues', 'seed', 'factored'] as const;
const INIT_KEYS = {
  gaussian: ['kind', 'scale', 'imbalance'],
  small: ['kind', 'scale'],
  given: ['kind', 'X', 'Y'],
} as const;
const ALL_INIT_KEYS = ['kind', 'scale', 'imbalance', 'X', 'Y'] as const;
const PROBLEM_KINDS = ['factorization'] as const;
const INIT_KINDS = ['gaussian', 'small', 'given'] as const;

/** What minibatches of this loss draw from (null: nothing to sample; count undefined: a drawn mask). */
export function universeOf(loss: LossConfig): OptimizerContext['universe'] {
  if (loss.kind === 'full') return null;
  if (loss.kind === 'sensing') return { count: measurementCount(loss.measurements), what: 'measurements' };
  const count = 'mask' in loss ? loss.mask.flat().filter((v) => v !== 0).length : 'observations' in loss ? loss.observations.rows.length : undefined;
  return { count, what: 'observed entries' };
}

function validatePrediction(raw: unknown): [number, number] {
  const o = object(raw, 'prediction', '{ sigma: [σ_X, σ_Y] }');
  checkKeys(o, 'prediction', ['sigma']);
  const s = array(required(o, 'prediction', 'sigma', '[σ_X, σ_Y], both > 0'), 'prediction.sigma', '[σ_X, σ_Y], both > 0');
  if (s.length !== 2) fail('SHAPE', 'prediction.sigma', `expected [σ_X, σ_Y], got ${describe(s)}`);
  return [positive(s[0], 'prediction.sigma[0]'), positive(s[1], 'prediction.sigma[1]')];
}

function validateProblem(raw: unknown): FactorizationProblem {
  const path = 'problem';
  const o = object(raw, path, 'an object { kind?, target, rank, loss?, lambda? }');
  checkKeys(o, path, PROBLEM_KEYS);
  if (o.kind !== undefined) choice(o.kind, 'problem.kind', PROBLEM_KINDS, 'problem kind');
  const target = validateTarget(required(o, path, 'target', 'the target matrix: rows, { random: { n, m, singularValues, seed } } or { factors: { A, B } }'), 'problem.target', true);
  const rank = integer(required(o, path, 'rank', 'the number of columns of X and Y, an integer ≥ 1'), 'problem.rank', 1);
  if (rank > MAX_RANK)
    fail('OUT_OF_RANGE', 'problem.rank', `expected an integer ≤ ${MAX_RANK} (memory), got ${rank}`);
  const { n, m } = targetShape({ target });
  if ((n + m) * rank > MAX_ENTRIES)
    fail(
      'OUT_OF_RANGE',
      'problem.rank',
      `X and Y would have (n + m)·rank = (${n} + ${m})·${rank} = ${(n + m) * rank} entries; at most ${MAX_ENTRIES} fit in memory`,
    );
  const loss = o.loss === undefined ? { kind: 'full' as const } : validateLoss(o.loss, 'problem.loss', n, m);
  if (isFactored(target)) {
    const which = 'factors' in target ? 'target.factors' : 'target.random.factored';
    if (loss.kind === 'sensing')
      fail('UNKNOWN_KIND', 'problem.loss.kind', `a factored target (${which}) works with the full or completion loss, got "sensing" (its measurements are n×m matrices)`);
    if (loss.kind === 'completion' && 'mask' in loss)
      fail('UNKNOWN_KEY', 'problem.loss.mask', `a factored target (${which}) takes completion's fraction or observations lists, not an n×m mask`);
    // The observed lists hold flat indices i·m + j as Int32 (src/backends/sparse.ts, the Wasm core's CCOL/OBS).
    if (loss.kind === 'completion' && n * m > 2 ** 31 - 1)
      fail('OUT_OF_RANGE', 'problem.loss', `completion stores observed entries by flat index i·m + j < 2³¹; this ${n}×${m} target has n·m = ${n * m} entries (at most ${2 ** 31 - 1})`);
  }
  const lambda = o.lambda === undefined ? 0 : nonNegative(o.lambda, 'problem.lambda');
  return { kind: 'factorization', target, rank, loss, lambda };
}

export function validateLoss(raw: unknown, path: string, n: number, m: number): LossConfig {
  const o = object(raw, path, 'an object { kind, … }');
  checkKeys(o, path, ALL_LOSS_KEYS);
  const kind = choice(required(o, path, 'kind', `one of ${list(LOSS_KINDS)}`), `${path}.kind`, LOSS_KINDS, 'loss kind');
  checkKeys(o, path, LOSS_KEYS[kind], `loss kind "${kind}"`);
  switch (kind) {
    case 'full':
      return { kind };
    case 'completion': {
      const given = (['mask', 'fraction', 'observations'] as const).filter((k) => o[k] !== undefined);
      if (given.length > 1) fail('TYPE', `${path}.${given[1]}`, `give either ${given[0]} or ${given[1]}, not both (one of mask, fraction, observations)`);
      if (o.observations !== undefined) return { kind, observations: validateObservations(o.observations, `${path}.observations`, n, m) };
      if (o.fraction !== undefined) {
        const fraction = numberIn(o.fraction, `${path}.fraction`, { min: 0, exclusive: true });
        if (fraction > 1) fail('OUT_OF_RANGE', `${path}.fraction`, `expected a number in (0, 1], got ${describe(fraction)}`);
        return { kind, fraction };
      }
      const mpath = `${path}.mask`;
      const mask = matrixRows(array(required(o, path, 'mask', `the ${n}×${m} 0/1 observation mask as rows, or give fraction`), mpath, `rows of 0/1 (${n}×${m})`), mpath, 'the mask');
      if (mask.length !== n || mask[0].length !== m) fail('SHAPE', mpath, `expected ${n}×${m} like the target, got ${mask.length}×${mask[0].length}`);
      let observed = 0;
      mask.forEach((row, i) => row.forEach((v, j) => {
        if (v !== 0 && v !== 1) fail('OUT_OF_RANGE', `${mpath}[${i}][${j}]`, `expected 0 (unobserved) or 1 (observed), got ${describe(v)}`);
        observed += v;
      }));
      if (observed === 0) fail('OUT_OF_RANGE', mpath, 'no entry is observed (every entry is 0); the loss would be empty');
      return { kind, mask };
    }
    case 'sensing':
      return { kind, measurements: validateMeasurements(required(o, path, 'measurements', 'the number of Gaussian measurements (an integer ≥ 1), or { count, nonzeros }'), `${path}.measurements`, n, m) };
  }
}

/** COO lists { rows, cols, values }: equal lengths, indices in range, no entry twice (cooObserved checks). */
function validateObservations(raw: unknown, path: string, n: number, m: number): Observations {
  const o = object(raw, path, '{ rows, cols, values }: the observed entries as lists');
  checkKeys(o, path, ['rows', 'cols', 'values']);
  const nums = (key: string) => {
    const a = array(required(o, path, key, 'an array of numbers'), `${path}.${key}`, 'an array of numbers');
    a.forEach((v, t) => {
      if (typeof v !== 'number') fail('TYPE', `${path}.${key}[${t}]`, `expected a number, got ${describe(v)}`);
    });
    return a as number[];
  };
  const out = { rows: nums('rows'), cols: nums('cols'), values: nums('values') };
  if (out.rows.length > MAX_ENTRIES) fail('OUT_OF_RANGE', `${path}.rows`, `${out.rows.length} observations; at most ${MAX_ENTRIES} fit in memory`);
  cooObserved(out, n, m, path);
  return out;
}

export function validateTarget(raw: unknown, path?: string): Rows | RandomTarget;
export function validateTarget(raw: unknown, path: string, factors: true): Rows | RandomTarget | FactoredTarget;
export function validateTarget(raw: unknown, path = 'problem.target', factors = false): Rows | RandomTarget | FactoredTarget {
  if (factors && isObject(raw) && raw.factors !== undefined) return validateFactors(raw, path);
  if (Array.isArray(raw)) {
    const rows = matrixRows(raw, path, 'the target');
    checkEntries(rows.length, rows[0].length, path);
    return rows;
  }
  if (!isObject(raw))
    fail(
      'TYPE',
      path,
      `expected rows (an array of arrays of numbers) or { random: { n, m, singularValues, seed } }${factors ? ' or { factors: { A, B } }' : ''}, got ${describe(raw)}`,
    );
  const t = object(raw, path, '{ random }');
  checkKeys(t, path, factors ? FACTORS_TARGET_KEYS : TARGET_KEYS);
  const rpath = `${path}.random`;
  const r = object(required(t, path, 'random', 'an object { n, m, singularValues, seed }'), rpath, 'an object { n, m, singularValues, seed }');
  checkKeys(r, rpath, RANDOM_KEYS);
  const n = integer(required(r, rpath, 'n', 'the number of rows, an integer ≥ 1'), `${rpath}.n`, 1);
  const m = integer(required(r, rpath, 'm', 'the number of columns, an integer ≥ 1'), `${rpath}.m`, 1);
  let factored = false;
  if (r.factored !== undefined) {
    if (!factors) fail('UNKNOWN_KEY', `${rpath}.factored`, 'a factored target is for the two-factor model only');
    if (typeof r.factored !== 'boolean') fail('TYPE', `${rpath}.factored`, `expected true or false, got ${describe(r.factored)}`);
    factored = r.factored;
  }
  if (factored) checkFactorEntries(n + m, r.singularValues, rpath);
  else checkEntries(n, m, rpath, factors ? ' — or keep it as its factors with "factored": true' : '');
  const spath = `${rpath}.singularValues`;
  const sv = array(required(r, rpath, 'singularValues', 'a non-empty array of numbers > 0'), spath, 'a non-empty array of numbers > 0');
  if (sv.length === 0) fail('OUT_OF_RANGE', spath, 'expected a non-empty array of numbers > 0, got an empty array');
  if (sv.length > Math.min(n, m))
    fail(
      'SHAPE',
      spath,
      `expected at most min(n, m) = ${Math.min(n, m)} singular values for a ${n}×${m} target, got ${sv.length}`,
    );
  const singularValues = sv.map((v, i) => positive(v, `${spath}[${i}]`));
  const seed = validateSeed(required(r, rpath, 'seed', 'the seed of the singular vectors, a string or a number'), `${rpath}.seed`);
  return { random: { n, m, singularValues, seed, ...(r.factored !== undefined ? { factored } : {}) } };
}

const FACTORS_TARGET_KEYS = ['random', 'factors'] as const;

/** Whether the two-factor target keeps its factors (M never formed): given factors, or random with factored: true. */
export function isFactored(t: FactorizationProblem['target']): t is FactoredTarget | RandomTarget {
  return !Array.isArray(t) && ('factors' in t || t.random.factored === true);
}

/** { factors: { A (n×k), B (m×k) } } as rows: shapes agree, entries finite, sizes within memory. */
function validateFactors(raw: Record<string, unknown>, path: string): FactoredTarget {
  checkKeys(raw, path, ['factors']);
  const fpath = `${path}.factors`;
  const f = object(raw.factors, fpath, '{ A, B }: M = A Bᵀ with A n×k and B m×k as rows');
  checkKeys(f, fpath, ['A', 'B']);
  const factor = (name: 'A' | 'B', rowName: string) => {
    const p = `${fpath}.${name}`;
    const rows = matrixRows(array(required(f, fpath, name, `the ${rowName}×k factor ${name} as rows`), p, `rows of numbers (${rowName}×k)`), p, `the factor ${name}`);
    if (rows.length * rows[0].length > MAX_ENTRIES)
      fail('OUT_OF_RANGE', p, `a ${rows.length}×${rows[0].length} factor has ${rows.length * rows[0].length} entries; at most ${MAX_ENTRIES} fit in memory`);
    return rows;
  };
  const A = factor('A', 'n');
  const B = factor('B', 'm');
  const k = A[0].length;
  if (B[0].length !== k) fail('SHAPE', `${fpath}.B`, `expected ${B.length}×${k} (m×k, k = A's ${k} columns), got ${B.length}×${B[0].length}`);
  if (k > Math.min(A.length, B.length))
    fail('SHAPE', `${fpath}.A`, `expected k ≤ min(n, m) = ${Math.min(A.length, B.length)} columns (A n×k, B m×k with independent columns), got k = ${k}`);
  return { factors: { A, B } };
}

function checkFactorEntries(rows: number, sv: unknown, path: string): void {
  const k = Array.isArray(sv) ? sv.length : 0;
  if (rows * k > MAX_ENTRIES) fail('OUT_OF_RANGE', path, `its factors have (n + m)·k = ${rows * k} entries; at most ${MAX_ENTRIES} fit in memory`);
}

/**
 * What a factored target cannot do: label noise on the full loss (it perturbs M's entries;
 * completion's perturbs the observed values, which are lists) and curvature (its Hessian products go through W).
 */
function checkFactoredUse(optimizer: { noise?: { kind: string } }[], diagnostics: unknown, loss: LossConfig['kind']): void {
  optimizer.forEach((p, i) => {
    if (p.noise?.kind === 'label' && loss === 'full')
      fail('UNKNOWN_KIND', `optimizer${optimizer.length > 1 ? `[${i}]` : ''}.noise.kind`, 'label noise on the full loss perturbs the entries of M, which a factored target never forms; use a completion loss or a dense target (rows, or random without factored) for it');
  });
  if (isObject(diagnostics) && diagnostics.curvature !== undefined)
    fail('UNKNOWN_KEY', 'diagnostics.curvature', 'curvature is not available for a factored target yet: its Hessian products work on the n×m matrix XYᵀ (diagnostics.trajectory works)');
}

function validateInit(raw: unknown, path: string, n: number, m: number, rank: number): InitConfig {
  if (raw === undefined) return { kind: 'gaussian', imbalance: 1 };
  const o = object(raw, path, 'an object { kind, … }');
  checkKeys(o, path, ALL_INIT_KEYS);
  const kind = choice(required(o, path, 'kind', `one of ${list(INIT_KINDS)}`), `${path}.kind`, INIT_KINDS, 'init kind');
  checkKeys(o, path, INIT_KEYS[kind], `init kind "${kind}"`);
  switch (kind) {
    case 'gaussian': {
      const out: InitConfig = {
        kind,
        imbalance: o.imbalance === undefined ? 1 : positive(o.imbalance, `${path}.imbalance`),
      };
      if (o.scale !== undefined) out.scale = positive(o.scale, `${path}.scale`);
      return out;
    }
    case 'small':
      return { kind, scale: o.scale === undefined ? 1e-3 : positive(o.scale, `${path}.scale`) };
    case 'given': {
      const X = givenFactor(required(o, path, 'X', `the ${n}×${rank} factor X (n×rank) as rows`), `${path}.X`, n, rank, 'n');
      const Y = givenFactor(required(o, path, 'Y', `the ${m}×${rank} factor Y (m×rank) as rows`), `${path}.Y`, m, rank, 'm');
      return { kind, X, Y };
    }
  }
}

function givenFactor(raw: unknown, path: string, rows: number, cols: number, rowName: string): Rows {
  const r = matrixRows(array(raw, path, `rows of numbers (${rows}×${cols})`), path, 'the factor');
  const got = `${r.length}×${r[0].length}`;
  if (r.length !== rows || r[0].length !== cols)
    fail('SHAPE', path, `expected ${rows}×${cols} (${rowName}×rank), got ${got}`);
  return r;
}

export function targetShape(p: Pick<FactorizationProblem, 'target'>): { n: number; m: number } {
  const t = p.target;
  if (Array.isArray(t)) return { n: t.length, m: t[0].length };
  return 'factors' in t ? { n: t.factors.A.length, m: t.factors.B.length } : { n: t.random.n, m: t.random.m };
}

function checkEntries(n: number, m: number, path: string, hint = ''): void {
  if (n * m > MAX_ENTRIES)
    fail(
      'OUT_OF_RANGE',
      path,
      `a ${n}×${m} target has ${n * m} entries; at most ${MAX_ENTRIES} fit in memory (8 bytes each)${hint}`,
    );
}

