/**
 * Completion on a factored target (target.factors or random.factored) from a config: the observed
 * values are the factors' entries at Ω (the dense target's bits when the singular values are
 * non-increasing), the run is the dense completion run's bits from the same Ω and init, reference
 * = Wasm bits, a checkpoint resumes to the same bits, the held-out error from the factors equals
 * the entry-by-entry one, the step-size warning still fires, and the validator names what does
 * not apply.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { FlatminError } from '../../src/errors.js';
import { Run, run as runAny, type Checkpoint, type FactorizationResult } from '../../src/run.js';
import { buildFactoredTarget, buildTarget } from '../../src/problems/factorization.js';
import { fractionObserved } from '../../src/problems/observed.js';
import { lowRankEntries, lowRankHeldOutError } from '../../src/linalg/lowRank.js';
import { endToEnd } from '../../src/problems/losses.js';
import { testError } from '../../src/diagnostics/completion.js';
import { fromRows } from '../../src/linalg/matrix.js';
import { expectError, lcg } from '../helpers.js';

const run = (cfg: unknown, o: Parameters<typeof runAny>[1]) => runAny(cfg, o) as Promise<FactorizationResult>;

const random = (singularValues: number[], factored: boolean) => ({ random: { n: 14, m: 11, singularValues, seed: 'fc', ...(factored ? { factored } : {}) } });
const fraction = { kind: 'completion', fraction: 0.4 };
const base = (target: unknown, extra: Record<string, unknown> = {}, optimizer: unknown = [
  { steps: 30, lr: 5, noise: { kind: 'perturbed', sigma: 0.01 } },
  { steps: 20, lr: 3, batch: 16, noise: { kind: 'label', sigma: 0.01 } },
  { steps: 10, lr: 3, batch: 8, noise: { kind: 'anticorrelated', sigma: 0.01 } },
]) => ({
  problem: { target, rank: 3, loss: fraction, ...extra },
  init: { kind: 'gaussian', scale: 0.3 }, // given: the dense path's balanced scale sums ‖M‖ in another order
  optimizer,
  seed: 5,
  recordEvery: 10,
});

describe('factored completion: the observed values', () => {
  it('are the dense target entries at Ω, bit for bit, when the singular values are non-increasing', () => {
    for (const s of [[3, 2, 1], [2, 2, 0.5, 0.5]]) {
      const dense = buildTarget({ target: random(s, false) }).M.data;
      const { factors } = buildFactoredTarget({ target: random(s, true) });
      const index = fractionObserved(14 * 11, 0.4, 5);
      expect(Array.from(lowRankEntries(factors, index))).toEqual(Array.from(index, (e) => dense[e]));
    }
  });

  it('agree to rounding otherwise (the factors are sorted by σ, so c runs in another order)', () => {
    const dense = buildTarget({ target: random([1, 3, 2], false) }).M.data;
    const { factors } = buildFactoredTarget({ target: random([1, 3, 2], true) });
    const index = Int32Array.from({ length: 14 * 11 }, (_, e) => e);
    lowRankEntries(factors, index).forEach((v, e) => expect(Math.abs(v - dense[e])).toBeLessThan(4e-16 * 3));
  });
});

describe('factored completion runs', () => {
  it('are the dense completion run of the same target bit for bit (same Ω, values, init), warnings included', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const f = await run({ ...base(random([3, 2, 1], true)), precision }, { backend: 'wasm' });
      const d = await run({ ...base(random([3, 2, 1], false)), precision }, { backend: 'wasm' });
      expect(f.history).toEqual(d.history);
      expect(f.final).toEqual(d.final);
      expect(f.warnings).toEqual(d.warnings);
      expect(Math.abs(f.heldOutError! - d.heldOutError!)).toBeLessThan(1e-12 * d.heldOutError!);
      expect(f.history[f.history.length - 1].loss).toBeLessThan(f.history[0].loss / 10);
    }
  });

  it('reference = Wasm, bit for bit (f64 and f32, GD, batch SGD with label and anticorrelated noise, ridge)', async () => {
    for (const precision of ['f64', 'f32'] as const) {
      const cfg = { ...base(random([3, 2, 1], true), { lambda: 1e-3 }), precision };
      const w = await run(cfg, { backend: 'wasm' });
      const r = await run(cfg, { backend: 'reference' });
      expect(r.history).toEqual(w.history);
      expect(r.final).toEqual(w.final);
      expect(r.heldOutError).toBe(w.heldOutError);
    }
  });

  it('a checkpoint resumes to the bits of the uninterrupted run', async () => {
    const cfg = base(random([3, 2, 1], true));
    const whole = await run(cfg, { backend: 'wasm' });
    const r = await Run.create(cfg, { backend: 'wasm' });
    r.advance(37); // inside the label-noise batch phase
    const ck = JSON.parse(JSON.stringify(r.checkpoint())) as Checkpoint;
    r.dispose();
    const resumed = await Run.resume(ck, { backend: 'reference' });
    resumed.advance();
    const res = resumed.result() as FactorizationResult;
    expect(res.history).toEqual(whole.history);
    expect(res.final).toEqual(whole.final);
  });

  it('the held-out error from the factors equals the entry-by-entry error over Ωᶜ', async () => {
    const res = await run(base(random([3, 2, 1], true)), { backend: 'reference' });
    const theta = Float64Array.from([...res.final.X.flat(), ...res.final.Y.flat()]);
    const M = buildTarget({ target: random([3, 2, 1], false) }).M.data;
    const mask = new Float64Array(14 * 11);
    const index = fractionObserved(14 * 11, 0.4, 5);
    index.forEach((e) => (mask[e] = 1));
    const direct = testError(endToEnd(new Float64Array(14 * 11), theta, 14, 11, 3), M, mask);
    expect(res.heldOutError).toBeGreaterThan(0);
    expect(Math.abs(res.heldOutError! - direct)).toBeLessThan(1e-12 * direct + 1e-14);
    // Ωᶜ empty: nothing to measure.
    const { factors } = buildFactoredTarget({ target: random([3, 2, 1], true) });
    expect(lowRankHeldOutError(theta, factors, 3, Int32Array.from({ length: 14 * 11 }, (_, e) => e))).toBeNaN();
  });

  it('observations lists: the values are the data, the factors the truth (the dense path with the same lists, bit for bit)', async () => {
    const rnd = lcg(3);
    const A = Array.from({ length: 7 }, () => [rnd(), rnd()]);
    const B = Array.from({ length: 6 }, () => [rnd(), rnd()]);
    const M = A.map((a) => B.map((b) => a[0] * b[0] + a[1] * b[1]));
    const cells = Array.from({ length: 42 }, (_, e) => e).filter((e) => e % 3 !== 1).reverse(); // any order
    const observations = { rows: cells.map((e) => Math.floor(e / 6)), cols: cells.map((e) => e % 6), values: cells.map((e) => M[Math.floor(e / 6)][e % 6] + 0.01) };
    const opt = { steps: 40, lr: 5, batch: 10 };
    const cfg = (target: unknown) => base(target, { loss: { kind: 'completion', observations }, rank: 2 }, opt);
    const f = await run(cfg({ factors: { A, B } }), { backend: 'wasm' });
    const d = await run(cfg(M), { backend: 'wasm' });
    expect(f.history).toEqual(d.history);
    expect(f.final).toEqual(d.final);
    expect(f.heldOutError).toBeGreaterThan(0);
    expect(f.distances.residual).toBeCloseTo(d.distances.residual, 10);
  });

  it('the step-size warning uses σ₁ from the factors', async () => {
    const r = await Run.create(base(random([3, 2, 1], true), {}, { steps: 1, lr: 0.01 }), { backend: 'reference' });
    expect(r.warnings.join('\n')).toMatch(/optimizer\.lr: lr = 0\.01 is \d+× below the stable step/);
    r.dispose();
  });
});

describe('factored completion config', () => {
  it('accepts fraction and observations with factors or random.factored; refuses a mask, sensing, curvature; label noise only with completion', () => {
    const A = [[1, 0], [0, 1], [1, 1]];
    const B = [[2, 0], [0, 1], [1, -1]];
    expect(() => validateConfig(base({ factors: { A, B } }))).not.toThrow();
    expect(() => validateConfig(base({ factors: { A, B } }, { loss: { kind: 'completion', observations: { rows: [0, 2], cols: [1, 0], values: [1, 2] } } }, { steps: 5, lr: 1 }))).not.toThrow();
    expectError(base({ factors: { A, B } }, { loss: { kind: 'completion', mask: [[1, 0, 1], [0, 1, 0], [1, 1, 0]] } }), 'problem.loss.mask', /fraction or observations/);
    expectError(base(random([1], true), { loss: { kind: 'sensing', measurements: 3 } }), 'problem.loss.kind', /full or completion loss/);
    expectError({ ...base({ factors: { A, B } }), diagnostics: { curvature: { top: 2 } } }, 'diagnostics.curvature', /not available for a factored target/);
    expectError(base({ factors: { A, B } }, { loss: { kind: 'full' } }, { steps: 5, lr: 0.1, noise: { kind: 'label', sigma: 0.1 } }), 'optimizer.noise.kind', /label noise on the full loss/);
    expectError(base({ factors: { A, B } }, { loss: { kind: 'completion', observations: { rows: [0, 0], cols: [1, 1], values: [1, 2] } } }), 'problem.loss.observations.rows[1]', /given twice/);
    expectError(base({ factors: { A, B } }, { loss: { kind: 'completion', observations: { rows: [0, 3], cols: [1, 1], values: [1, 2] } } }), 'problem.loss.observations.rows[1]', /\[0, 3\)/);
  });

  it('too large: n·m beyond Int32 flat indices is a config error; lists beyond the heap fail before Ω is drawn', async () => {
    const big = (n: number, f: number) => base({ random: { n, m: n, singularValues: [1], seed: 'b', factored: true } }, { loss: { kind: 'completion', fraction: f } }, { steps: 1, lr: 1 });
    expectError(big(50_000, 0.01), 'problem.loss', /flat index i·m \+ j < 2³¹/);
    const t0 = performance.now();
    await expect(Run.create(big(40_000, 0.5), { backend: 'reference' })).rejects.toMatchObject({ path: 'problem.rank', message: expect.stringMatching(/does not fit/) });
    expect(performance.now() - t0).toBeLessThan(2000); // drawing 1.6·10⁹ mask entries would take minutes
  });

  it('a batch larger than the drawn Ω is refused when the run is built, naming the field', async () => {
    await expect(Run.create(base(random([3, 2, 1], true), {}, [{ steps: 3, lr: 1, batch: 10_000 }]), { backend: 'reference' })).rejects.toMatchObject({ path: 'optimizer.batch' });
  });
});
