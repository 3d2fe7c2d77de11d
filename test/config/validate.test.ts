import { describe, it, expect } from 'vitest';
import { validateConfig as validateAny } from '../../src/config/validate.js';
import type { FactorizationConfig } from '../../src/config/types.js';

// The two-factor model's config, in the 0.1 form its users wrote: still accepted as written, and
// normalized into the one optimizer vocabulary (phases) that every model shares.
const validateConfig = (raw: unknown) => validateAny(raw) as FactorizationConfig;
import { FlatminError, type FlatminErrorCode } from '../../src/errors.js';

type Cfg = Record<string, any>;

/** The smallest valid config: a 2×3 target, rank 2, plain GD for 1000 steps. */
function base(): Cfg {
  return {
    problem: { target: [[1, 2, 3], [4, 5, 6]], rank: 2 },
    optimizer: { kind: 'gd', lr: 0.1, steps: 1000 },
  };
}

/** A config with a random 4×3 target, for the `random` rules. */
function randomBase(): Cfg {
  return {
    problem: { target: { random: { n: 4, m: 3, singularValues: [3, 1], seed: 's' } }, rank: 2 },
    optimizer: { kind: 'perturbed-gd', lr: 0.1, steps: 10 },
  };
}

function patched(patch: (c: Cfg) => void, from: () => Cfg = base): Cfg {
  const c = from();
  patch(c);
  return c;
}

function errorOf(raw: unknown): FlatminError {
  try {
    validateConfig(raw);
  } catch (e) {
    if (e instanceof FlatminError) return e;
    throw e;
  }
  throw new Error('expected validateConfig to throw');
}

type Case = [string, (c: Cfg) => void, FlatminErrorCode, string, string];

function runCases(cases: Case[], from: () => Cfg = base): void {
  it.each(cases)('%s', (_name, patch, code, path, fragment) => {
    const e = errorOf(patched(patch, from));
    expect({ code: e.code, path: e.path }).toEqual({ code, path });
    expect(e.reason).toContain(fragment);
    expect(e.message).toBe(`${path}: ${e.reason}`);
  });
}

