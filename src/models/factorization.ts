import type { FactorizationConfig } from '../config/types.js';
import { checkBatchSize, phaseField } from '../config/optimizer.js';
import type { TwoFactor } from '../diagnostics/hessian.js';
import { FlatminError } from '../errors.js';
import { frob2, toRows, type Matrix } from '../linalg/matrix.js';
import { buildInit, buildTarget } from '../problems/factorization.js';
import { batchUniverse, buildLoss, lossOfW, objective } from '../problems/losses.js';
import { seedGaussian } from '../random/gaussian.js';
import { factorizationDistances, predictFactorization, type Distances, type Prediction } from '../theory/factorization.js';
import type { DataLoss, Session } from './sessionShim.js';
import type { ModelRuntime } from './types.js';

/** One recording of a two-factor run. */
export interface HistoryPoint {
  step: number;
  /** The training objective: ½‖XYᵀ − M‖² for the full target, else the configured loss + ridge. */
  loss: number;
  normX2: number;
  normY2: number;
}

/** What a two-factor result adds: the factors, the closed-form prediction and the distances to it. */
export interface FactorizationExtra {
  final: { X: number[][]; Y: number[][] };
  prediction: { c: number; c2: number; normX2: number; normY2: number; nuclearNorm: number; rankM: number };
  distances: Distances;
}

export interface FactorizationRuntime extends ModelRuntime<HistoryPoint, FactorizationExtra> {
  readonly M: Matrix;
  readonly prediction: Prediction;
  /** The objective f = ℓ(XYᵀ) + λ(‖X‖² + ‖Y‖²) in plain f64, for reports and diagnostics. */
  readonly objective: TwoFactor;
  distances(theta: Float64Array): Distances;
}

/** The two-factor model X Yᵀ of a validated config: target, init, loss and prediction built once. */
export function factorizationModel(cfg: FactorizationConfig): FactorizationRuntime {
  const { M, svd } = buildTarget(cfg.problem);
  const r = cfg.problem.rank;
  const [n, m] = [M.rows, M.cols];
  checkMemory(cfg, n, m);
  const [sx, sy] = cfg.prediction.sigma;
  const prediction = predictFactorization(M, r, sx, sy, { svd });
  const lossInput = buildLoss(cfg.problem.loss, M, cfg.seed);
  const universe = batchUniverse(lossInput);
  const batches = cfg.optimizer.flatMap((p) => (p.batch === undefined ? [] : [p.batch]));
  cfg.optimizer.forEach((p, i) => {
    if (p.batch !== undefined) checkBatchSize(p.batch, universe.length, 'observed entries', phaseField(cfg.optimizer, i, 'batch'));
  });
  const loss: DataLoss = lossInput.kind === 'full' ? { kind: 'full', M: M.data }
    : lossInput.kind === 'completion' ? { kind: 'completion', M: M.data, mask: lossInput.mask }
    : { kind: 'sensing', A: lossInput.A, y: lossInput.y };
  const lambda = cfg.problem.lambda;
  const objectiveF: TwoFactor = { loss: lossOfW(lossInput, M.data), lambda, n, m, r };
  // The full target without ridge keeps the session's own ½‖XYᵀ − M‖² (the history's bits since v0.1).
  const sessionLoss = cfg.problem.loss.kind === 'full' && lambda === 0;
  const nr = n * r;
  const split = (theta: Float64Array): { X: Matrix; Y: Matrix } => ({
    X: { rows: n, cols: r, data: theta.slice(0, nr) }, Y: { rows: m, cols: r, data: theta.slice(nr) },
  });
  const distances = (theta: Float64Array) => {
    const { X, Y } = split(theta);
    return factorizationDistances(X, Y, M, prediction);
  };
  return {
    M, prediction, objective: objectiveF, distances,
    sessionInput: {
      model: { kind: 'factorization', n, m, r }, precision: cfg.precision, loss, lambda,
      theta: buildInit(cfg.init, M, r, cfg.seed), rng: seedGaussian(cfg.seed),
      ...(batches.length > 0 ? { maxBatch: Math.max(...batches) } : {}),
      anticorrelated: cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated'),
    },
    lossScale: 0.5 * frob2(M),
    record(session, step) {
      const [normX2, normY2] = session.blockNorms();
      const f = objectiveF;
      const value = sessionLoss ? session.fullLoss() : objective(f.loss, f.lambda, session.theta(), n, m, r);
      return { step, loss: value, normX2, normY2 };
    },
    result(session) {
      const theta = session.theta();
      const { X, Y } = split(theta);
      const p = prediction;
      return {
        final: { X: toRows(X), Y: toRows(Y) },
        prediction: { c: p.c, c2: p.c2, normX2: p.normX2, normY2: p.normY2, nuclearNorm: p.nuclearNorm, rankM: p.rankM },
        distances: factorizationDistances(X, Y, M, p),
      };
    },
  };
}

/**
 * Wasm memory is 32-bit: M, Mᵀ, three copies of [X | Y], [MY | MtX] and two r×r Grams must fit
 * (in f32 at half the size, plus the f64 noise before rounding), checked before anything is allocated.
 */
function checkMemory(cfg: FactorizationConfig, n: number, m: number): void {
  const r = cfg.problem.rank;
  const size = cfg.precision === 'f32' ? 4 : 8;
  const xy = (n + m) * r;
  const nm = n * m;
  const loss = cfg.problem.loss;
  // The other losses add W, R (n×m) and Ypᵀ; sensing its N measurement matrices and two N-vectors.
  const extra = loss.kind === 'full' ? 0 : 2 * nm + m * r + (loss.kind === 'sensing' ? (nm + 2) * loss.measurements : nm);
  const prev = cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated') ? xy : 0; // ξ_{t−1}
  const maxBatch = Math.max(0, ...cfg.optimizer.map((p) => p.batch ?? 0));
  // Minibatch sensing gathers its batch's rows (the int32 sampler arrays are negligible).
  const gathered = loss.kind === 'sensing' ? maxBatch * nm : 0;
  const bytes = size * (2 * nm + 4 * xy + prev + 2 * r * r + extra + gathered) + (size === 4 ? 8 * xy : 0);
  if (bytes > 2 ** 30)
    throw new FlatminError('OUT_OF_RANGE', 'problem.rank', `this problem needs ${(bytes / 2 ** 20).toFixed(0)} MiB of buffers; at most 1024 MiB fit (use a smaller rank or target)`);
}

export type { Session };
