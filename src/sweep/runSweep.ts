/**
 * Runs this process's shard of a sweep on a worker pool (Node), writing each finished run to
 * DIR/runs/<key>.json as soon as it is done. Runs already there are skipped, so a killed sweep
 * re-run with the same command loses at most the runs that were in flight.
 */
import type { Progress } from '../report/progress.js';
import { SweepPool } from './pool.js';
import { recordOf } from './record.js';
import { shardRuns, type Sweep } from './spec.js';
import type { Shard } from './shard.js';
import { claimDir, currentManifest, doneKeys, writeRecord } from './store.js';

export interface SweepRunOptions {
  out: string;
  workers: number;
  keep: 'final' | 'history';
  shard: Shard;
  /** The raw spec as parsed (hashed into the manifest). */
  specJson: unknown;
  /** Told how many runs are to be done, then after every finished run. */
  progress?: (total: number) => Progress;
  log?: (line: string) => void;
}

export interface SweepRunSummary {
  /** Runs of this shard. */
  mine: number;
  skipped: number;
  ok: number;
  diverged: number;
  failed: number;
}

export async function runSweep(sweep: Sweep, o: SweepRunOptions): Promise<SweepRunSummary> {
  const manifest = await currentManifest(o.specJson);
  await claimDir(o.out, manifest);
  const mine = shardRuns(sweep.runs, o.shard.index, o.shard.count);
  const done = await doneKeys(o.out);
  const todo = mine.filter((r) => !done.has(r.key));
  const summary: SweepRunSummary = { mine: mine.length, skipped: mine.length - todo.length, ok: 0, diverged: 0, failed: 0 };
  const workers = Math.max(1, Math.min(o.workers, todo.length));
  const shard = o.shard.count > 1 ? `shard ${o.shard.index}/${o.shard.count} (${o.shard.source}): ` : '';
  o.log?.(`${shard}${mine.length} of ${sweep.runs.length} runs; ${summary.skipped} already done, ${todo.length} to run on ${workers} worker${workers === 1 ? '' : 's'}`);
  if (todo.length === 0) return summary;
  const progress = o.progress?.(todo.length);
  const pool = await SweepPool.create(workers);
  let finished = 0;
  try {
    await Promise.all(todo.map(async (run) => {
      const outcome = await pool.run(run.config, o.keep === 'history');
      await writeRecord(o.out, recordOf(run, outcome, manifest.flatmin));
      summary[outcome.status]++;
      if (outcome.status === 'failed') o.log?.(`run ${run.key} failed: ${outcome.error?.path}: ${outcome.error?.message}`);
      progress?.update(++finished);
    }));
  } finally {
    progress?.finish();
    pool.close();
  }
  return summary;
}
