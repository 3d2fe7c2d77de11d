/** One run as a sweep stores it: DIR/runs/<key>.json, and one line of the merged runs.jsonl. */
import type { Outcome } from './metrics.js';
import type { SeedLabel, SweepRun } from './spec.js';
import { jsonText } from '../report/jsonChunks.js';

export interface RunRecord extends Outcome {
  key: string;
  /** Position in the canonical order (src/sweep/spec.ts). */
  index: number;
  /** The grid point's key (the run key without its seed). */
  point: string;
  /** Config path → value at this point. */
  values: Record<string, unknown>;
  seed: SeedLabel;
  /** The config that ran (`flatmin run` reproduces the run from it). */
  config: Record<string, unknown>;
  flatmin: string;
}

export function recordOf(run: SweepRun, outcome: Outcome, flatmin: string): RunRecord {
  const { status, error, metrics, jumps, history } = outcome;
  return {
    key: run.key, index: run.index, point: run.point.key, values: run.point.values, seed: run.seed, config: run.config, flatmin,
    status, ...(error ? { error } : {}), metrics, ...(jumps ? { jumps } : {}), ...(history ? { history } : {}),
  };
}

/** The stored text of a record: what merge compares byte for byte between shards. */
export const recordText = (r: RunRecord): string => jsonText(r);
