/**
 * Which shard of a sweep this process runs, from the command line or from the cluster's own
 * scheduler (issue 13 §3). The index: `--shard I/N`, else Slurm's SLURM_ARRAY_TASK_ID, Kubernetes'
 * JOB_COMPLETION_INDEX or AWS Batch's AWS_BATCH_JOB_ARRAY_INDEX (arrays numbered 0…N−1). The
 * count: `--shards N`, else FLATMIN_SHARD_COUNT (which `sweep emit` writes into its scripts), and
 * only when neither is given SLURM_ARRAY_TASK_COUNT / AWS_BATCH_JOB_ARRAY_SIZE — a Slurm index
 * resubmitted alone (`sbatch --array=2`) sees SLURM_ARRAY_TASK_COUNT=1, which would make it run
 * every run of the sweep.
 */
import { FlatminError } from '../errors.js';

export interface Shard {
  index: number;
  count: number;
  /** Where the index came from, for the log: "--shard", "SLURM_ARRAY_TASK_ID", … or "none". */
  source: string;
}

const INDEX_VARS = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;
const COUNT_FALLBACKS = ['SLURM_ARRAY_TASK_COUNT', 'AWS_BATCH_JOB_ARRAY_SIZE'] as const;

export function resolveShard(flags: { shard?: string; shards?: string }, env: Record<string, string | undefined>): Shard {
  if (flags.shard !== undefined) {
    if (flags.shards !== undefined) throw new FlatminError('USAGE', '--shards', 'give --shard I/N or --shards N, not both');
    const m = /^(\d+)\/(\d+)$/.exec(flags.shard);
    if (!m) throw new FlatminError('USAGE', '--shard', `expected I/N with 0 ≤ I < N (e.g. 0/4), got ${JSON.stringify(flags.shard)}`);
    return checked(Number(m[1]), Number(m[2]), '--shard', '--shard');
  }
  const indexVar = INDEX_VARS.find((v) => present(env[v]));
  let count: { value: string; from: string } | undefined;
  if (flags.shards !== undefined) count = { value: flags.shards, from: '--shards' };
  else if (present(env.FLATMIN_SHARD_COUNT)) count = { value: env.FLATMIN_SHARD_COUNT!, from: 'FLATMIN_SHARD_COUNT' };
  else if (indexVar) {
    const v = COUNT_FALLBACKS.find((c) => present(env[c]));
    if (v) count = { value: env[v]!, from: v };
  }
  if (!indexVar) {
    if (flags.shards !== undefined)
      throw new FlatminError('USAGE', '--shards', `no shard index: use --shard I/N, or run as an array task (${INDEX_VARS.join(', ')})`);
    return { index: 0, count: 1, source: 'none' };
  }
  if (!count)
    throw new FlatminError('USAGE', indexVar, `the shard count is unknown: pass --shards N or set FLATMIN_SHARD_COUNT (flatmin sweep emit writes it)`);
  return checked(int(env[indexVar]!, indexVar), int(count.value, count.from), indexVar, count.from);
}

function checked(index: number, count: number, indexFrom: string, countFrom: string): Shard {
  if (!(count >= 1)) throw new FlatminError('USAGE', countFrom, `expected a shard count ≥ 1, got ${count}`);
  if (!(index < count)) throw new FlatminError('USAGE', indexFrom, `shard index ${index} is not below the shard count ${count} (from ${countFrom}); array tasks are numbered 0…N−1`);
  return { index, count, source: indexFrom };
}

function int(s: string, from: string): number {
  if (!/^\d+$/.test(s.trim())) throw new FlatminError('USAGE', from, `expected a whole number ≥ 0, got ${JSON.stringify(s)}`);
  return Number(s.trim());
}

const present = (v: string | undefined): boolean => v !== undefined && v.trim() !== '';
