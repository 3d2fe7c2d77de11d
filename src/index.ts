/**
 * flatmin — which minimum does noise pick? The public API (the research helpers — presets, the main
 * job's configs, fixtures, SVD, plots — are in 'flatmin/experiments').
 *
 *   import { run } from 'flatmin';
 *   const r = await run({ problem: {...}, optimizer: {...} });
 *   r.distances.dX; r.prediction.c2;
 */
export { run, Run, FactorizationRun, divergedResult } from './run.js';
export type {
  RunResult, FactorizationResult, DeepLinearResult, ResultOf, RunOptions, OnProgress, Divergence, HistoryPoint, DlnHistoryPoint, Checkpoint,
} from './run.js';
export { FlatminError, isFlatminError } from './errors.js';
export type { FlatminErrorCode, FlatminErrorDetails, FlatminErrorDetailsByCode } from './errors.js';
export { validateConfig } from './config/validate.js';
export { parseConfigText } from './config/parse.js';
export type * from './config/types.js';
export { init, type InitOptions } from './init.js';
export { WorkerRun, runInWorker } from './worker/client.js';
export type { WorkerRunOptions, RunInWorkerOptions, Snapshot } from './worker/client.js';
export { simdSupported, type WasmSource } from './backends/wasm/loader.js';
export { predictFactorization, factorizationDistances } from './theory/factorization.js';
export type { Prediction, PredictOptions, Distances } from './theory/factorization.js';
export { fromRows, toRows, type Matrix } from './linalg/matrix.js';
export type { LowRank } from './linalg/lowRank.js';
export { runEnsemble } from './sweep/ensemble.js';
export type { Ensemble, EnsembleOptions } from './sweep/ensemble.js';
export { expandSweep } from './sweep/spec.js';
export type { Sweep, SweepRun, SweepPoint, SweepSpec } from './sweep/spec.js';
export type { RunRecord } from './sweep/record.js';
export type { SweepStats, PointStats, Summary, Rate } from './sweep/stats.js';