describe('validateConfig: valid configs', () => {
  it('fills in every default for the minimal config', () => {
    const expected: FactorizationConfig = {
      model: { kind: 'factorization' },
      problem: { kind: 'factorization', target: [[1, 2, 3], [4, 5, 6]], rank: 2, loss: { kind: 'full' }, lambda: 0 },
      init: { kind: 'gaussian', imbalance: 1 },
      optimizer: [{ steps: 1000, lr: 0.1, scale: 1 }],
      prediction: { sigma: [1, 1] },
      seed: 0,
      backend: 'wasm',
      precision: 'f64',
      recordEvery: 5,
    };
    const out = validateConfig(base());
    expect(out).toStrictEqual(expected);
    expect('scale' in out.init).toBe(false); // gaussian scale left for the caller to compute
  });

  it('keeps explicit values and the description', () => {
    const out = validateConfig({
      description: 'anything at all',
      problem: { kind: 'factorization', target: [[1, -0], [0, 2]], rank: 3 },
      init: { kind: 'gaussian', scale: 0.5, imbalance: 4 },
      optimizer: {
        kind: 'perturbed-gd',
        lr: 0.01,
        sigmaX: 0.2,
        sigmaY: 0.3,
        schedule: [
          { steps: 100, scale: 2 },
          { steps: 50, scale: [1, 0.01] },
          { steps: 10, scale: 0 },
        ],
      },
      seed: 'abc',
      backend: 'reference',
      precision: 'f32',
      recordEvery: 7,
    });
    const noise = { kind: 'perturbed', sigma: [0.2, 0.3] };
    expect(out).toStrictEqual({
      model: { kind: 'factorization' },
      problem: { kind: 'factorization', target: [[1, -0], [0, 2]], rank: 3, loss: { kind: 'full' }, lambda: 0 },
      init: { kind: 'gaussian', scale: 0.5, imbalance: 4 },
      optimizer: [
        { steps: 100, lr: 0.01, noise, scale: 2 },
        { steps: 50, lr: 0.01, noise, scale: [1, 0.01] },
        { steps: 10, lr: 0.01, noise, scale: 0 },
      ],
      prediction: { sigma: [0.2, 0.3] },
      seed: 'abc',
      backend: 'reference',
      precision: 'f32',
      recordEvery: 7,
      description: 'anything at all',
    });
    expect(Object.is((out.problem.target as number[][])[0][1], -0)).toBe(true);
  });

  it.each([
    [1, 1],
    [199, 1],
    [400, 2],
    [100_000, 500],
  ])('default recordEvery for %i steps is %i', (steps, every) => {
    expect(validateConfig(patched((c) => (c.optimizer.steps = steps))).recordEvery).toBe(every);
  });

  it('counts every phase of a schedule for the default recordEvery', () => {
    const c = patched((c) => {
      delete c.optimizer.steps;
      c.optimizer.schedule = [{ steps: 10_000, scale: 1 }, { steps: 30_000, scale: [1, 0.1] }];
    });
    expect(validateConfig(c).recordEvery).toBe(200);
  });

  it.each([
    ['small, default scale', { kind: 'small' }, { kind: 'small', scale: 1e-3 }],
    ['small, given scale', { kind: 'small', scale: 0.02 }, { kind: 'small', scale: 0.02 }],
    ['gaussian, defaults', { kind: 'gaussian' }, { kind: 'gaussian', imbalance: 1 }],
    [
      'given',
      { kind: 'given', X: [[1, 2], [3, 4]], Y: [[5, 6], [7, 8], [9, 10]] },
      { kind: 'given', X: [[1, 2], [3, 4]], Y: [[5, 6], [7, 8], [9, 10]] },
    ],
  ])('init %s', (_name, init, want) => {
    expect(validateConfig({ ...base(), init }).init).toStrictEqual(want);
  });

  it('accepts a random target and checks a given init against its n, m', () => {
    const c = patched((c) => {
      c.init = { kind: 'given', X: [[1, 0], [0, 1], [1, 1], [0, 0]], Y: [[1, 0], [0, 1], [2, 2]] };
    }, randomBase);
    const out = validateConfig(c);
    expect(out.problem.target).toStrictEqual({ random: { n: 4, m: 3, singularValues: [3, 1], seed: 's' } });
    expect(out.init.kind).toBe('given');
    expect(out.optimizer).toEqual([{ steps: 10, lr: 0.1, noise: { kind: 'perturbed', sigma: [0.1, 0.1] }, scale: 1 }]);
  });

  it('treats keys set to undefined as absent', () => {
    const out = validateConfig({ ...base(), init: undefined, seed: undefined, backend: undefined, recordEvery: undefined });
    expect(out.init).toStrictEqual({ kind: 'gaussian', imbalance: 1 });
    expect([out.seed, out.backend, out.recordEvery]).toEqual([0, 'wasm', 5]);
  });

  it('reads only own properties (inherited ones count as absent)', () => {
    const problem = Object.create({ rank: 2 }) as Cfg;
    problem.target = [[1]];
    const e = errorOf({ ...base(), problem });
    expect([e.code, e.path]).toEqual(['MISSING', 'problem.rank']);
  });

  it.each([
    ['numeric seed', 42],
    ['negative fractional seed', -1.5],
    ['empty string seed', ''],
  ])('accepts a %s', (_name, seed) => {
    expect(validateConfig({ ...base(), seed }).seed).toBe(seed);
  });
});

