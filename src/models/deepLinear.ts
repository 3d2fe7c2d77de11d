import type { DeepLinearConfig } from '../config/types.js';
import { dlnReports } from '../diagnostics/completion.js';
import { dlnCurvature, dlnHessianAt, type DlnCurvature } from '../diagnostics/dlnCurvature.js';
import { deepLinearLoss, dlnObjective } from '../diagnostics/dlnHvp.js';
import type { Surface } from '../diagnostics/landscape.js';
import { deepRankOf, effectiveRankOf, rankOf, singularValues, type RankJump } from '../diagnostics/rank.js';
import { FlatminError } from '../errors.js';
import { RowsOf } from '../report/rowsOf.js';
import { completionData, layerOffsets, packLayers, uniformDims } from '../problems/dln.js';
import { initStreamSeed } from '../problems/factorization.js';
import { buildMeasurements, measurementsShape } from '../problems/measurements.js';
import { gaussians, seedGaussian } from '../random/gaussian.js';
import { sessionMisfit } from '../backends/index.js';
import type { DataLoss } from '../backends/types.js';
import { spectra, type Curvature } from './spectra.js';
import type { ModelRuntime } from './types.js';

/** One recording of a deep-linear run (THEORY.md §2 diagnostics). */
export interface DlnHistoryPoint {
  step: number;
  /** Singular values of A = W_L ⋯ W_1, descending. */
  singularValues: number[];
  rank: number;
  deepRank: number;
  /** Roy–Vetterli effective rank of A (src/diagnostics/rank.ts effectiveRankOf). */
  effectiveRank: number;
  loss: number;
  trainError: number;
  /** Relative error on the unobserved entries against `truth` (null without truth). */
  testError: number | null;
  /**
   * With diagnostics.curvature an object and `every`: the spectral report (src/models/spectra.ts).
   * With the 0.1 form `curvature: true`: Hessian trace, sharpness and its power iterations
   * (src/diagnostics/dlnCurvature.ts) at every recording.
   */
  curvature?: Curvature | DlnCurvature;
  /** With diagnostics.trajectory: the iterate [W_1 | … | W_L] (row-major blocks). */
  theta?: number[];
}

/** What a deep-linear result adds: every rank change, and the final weights with the last recording. */
export interface DeepLinearExtra {
  /** Every change of rank or deep rank between recordings. */
  jumps: RankJump[];
  /** The last recording, the weights, and with diagnostics.curvature an object, the final spectral report. */
  final: DlnHistoryPoint & { weights: number[][][] };
}

