import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/parse.js';
import { validateConfig } from '../../src/config/validate.js';
import { liu2021Configs } from '../../src/experiments/liu2021.js';

// config.schema.json (built by `npm run build` from FlatminConfig in src/config/types.ts) is what
// editors check config files against: every config flatmin runs must pass it, and the README's
// config blocks must pass both it and the validator, as written (JSONC).

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const schema = JSON.parse(readFileSync(`${ROOT}config.schema.json`, 'utf8'));
const check = new Ajv({ allErrors: true, strict: false }).compile(schema);
const valid = (c: unknown) => (check(c) ? 'ok' : JSON.stringify(check.errors?.slice(0, 3)));

/** The README's ```jsonc blocks that are configs (they have an optimizer), or a sweep spec's base config. */
function readmeConfigs(): string[] {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  return [...readme.matchAll(/```jsonc\n([\s\S]*?)```/g)].map((m) => m[1]).filter((t) => t.includes('"optimizer"'));
}

describe('config.schema.json', () => {
  it('is generated from the input types, with their doc comments', () => {
    for (const name of ['FlatminConfig', 'FactorizationInput', 'DeepLinearInput', 'PhaseInput', 'NoiseInput', 'LegacyFactorizationOptimizer'])
      expect(schema.definitions[name], name).toBeDefined();
    expect(schema.definitions.PhaseInput.properties.steps).toMatchObject({ type: 'integer', minimum: 1 });
    expect(schema.definitions.PhaseInput.properties.lr.description).toMatch(/Step size/);
  });

  it('accepts every form flatmin runs: the main job, the 0.1 forms, phases of both models, $schema', () => {
    for (const { config } of liu2021Configs()) expect(valid(config)).toBe('ok');
    const deep = {
      $schema: './node_modules/flatmin/config.schema.json',
      problem: { kind: 'completion', fixture: 'dln-D2' }, model: { kind: 'deep-linear', depth: 3, width: 20 },
      optimizer: [{ steps: 10, lr: 0.05, batch: 1, noise: { kind: 'perturbed', sigma: [0.01, 0.01, 0.01] }, scale: [1, 0.1] }, { kind: 'gd', lr: 0.05, steps: 5 }],
      precision: 'f32',
    };
    expect(valid(deep)).toBe('ok');
    expect(() => validateConfig(deep)).not.toThrow();
    const legacy = { problem: { target: [[1, 2], [3, 4]], rank: 1 }, optimizer: { kind: 'perturbed-gd', lr: 0.1, sigmaX: 0.1, schedule: [{ steps: 5, scale: [1, 0.5] }] } };
    expect(valid(legacy)).toBe('ok');
  });

  it.each([
    ['an unknown key', { problem: { target: [[1]], rank: 1 }, optimizer: { steps: 1, lr: 0.1 }, recordevery: 1 }],
    ['a string lr', { problem: { target: [[1]], rank: 1 }, optimizer: { steps: 1, lr: '0.1' } }],
    ['an unknown noise kind', { problem: { target: [[1]], rank: 1 }, optimizer: { steps: 1, lr: 0.1, noise: { kind: 'pertubed', sigma: 1 } } }],
    ['a fractional step count', { problem: { target: [[1]], rank: 1 }, optimizer: { steps: 1.5, lr: 0.1 } }],
  ])('rejects %s, as the validator does', (_name, config) => {
    expect(valid(config)).not.toBe('ok');
    expect(() => validateConfig(config)).toThrow();
  });

  it('the README config blocks pass the schema and the validator as written (JSONC)', () => {
    const blocks = readmeConfigs();
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const text of blocks) {
      const parsed = parseConfigText(text, 'README.md') as Record<string, unknown>;
      const config = 'base' in parsed ? parsed.base : parsed;
      expect(valid(config)).toBe('ok');
      expect(() => validateConfig(config)).not.toThrow();
    }
  });
});