describe('validateConfig: output is fresh, input untouched', () => {
  function deepFreeze<T>(o: T): T {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  }

  it('does not mutate (frozen) input and shares no objects with it', () => {
    const input: Cfg = deepFreeze({
      ...base(),
      init: { kind: 'given', X: [[1, 2], [3, 4]], Y: [[5, 6], [7, 8], [9, 10]] },
      optimizer: { kind: 'gd', lr: 0.1, schedule: [{ steps: 5, scale: [1, 0.5] }] },
    });
    const before = structuredClone(input);
    const out = validateConfig(input);
    expect(input).toStrictEqual(before);
    expect(out.problem).not.toBe(input.problem);
    expect(out.problem.target).not.toBe(input.problem.target);
    expect((out.problem.target as number[][])[0]).not.toBe(input.problem.target[0]);
    expect(out.optimizer).not.toBe(input.optimizer);
    expect(out.optimizer[0]).not.toBe(input.optimizer.schedule[0]);
    expect(out.optimizer[0].scale).not.toBe(input.optimizer.schedule[0].scale);
    if (out.init.kind !== 'given') throw new Error('expected given init');
    expect(out.init).not.toBe(input.init);
    expect(out.init.X).not.toBe(input.init.X);
    expect(out.init.Y[2]).not.toBe(input.init.Y[2]);
    // Mutating the result leaves the input alone (the input is frozen: this would throw otherwise).
    (out.problem.target as number[][])[0][0] = 99;
    out.optimizer.push({ steps: 1, lr: 1, scale: 1 });
    expect(input.problem.target[0][0]).toBe(1);
  });

  it('copies a random target', () => {
    const input = randomBase();
    const out = validateConfig(input);
    expect(out.problem.target).not.toBe(input.problem.target);
    expect((out.problem.target as { random: unknown }).random).not.toBe(input.problem.target.random);
    expect((out.problem.target as { random: { singularValues: number[] } }).random.singularValues).not.toBe(
      input.problem.target.random.singularValues,
    );
  });
});

describe('validateConfig: top level', () => {
  it.each([
    ['null', null],
    ['an array', [base()]],
    ['a string', 'config.json'],
    ['undefined', undefined],
  ])('rejects %s as the config', (_name, raw) => {
    const e = errorOf(raw);
    expect([e.code, e.path]).toEqual(['TYPE', 'config']);
    expect(e.reason).toMatch(/^expected a config object, got /);
  });

  runCases([
    ['unknown key with a suggestion', (c) => (c.recordevery = 5), 'UNKNOWN_KEY', 'recordevery', 'unknown key "recordevery"; did you mean "recordEvery"?'],
    ['misspelt required key: did-you-mean beats missing', (c) => ((c.optimiser = c.optimizer), delete c.optimizer), 'UNKNOWN_KEY', 'optimiser', 'did you mean "optimizer"?'],
    ['unknown key listing the valid keys', (c) => (c.zzzzzz = 1), 'UNKNOWN_KEY', 'zzzzzz', 'valid keys are $schema, model, problem, init, optimizer, prediction, seed, backend, precision, recordEvery, description'],
    ['unknown key that is not an identifier', (c) => (c['foo bar'] = 1), 'UNKNOWN_KEY', 'config["foo bar"]', 'unknown key "foo bar"'],
    ['description not a string', (c) => (c.description = 3), 'TYPE', 'description', 'expected a string, got 3'],
    ['missing problem', (c) => delete c.problem, 'MISSING', 'problem', 'missing'],
    ['missing optimizer', (c) => delete c.optimizer, 'MISSING', 'optimizer', 'missing'],
    ['seed boolean', (c) => (c.seed = true), 'TYPE', 'seed', 'expected a string or a finite number, got true'],
    ['seed NaN', (c) => (c.seed = NaN), 'NOT_FINITE', 'seed', 'got NaN'],
    ['seed null', (c) => (c.seed = null), 'TYPE', 'seed', 'got null'],
    ['backend typo', (c) => (c.backend = 'wsam'), 'UNKNOWN_KIND', 'backend', 'unknown backend "wsam"; did you mean "wasm"?'],
    ['backend unknown', (c) => (c.backend = 'gpu'), 'UNKNOWN_KIND', 'backend', 'expected one of "wasm", "reference"'],
    ['precision unknown', (c) => (c.precision = 'f16'), 'UNKNOWN_KIND', 'precision', 'expected one of "f64", "f32"'],
    ['precision not a string', (c) => (c.precision = 32), 'TYPE', 'precision', 'expected one of "f64", "f32", got 32'],
    ['precision typo', (c) => (c.precision = 'F32'), 'UNKNOWN_KIND', 'precision', 'did you mean "f32"?'],
    ['backend not a string', (c) => (c.backend = 1), 'TYPE', 'backend', 'expected one of "wasm", "reference", got 1'],
    ['recordEvery 0', (c) => (c.recordEvery = 0), 'OUT_OF_RANGE', 'recordEvery', 'expected an integer ≥ 1, got 0'],
    ['recordEvery fractional', (c) => (c.recordEvery = 2.5), 'NOT_INTEGER', 'recordEvery', 'expected an integer ≥ 1, got 2.5'],
    ['recordEvery string', (c) => (c.recordEvery = '10'), 'TYPE', 'recordEvery', 'got "10"'],
    ['recordEvery Infinity', (c) => (c.recordEvery = Infinity), 'NOT_FINITE', 'recordEvery', 'got Infinity'],
  ]);
});

