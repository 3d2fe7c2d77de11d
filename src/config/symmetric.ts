import { MAX_ENTRIES, MAX_RANK, array, checkKeys, choice, describe, fail, integer, isObject, matrixRows, nonNegative, object, positive, required, validateSeed } from './checks.js';
import { checkCommon } from './common.js';
import { universeOf, validateLoss } from './factorization.js';
import { defaultRecordEvery, validatePhases } from './optimizer.js';
import type { RandomPsdTarget, Rows, SymmetricConfig, SymmetricModelConfig, SymmetricProblem } from './types.js';

/**
 * The symmetric model's config (W = X Xᵀ, THEORY.md §4): `model` { kind: "symmetric", rank,
 * init? }, `problem` (a symmetric target, the two-factor losses, λ), the shared optimizer
 * (one block: σ is one number) and the common keys.
 */
export function validateSymmetric(top: Record<string, unknown>): SymmetricConfig {
  checkKeys(top, '', TOP_KEYS);
  const model = validateModel(required(top, '', 'model', '{ kind: "symmetric", rank, init? }'));
  const problem = validateProblem(required(top, '', 'problem', '{ target, loss?, lambda? }'));
  const n = Array.isArray(problem.target) ? problem.target.length : problem.target.random.n;
  if (n * model.rank > MAX_ENTRIES) fail('OUT_OF_RANGE', 'model.rank', `X would have n·rank = ${n * model.rank} entries; at most ${MAX_ENTRIES} fit in memory`);
  const optimizer = validatePhases(required(top, '', 'optimizer', 'one phase { steps, lr, batch?, noise?, scale? } or a list of them'), {
    blocks: 1, blockNames: '[σ_X]', universe: universeOf(problem.loss), pairedSigma: false,
  });
  const out: SymmetricConfig = { model, problem, optimizer, ...checkCommon(top, defaultRecordEvery(optimizer)) };
  if (typeof top.description === 'string') out.description = top.description;
  return out;
}

const TOP_KEYS = ['$schema', 'description', 'model', 'problem', 'optimizer', 'seed', 'backend', 'precision', 'recordEvery'] as const;
const MODEL_KEYS = ['kind', 'rank', 'init'] as const;
const PROBLEM_KEYS = ['target', 'loss', 'lambda'] as const;
const RANDOM_KEYS = ['n', 'eigenvalues', 'seed'] as const;

function validateModel(raw: unknown): SymmetricModelConfig {
  const o = object(raw, 'model', '{ kind: "symmetric", rank, init? }');
  checkKeys(o, 'model', MODEL_KEYS);
  choice(required(o, 'model', 'kind', '"symmetric"'), 'model.kind', ['symmetric'] as const, 'model kind');
  const rank = integer(required(o, 'model', 'rank', 'the number of columns k of X, an integer ≥ 1'), 'model.rank', 1);
  if (rank > MAX_RANK) fail('OUT_OF_RANGE', 'model.rank', `expected an integer ≤ ${MAX_RANK} (memory), got ${rank}`);
  let scale = 1e-3;
  if (o.init !== undefined) {
    const i = object(o.init, 'model.init', '{ scale }');
    checkKeys(i, 'model.init', ['scale']);
    scale = positive(required(i, 'model.init', 'scale', 'the init scale α > 0'), 'model.init.scale');
  }
  return { kind: 'symmetric', rank, init: { scale } };
}

function validateProblem(raw: unknown): SymmetricProblem {
  const o = object(raw, 'problem', '{ target, loss?, lambda? }');
  checkKeys(o, 'problem', PROBLEM_KEYS);
  const target = validateTarget(required(o, 'problem', 'target', 'symmetric rows, or { random: { n, eigenvalues, seed } }'));
  const n = Array.isArray(target) ? target.length : target.random.n;
  const loss = o.loss === undefined ? { kind: 'full' as const } : validateLoss(o.loss, 'problem.loss', n, n);
  const lambda = o.lambda === undefined ? 0 : nonNegative(o.lambda, 'problem.lambda');
  return { target, loss, lambda };
}

function validateTarget(raw: unknown): Rows | RandomPsdTarget {
  const path = 'problem.target';
  if (Array.isArray(raw)) {
    const rows = matrixRows(raw, path, 'the target');
    const n = rows.length;
    if (rows[0].length !== n) fail('SHAPE', path, `expected a square (n×n) symmetric target, got ${n}×${rows[0].length}`);
    if (n * n > MAX_ENTRIES) fail('OUT_OF_RANGE', path, `a ${n}×${n} target has ${n * n} entries; at most ${MAX_ENTRIES} fit in memory`);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++)
        if (rows[i][j] !== rows[j][i]) fail('OUT_OF_RANGE', `${path}[${i}][${j}]`, `expected a symmetric target: entry [${i}][${j}] = ${rows[i][j]} but [${j}][${i}] = ${rows[j][i]}`);
    return rows;
  }
  if (!isObject(raw)) fail('TYPE', path, `expected symmetric rows or { random: { n, eigenvalues, seed } }, got ${describe(raw)}`);
  checkKeys(raw, path, ['random']);
  const rpath = `${path}.random`;
  const r = object(required(raw, path, 'random', '{ n, eigenvalues, seed }'), rpath, '{ n, eigenvalues, seed }');
  checkKeys(r, rpath, RANDOM_KEYS);
  const n = integer(required(r, rpath, 'n', 'the size n, an integer ≥ 1'), `${rpath}.n`, 1);
  if (n * n > MAX_ENTRIES) fail('OUT_OF_RANGE', `${rpath}.n`, `a ${n}×${n} target has ${n * n} entries; at most ${MAX_ENTRIES} fit in memory`);
  const ev = array(required(r, rpath, 'eigenvalues', 'the positive eigenvalues (their count is the rank)'), `${rpath}.eigenvalues`, 'positive numbers');
  if (ev.length === 0 || ev.length > n) fail('OUT_OF_RANGE', `${rpath}.eigenvalues`, `expected 1 … ${n} eigenvalues, got ${ev.length}`);
  const eigenvalues = ev.map((v, i) => positive(v, `${rpath}.eigenvalues[${i}]`));
  const seed = validateSeed(required(r, rpath, 'seed', 'the seed of the eigenvectors'), `${rpath}.seed`);
  return { random: { n, eigenvalues, seed } };
}
