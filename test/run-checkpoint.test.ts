/**
 * Checkpoint integrity (src/checkpoint.ts): every field is hashed when written, so a field edited
 * or damaged afterwards is refused as `resume.<field>`; NaN/Inf anywhere in the state is a corrupt
 * checkpoint, never advice to lower the step size. And divergence is judged relative to the
 * problem's scale with a floor: targets of 0 or 1e-320 run clean.
 */
import { describe, expect, it } from 'vitest';
import { Run, run, type Checkpoint } from '../src/run.js';
import { fieldHash } from '../src/checkpoint.js';

/** Two-factor completion with minibatches and anticorrelated noise: every optional field is present. */
const config = {
  problem: { target: { random: { n: 6, m: 5, singularValues: [2, 1], seed: 'ck' } }, rank: 2, loss: { kind: 'completion', fraction: 0.8 } },
  optimizer: [{ steps: 60, lr: 0.2, batch: 5, noise: { kind: 'anticorrelated', sigma: 0.02 } }],
  seed: 7,
  recordEvery: 10,
};

async function checkpointAt(step: number): Promise<Checkpoint> {
  const r = await Run.create(config, { backend: 'reference' });
  r.advance(step);
  const ck = JSON.parse(JSON.stringify(r.checkpoint())) as Checkpoint;
  r.dispose();
  return ck;
}

/** A change to one field that keeps its structure valid (so only the hash can tell). */
const TAMPER: Record<string, (c: Checkpoint) => void> = {
  step: (c) => void (c.step -= 10),
  scale: (c) => void (c.scale = 0.5),
  theta: (c) => void (c.theta = c.theta.slice(0, 10) + (c.theta[10] === 'A' ? 'B' : 'A') + c.theta.slice(11)),
  rng: (c) => void (c.rng[3] ^= 1),
  prevNoise: (c) => void (c.prevNoise = c.prevNoise!.slice(0, 10) + (c.prevNoise![10] === 'A' ? 'B' : 'A') + c.prevNoise!.slice(11)),
  sampler: (c) => void (c.sampler!.pos = (c.sampler!.pos + 1) % c.sampler!.order.length),
  history: (c) => void ((c.history[1] as { loss: number }).loss *= 2),
  config: (c) => void ((c.config as { recordEvery: number }).recordEvery = 20),
};

describe('checkpoint integrity', () => {
  it('an intact checkpoint, through JSON, resumes to the bits of the uninterrupted run', async () => {
    const whole = await run(config, { backend: 'reference' });
    const ck = await checkpointAt(33);
    expect(Object.keys(ck.hashes!).sort()).toEqual(Object.keys(TAMPER).sort());
    const r = await Run.resume(ck);
    r.advance();
    expect(JSON.stringify(Array.from(r.theta()))).toBe(JSON.stringify(Array.from(whole.kind === 'factorization' ? [...whole.final.X.flat(), ...whole.final.Y.flat()] : [])));
    r.dispose();
  });

  it.each(Object.keys(TAMPER))('a checkpoint whose %s was edited is refused as resume.%s (CORRUPT)', async (field) => {
    const ck = await checkpointAt(33);
    TAMPER[field](ck);
    await expect(Run.resume(ck)).rejects.toMatchObject({ code: 'CORRUPT', path: `resume.${field}` });
    await expect(Run.create(config, { resume: ck })).rejects.toMatchObject({ code: 'CORRUPT', path: `resume.${field}` });
  });

  it('a deleted field or hash is refused; a hand-made checkpoint without hashes is still read', async () => {
    const ck = await checkpointAt(20);
    await expect(Run.resume({ ...ck, prevNoise: undefined })).rejects.toMatchObject({ path: 'resume.prevNoise' });
    await expect(Run.resume({ ...ck, hashes: { ...ck.hashes, sampler: undefined } })).rejects.toMatchObject({ code: 'CORRUPT', path: 'resume.sampler' });
    await expect(Run.resume({ ...ck, hashes: 'x' as never })).rejects.toMatchObject({ code: 'TYPE', path: 'resume.hashes' });
    const r = await Run.resume({ ...ck, hashes: undefined });
    expect(r.done).toBe(20);
    r.dispose();
  });

  it('NaN or Infinity anywhere in the state is a corrupt checkpoint, not a step-size problem', async () => {
    const ck = await checkpointAt(20);
    // The same NaN the hash would also catch: rehash, so the finiteness check itself is what refuses it.
    const rehashed = (c: Checkpoint): Checkpoint => ({ ...c, hashes: Object.fromEntries(Object.keys(c.hashes!).map((f) => [f, fieldHash(c[f as keyof Checkpoint])])) });
    const nanTheta = btoa(String.fromCharCode(...new Uint8Array(new Float64Array([NaN, ...new Float64Array(21)]).buffer)));
    const e = await Run.resume(rehashed({ ...ck, theta: nanTheta })).catch((x) => x);
    expect(e).toMatchObject({ code: 'CORRUPT', path: 'resume.theta' });
    expect(e.message).toMatch(/corrupt checkpoint.*a smaller lr will not help/);
    expect(e.message).not.toMatch(/lr = /);
    const nanNoise = btoa(String.fromCharCode(...new Uint8Array(new Float64Array(22).fill(Infinity).buffer)));
    await expect(Run.resume(rehashed({ ...ck, prevNoise: nanNoise }))).rejects.toMatchObject({ code: 'CORRUPT', path: 'resume.prevNoise' });
    const history = ck.history.map((h) => ({ ...h }));
    (history[1] as { loss: number }).loss = NaN;
    await expect(Run.resume(rehashed({ ...ck, history }))).rejects.toMatchObject({ code: 'CORRUPT', path: 'resume.history[1].loss' });
  });
});

describe('divergence is relative to the problem, with a floor', () => {
  const tiny = (v: number) => ({
    problem: { target: [[v, 0, 0], [0, v, 0], [0, 0, 0], [v, 0, v]], rank: 2 },
    optimizer: [{ steps: 300, lr: 0.05, noise: { kind: 'perturbed', sigma: [0.01, 0.01] } }, { steps: 100, lr: 0.05 }],
    seed: 3,
  });
  it.each([0, 1e-320, 1e-300])('a target of %s runs clean on both backends (no false divergence)', async (v) => {
    for (const backend of ['wasm', 'reference'] as const) {
      const r = await run(tiny(v), { backend });
      expect(r.diverged).toBeUndefined();
      expect(r.steps).toBe(400);
      expect(r.history.every((h) => Number.isFinite(h.loss))).toBe(true);
    }
  });
  it('a large target with too large a step still diverges, with a DIVERGED error naming the phase lr', async () => {
    const big = { ...tiny(1e3), optimizer: [{ steps: 30, lr: 1e-6 }, { steps: 300, lr: 0.5 }] };
    await expect(run(big)).rejects.toMatchObject({ code: 'DIVERGED', path: 'optimizer[1].lr' });
  });
});