describe('validateConfig: problem', () => {
  runCases([
    ['problem not an object', (c) => (c.problem = [1]), 'TYPE', 'problem', 'got an array of length 1'],
    ['unknown key', (c) => (c.problem.rnak = 2), 'UNKNOWN_KEY', 'problem.rnak', 'did you mean "rank"?'],
    ['unknown key, no suggestion', (c) => (c.problem.matrix = 2), 'UNKNOWN_KEY', 'problem.matrix', 'valid keys are kind, target, rank'],
    ['kind typo', (c) => (c.problem.kind = 'factorisation'), 'UNKNOWN_KIND', 'problem.kind', 'did you mean "factorization"?'],
    ['kind unknown', (c) => (c.problem.kind = 'sensing'), 'UNKNOWN_KIND', 'problem.kind', 'unknown problem kind "sensing"; expected one of "factorization"'],
    ['kind not a string', (c) => (c.problem.kind = 1), 'TYPE', 'problem.kind', 'got 1'],
    ['missing target', (c) => delete c.problem.target, 'MISSING', 'problem.target', 'missing'],
    ['target a string', (c) => (c.problem.target = 'M.csv'), 'TYPE', 'problem.target', 'expected rows (an array of arrays of numbers) or { random'],
    ['target empty', (c) => (c.problem.target = []), 'SHAPE', 'problem.target', 'got an empty array'],
    ['target row not an array', (c) => (c.problem.target = [1, 2]), 'TYPE', 'problem.target[0]', 'expected a row (an array of numbers), got 1'],
    ['target row empty', (c) => (c.problem.target = [[]]), 'SHAPE', 'problem.target[0]', 'expected a non-empty row'],
    ['target ragged', (c) => (c.problem.target = [[1, 2, 3], [4, 5, 6], [7, 8]]), 'SHAPE', 'problem.target[2]', 'expected 3 entries like row 0, got 2'],
    ['target NaN', (c) => (c.problem.target[1][2] = NaN), 'NOT_FINITE', 'problem.target[1][2]', 'expected a finite number, got NaN'],
    ['target -Infinity', (c) => (c.problem.target[0][1] = -Infinity), 'NOT_FINITE', 'problem.target[0][1]', 'got -Infinity'],
    ['target string entry', (c) => (c.problem.target[1][0] = '4'), 'TYPE', 'problem.target[1][0]', 'expected a number, got "4"'],
    ['target null entry', (c) => (c.problem.target[0][0] = null), 'TYPE', 'problem.target[0][0]', 'got null'],
    ['target hole', (c) => (c.problem.target[0] = [1, , 3]), 'TYPE', 'problem.target[0][1]', 'got a hole in a sparse array'],
    ['missing rank', (c) => delete c.problem.rank, 'MISSING', 'problem.rank', 'an integer ≥ 1'],
    ['rank 0', (c) => (c.problem.rank = 0), 'OUT_OF_RANGE', 'problem.rank', 'expected an integer ≥ 1, got 0'],
    ['rank fractional', (c) => (c.problem.rank = 1.5), 'NOT_INTEGER', 'problem.rank', 'expected an integer ≥ 1, got 1.5'],
    ['rank string', (c) => (c.problem.rank = '2'), 'TYPE', 'problem.rank', 'expected an integer ≥ 1, got "2"'],
    ['rank NaN', (c) => (c.problem.rank = NaN), 'NOT_FINITE', 'problem.rank', 'got NaN'],
    ['rank too large', (c) => (c.problem.rank = 100_001), 'OUT_OF_RANGE', 'problem.rank', 'expected an integer ≤ 100000 (memory), got 100001'],
  ]);
});

