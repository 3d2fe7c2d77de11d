/**
 * `runEnsemble(spec, { workers, onProgress, signal })`: a whole sweep in this process, on Web
 * Workers in browsers and worker_threads in Node, with the statistics at the end — the library
 * form of `flatmin sweep` without files (issue 13 §5). Same spec, same keys, same seeds, so its
 * records are the same bytes as the CLI's runs.jsonl lines.
 */
import type { WasmSource } from '../backends/wasm/loader.js';
import { SweepPool } from './pool.js';
import { recordOf, type RunRecord } from './record.js';
import { expandSweep, type Sweep } from './spec.js';
import { sweepStats, type SweepStats } from './stats.js';

export interface EnsembleOptions {
  /** Workers (default: navigator.hardwareConcurrency, else 2). */
  workers?: number;
  /** Keep each run's history in its record (default: final metrics only). */
  keep?: 'final' | 'history';
  /** After every finished run, in the order they finish. */
  onProgress?: (p: { done: number; total: number; record: RunRecord }) => void;
  /** Aborting ends every worker at once; runEnsemble rejects with the signal's reason. */
  signal?: AbortSignal;
  wasm?: WasmSource;
  /** Written into each record's `flatmin` field (the CLI writes the package version). */
  flatmin?: string;
}

export interface Ensemble {
  sweep: Sweep;
  /** In canonical order. */
  records: RunRecord[];
  stats: SweepStats;
}

export async function runEnsemble(spec: unknown, o: EnsembleOptions = {}): Promise<Ensemble> {
  const sweep = expandSweep(spec);
  o.signal?.throwIfAborted();
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  const pool = await SweepPool.create(Math.min(o.workers ?? cores ?? 2, sweep.runs.length), o.wasm);
  const onAbort = () => pool.close(o.signal!.reason);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let done = 0;
  try {
    const records = await Promise.all(sweep.runs.map(async (run) => {
      const record = recordOf(run, await pool.run(run.config, o.keep === 'history'), o.flatmin ?? '');
      o.onProgress?.({ done: ++done, total: sweep.runs.length, record });
      return record;
    }));
    return { sweep, records, stats: sweepStats(sweep, records) };
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    pool.close();
  }
}
