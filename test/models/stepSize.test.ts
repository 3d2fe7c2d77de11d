import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { completionStableStep, completionStepWarnings } from '../../src/models/stepSize.js';
import { run } from '../../src/index.js';

// The 12×8 rank-2 completion problem of the issue: lr 0.01 (a full-loss step size) barely moves.
const completion = (lr: number, steps = 2000) => ({
  problem: {
    kind: 'factorization',
    target: { random: { n: 12, m: 8, singularValues: [3, 2], seed: 1 } },
    rank: 2,
    loss: { kind: 'completion', fraction: 0.6 },
  },
  optimizer: { steps, lr },
  seed: 3,
}) as const;

describe('completion step-size warnings', () => {
  it('the stable step is nm/(2σ₁): 16 for the 12×8 target with σ₁ = 3', () => {
    expect(completionStableStep(12, 8, 3)).toBe(16);
  });

  it('is right about where GD works: far below it barely moves and warns, near it converges silently, far above diverges and warns', async () => {
    const slow = await run(completion(0.01));
    expect(slow.warnings).toHaveLength(1);
    expect(slow.warnings![0]).toMatch(/^optimizer\.lr: lr = 0\.01 is 1600× below the stable step and will barely move: .*lr ≈ 16/);
    expect(slow.history.at(-1)!.loss).toBeGreaterThan(1e-2);

    const good = await run(completion(10));
    expect(good.warnings).toBeUndefined();
    expect(good.history.at(-1)!.loss).toBeLessThan(1e-20);

    const e = await run(completion(40)).then(() => undefined, (err: { code: string; details: { result: { warnings?: string[] } } }) => err);
    expect(e?.code).toBe('DIVERGED');
    expect(e!.details.result.warnings![0]).toMatch(/2\.5× the stable step and is likely to oscillate or diverge/);
  });

  it('names each phase, and says nothing for a zero target or the full loss', () => {
    const field = (i: number) => `optimizer[${i}].lr`;
    expect(completionStepWarnings([0.001, 5, 100], 12, 8, 3, field).map((w) => w.split(':')[0])).toEqual(['optimizer[0].lr', 'optimizer[2].lr']);
    expect(completionStepWarnings([1e-9], 12, 8, 0, field)).toEqual([]);
  });

  it('the CLI prints it on stderr before the run, even with --quiet, and exits 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-warn-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(completion(0.01, 10)));
    const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'run', 'c.json', '--quiet'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^flatmin: warning: optimizer\.lr: lr = 0\.01 is 1600× below the stable step/);
    expect(JSON.parse(r.stdout).warnings).toHaveLength(1);
  });
});