describe('validateConfig: random target', () => {
  runCases(
    [
      ['target unknown key', (c) => (c.problem.target = { rand: {} }), 'UNKNOWN_KEY', 'problem.target.rand', 'did you mean "random"?'],
      ['random missing', (c) => (c.problem.target = {}), 'MISSING', 'problem.target.random', 'missing'],
      ['random not an object', (c) => (c.problem.target.random = [4, 3]), 'TYPE', 'problem.target.random', 'got an array of length 2'],
      ['random unknown key', (c) => (c.problem.target.random.singularvalues = [1]), 'UNKNOWN_KEY', 'problem.target.random.singularvalues', 'did you mean "singularValues"?'],
      ['n missing', (c) => delete c.problem.target.random.n, 'MISSING', 'problem.target.random.n', 'an integer ≥ 1'],
      ['n 0', (c) => (c.problem.target.random.n = 0), 'OUT_OF_RANGE', 'problem.target.random.n', 'expected an integer ≥ 1, got 0'],
      ['m fractional', (c) => (c.problem.target.random.m = 2.5), 'NOT_INTEGER', 'problem.target.random.m', 'got 2.5'],
      ['m string', (c) => (c.problem.target.random.m = '3'), 'TYPE', 'problem.target.random.m', 'got "3"'],
      ['singularValues missing', (c) => delete c.problem.target.random.singularValues, 'MISSING', 'problem.target.random.singularValues', 'missing'],
      ['singularValues not an array', (c) => (c.problem.target.random.singularValues = 3), 'TYPE', 'problem.target.random.singularValues', 'got 3'],
      ['singularValues empty', (c) => (c.problem.target.random.singularValues = []), 'OUT_OF_RANGE', 'problem.target.random.singularValues', 'got an empty array'],
      ['singularValues too many', (c) => (c.problem.target.random.singularValues = [4, 3, 2, 1]), 'SHAPE', 'problem.target.random.singularValues', 'at most min(n, m) = 3 singular values for a 4×3 target, got 4'],
      ['singular value 0', (c) => (c.problem.target.random.singularValues = [3, 0]), 'OUT_OF_RANGE', 'problem.target.random.singularValues[1]', 'expected a number > 0, got 0'],
      ['singular value NaN', (c) => (c.problem.target.random.singularValues = [NaN]), 'NOT_FINITE', 'problem.target.random.singularValues[0]', 'got NaN'],
      ['seed missing', (c) => delete c.problem.target.random.seed, 'MISSING', 'problem.target.random.seed', 'a string or a number'],
      ['seed object', (c) => (c.problem.target.random.seed = {}), 'TYPE', 'problem.target.random.seed', 'got an object'],
      ['seed Infinity', (c) => (c.problem.target.random.seed = Infinity), 'NOT_FINITE', 'problem.target.random.seed', 'got Infinity'],
      [
        'n·m too large',
        (c) => Object.assign(c.problem.target.random, { n: 20_000, m: 10_001 }),
        'OUT_OF_RANGE',
        'problem.target.random',
        'a 20000×10001 target has 200020000 entries; at most 100000000 fit in memory',
      ],
      [
        '(n+m)·rank too large',
        (c) => (Object.assign(c.problem.target.random, { n: 10_000, m: 10_000 }), (c.problem.rank = 5001)),
        'OUT_OF_RANGE',
        'problem.rank',
        'fit in memory',
      ],
    ],
    randomBase,
  );

  it('accepts n·m exactly at the limit', () => {
    const c = patched((c) => Object.assign(c.problem.target.random, { n: 10_000, m: 10_000 }), randomBase);
    expect(validateConfig(c).problem.target).toMatchObject({ random: { n: 10_000, m: 10_000 } });
  });
});

