import { FlatminError, type FlatminErrorCode } from '../errors.js';
import { nearest } from './suggest.js';
import type {
  FactorizationProblem,
  InitConfig,
  LossConfig,
  OptimizerConfig,
  Phase,
  RandomTarget,
  RunConfig,
  Rows,
  Seed,
} from './types.js';

/**
 * User config (parsed JSON or a JS object) → RunConfig with every default filled in, built from
 * fresh objects (the input is neither returned nor mutated). Anything wrong throws a FlatminError
 * whose `path` names the field (`optimizer.schedule[1].scale[0]`, `problem.target[2][5]`) and whose
 * message says what was expected and what was got.
 *
 * Conventions: a key whose value is `undefined` counts as absent; `null` is a value of the wrong
 * type. Within each object, unknown keys are reported before anything else, so a misspelt
 * required key gives "did you mean" rather than "missing".
 */
export function validateConfig(raw: unknown): RunConfig {
  const top = object(raw, ROOT, 'a config object');
  checkKeys(top, '', TOP_KEYS);
  if (top.description !== undefined && typeof top.description !== 'string')
    fail('TYPE', 'description', `expected a string, got ${describe(top.description)}`);

  const problem = validateProblem(required(top, '', 'problem', 'the problem to solve, e.g. { target, rank }'));
  const { n, m } = targetShape(problem);
  const init = validateInit(top.init, 'init', n, m, problem.rank);
  const optimizer = validateOptimizer(required(top, '', 'optimizer', 'the optimizer, e.g. { kind, lr, steps }'));
  if (optimizer.batch !== undefined) checkBatchLoss(optimizer.batch, problem.loss!);
  const seed = top.seed === undefined ? 0 : validateSeed(top.seed, 'seed');
  const backend = top.backend === undefined ? 'wasm' : choice(top.backend, 'backend', BACKENDS, 'backend');
  const precision = top.precision === undefined ? 'f64' : choice(top.precision, 'precision', PRECISIONS, 'precision');
  const total = optimizer.schedule.reduce((s, p) => s + p.steps, 0);
  const recordEvery =
    top.recordEvery === undefined ? Math.max(1, Math.floor(total / 200)) : integer(top.recordEvery, 'recordEvery', 1);
  return { problem, init, optimizer, seed, backend, precision, recordEvery };
}

// ---------------------------------------------------------------------------------------------
// Limits

/** At most this many optimizer steps in one run. */
export const MAX_TOTAL_STEPS = 1e9;
/** At most this many columns in X and Y. */
export const MAX_RANK = 100_000;
/** At most this many entries in M (8 bytes each: 1e8 entries = 800 MB), and in X and Y together. */
export const MAX_ENTRIES = 1e8;

const ROOT = 'config';
const TOP_KEYS = ['problem', 'init', 'optimizer', 'seed', 'backend', 'precision', 'recordEvery', 'description'] as const;
const PROBLEM_KEYS = ['kind', 'target', 'rank', 'loss', 'lambda'] as const;
const LOSS_KINDS = ['full', 'completion', 'sensing'] as const;
const LOSS_KEYS = {
  full: ['kind'],
  completion: ['kind', 'mask', 'fraction'],
  sensing: ['kind', 'measurements'],
} as const;
const ALL_LOSS_KEYS = ['kind', 'mask', 'fraction', 'measurements'] as const;
const TARGET_KEYS = ['random'] as const;
const RANDOM_KEYS = ['n', 'm', 'singularValues', 'seed'] as const;
const INIT_KEYS = {
  gaussian: ['kind', 'scale', 'imbalance'],
  small: ['kind', 'scale'],
  given: ['kind', 'X', 'Y'],
} as const;
const ALL_INIT_KEYS = ['kind', 'scale', 'imbalance', 'X', 'Y'] as const;
const OPTIMIZER_KEYS = ['kind', 'lr', 'sigmaX', 'sigmaY', 'temperature', 'steps', 'schedule', 'batch'] as const;
const PHASE_KEYS = ['steps', 'scale'] as const;
const PROBLEM_KINDS = ['factorization'] as const;
const INIT_KINDS = ['gaussian', 'small', 'given'] as const;
const OPTIMIZER_KINDS = ['gd', 'perturbed-gd', 'anticorrelated-gd', 'langevin'] as const;
const BACKENDS = ['wasm', 'reference'] as const;
const PRECISIONS = ['f64', 'f32'] as const;

// ---------------------------------------------------------------------------------------------
// Sections

