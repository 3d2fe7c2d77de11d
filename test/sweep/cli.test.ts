import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sweep, tempDir, twoFactorSpec } from './helpers.js';

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

function specFile(dir: string, spec: unknown, name = 'spec.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  return file;
}

describe('flatmin sweep on worker_threads', () => {
  it('gives byte-identical results with 1 or 2 workers, 3 shards in 3 directories, or 3 array tasks sharing one', async () => {
    const dir = tempDir();
    const spec = specFile(dir, twoFactorSpec());
    const one = await sweep([spec, '--out', join(dir, 'w1'), '--workers', '1']);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toContain('12 of 12 runs; 0 already done, 12 to run on 1 worker');
    expect(one.stderr).toContain('12 ok, 0 diverged, 0 failed');
    expect((await sweep([spec, '--out', join(dir, 'w2'), '--workers', '2', '--quiet'])).code).toBe(0);
    for (let i = 0; i < 3; i++) expect((await sweep([spec, '--out', join(dir, `s${i}`), '--shard', `${i}/3`, '--workers', '1'])).code).toBe(0);
    const merged = await sweep(['merge', join(dir, 's0'), join(dir, 's1'), join(dir, 's2'), '--out', join(dir, 'merged')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('merged 12 of 12 runs from 3 directories');
    for (let i = 0; i < 3; i++) {
      const r = await sweep([spec, '--out', join(dir, 'shared'), '--workers', '1'], { SLURM_ARRAY_TASK_ID: String(i), SLURM_ARRAY_TASK_COUNT: '3' });
      expect(r.stderr).toContain(`shard ${i}/3 (SLURM_ARRAY_TASK_ID): 4 of 12 runs`);
    }
    expect((await sweep(['merge', join(dir, 'shared')])).code).toBe(0);

    const jsonl = read(join(dir, 'w1'), 'runs.jsonl');
    const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((r) => r.index)).toEqual([...Array(12).keys()]);
    expect(lines.every((r) => r.status === 'ok' && r.flatmin === '0.1.0' && typeof r.metrics.dX === 'number')).toBe(true);
    expect(lines[0]).not.toHaveProperty('history');
    for (const other of ['w2', 'merged', 'shared']) {
      expect(read(join(dir, other), 'runs.jsonl')).toBe(jsonl);
      expect(read(join(dir, other), 'summary.csv')).toBe(read(join(dir, 'w1'), 'summary.csv'));
      expect(read(join(dir, other), 'stats.json')).toBe(read(join(dir, 'w1'), 'stats.json'));
    }
    // The stats table went to stdout: one row per grid point.
    expect(one.stdout.split('\n')[1]).toMatch(/^lr=0\.01_sigmaX=0\.1_sigmaY=0\.1\s+3\s+0\/3 = 0\.000/);
    const manifest = JSON.parse(read(join(dir, 'w1'), 'manifest.json'));
    expect(manifest).toMatchObject({ format: 'flatmin-sweep-1', flatmin: '0.1.0', wasmBuild: 'simd', engine: expect.stringMatching(/^node /) });
    expect(manifest.wasmSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.specSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(join(dir, 'w1', 'plots')).sort()).toContain('dX-vs-lr.svg');
  }, 60_000);

  it('records divergence and failure with their errors and goes on; --keep history keeps the history', async () => {
    const dir = tempDir();
    const spec = twoFactorSpec(2000);
    // lr 5 diverges; rank 20000 passes the validator (which bounds X and Y) but its r×r Gram
    // matrices do not fit the Wasm heap, which is found when the run starts.
    const file = specFile(dir, { ...spec, grid: { 'optimizer.lr': [0.01, 5] }, zip: [{ 'problem.rank': [2, 20000] }], seeds: 1 });
    const r = await sweep([file, '--out', join(dir, 'o'), '--workers', '2', '--keep', 'history']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 ok, 1 diverged, 2 failed');
    const runs = read(join(dir, 'o'), 'runs.jsonl').trim().split('\n').map((l) => JSON.parse(l));
    expect(runs.map((x) => [x.key, x.status])).toEqual([
      ['lr=0.01_rank=2_seed=0', 'ok'],
      ['lr=0.01_rank=20000_seed=0', 'failed'],
      ['lr=5_rank=2_seed=0', 'diverged'],
      ['lr=5_rank=20000_seed=0', 'failed'],
    ]);
    expect(runs[1].error).toMatchObject({ code: 'OUT_OF_RANGE', path: 'problem.rank' });
    expect(runs[2].error).toMatchObject({ code: 'DIVERGED', path: 'optimizer.lr' });
    expect(runs[2].metrics.steps).toBeLessThan(2000);
    expect(runs[0].history.length).toBeGreaterThan(2);
    expect(read(join(dir, 'o'), 'summary.csv').split('\n')[2]).toMatch(/,failed,.*problem\.rank: this problem does not fit/);
  }, 60_000);

  it('rejects a bad spec with one line naming the spec path, and runs nothing', async () => {
    const dir = tempDir();
    const file = specFile(dir, { ...twoFactorSpec(), grid: { 'optimizer.lr': [0.01, -0.5] } });
    const r = await sweep([file, '--out', join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: grid["optimizer.lr"][1]: expected a number > 0, got -0.5 (config optimizer.lr, grid point lr=-0.5_sigmaX=0.1_sigmaY=0.1)\n');
    expect(existsSync(join(dir, 'o'))).toBe(false);
    writeFileSync(join(dir, 'broken.json'), '{ "base": ');
    expect((await sweep([join(dir, 'broken.json')])).stderr).toMatch(/^error: .*broken\.json: invalid JSON/);
    expect((await sweep([file, '--workers', '0'])).stderr).toBe('error: --workers: expected a whole number ≥ 1, got "0"\n');
    expect((await sweep([file, '--wrokers', '2'])).stderr).toMatch(/^error: --wrokers: Unknown option/);
  });

  it('merge reports missing and duplicate runs, and stops when two copies of a run differ', async () => {
    const dir = tempDir();
    const spec = specFile(dir, twoFactorSpec(1000));
    expect((await sweep([spec, '--out', join(dir, 'a'), '--shard', '0/2', '--workers', '1'])).code).toBe(0);
    cpSync(join(dir, 'a'), join(dir, 'b'), { recursive: true });
    const partial = await sweep(['merge', join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'm')]);
    expect(partial.code).toBe(0);
    expect(partial.stderr).toContain('merged 6 of 12 runs from 2 directories');
    expect(partial.stderr).toContain('missing 6: lr=0.01_sigmaX=0.1_sigmaY=0.1_seed=1, lr=0.01_sigmaX=0.2_sigmaY=0.05_seed=0,');
    expect(partial.stderr).toContain('found twice, identical: lr=0.01_sigmaX=0.1_sigmaY=0.1_seed=0,');
    expect(JSON.parse(read(join(dir, 'm'), 'merge.json'))).toMatchObject({ expected: 12, found: 6 });
    const victim = join(dir, 'b', 'runs', 'lr=0.01_sigmaX=0.1_sigmaY=0.1_seed=0.json');
    writeFileSync(victim, readFileSync(victim, 'utf8').replace('"status": "ok"', '"status": "ok" '));
    const conflict = await sweep(['merge', join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'm')]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toMatch(/^error: .*b\/runs\/lr=0\.01_sigmaX=0\.1_sigmaY=0\.1_seed=0\.json: differs from .*a\/runs\/.*byte-identical/);
    // Another sweep's directory is refused, by merge and by a run into it.
    const other = specFile(dir, { ...twoFactorSpec(1000), seeds: 2 }, 'other.json');
    const refused = await sweep([other, '--out', join(dir, 'a')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/manifest\.json: this directory holds another sweep's results \(specSha256/);
  }, 60_000);

  it('emit prints a Slurm array script and a Kubernetes Indexed Job that fix the shard count', async () => {
    const dir = tempDir();
    const spec = specFile(dir, twoFactorSpec(), 'grid.json');
    const slurm = await sweep(['emit', '--slurm', spec, '--shards', '4', '--workers', '2']);
    expect(slurm.code).toBe(0);
    expect(slurm.stdout).toMatch(/^#!\/bin\/bash\n/);
    expect(slurm.stdout).toContain('#SBATCH --array=0-3\n');
    expect(slurm.stdout).toContain('#SBATCH --cpus-per-task=2\n');
    expect(slurm.stdout).toContain('export FLATMIN_SHARD_COUNT=4\n');
    expect(slurm.stdout).toContain(`exec flatmin sweep ${spec} --out flatmin-out/sweep-grid --workers "\${SLURM_CPUS_PER_TASK:-2}"`);
    const k8s = await sweep(['emit', '--k8s', spec]);
    expect(k8s.stdout).toContain('completionMode: Indexed\n  completions: 12\n');
    expect(k8s.stdout).toContain('- name: FLATMIN_SHARD_COUNT\n              value: "12"');
    expect(k8s.stdout).toContain('"flatmin@0.1.0", "sweep", "/spec/spec.json"');
    expect(k8s.stdout).toContain('      "optimizer.lr": [');
    expect((await sweep(['emit', spec])).stderr).toMatch(/^error: emit: expected exactly one of --slurm and --k8s/);
  });
});