describe('validateConfig: init', () => {
  const given = (c: Cfg): void => {
    c.init = { kind: 'given', X: [[1, 2], [3, 4]], Y: [[5, 6], [7, 8], [9, 10]] };
  };
  runCases([
    ['init not an object', (c) => (c.init = 'small'), 'TYPE', 'init', 'got "small"'],
    ['kind missing', (c) => (c.init = { scale: 1 }), 'MISSING', 'init.kind', 'one of "gaussian", "small", "given"'],
    ['kind typo', (c) => (c.init = { kind: 'gausian' }), 'UNKNOWN_KIND', 'init.kind', 'unknown init kind "gausian"; did you mean "gaussian"?'],
    ['kind unknown', (c) => (c.init = { kind: 'orthogonal' }), 'UNKNOWN_KIND', 'init.kind', 'expected one of "gaussian", "small", "given"'],
    ['kind not a string', (c) => (c.init = { kind: null }), 'TYPE', 'init.kind', 'got null'],
    ['unknown key', (c) => (c.init = { kind: 'small', scael: 1 }), 'UNKNOWN_KEY', 'init.scael', 'did you mean "scale"?'],
    ['key of another kind', (c) => (c.init = { kind: 'small', imbalance: 2 }), 'UNKNOWN_KEY', 'init.imbalance', 'unknown key "imbalance" for init kind "small"; valid keys are kind, scale'],
    ['X on gaussian', (c) => (c.init = { kind: 'gaussian', X: [[1]] }), 'UNKNOWN_KEY', 'init.X', 'for init kind "gaussian"'],
    ['gaussian scale 0', (c) => (c.init = { kind: 'gaussian', scale: 0 }), 'OUT_OF_RANGE', 'init.scale', 'expected a number > 0, got 0'],
    ['gaussian scale Infinity', (c) => (c.init = { kind: 'gaussian', scale: Infinity }), 'NOT_FINITE', 'init.scale', 'got Infinity'],
    ['gaussian imbalance negative', (c) => (c.init = { kind: 'gaussian', imbalance: -2 }), 'OUT_OF_RANGE', 'init.imbalance', 'expected a number > 0, got -2'],
    ['small scale string', (c) => (c.init = { kind: 'small', scale: '1e-3' }), 'TYPE', 'init.scale', 'got "1e-3"'],
    ['given X missing', (c) => (given(c), delete c.init.X), 'MISSING', 'init.X', 'the 2×2 factor X (n×rank)'],
    ['given Y missing', (c) => (given(c), delete c.init.Y), 'MISSING', 'init.Y', 'the 3×2 factor Y (m×rank)'],
    ['given X not an array', (c) => (given(c), (c.init.X = 5)), 'TYPE', 'init.X', 'got 5'],
    ['given X wrong width', (c) => (given(c), (c.init.X = [[1], [2]])), 'SHAPE', 'init.X', 'expected 2×2 (n×rank), got 2×1'],
    ['given X wrong height', (c) => (given(c), (c.init.X = [[1, 2], [3, 4], [5, 6]])), 'SHAPE', 'init.X', 'expected 2×2 (n×rank), got 3×2'],
    ['given Y wrong shape', (c) => (given(c), (c.init.Y = [[1, 2], [3, 4]])), 'SHAPE', 'init.Y', 'expected 3×2 (m×rank), got 2×2'],
    ['given X ragged', (c) => (given(c), (c.init.X = [[1, 2], [3]])), 'SHAPE', 'init.X[1]', 'expected 2 entries like row 0, got 1'],
    ['given Y NaN', (c) => (given(c), (c.init.Y[2][1] = NaN)), 'NOT_FINITE', 'init.Y[2][1]', 'got NaN'],
    ['given X empty', (c) => (given(c), (c.init.X = [])), 'SHAPE', 'init.X', 'got an empty array'],
  ]);

  it('checks given X, Y against a random target’s n, m', () => {
    const c = patched((c) => (c.init = { kind: 'given', X: [[1, 2], [3, 4]], Y: [[1, 2], [3, 4], [5, 6]] }), randomBase);
    const e = errorOf(c);
    expect([e.code, e.path, e.reason]).toEqual(['SHAPE', 'init.X', 'expected 4×2 (n×rank), got 2×2']);
  });

  it('reports the given-init shape with the example’s wording', () => {
    const c = {
      problem: { target: { random: { n: 30, m: 20, singularValues: [3, 2, 1], seed: 1 } }, rank: 3 },
      init: { kind: 'given', X: Array.from({ length: 30 }, () => [0, 0]), Y: [] },
      optimizer: { kind: 'gd', lr: 0.1, steps: 1 },
    };
    const e = errorOf(c);
    expect([e.code, e.path, e.reason]).toEqual(['SHAPE', 'init.X', 'expected 30×3 (n×rank), got 30×2']);
  });
});

