import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The built package (pretest builds it): the worker script must exist as JavaScript to be spawned.
import { runEnsemble } from '../../dist/node.js';
import { sweep, tempDir, twoFactorSpec } from './helpers.js';

describe('runEnsemble (the library form of flatmin sweep)', () => {
  it("gives the CLI's records byte for byte, in canonical order, with progress and statistics", async () => {
    const spec = twoFactorSpec(2000);
    const seen: number[] = [];
    const e = await runEnsemble(spec, { workers: 2, flatmin: '0.1.0', onProgress: (p) => seen.push(p.done) });
    expect(seen).toEqual([...Array(12).keys()].map((i) => i + 1));
    expect(e.records.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(e.stats.points.map((p) => [p.point, p.runs, p.events.reachedC2?.n])).toEqual(e.sweep.points.map((p) => [p.key, 3, 3]));

    const dir = tempDir();
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    expect((await sweep([join(dir, 'spec.json'), '--out', join(dir, 'o'), '--workers', '1', '--quiet'])).code).toBe(0);
    expect(e.records.map((r) => `${JSON.stringify(r)}\n`).join('')).toBe(readFileSync(join(dir, 'o', 'runs.jsonl'), 'utf8'));
  });

  it('stops every worker when its signal aborts, rejecting with the reason', async () => {
    const ac = new AbortController();
    // 12 runs of 10⁶ steps: seconds of work per worker when the abort comes.
    const run = runEnsemble(twoFactorSpec(1_000_000), { workers: 2, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('enough')), 300);
    await expect(run).rejects.toThrow('enough');
    // Terminated workers use no CPU; two still running would use up to 2 s of it in this second.
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1000));
    const cpu = process.cpuUsage(cpu0);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(200);
  });

  it('rejects a bad spec before any worker starts', async () => {
    await expect(runEnsemble({ ...twoFactorSpec(), seeds: 0 })).rejects.toMatchObject({ name: 'FlatminError', path: 'seeds' });
  });
});
