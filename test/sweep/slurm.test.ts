/**
 * The cluster test, on a real Slurm (test/sweep/slurm.ts): a sweep submitted as a 4-task
 * array with the script `flatmin sweep emit --slurm` prints, one task cancelled half-way with
 * scancel and resubmitted alone (where Slurm says SLURM_ARRAY_TASK_COUNT=1), then merged — and the
 * merged runs.jsonl is byte-identical to the same sweep run by one process with 1 and 2 workers.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandSweep, shardRuns } from '../../src/sweep/spec.js';
import { startCluster, type Cluster } from './slurm.js';
import { flatminBin, sweep, tempDir, twoFactorSpec } from './helpers.js';

let cluster: Cluster | undefined;
afterAll(() => cluster?.stop());

describe('a sweep on a real Slurm job array', () => {
  it('4 tasks, one cancelled and resubmitted alone, merge byte-identical to one process with 1 and 2 workers', async () => {
    const dir = tempDir('flatmin-slurm-');
    cluster = await startCluster(dir);
    const spec = { ...twoFactorSpec(60_000), seeds: 8 }; // 32 runs, 8 per task, ~0.1 s each
    const specFile = join(dir, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const out = join(dir, 'out');
    const emitted = await sweep(['emit', '--slurm', specFile, '--shards', '4', '--workers', '1', '--out', out]);
    expect(emitted.code).toBe(0);
    const script = join(dir, 'sweep.sbatch');
    writeFileSync(script, emitted.stdout);
    const env = { ...cluster.env, PATH: `${flatminBin(dir)}:${process.env.PATH}` };

    // Task 2's runs, to tell when it is half-way.
    const task2 = shardRuns(expandSweep(spec).runs, 2, 4).map((r) => `${r.key}.json`);
    const done2 = () => (existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).filter((f) => task2.includes(f)).length : 0);

    const array = spawn('sbatch', ['--parsable', '--wait', script], { cwd: dir, env });
    let jobId = '';
    array.stdout.on('data', (d: Buffer) => (jobId += d.toString()));
    const ended = new Promise<number | null>((r) => array.once('exit', r));
    const t0 = Date.now();
    let cancelledAt = -1;
    while (cancelledAt < 0) {
      const n = done2();
      if (n >= 1 && /^\d+/.test(jobId)) {
        expect(spawnSync('scancel', [`${jobId.trim().split(';')[0]}_2`], { env }).status).toBe(0);
        cancelledAt = n;
      } else if (Date.now() - t0 > 60_000) throw new Error('task 2 never started');
      else await new Promise((r) => setTimeout(r, 10));
    }
    await ended; // sbatch --wait exits non-zero: one task was cancelled
    const afterCancel = done2();
    expect(afterCancel).toBeGreaterThanOrEqual(1);
    expect(afterCancel).toBeLessThan(task2.length); // it really was cut off half-way
    const others = readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.json') && !task2.includes(f)).length;
    expect(others).toBe(24); // tasks 0, 1 and 3 finished

    const again = spawnSync('sbatch', ['--parsable', '--wait', '--array=2', script], { cwd: dir, env, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    const id = again.stdout.trim().split(';')[0];
    const log = readFileSync(join(dir, `slurm-${id}_2.out`), 'utf8');
    // Slurm told the lone task SLURM_ARRAY_TASK_COUNT=1; the script's FLATMIN_SHARD_COUNT kept it shard 2 of 4.
    expect(log).toContain(`shard 2/4 (SLURM_ARRAY_TASK_ID): 8 of 32 runs; ${afterCancel} already done`);
    expect(done2()).toBe(8);

    const merged = await sweep(['merge', out]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('merged 32 of 32 runs');
    for (const workers of ['1', '2']) {
      const local = join(dir, `local-${workers}`);
      expect((await sweep([specFile, '--out', local, '--workers', workers, '--quiet'])).code).toBe(0);
      expect(readFileSync(join(out, 'runs.jsonl'), 'utf8')).toBe(readFileSync(join(local, 'runs.jsonl'), 'utf8'));
    }
  }, 180_000);
});
