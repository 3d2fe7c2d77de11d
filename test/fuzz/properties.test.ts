/**
 * Property tests (fast-check): for random small valid configs of both models the Wasm core and the
 * reference give the same bits, and a checkpoint at a random step resumes to them; for random
 * mutations of valid configs validateConfig returns or throws a FlatminError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/problem.js';
import { validateConfig } from '../../src/config/validate.js';
import { FlatminError } from '../../src/errors.js';
import { divergedResult, Run, run, type Checkpoint, type RunResult } from '../../src/run.js';
import { CLASSES, mutate, VALID } from './mutate.js';

const noise = fc.oneof(
  fc.constant(undefined),
  fc.record({ kind: fc.constant('perturbed'), sigma: fc.double({ min: 0.001, max: 0.05, noNaN: true }) }),
  fc.record({ kind: fc.constant('anticorrelated'), sigma: fc.double({ min: 0.001, max: 0.05, noNaN: true }) }),
  fc.record({ kind: fc.constant('langevin'), temperature: fc.double({ min: 1e-8, max: 1e-4, noNaN: true }) }),
);
const phase = (batched: boolean) =>
  fc.record({
    steps: fc.integer({ min: 1, max: 25 }),
    lr: fc.double({ min: 0.005, max: 0.05, noNaN: true }),
    noise,
    batch: batched ? fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }) : fc.constant(undefined),
  }).map(({ noise: n, batch, ...p }) => ({ ...p, ...(n ? { noise: n } : {}), ...(batch ? { batch } : {}) }));

const common = { seed: fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.string({ maxLength: 4 })), precision: fc.constantFrom('f64', 'f32'), recordEvery: fc.integer({ min: 1, max: 10 }) };

const factorization = fc.record({ n: fc.integer({ min: 2, max: 5 }), m: fc.integer({ min: 2, max: 5 }), rank: fc.integer({ min: 1, max: 3 }), loss: fc.constantFrom('full', 'completion', 'sensing') }).chain(({ n, m, rank, loss }) =>
  fc.record({
    problem: fc.constant({
      target: { random: { n, m, singularValues: [1.5, 0.5].slice(0, Math.min(n, m)), seed: 'p' } }, rank,
      loss: loss === 'full' ? { kind: 'full' } : loss === 'completion' ? { kind: 'completion', fraction: 0.8 } : { kind: 'sensing', measurements: 12 },
    }),
    init: fc.constantFrom({ kind: 'gaussian', imbalance: 2 }, { kind: 'small', scale: 0.1 }),
    optimizer: fc.array(phase(loss !== 'full'), { minLength: 1, maxLength: 2 }),
    ...common,
  }));

const deepLinear = fc.record({ n: fc.integer({ min: 2, max: 4 }), m: fc.integer({ min: 2, max: 4 }) }).chain(({ n, m }) =>
  fc.record({
    problem: fc.constant({ kind: 'sensing', target: { random: { n, m, singularValues: [1, 0.5].slice(0, Math.min(n, m)), seed: 'd' } }, measurements: 10 }),
    model: fc.record({ kind: fc.constant('deep-linear'), depth: fc.integer({ min: 2, max: 3 }), width: fc.integer({ min: 2, max: 4 }), init: fc.constant({ kind: 'gaussian', scale: 0.3 }) }),
    optimizer: fc.array(phase(true), { minLength: 1, maxLength: 2 }),
    lambda: fc.constantFrom(0, 0.01),
    ...common,
  }));

const anyConfig = fc.oneof(factorization, deepLinear);

/** A batch larger than a small random mask observes is refused when the run is built: such draws are skipped. */
async function valid(config: unknown): Promise<boolean> {
  try {
    (await Run.create(config, { backend: 'reference' })).dispose();
    return true;
  } catch (e) {
    if (e instanceof FlatminError && /batch$/.test(e.path)) return false;
    throw e;
  }
}

/** The final state as text (JSON keeps every bit of a finite double; −0 aside, which the iterate never is). */
const finalOf = (r: RunResult) => JSON.stringify([r.steps, r.kind === 'deep-linear' ? r.final.weights : r.final, r.history]);
const settle = (p: Promise<RunResult>) => p.catch(divergedResult);
const withoutTimes = (r: RunResult) => ({ ...r, seconds: 0, microsecondsPerStep: 0, backend: '', config: { ...r.config, backend: '' } });

describe('properties', () => {
  it('random small valid configs: the Wasm core and the reference give the same bits', async () => {
    await fc.assert(
      fc.asyncProperty(anyConfig, async (config) => {
        fc.pre(await valid(config));
        const [w, ref] = await Promise.all([settle(run(config, { backend: 'wasm' })), settle(run(config, { backend: 'reference' }))]);
        expect(finalOf(ref)).toBe(finalOf(w));
        expect(JSON.stringify(withoutTimes(ref))).toBe(JSON.stringify(withoutTimes(w)));
      }),
      { numRuns: 40, seed: 20261129 },
    );
  });

  it('a checkpoint at a random step, through JSON, resumes to the uninterrupted bits (either backend)', async () => {
    await fc.assert(
      fc.asyncProperty(anyConfig, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('wasm', 'reference'), async (config, at, backend) => {
        fc.pre(await valid(config));
        const whole = await settle(run(config));
        const first = await Run.create(config);
        let ck: Checkpoint | undefined;
        try {
          first.advance(Math.floor(at * first.total));
          ck = JSON.parse(JSON.stringify(first.checkpoint())) as Checkpoint;
        } catch (e) {
          divergedResult(e); // diverged before the checkpoint: nothing to resume
        } finally {
          first.dispose();
        }
        if (!ck) return;
        const second = await Run.resume(ck, { backend: backend as 'wasm' | 'reference' });
        try {
          second.advance();
        } catch (e) {
          divergedResult(e);
        }
        const r = second.result();
        second.dispose();
        expect(finalOf(r)).toBe(finalOf(whole));
      }),
      { numRuns: 30, seed: 7 },
    );
  });

  it('random mutations of valid configs: validateConfig returns a config or throws a FlatminError, nothing else', () => {
    const names = Object.keys(VALID);
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom(...CLASSES), fc.integer(), fc.anything({ withBigInt: true, withNullPrototype: true, withSparseArray: true, withObjectString: true }), (name, cls, seed, junk) => {
        const text = mutate(VALID[name], cls, mulberry32(seed));
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          value = junk; // a text mutation: validate arbitrary values instead
        }
        try {
          validateConfig(value);
        } catch (e) {
          if (!(e instanceof FlatminError)) throw new Error(`${name}/${cls}/${seed}: ${String(e)}`);
          expect(e.path).not.toBe('');
        }
      }),
      { numRuns: 600, seed: 3 },
    );
  });
});
