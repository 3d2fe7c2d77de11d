import { describe, expect, it } from 'vitest';
import { validateConfig as validateAny } from '../../src/config/validate.js';
import type { FactorizationConfig } from '../../src/config/types.js';
import { FlatminError, type FlatminErrorCode } from '../../src/errors.js';

// The two-factor config's losses, ridge and noise kinds: valid forms normalize as documented,
// bad ones are typed errors naming the field (the conventions of validate.test.ts).

type Cfg = Record<string, any>;

const validateConfig = (raw: unknown) => validateAny(raw) as FactorizationConfig;

function base(): Cfg {
  return {
    problem: { target: [[1, 2, 3], [4, 5, 6]], rank: 2 },
    optimizer: { kind: 'gd', lr: 0.1, steps: 100 },
  };
}

function errorOf(patch: (c: Cfg) => void): FlatminError {
  const c = base();
  patch(c);
  try {
    validateConfig(c);
  } catch (e) {
    if (e instanceof FlatminError) return e;
    throw e;
  }
  throw new Error('expected validateConfig to throw');
}

describe('validateConfig: losses, ridge, noise kinds (valid)', () => {
  it('normalizes each loss kind, λ and the Langevin temperature', () => {
    const c = base();
    c.problem.loss = { kind: 'completion', mask: [[1, 0, 1], [0, 1, 1]] };
    c.problem.lambda = 0.01;
    c.optimizer = { kind: 'langevin', lr: 0.01, temperature: 1e-4, steps: 10 };
    const out = validateConfig(c);
    expect(out.problem.loss).toEqual({ kind: 'completion', mask: [[1, 0, 1], [0, 1, 1]] });
    expect(out.problem.lambda).toBe(0.01);
    expect(out.optimizer).toEqual([{ steps: 10, lr: 0.01, noise: { kind: 'langevin', temperature: 1e-4 }, scale: 1 }]);
    c.problem.loss = { kind: 'sensing', measurements: 12 };
    expect(validateConfig(c).problem.loss).toEqual({ kind: 'sensing', measurements: 12 });
    c.problem.loss = { kind: 'sensing', measurements: { count: 12, nonzeros: 6 } }; // sparse: s ≤ n·m = 6
    expect(validateConfig(c).problem.loss).toEqual({ kind: 'sensing', measurements: { count: 12, nonzeros: 6 } });
    c.problem.loss = { kind: 'sensing', measurements: { count: 2e7, nonzeros: 1 } }; // N·s = 2e7 entries fit…
    expect(validateConfig(c).problem.loss).toEqual({ kind: 'sensing', measurements: { count: 2e7, nonzeros: 1 } });
    c.problem.loss = { kind: 'sensing', measurements: 2e7 }; // … N·n·m = 1.2e8 dense ones do not
    expect(() => validateConfig(c)).toThrow(/120000000 entries; at most 100000000/);
    c.problem.loss = { kind: 'completion', fraction: 0.5 };
    expect(validateConfig(c).problem.loss).toEqual({ kind: 'completion', fraction: 0.5 });
    c.optimizer = { kind: 'anticorrelated-gd', lr: 0.01, sigmaX: 0.2, steps: 10 };
    expect(validateConfig(c).optimizer[0].noise).toEqual({ kind: 'anticorrelated', sigma: [0.2, 0.1] });
    expect(validateConfig(c).prediction.sigma).toEqual([0.2, 0.1]);
  });
});