/** The deep linear network W_L ⋯ W_1 of a validated config: data, dims and θ₀ built once. */
export function deepLinearModel(cfg: DeepLinearConfig): ModelRuntime<DlnHistoryPoint, DeepLinearExtra> & { surface: Surface } {
  const data = completionData(cfg.problem);
  const { depth, width, init } = cfg.model;
  const [rows, cols] = [data.target.length, data.target[0].length];
  const dims = uniformDims(cols, rows, depth, width);
  const offsets = layerOffsets(dims);
  const total = offsets[depth];
  const mask = data.mask.flat();
  checkFits(cfg, dims, mask.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0));
  let theta: Float64Array;
  if (init === 'fixture-start') theta = packLayers(data.start!);
  else if (init.kind === 'given') theta = packLayers(init.weights);
  else {
    // Its own stream, so changing the init scale does not change the SGD sampler's draws.
    theta = gaussians(total, seedGaussian(initStreamSeed(cfg.seed)));
    for (let k = 0; k < theta.length; k++) theta[k] *= init.scale;
  }
  const M = Float64Array.from(data.target.flat());
  const p = cfg.problem;
  const sensing = p.kind === 'sensing' ? buildMeasurements(p.seed ?? cfg.seed, p.measurements, M) : undefined;
  const truth = data.truth ? Float64Array.from(data.truth.flat()) : undefined;
  const reports = dlnReports({ M, mask, truth, lambda: cfg.lambda, sensing });
  const loss: DataLoss = sensing ? { kind: 'sensing', ...sensing } : { kind: 'completion', M, mask };
  const diag = cfg.diagnostics;
  const objective = { dims, M, mask, lambda: cfg.lambda, sensing };
  const lossOfA = deepLinearLoss(objective);
  const probes = diag?.curvature === true ? diag.probes ?? 10 : 0;
  const spectrum = typeof diag?.curvature === 'object' ? spectra(diag.curvature, cfg.seed, (th) => dlnHessianAt(objective, th)) : undefined;
  const batches = cfg.optimizer.flatMap((q) => (q.batch === undefined ? [] : [q.batch]));
  return {
    sessionInput: {
      model: { kind: 'deep-linear', dims }, precision: cfg.precision, loss, lambda: cfg.lambda, theta, rng: seedGaussian(cfg.seed),
      ...(batches.length > 0 ? { maxBatch: Math.max(...batches) } : {}),
      anticorrelated: cfg.optimizer.some((q) => q.noise?.kind === 'anticorrelated'),
      labelNoise: cfg.optimizer.some((q) => q.noise?.kind === 'label'),
    },
    lossScale: reports.loss(new Float64Array(M.length), new Float64Array(total)),
    // The training objective as a landscape (src/diagnostics/landscape.ts): one block per layer.
    surface: { loss: (th) => dlnObjective({ dims, loss: lossOfA, lambda: cfg.lambda }, th), blocks: offsets },
    record(session, step) {
      const A = session.endToEnd();
      // Finite weights can still overflow in the product: that is divergence too (no SVD of ±Inf).
      if (!A.every(Number.isFinite)) return undefined;
      const s = singularValues(A, rows, cols);
      const th = session.theta();
      const test = reports.testError(A);
      const point: DlnHistoryPoint = {
        step, singularValues: Array.from(s), rank: rankOf(s), deepRank: deepRankOf(s), effectiveRank: effectiveRankOf(s),
        loss: reports.loss(A, th), trainError: reports.trainError(A), testError: Number.isNaN(test) ? null : test,
      };
      // Probes from the stream "hutchinson:" + step, so each recording's estimate is independent.
      if (probes > 0) point.curvature = dlnCurvature(objective, th, { probes, seed: step });
      const c = spectrum?.at(step, th);
      if (c) point.curvature = c;
      if (diag?.trajectory) point.theta = Array.from(th);
      return point;
    },
    result(session, history) {
      const th = session.theta();
      const weights = offsets.slice(0, -1).map((o, l) => {
        const [h, w] = [dims[l + 1], dims[l]];
        return new RowsOf({ rows: h, cols: w, data: th.subarray(o, o + h * w) });
      });
      const last = history[history.length - 1];
      const { theta: _, ...final } = last;
      const c = spectrum?.final(last.step, th, last);
      return { jumps: rankJumps(history), final: { ...final, weights, ...(c ? { curvature: c } : {}) } };
    },
  };
}

/** Every change of rank or deep rank between consecutive recordings (THEORY.md §2's jump log). */
export function rankJumps(history: readonly DlnHistoryPoint[]): RankJump[] {
  const jumps: RankJump[] = [];
  for (let i = 1; i < history.length; i++) {
    const [a, b] = [history[i - 1], history[i]];
    if (b.rank !== a.rank) jumps.push({ step: b.step, from: a.rank, to: b.rank, deep: false });
    if (b.deepRank !== a.deepRank) jumps.push({ step: b.step, from: a.deepRank, to: b.deepRank, deep: true });
  }
  return jumps;
}

/**
 * The session's buffers must fit the Wasm heap (src/backends/memory.ts sizes them): checked before
 * the weights and the measurements are built. Completion is sized by its observed count (the
 * session keeps the observed lists, no n·m buffer: assembly/models/deepSparse.ts).
 */
function checkFits(cfg: DeepLinearConfig, dims: number[], observed: number): void {
  const nm = dims[0] * dims[dims.length - 1];
  const p = cfg.problem;
  const batches = cfg.optimizer.flatMap((q) => (q.batch === undefined ? [] : [q.batch]));
  const misfit = sessionMisfit({
    model: { kind: 'deep-linear', dims }, precision: cfg.precision, lambda: cfg.lambda,
    loss: p.kind === 'sensing'
      ? { kind: 'sensing', ...measurementsShape(p.measurements, nm) }
      : { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index: { length: observed } as Int32Array, values: { length: observed } as Float64Array } },
    ...(batches.length > 0 ? { maxBatch: Math.max(...batches) } : {}),
    anticorrelated: cfg.optimizer.some((q) => q.noise?.kind === 'anticorrelated'),
    labelNoise: cfg.optimizer.some((q) => q.noise?.kind === 'label'),
  });
  if (misfit) throw new FlatminError('OUT_OF_RANGE', 'model.width', `this network does not fit: ${misfit} (use a smaller width or depth)`);
}