function validateProblem(raw: unknown): FactorizationProblem {
  const path = 'problem';
  const o = object(raw, path, 'an object { kind?, target, rank }');
  checkKeys(o, path, PROBLEM_KEYS);
  if (o.kind !== undefined) choice(o.kind, 'problem.kind', PROBLEM_KINDS, 'problem kind');
  const target = validateTarget(required(o, path, 'target', 'the target matrix: rows, or { random: { n, m, singularValues, seed } }'));
  const rank = integer(required(o, path, 'rank', 'the number of columns of X and Y, an integer ≥ 1'), 'problem.rank', 1);
  if (rank > MAX_RANK)
    fail('OUT_OF_RANGE', 'problem.rank', `expected an integer ≤ ${MAX_RANK} (memory), got ${rank}`);
  const { n, m } = targetShape({ kind: 'factorization', target, rank });
  if ((n + m) * rank > MAX_ENTRIES)
    fail(
      'OUT_OF_RANGE',
      'problem.rank',
      `X and Y would have (n + m)·rank = (${n} + ${m})·${rank} = ${(n + m) * rank} entries; at most ${MAX_ENTRIES} fit in memory`,
    );
  const loss = o.loss === undefined ? { kind: 'full' as const } : validateLoss(o.loss, 'problem.loss', n, m);
  const lambda = o.lambda === undefined ? 0 : nonNegative(o.lambda, 'problem.lambda');
  return { kind: 'factorization', target, rank, loss, lambda };
}

