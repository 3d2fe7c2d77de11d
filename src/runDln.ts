import { getBackend } from './backends/index.js';
import type { DlnInput } from './backends/types.js';
import type { WasmSource } from './backends/wasm/loader.js';
import { completionData, validateDlnConfig, type DlnRunConfig } from './config/dln.js';
import type { BackendName } from './config/types.js';
import { dlnCurvature, type DlnCurvature } from './diagnostics/dlnCurvature.js';
import type { RankJump } from './diagnostics/rank.js';
import { traceDln } from './experiments/dln.js';
import { dlnNoiseOf } from './optimizers/noise.js';
import { layerOffsets, packLayers, uniformDims } from './problems/dln.js';
import { initStreamSeed } from './problems/factorization.js';
import { sensingMeasurements } from './problems/losses.js';
import { gaussians, seedGaussian } from './random/gaussian.js';

/** One recording of a deep-linear run (THEORY.md §2 diagnostics). */
export interface DlnHistoryPoint {
  step: number;
  /** Singular values of A = W_L ⋯ W_1, descending. */
  singularValues: number[];
  rank: number;
  deepRank: number;
  loss: number;
  trainError: number;
  /** Relative error on the unobserved entries against `truth` (null without truth). */
  testError: number | null;
  /** With diagnostics.curvature: Hessian trace, sharpness and its power iterations (src/diagnostics/dlnCurvature.ts). */
  curvature?: DlnCurvature;
}

export interface DlnRunResult {
  kind: 'deep-linear';
  config: DlnRunConfig;
  backend: BackendName;
  steps: number;
  /** A step would have made the weights non-finite: the run stopped there, the result is the last finite state. */
  diverged: boolean;
  history: DlnHistoryPoint[];
  /** Every change of rank or deep rank between recordings. */
  jumps: RankJump[];
  final: DlnHistoryPoint & { weights: number[][][] };
  seconds: number;
  microsecondsPerStep: number;
}

export interface DlnRunOptions {
  backend?: BackendName;
  wasm?: WasmSource;
  onProgress?: (done: number, total: number) => void;
}

/** Validate a deep-linear config, run its phases in order, return the trace as JSON-ready data. */
export async function runDln(raw: unknown, options: DlnRunOptions = {}): Promise<DlnRunResult> {
  const config = validateDlnConfig(raw);
  if (options.backend) config.backend = options.backend;
  const input = dlnInput(config);
  const [cols, rows] = [input.dims[0], input.dims.at(-1)!];
  const total = config.optimizer.reduce((s, p) => s + p.steps, 0);
  const session = (await getBackend(config.backend, options.wasm)).dln(input);
  try {
    const t0 = performance.now();
    const phases = config.optimizer.map((p) => ({
      lr: p.lr, batch: p.batch, steps: p.steps, noise: dlnNoiseOf(p.noise, p.lr, config.model.depth),
    }));
    const probes = config.diagnostics?.curvature ? config.diagnostics.probes : 0;
    // Probes from the stream "hutchinson:" + step, so each recording's estimate is independent.
    const curvature = probes > 0
      ? (theta: Float64Array, step: number) => dlnCurvature(input, theta, { probes, seed: step })
      : undefined;
    const trace = traceDln(session, rows, cols, phases, config.recordEvery, undefined, (done) => options.onProgress?.(done, total), curvature);
    const seconds = (performance.now() - t0) / 1000;
    const history = trace.records.map((r) => ({
      step: r.step, singularValues: Array.from(r.s), rank: r.rank, deepRank: r.deepRank,
      loss: r.loss, trainError: r.trainError, testError: Number.isNaN(r.testError) ? null : r.testError,
      ...(r.curvature ? { curvature: r.curvature } : {}),
    }));
    const theta = session.theta();
    const offsets = layerOffsets(input.dims);
    const weights = offsets.slice(0, -1).map((o, l) => {
      const [h, w] = [input.dims[l + 1], input.dims[l]];
      return Array.from({ length: h }, (_, i) => Array.from(theta.subarray(o + i * w, o + (i + 1) * w)));
    });
    return {
      kind: 'deep-linear', config, backend: config.backend, steps: trace.steps, diverged: trace.diverged,
      history, jumps: trace.jumps, final: { ...history.at(-1)!, weights },
      seconds, microsecondsPerStep: trace.steps > 0 ? (seconds * 1e6) / trace.steps : 0,
    };
  } finally {
    session.dispose();
  }
}

/** The backend input of a validated config: matrices flattened, weights from the init. */
export function dlnInput(config: DlnRunConfig): DlnInput {
  const data = completionData(config.problem);
  const { depth, width, init } = config.model;
  const dims = uniformDims(data.target[0].length, data.target.length, depth, width);
  let theta: Float64Array;
  if (init === 'fixture-start') theta = packLayers(data.start!);
  else if (init.kind === 'given') theta = packLayers(init.weights);
  else {
    // Its own stream, so changing the init scale does not change the SGD sampler's draws.
    theta = gaussians(layerOffsets(dims)[depth], seedGaussian(initStreamSeed(config.seed)));
    for (let k = 0; k < theta.length; k++) theta[k] *= init.scale;
  }
  const M = Float64Array.from(data.target.flat());
  const p = config.problem;
  return {
    dims,
    M,
    ...(p.kind === 'sensing' ? { sensing: sensingMeasurements(p.seed ?? config.seed, p.measurements, M) } : {}),
    truth: data.truth ? Float64Array.from(data.truth.flat()) : undefined,
    mask: data.mask.flat(),
    lambda: config.lambda,
    theta,
    rng: seedGaussian(config.seed),
  };
}