describe('validateConfig: optimizer', () => {
  const schedule = (c: Cfg, phases: unknown): void => {
    delete c.optimizer.steps;
    c.optimizer.schedule = phases;
  };
  runCases([
    ['optimizer not an object', (c) => (c.optimizer = 'gd'), 'TYPE', 'optimizer', 'got "gd"'],
    ['unknown key', (c) => (c.optimizer.sigmax = 0.1), 'UNKNOWN_KEY', 'optimizer.sigmax', 'did you mean "sigmaX"?'],
    ['unknown key, no suggestion', (c) => (c.optimizer.learningRate = 0.1), 'UNKNOWN_KEY', 'optimizer.learningRate', 'valid keys are kind, lr, sigmaX, sigmaY, temperature, steps, schedule'],
    ['kind typo', (c) => (c.optimizer.kind = 'perturbed_gd'), 'UNKNOWN_KIND', 'optimizer.kind', 'unknown optimizer kind "perturbed_gd"; did you mean "perturbed-gd"?'],
    ['kind unknown', (c) => (c.optimizer.kind = 'adam'), 'UNKNOWN_KIND', 'optimizer.kind', 'expected one of "gd", "perturbed-gd"'],
    ['lr missing', (c) => delete c.optimizer.lr, 'MISSING', 'optimizer.lr', 'a number > 0'],
    ['lr 0', (c) => (c.optimizer.lr = 0), 'OUT_OF_RANGE', 'optimizer.lr', 'expected a number > 0, got 0'],
    ['lr negative', (c) => (c.optimizer.lr = -0.1), 'OUT_OF_RANGE', 'optimizer.lr', 'got -0.1'],
    ['lr NaN', (c) => (c.optimizer.lr = NaN), 'NOT_FINITE', 'optimizer.lr', 'expected a finite number > 0, got NaN'],
    ['lr Infinity', (c) => (c.optimizer.lr = Infinity), 'NOT_FINITE', 'optimizer.lr', 'got Infinity'],
    ['lr string', (c) => (c.optimizer.lr = '0.1'), 'TYPE', 'optimizer.lr', 'expected a number > 0, got "0.1"'],
    ['sigmaX negative', (c) => (c.optimizer.sigmaX = -0.1), 'OUT_OF_RANGE', 'optimizer.sigmaX', 'expected a number ≥ 0, got -0.1'],
    ['sigmaY NaN', (c) => (c.optimizer.sigmaY = NaN), 'NOT_FINITE', 'optimizer.sigmaY', 'got NaN'],
    ['sigmaY null', (c) => (c.optimizer.sigmaY = null), 'TYPE', 'optimizer.sigmaY', 'got null'],
    ['neither steps nor schedule', (c) => delete c.optimizer.steps, 'MISSING', 'optimizer.steps', 'give steps (an integer ≥ 1) or schedule'],
    ['both steps and schedule', (c) => (c.optimizer.schedule = [{ steps: 1, scale: 1 }]), 'TYPE', 'optimizer.schedule', 'give either steps or schedule, not both'],
    ['steps 0', (c) => (c.optimizer.steps = 0), 'OUT_OF_RANGE', 'optimizer.steps', 'expected an integer ≥ 1, got 0'],
    ['steps fractional', (c) => (c.optimizer.steps = 10.5), 'NOT_INTEGER', 'optimizer.steps', 'got 10.5'],
    ['steps too many', (c) => (c.optimizer.steps = 2e9), 'OUT_OF_RANGE', 'optimizer.steps', 'at most 1000000000 steps in total, got 2000000000'],
    ['schedule not an array', (c) => schedule(c, { steps: 1, scale: 1 }), 'TYPE', 'optimizer.schedule', 'got an object'],
    ['schedule empty', (c) => schedule(c, []), 'OUT_OF_RANGE', 'optimizer.schedule', 'at least one phase'],
    ['phase not an object', (c) => schedule(c, [{ steps: 1, scale: 1 }, 5]), 'TYPE', 'optimizer.schedule[1]', 'expected a phase { steps, scale }, got 5'],
    ['phase unknown key', (c) => schedule(c, [{ step: 1, scale: 1 }]), 'UNKNOWN_KEY', 'optimizer.schedule[0].step', 'did you mean "steps"?'],
    ['phase steps missing', (c) => schedule(c, [{ scale: 1 }]), 'MISSING', 'optimizer.schedule[0].steps', 'an integer ≥ 1'],
    ['phase steps 0', (c) => schedule(c, [{ steps: 1, scale: 1 }, { steps: 0, scale: 1 }]), 'OUT_OF_RANGE', 'optimizer.schedule[1].steps', 'got 0'],
    ['phase scale missing', (c) => schedule(c, [{ steps: 1 }]), 'MISSING', 'optimizer.schedule[0].scale', 'a number ≥ 0 or a pair [from, to]'],
    ['phase scale negative', (c) => schedule(c, [{ steps: 1, scale: -1 }]), 'OUT_OF_RANGE', 'optimizer.schedule[0].scale', 'expected a number ≥ 0, got -1'],
    ['phase scale NaN', (c) => schedule(c, [{ steps: 1, scale: NaN }]), 'NOT_FINITE', 'optimizer.schedule[0].scale', 'got NaN'],
    ['phase scale string', (c) => schedule(c, [{ steps: 1, scale: 'high' }]), 'TYPE', 'optimizer.schedule[0].scale', 'got "high"'],
    ['phase scale pair of wrong length', (c) => schedule(c, [{ steps: 1, scale: [1, 0.5, 0.1] }]), 'TYPE', 'optimizer.schedule[0].scale', 'got an array of length 3'],
    ['phase scale pair with 0', (c) => schedule(c, [{ steps: 1, scale: 1 }, { steps: 2, scale: [0, 1] }]), 'OUT_OF_RANGE', 'optimizer.schedule[1].scale[0]', 'expected a number > 0, got 0'],
    ['phase scale pair with string', (c) => schedule(c, [{ steps: 2, scale: [1, '0.1'] }]), 'TYPE', 'optimizer.schedule[0].scale[1]', 'got "0.1"'],
    ['schedule too long in total', (c) => schedule(c, [{ steps: 6e8, scale: 1 }, { steps: 6e8, scale: 0 }]), 'OUT_OF_RANGE', 'optimizer.schedule', 'at most 1000000000 steps in total, got 1200000000'],
  ]);

  it('allows gd with sigmaX = sigmaY = 0 (σ only chose the prediction)', () => {
    const out = validateConfig(patched((c) => Object.assign(c.optimizer, { kind: 'gd', sigmaX: 0, sigmaY: 0 })));
    expect(out.optimizer[0].noise).toBeUndefined();
    expect(out.prediction.sigma).toEqual([1, 1]); // a zero σ draws the isotropic prediction
  });

  // A one-sided perturbation has no finite predicted minimum (c = 0 or ∞): an error before the run
  // now (flatmin 0.1 raised it when the run was created, with the same path).
  it.each([
    [0, 0.2, 'optimizer.sigmaX'],
    [0.2, 0, 'optimizer.sigmaY'],
  ])('rejects perturbed-gd with sigmaX = %d, sigmaY = %d', (sigmaX, sigmaY, path) => {
    const e = errorOf(patched((c) => Object.assign(c.optimizer, { kind: 'perturbed-gd', sigmaX, sigmaY })));
    expect([e.code, e.path]).toEqual(['OUT_OF_RANGE', path]);
    expect(e.reason).toContain('both be > 0 or both 0');
  });

  it('allows exactly 1e9 steps', () => {
    expect(validateConfig(patched((c) => (c.optimizer.steps = 1e9))).optimizer).toEqual([{ steps: 1e9, lr: 0.1, scale: 1 }]);
  });
});