describe('validateConfig: losses, ridge, noise kinds (typed errors)', () => {
  const cases: Array<[string, (c: Cfg) => void, FlatminErrorCode, string, string]> = [
    ['λ not finite', (c) => (c.problem.lambda = Infinity), 'NOT_FINITE', 'problem.lambda', 'finite'],
    ['λ NaN', (c) => (c.problem.lambda = NaN), 'NOT_FINITE', 'problem.lambda', 'NaN'],
    ['λ negative', (c) => (c.problem.lambda = -0.1), 'OUT_OF_RANGE', 'problem.lambda', '≥ 0'],
    ['λ a string', (c) => (c.problem.lambda = '0.1'), 'TYPE', 'problem.lambda', 'got "0.1"'],
    ['temperature not finite', (c) => (c.optimizer = { kind: 'langevin', lr: 0.1, temperature: Infinity, steps: 1 }), 'NOT_FINITE', 'optimizer.temperature', 'Infinity'],
    ['temperature negative', (c) => (c.optimizer = { kind: 'langevin', lr: 0.1, temperature: -1, steps: 1 }), 'OUT_OF_RANGE', 'optimizer.temperature', '≥ 0'],
    ['temperature missing', (c) => (c.optimizer = { kind: 'langevin', lr: 0.1, steps: 1 }), 'MISSING', 'optimizer.temperature', 'temperature'],
    ['temperature on gd', (c) => (c.optimizer.temperature = 1), 'UNKNOWN_KEY', 'optimizer.temperature', '"langevin" only'],
    ['optimizer kind misspelt', (c) => (c.optimizer.kind = 'langevn'), 'UNKNOWN_KIND', 'optimizer.kind', 'did you mean "langevin"?'],
    ['anticorrelated misspelt', (c) => (c.optimizer.kind = 'anticorelated-gd'), 'UNKNOWN_KIND', 'optimizer.kind', 'did you mean "anticorrelated-gd"?'],
    ['loss kind misspelt', (c) => (c.problem.loss = { kind: 'sensng', measurements: 3 }), 'UNKNOWN_KIND', 'problem.loss.kind', 'did you mean "sensing"?'],
    ['loss key of another kind', (c) => (c.problem.loss = { kind: 'full', measurements: 3 }), 'UNKNOWN_KEY', 'problem.loss.measurements', 'loss kind "full"'],
    ['loss key misspelt', (c) => (c.problem.loss = { kind: 'sensing', measurement: 3 }), 'UNKNOWN_KEY', 'problem.loss.measurement', 'did you mean "measurements"?'],
    ['measurements missing', (c) => (c.problem.loss = { kind: 'sensing' }), 'MISSING', 'problem.loss.measurements', 'integer ≥ 1'],
    ['measurements 0', (c) => (c.problem.loss = { kind: 'sensing', measurements: 0 }), 'OUT_OF_RANGE', 'problem.loss.measurements', '≥ 1'],
    ['measurements a string', (c) => (c.problem.loss = { kind: 'sensing', measurements: '3' }), 'TYPE', 'problem.loss.measurements', 'integer ≥ 1'],
    ['sparse nonzeros above n·m', (c) => (c.problem.loss = { kind: 'sensing', measurements: { count: 3, nonzeros: 7 } }), 'OUT_OF_RANGE', 'problem.loss.measurements.nonzeros', 'expected an integer in 1 … 6'],
    ['sparse nonzeros 0', (c) => (c.problem.loss = { kind: 'sensing', measurements: { count: 3, nonzeros: 0 } }), 'OUT_OF_RANGE', 'problem.loss.measurements.nonzeros', '≥ 1'],
    ['sparse count fractional', (c) => (c.problem.loss = { kind: 'sensing', measurements: { count: 2.5, nonzeros: 2 } }), 'NOT_INTEGER', 'problem.loss.measurements.count', 'integer ≥ 1'],
    ['sparse count missing', (c) => (c.problem.loss = { kind: 'sensing', measurements: { nonzeros: 2 } }), 'MISSING', 'problem.loss.measurements.count', 'integer ≥ 1'],
    ['sparse key misspelt', (c) => (c.problem.loss = { kind: 'sensing', measurements: { count: 3, nonzero: 2 } }), 'UNKNOWN_KEY', 'problem.loss.measurements.nonzero', 'did you mean "nonzeros"?'],
    ['sparse memory counts N·s', (c) => (c.problem.loss = { kind: 'sensing', measurements: { count: 3e7, nonzeros: 4 } }), 'OUT_OF_RANGE', 'problem.loss.measurements', 'hold 120000000 entries'],
    ['mask shape', (c) => (c.problem.loss = { kind: 'completion', mask: [[1, 1], [1, 0]] }), 'SHAPE', 'problem.loss.mask', 'expected 2×3 like the target, got 2×2'],
    ['mask nothing observed', (c) => (c.problem.loss = { kind: 'completion', mask: [[0, 0, 0], [0, 0, 0]] }), 'OUT_OF_RANGE', 'problem.loss.mask', 'no entry is observed'],
    ['mask entry not 0/1', (c) => (c.problem.loss = { kind: 'completion', mask: [[1, 0.5, 1], [0, 1, 1]] }), 'OUT_OF_RANGE', 'problem.loss.mask[0][1]', 'got 0.5'],
    ['mask and fraction', (c) => (c.problem.loss = { kind: 'completion', mask: [[1, 1, 1], [1, 1, 1]], fraction: 0.5 }), 'TYPE', 'problem.loss.fraction', 'not both'],
    ['fraction above 1', (c) => (c.problem.loss = { kind: 'completion', fraction: 1.5 }), 'OUT_OF_RANGE', 'problem.loss.fraction', '(0, 1]'],
    ['fraction 0', (c) => (c.problem.loss = { kind: 'completion', fraction: 0 }), 'OUT_OF_RANGE', 'problem.loss.fraction', '> 0'],
  ];
  it.each(cases)('%s', (_name, patch, code, path, fragment) => {
    const e = errorOf(patch);
    expect({ code: e.code, path: e.path }).toEqual({ code, path });
    expect(e.reason).toContain(fragment);
  });
});