function validateLoss(raw: unknown, path: string, n: number, m: number): LossConfig {
  const o = object(raw, path, 'an object { kind, … }');
  checkKeys(o, path, ALL_LOSS_KEYS);
  const kind = choice(required(o, path, 'kind', `one of ${list(LOSS_KINDS)}`), `${path}.kind`, LOSS_KINDS, 'loss kind');
  checkKeys(o, path, LOSS_KEYS[kind], `loss kind "${kind}"`);
  switch (kind) {
    case 'full':
      return { kind };
    case 'completion': {
      if (o.mask !== undefined && o.fraction !== undefined) fail('TYPE', `${path}.fraction`, 'give either mask or fraction, not both');
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
    case 'sensing': {
      const mpath = `${path}.measurements`;
      const measurements = integer(required(o, path, 'measurements', 'the number of Gaussian measurements, an integer ≥ 1'), mpath, 1);
      if (measurements * n * m > MAX_ENTRIES)
        fail('OUT_OF_RANGE', mpath, `${measurements} measurement matrices of ${n}×${m} have ${measurements * n * m} entries; at most ${MAX_ENTRIES} fit in memory`);
      return { kind, measurements };
    }
  }
}

export function validateTarget(raw: unknown): Rows | RandomTarget {
  const path = 'problem.target';
  if (Array.isArray(raw)) {
    const rows = matrixRows(raw, path, 'the target');
    checkEntries(rows.length, rows[0].length, path);
    return rows;
  }
  if (!isObject(raw))
    fail(
      'TYPE',
      path,
      `expected rows (an array of arrays of numbers) or { random: { n, m, singularValues, seed } }, got ${describe(raw)}`,
    );
  const t = object(raw, path, '{ random }');
  checkKeys(t, path, TARGET_KEYS);
  const rpath = 'problem.target.random';
  const r = object(required(t, path, 'random', 'an object { n, m, singularValues, seed }'), rpath, 'an object { n, m, singularValues, seed }');
  checkKeys(r, rpath, RANDOM_KEYS);
  const n = integer(required(r, rpath, 'n', 'the number of rows, an integer ≥ 1'), `${rpath}.n`, 1);
  const m = integer(required(r, rpath, 'm', 'the number of columns, an integer ≥ 1'), `${rpath}.m`, 1);
  checkEntries(n, m, rpath);
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
  return { random: { n, m, singularValues, seed } };
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

function validateOptimizer(raw: unknown): OptimizerConfig {
  const path = 'optimizer';
  const o = object(raw, path, 'an object { kind, lr, steps | schedule, sigmaX?, sigmaY? }');
  checkKeys(o, path, OPTIMIZER_KEYS);
  const kind = choice(required(o, path, 'kind', `one of ${list(OPTIMIZER_KINDS)}`), `${path}.kind`, OPTIMIZER_KINDS, 'optimizer kind');
  const lr = positive(required(o, path, 'lr', 'the learning rate, a number > 0'), `${path}.lr`);
  const sigmaX = o.sigmaX === undefined ? 0.1 : nonNegative(o.sigmaX, `${path}.sigmaX`);
  const sigmaY = o.sigmaY === undefined ? 0.1 : nonNegative(o.sigmaY, `${path}.sigmaY`);
  // The temperature belongs to Langevin alone; elsewhere it would silently do nothing.
  if (kind !== 'langevin' && o.temperature !== undefined)
    fail('UNKNOWN_KEY', `${path}.temperature`, `temperature is for optimizer kind "langevin" only, not "${kind}"`);
  const temperature = kind === 'langevin'
    ? nonNegative(required(o, path, 'temperature', 'the Langevin temperature 1/β, a number ≥ 0'), `${path}.temperature`)
    : undefined;
  let schedule: Phase[];
  let totalPath: string;
  if (o.steps !== undefined && o.schedule !== undefined) {
    fail('TYPE', `${path}.schedule`, 'give either steps or schedule, not both');
  } else if (o.steps !== undefined) {
    totalPath = `${path}.steps`;
    schedule = [{ steps: integer(o.steps, totalPath, 1), scale: 1 }];
  } else if (o.schedule !== undefined) {
    totalPath = `${path}.schedule`;
    const phases = array(o.schedule, totalPath, 'a non-empty array of phases { steps, scale }');
    if (phases.length === 0) fail('OUT_OF_RANGE', totalPath, 'expected at least one phase { steps, scale }, got an empty array');
    schedule = phases.map((p, i) => validatePhase(p, `${totalPath}[${i}]`));
  } else {
    fail('MISSING', `${path}.steps`, 'give steps (an integer ≥ 1) or schedule (an array of phases { steps, scale })');
  }
  const total = schedule.reduce((s, p) => s + p.steps, 0);
  if (total > MAX_TOTAL_STEPS)
    fail('OUT_OF_RANGE', totalPath, `expected at most ${MAX_TOTAL_STEPS} steps in total, got ${total}`);
  const out: OptimizerConfig = temperature === undefined ? { kind, lr, sigmaX, sigmaY, schedule } : { kind, lr, temperature, sigmaX, sigmaY, schedule };
  if (o.batch !== undefined) out.batch = integer(o.batch, `${path}.batch`, 1);
  return out;
}

/**
 * optimizer.batch samples the terms of a sum, so it needs completion or sensing, and at most their
 * number: known here for sensing and a given mask; a `fraction` mask is drawn only when the run is
 * built, and run.ts checks it then (checkBatchSize).
 */
function checkBatchLoss(batch: number, loss: LossConfig): void {
  if (loss.kind === 'full')
    fail('UNKNOWN_KEY', 'optimizer.batch', 'batch is for problem.loss "completion" or "sensing" only: the full target ½‖XYᵀ − M‖² has no entries to sample');
  if (loss.kind === 'sensing') checkBatchSize(batch, loss.measurements, 'measurements');
  else if ('mask' in loss) checkBatchSize(batch, loss.mask.flat().filter((v) => v !== 0).length, 'observed entries');
}

export function checkBatchSize(batch: number, count: number, what: string): void {
  if (batch > count) fail('OUT_OF_RANGE', 'optimizer.batch', `expected at most ${count} (the number of ${what}), got ${batch}`);
}

function validatePhase(raw: unknown, path: string): Phase {
  const o = object(raw, path, 'a phase { steps, scale }');
  checkKeys(o, path, PHASE_KEYS);
  const steps = integer(required(o, path, 'steps', 'an integer ≥ 1'), `${path}.steps`, 1);
  const s = required(o, path, 'scale', 'a number ≥ 0 or a pair [from, to] of numbers > 0');
  const spath = `${path}.scale`;
  if (Array.isArray(s)) {
    if (s.length !== 2)
      fail('TYPE', spath, `expected a number ≥ 0 or a pair [from, to] of numbers > 0, got an array of length ${s.length}`);
    return { steps, scale: [positive(s[0], `${spath}[0]`), positive(s[1], `${spath}[1]`)] };
  }
  if (typeof s !== 'number')
    fail('TYPE', spath, `expected a number ≥ 0 or a pair [from, to] of numbers > 0, got ${describe(s)}`);
  return { steps, scale: nonNegative(s, spath) };
}

export function validateSeed(raw: unknown, path: string): Seed {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) fail('NOT_FINITE', path, `expected a string or a finite number, got ${describe(raw)}`);
    return raw;
  }
  return fail('TYPE', path, `expected a string or a finite number, got ${describe(raw)}`);
}

// ---------------------------------------------------------------------------------------------
// Shapes

function targetShape(p: FactorizationProblem): { n: number; m: number } {
  const t = p.target;
  return Array.isArray(t) ? { n: t.length, m: t[0].length } : { n: t.random.n, m: t.random.m };
}

function checkEntries(n: number, m: number, path: string): void {
  if (n * m > MAX_ENTRIES)
    fail(
      'OUT_OF_RANGE',
      path,
      `a ${n}×${m} target has ${n * m} entries; at most ${MAX_ENTRIES} fit in memory (8 bytes each)`,
    );
}

