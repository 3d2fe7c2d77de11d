/**
 * flatmin — which minimum does noise pick? The public API.
 *
 *   import { run } from 'flatmin';
 *   const r = await run({ problem: {...}, optimizer: {...} });
 *   r.distances.dX; r.prediction.c2;
 */
export { run, FactorizationRun } from './run.js';
export type { RunResult, RunOptions, HistoryPoint, Checkpoint } from './run.js';
export { FlatminError } from './errors.js';
export type { FlatminErrorCode } from './errors.js';
export { validateConfig } from './config/validate.js';
export { parseConfigText } from './config/parse.js';
export type * from './config/types.js';
export { getBackend, backendNames } from './backends/index.js';
export type { Backend, FactorizationSession, FactorizationInput, StepParams } from './backends/index.js';
export { init, type InitOptions } from './init.js';
export { WorkerRun, runInWorker } from './worker/client.js';
export type { WorkerRunOptions, RunInWorkerOptions, Snapshot } from './worker/client.js';
export { simdSupported, type WasmSource } from './backends/wasm/loader.js';
export { predictFactorization, factorizationDistances, wrongMinimum } from './theory/factorization.js';
export type { Prediction, Distances } from './theory/factorization.js';
export { svd } from './linalg/svd.js';
export type { Matrix } from './linalg/matrix.js';
export { liu2021Configs, liu2021Inits, liu2021Problem } from './experiments/liu2021.js';
export { runDln } from './runDln.js';
export type { DlnRunResult, DlnRunOptions, DlnHistoryPoint } from './runDln.js';
export { presets, findPreset } from './presets/index.js';
export type { Preset, PresetOptions, PresetOutput } from './presets/index.js';
export { renderLinePlot } from './report/svg.js';
export { runEnsemble } from './sweep/ensemble.js';
export type { Ensemble, EnsembleOptions } from './sweep/ensemble.js';
export { expandSweep } from './sweep/spec.js';
export type { Sweep, SweepRun, SweepPoint, SweepSpec } from './sweep/spec.js';
export type { RunRecord } from './sweep/record.js';
export type { SweepStats, PointStats, Summary, Rate } from './sweep/stats.js';
export type { PlotSpec, Series } from './report/svg.js';
