import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';

// The symmetric model's config: defaults filled in, bad input named by its field.

const base = () => ({
  model: { kind: 'symmetric', rank: 2 },
  problem: { target: [[2, 1], [1, 2]] },
  optimizer: { steps: 10, lr: 0.1 },
});

describe('symmetric config', () => {
  it('fills the defaults: init scale 1e-3, the full loss, λ = 0, σ one number for the one block', () => {
    const cfg = validateConfig({ ...base(), optimizer: { steps: 10, lr: 0.1, noise: { kind: 'perturbed', sigma: 0.1 } } });
    expect(cfg).toMatchObject({ model: { kind: 'symmetric', rank: 2, init: { scale: 1e-3 } }, problem: { loss: { kind: 'full' }, lambda: 0 } });
    expect(cfg.optimizer[0].noise).toEqual({ kind: 'perturbed', sigma: [0.1] });
  });

  it.each([
    ['a non-symmetric target', { problem: { target: [[2, 1], [0, 2]] } }, 'problem.target[1][0]'],
    ['a non-square target', { problem: { target: [[2, 1, 0], [1, 2, 0]] } }, 'problem.target'],
    ['rank 0', { model: { kind: 'symmetric', rank: 0 } }, 'model.rank'],
    ['a non-positive init scale', { model: { kind: 'symmetric', rank: 2, init: { scale: 0 } } }, 'model.init.scale'],
    ['no eigenvalue', { problem: { target: { random: { n: 4, eigenvalues: [], seed: 1 } } } }, 'problem.target.random.eigenvalues'],
    ['a negative eigenvalue', { problem: { target: { random: { n: 4, eigenvalues: [1, -1], seed: 1 } } } }, 'problem.target.random.eigenvalues[1]'],
    ['two σ for one block', { optimizer: { steps: 10, lr: 0.1, noise: { kind: 'perturbed', sigma: [0.1, 0.1] } } }, 'optimizer.noise.sigma'],
    ['a batch on the full target', { optimizer: { steps: 10, lr: 0.1, batch: 2 } }, 'optimizer.batch'],
    ['a misspelt key', { problem: { target: [[1]], los: { kind: 'full' } } }, 'problem.los'],
  ])('rejects %s, naming the field', (_what, over, path) => {
    expect(() => validateConfig({ ...base(), ...over })).toThrow(expect.objectContaining({ path }));
  });
});
