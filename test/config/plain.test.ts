import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { FlatminError } from '../../src/errors.js';

// Everything that reaches validation is plain data, or a FlatminError with the path of what is not.

const base = () => ({ problem: { target: [[1, 2], [3, 4]], rank: 1 }, optimizer: { steps: 5, lr: 0.1 } }) as Record<string, any>;

function errorOf(raw: unknown): FlatminError {
  try {
    validateConfig(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    return e as FlatminError;
  }
  throw new Error('expected a FlatminError');
}

describe('validateConfig: plain data only', () => {
  it.each<[string, (c: Record<string, any>) => void, string, RegExp]>([
    ['a sparse array', (c) => (c.problem.target[1] = [3, , 4]), 'problem.target[1][1]', /hole in a sparse array/],
    ['a getter that throws', (c) => Object.defineProperty(c.optimizer, 'lr', { enumerable: true, get: () => { throw new Error('boom'); } }), 'optimizer.lr', /reading this value threw: boom/],
    ['a Proxy that throws', (c) => (c.optimizer = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } })), 'optimizer', /cannot list the keys.*trap/],
    ['a function', (c) => (c.optimizer.lr = () => 0.1), 'optimizer.lr', /got a function/],
    ['a BigInt', (c) => (c.optimizer.steps = 5n), 'optimizer.steps', /got a bigint/],
    ['a symbol', (c) => (c.seed = Symbol('s')), 'seed', /got a symbol/],
    ['a cycle', (c) => (c.problem.self = c.problem), 'problem.self', /cycle/],
  ])('%s is a typed error naming it', (_name, patch, path, message) => {
    const c = base();
    patch(c);
    const e = errorOf(c);
    expect([e.code, e.path]).toEqual(['TYPE', path]);
    expect(e.reason).toMatch(message);
  });

  it('a 1 MB unknown key makes a one-line error of bounded length', () => {
    const c = base();
    c['k'.repeat(1_000_000)] = 1;
    const e = errorOf(c);
    expect(e.code).toBe('UNKNOWN_KEY');
    expect(e.message.length).toBeLessThan(300);
  });

  // JSON.parse makes "__proto__" an own key; a copy that assigned it would set the prototype and
  // the validator would never see the key (nor report it).
  it.each([
    ['the top level', (c: Record<string, any>) => c, '__proto__'],
    ['a nested object', (c: Record<string, any>) => c.optimizer, 'optimizer.__proto__'],
  ])('a "__proto__" key at %s is reported as unknown', (_name, at, path) => {
    const c = base();
    Object.defineProperty(at(c), '__proto__', { value: { seed: 5 }, enumerable: true });
    const e = errorOf(JSON.parse(JSON.stringify(c)));
    expect([e.code, e.path]).toEqual(['UNKNOWN_KEY', path]);
  });

  it('typed arrays are read as arrays of numbers', () => {
    const c = base();
    c.problem.target = [Float64Array.of(1, 2), Float64Array.of(3, 4)];
    expect(validateConfig(c).model.kind).toBe('factorization');
  });
});