/** A non-empty array of non-empty rows of equal length with finite entries, copied. */
export function matrixRows(raw: unknown[], path: string, what: string): Rows {
  if (raw.length === 0) fail('SHAPE', path, `expected ${what} as a non-empty array of rows, got an empty array`);
  const out: Rows = [];
  let width = -1;
  for (let i = 0; i < raw.length; i++) {
    const rpath = `${path}[${i}]`;
    const row = array(raw[i], rpath, 'a row (an array of numbers)');
    if (row.length === 0) fail('SHAPE', rpath, 'expected a non-empty row, got an empty array');
    if (width < 0) width = row.length;
    else if (row.length !== width)
      fail('SHAPE', rpath, `expected ${width} entries like row 0, got ${row.length} (rows must have equal length)`);
    const copy = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) copy[j] = finite(row[j], `${rpath}[${j}]`);
    out.push(copy);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Primitive checks (exported for the other schemas in src/config, so every config fails alike)

export function fail(code: FlatminErrorCode, path: string, message: string): never {
  throw new FlatminError(code, path, message);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A snapshot of the object's own enumerable keys (so inherited properties count as absent). */
export function object(v: unknown, path: string, what: string): Record<string, unknown> {
  if (!isObject(v)) fail('TYPE', path, `expected ${what}, got ${describe(v)}`);
  return Object.fromEntries(Object.entries(v));
}

export function array(v: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(v)) fail('TYPE', path, `expected ${what}, got ${describe(v)}`);
  return v;
}

/** `o[key]`, or MISSING naming `parent.key`. */
export function required(o: Record<string, unknown>, parent: string, key: string, what: string): unknown {
  const v = o[key];
  if (v === undefined)
    fail('MISSING', join(parent, key), `missing; expected ${what}`);
  return v;
}

export function checkKeys(o: Record<string, unknown>, path: string, valid: readonly string[], context?: string): void {
  for (const key of Object.keys(o)) {
    if (valid.includes(key)) continue;
    const guess = nearest(key, valid);
    const where = context ? ` for ${context}` : '';
    fail(
      'UNKNOWN_KEY',
      join(path, key),
      guess !== undefined
        ? `unknown key ${JSON.stringify(key)}${where}; did you mean ${JSON.stringify(guess)}?`
        : `unknown key ${JSON.stringify(key)}${where}; valid keys are ${valid.join(', ')}`,
    );
  }
}

export function choice<T extends string>(v: unknown, path: string, valid: readonly T[], what: string): T {
  if (typeof v !== 'string') fail('TYPE', path, `expected one of ${list(valid)}, got ${describe(v)}`);
  if ((valid as readonly string[]).includes(v)) return v as T;
  const guess = nearest(v, valid);
  return fail(
    'UNKNOWN_KIND',
    path,
    `unknown ${what} ${JSON.stringify(v)}` +
      (guess !== undefined ? `; did you mean ${JSON.stringify(guess)}? (expected one of ${list(valid)})` : `; expected one of ${list(valid)}`),
  );
}

/** A number checked in order: type (TYPE), finiteness (NOT_FINITE), integrality (NOT_INTEGER), range (OUT_OF_RANGE). */
export function numberIn(
  v: unknown,
  path: string,
  opts: { integer?: boolean; min?: number; exclusive?: boolean },
): number {
  const noun = opts.integer ? 'an integer' : 'a number';
  const bound = opts.min === undefined ? '' : ` ${opts.exclusive ? '>' : '≥'} ${opts.min}`;
  if (typeof v !== 'number') fail('TYPE', path, `expected ${noun}${bound}, got ${describe(v)}`);
  if (!Number.isFinite(v))
    fail('NOT_FINITE', path, `expected ${opts.integer ? 'a finite integer' : 'a finite number'}${bound}, got ${describe(v)}`);
  if (opts.integer && !Number.isInteger(v)) fail('NOT_INTEGER', path, `expected ${noun}${bound}, got ${describe(v)}`);
  if (opts.min !== undefined && (opts.exclusive ? !(v > opts.min) : !(v >= opts.min)))
    fail('OUT_OF_RANGE', path, `expected ${noun}${bound}, got ${describe(v)}`);
  return v;
}

export const finite = (v: unknown, path: string): number => numberIn(v, path, {});
export const positive = (v: unknown, path: string): number => numberIn(v, path, { min: 0, exclusive: true });
export const nonNegative = (v: unknown, path: string): number => numberIn(v, path, { min: 0 });
export const integer = (v: unknown, path: string, min: number): number => numberIn(v, path, { integer: true, min });

// ---------------------------------------------------------------------------------------------
// Messages

function join(parent: string, key: string): string {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return k.startsWith('[') ? `${ROOT}${k}` : k;
  return k.startsWith('[') ? `${parent}${k}` : `${parent}.${k}`;
}

export function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** A short rendering of a value for "got …". */
export function describe(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `a bigint (${v}n)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of length ${v.length}`;
  const ctor = (v as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `an object (${ctor})` : 'an object';
}
