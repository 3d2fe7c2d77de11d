/**
 * Messages between a WorkerRun (main thread) and its worker. One request at a time; every request
 * gets exactly one reply, `ok` or `error`. Results travel as structured clones.
 */
import type { FlatminErrorCode } from '../errors.js';
import type { Checkpoint, DlnHistoryPoint, FactorizationResult, HistoryPoint, RunResult } from '../run.js';
import type { Distances } from '../theory/factorization.js';
import type { Outcome } from '../sweep/metrics.js';

export type Request =
  | { type: 'create'; config: unknown; module?: WebAssembly.Module; resume?: Checkpoint; threads?: number }
  | { type: 'advance'; steps: number }
  | { type: 'checkpoint' }
  | { type: 'result' }
  /** One whole run of a sweep, either model (src/sweep/pool.ts); stateless, beside any FactorizationRun. */
  | { type: 'runOne'; config: unknown; keepHistory: boolean; module?: WebAssembly.Module };

/** What the main thread learns after create and after every advance. */
export interface Snapshot<R extends RunResult = RunResult> {
  done: number;
  total: number;
  /** History points recorded since the previous snapshot. */
  history: R['history'];
  /** Two-factor runs: the current iterate's distances to the predicted optimum. */
  distances?: Distances;
  /** Two-factor runs: the closed-form prediction. */
  prediction?: FactorizationResult['prediction'];
}

export type AnyHistoryPoint = HistoryPoint | DlnHistoryPoint;

export type Reply =
  | { type: 'ok'; snapshot?: Snapshot; checkpoint?: Checkpoint; result?: RunResult; outcome?: Outcome }
  | { type: 'error'; error: { code?: FlatminErrorCode; path?: string; reason: string; details?: Record<string, unknown> } };
