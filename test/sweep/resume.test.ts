import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flatminBin, sweep, tempDir, twoFactorSpec } from './helpers.js';

const finished = (dir: string) => readdirSync(join(dir, 'runs')).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();

describe('a killed sweep', () => {
  it('re-run with the same command skips the runs it finished and ends byte-identical to an uninterrupted one', async () => {
    const dir = tempDir();
    const spec = join(dir, 'spec.json');
    // 12 runs of ~0.1 s each on one worker: time to kill it half-way.
    writeFileSync(spec, JSON.stringify(twoFactorSpec(60_000)));
    const bin = join(flatminBin(dir), 'flatmin');
    const out = join(dir, 'out');
    const child = spawn(bin, ['sweep', spec, '--out', out, '--workers', '1'], { stdio: 'ignore' });
    const t0 = Date.now();
    // Real SIGKILL of the real process, mid-sweep: no handler runs, in-flight runs are lost.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        let n = 0;
        try {
          n = finished(out).length;
        } catch {
          // runs/ not created yet
        }
        if (n >= 3) {
          clearInterval(poll);
          child.kill('SIGKILL');
          resolve();
        } else if (Date.now() - t0 > 30_000 || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`the sweep finished ${n} runs before it could be killed`));
        }
      }, 5);
    });
    await new Promise((r) => child.once('exit', r));
    const before = finished(out);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(12);
    const stamps = before.map((f) => statSync(join(out, 'runs', f)).mtimeMs);
    const texts = before.map((f) => readFileSync(join(out, 'runs', f), 'utf8'));

    const again = spawnSync(bin, ['sweep', spec, '--out', out, '--workers', '1'], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain(`12 of 12 runs; ${before.length} already done, ${12 - before.length} to run on 1 worker`);
    expect(finished(out).length).toBe(12);
    // The runs done before the kill were not redone.
    before.forEach((f, i) => {
      expect(statSync(join(out, 'runs', f)).mtimeMs).toBe(stamps[i]);
      expect(readFileSync(join(out, 'runs', f), 'utf8')).toBe(texts[i]);
    });

    const whole = await sweep([spec, '--out', join(dir, 'whole'), '--workers', '2', '--quiet']);
    expect(whole.code).toBe(0);
    expect(readFileSync(join(out, 'runs.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'whole', 'runs.jsonl'), 'utf8'));
  }, 120_000);
});
