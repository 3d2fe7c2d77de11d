/**
 * Messages between a WorkerRun (main thread) and its worker. One request at a time; every request
 * gets exactly one reply, `ok` or `error`. Factor data travels as Float64Array with its buffer
 * transferred, never as nested arrays.
 */
import type { FlatminErrorCode } from '../errors.js';
import type { Checkpoint, HistoryPoint, RunResult } from '../run.js';
import type { Distances } from '../theory/factorization.js';
import type { Outcome } from '../sweep/metrics.js';

export type Request =
  | { type: 'create'; config: unknown; module?: WebAssembly.Module; resume?: Checkpoint }
  | { type: 'advance'; steps: number }
  | { type: 'checkpoint' }
  | { type: 'result' }
  /** One whole run of a sweep, either model (src/sweep/pool.ts); stateless, beside any FactorizationRun. */
  | { type: 'runOne'; config: unknown; keepHistory: boolean; module?: WebAssembly.Module };

/** What the main thread learns after create and after every advance. */
export interface Snapshot {
  done: number;
  total: number;
  /** History points recorded since the previous snapshot. */
  history: HistoryPoint[];
  distances: Distances;
  prediction: RunResult['prediction'];
}

/** A RunResult whose factors are flat (transferred) instead of rows. */
export interface FlatResult extends Omit<RunResult, 'final'> {
  n: number;
  m: number;
  r: number;
  X: Float64Array;
  Y: Float64Array;
}

export type Reply =
  | { type: 'ok'; snapshot?: Snapshot; checkpoint?: Checkpoint; result?: FlatResult; outcome?: Outcome }
  | { type: 'error'; error: { code?: FlatminErrorCode; path?: string; reason: string; details?: Record<string, unknown> } };

/** The little that differs between a Web Worker and a worker_threads Worker, seen from the main thread. */
export interface WorkerPort {
  post(message: Request): void;
  onMessage(handler: (message: Reply) => void): void;
  onError(handler: (error: Error) => void): void;
  terminate(): void;
  /** Node: keep the process alive only while a request is pending. */
  busy(on: boolean): void;
}
