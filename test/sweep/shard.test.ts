import { describe, expect, it } from 'vitest';
import { FlatminError } from '../../src/errors.js';
import { resolveShard } from '../../src/sweep/shard.js';

const fails = (flags: { shard?: string; shards?: string }, env: Record<string, string>, path: string) => {
  try {
    resolveShard(flags, env);
  } catch (e) {
    expect(e).toBeInstanceOf(FlatminError);
    expect((e as FlatminError).path).toBe(path);
    return;
  }
  throw new Error('expected an error');
};

describe('which shard this process runs', () => {
  it('is the whole sweep without flags or scheduler variables', () => {
    expect(resolveShard({}, {})).toEqual({ index: 0, count: 1, source: 'none' });
  });

  it('takes --shard I/N over everything in the environment', () => {
    expect(resolveShard({ shard: '2/5' }, { SLURM_ARRAY_TASK_ID: '1', FLATMIN_SHARD_COUNT: '3' })).toEqual({ index: 2, count: 5, source: '--shard' });
  });

  it('takes the index from Slurm, Kubernetes or AWS Batch and the count from --shards or FLATMIN_SHARD_COUNT', () => {
    expect(resolveShard({ shards: '4' }, { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_COUNT: '1' })).toMatchObject({ index: 3, count: 4 });
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '0', FLATMIN_SHARD_COUNT: '2' })).toEqual({ index: 0, count: 2, source: 'JOB_COMPLETION_INDEX' });
    expect(resolveShard({}, { AWS_BATCH_JOB_ARRAY_INDEX: '5', FLATMIN_SHARD_COUNT: '6', AWS_BATCH_JOB_ARRAY_SIZE: '9' })).toMatchObject({ index: 5, count: 6 });
  });

  it("falls back to the scheduler's own count only when neither --shards nor FLATMIN_SHARD_COUNT is given", () => {
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toMatchObject({ index: 2, count: 4 });
    expect(resolveShard({}, { AWS_BATCH_JOB_ARRAY_INDEX: '1', AWS_BATCH_JOB_ARRAY_SIZE: '3' })).toMatchObject({ index: 1, count: 3 });
    // A Slurm index resubmitted alone sees a count of 1: FLATMIN_SHARD_COUNT wins.
    expect(resolveShard({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1', FLATMIN_SHARD_COUNT: '4' })).toMatchObject({ index: 2, count: 4 });
  });

  it('rejects what cannot be a shard, naming the flag or variable', () => {
    fails({ shard: '4/4' }, {}, '--shard');
    fails({ shard: '1-4' }, {}, '--shard');
    fails({ shard: '0/2', shards: '2' }, {}, '--shards');
    fails({ shards: '3' }, {}, '--shards'); // no index anywhere
    fails({}, { JOB_COMPLETION_INDEX: '1' }, 'JOB_COMPLETION_INDEX'); // Kubernetes gives no count
    fails({}, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '1' }, 'SLURM_ARRAY_TASK_ID'); // 2 ≥ 1
    fails({}, { SLURM_ARRAY_TASK_ID: 'x', FLATMIN_SHARD_COUNT: '2' }, 'SLURM_ARRAY_TASK_ID');
    fails({}, { SLURM_ARRAY_TASK_ID: '0', FLATMIN_SHARD_COUNT: '0' }, 'FLATMIN_SHARD_COUNT');
  });
});
