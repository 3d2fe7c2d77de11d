import type { SymmetricConfig } from '../config/types.js';
import { checkBatchSize, phaseField } from '../config/optimizer.js';
import { FlatminError } from '../errors.js';
import { fromRows, zeros, type Matrix } from '../linalg/matrix.js';
import { RowsOf } from '../report/rowsOf.js';
import { orthonormalColumns } from '../linalg/qr.js';
import { initStreamSeed } from '../problems/factorization.js';
import { batchUniverse, buildLoss, lossOfW } from '../problems/losses.js';
import { gaussians, seedGaussian } from '../random/gaussian.js';
import { sessionMisfit } from '../backends/index.js';
import type { DataLoss, SessionInput } from '../backends/types.js';
import type { ModelRuntime } from './types.js';

/** One recording of a symmetric run. */
export interface SymmetricHistoryPoint {
  step: number;
  /** The training objective ℓ(XXᵀ) + λ‖X‖² (f64). */
  loss: number;
  normX2: number;
  /** ‖XXᵀ − M‖_F / ‖M‖_F, the recovery error Xiong, Ding & Du plot. */
  error: number;
}

/** What a symmetric result adds: the factor and its final recovery error. */
export interface SymmetricExtra {
  final: { X: number[][]; error: number };
}

/**
 * The n×n target: given rows, or U diag(λ) Uᵀ with U orthonormal random (n × #λ) from the stream
 * target.random.seed — the same construction as the two-factor random target with V = U.
 */
export function buildSymmetricTarget(target: SymmetricConfig['problem']['target']): Matrix {
  if (Array.isArray(target)) return fromRows(target);
  const { n, eigenvalues: ev, seed } = target.random;
  const k = ev.length;
  const U = orthonormalColumns({ rows: n, cols: k, data: gaussians(n * k, seedGaussian(seed)) });
  const M = zeros(n, n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let c = 0; c < k; c++) acc += U.data[i * k + c] * ev[c] * U.data[j * k + c];
      M.data[i * n + j] = acc;
    }
  return M;
}

/** The symmetric model X Xᵀ of a validated config: target, loss and X₀ built once. */
export function symmetricModel(cfg: SymmetricConfig): ModelRuntime<SymmetricHistoryPoint, SymmetricExtra> {
  const M = buildSymmetricTarget(cfg.problem.target);
  const n = M.rows;
  const k = cfg.model.rank;
  const lambda = cfg.problem.lambda;
  const lossInput = buildLoss(cfg.problem.loss, M, cfg.seed);
  const universe = batchUniverse(lossInput);
  cfg.optimizer.forEach((p, i) => {
    if (p.batch !== undefined) checkBatchSize(p.batch, universe.length, 'observed entries', phaseField(cfg.optimizer, i, 'batch'));
  });
  const loss: DataLoss = lossInput.kind === 'full' ? { kind: 'full', M: M.data }
    : lossInput.kind === 'completion' ? { kind: 'completion', M: M.data, mask: lossInput.mask }
    : lossInput; // sensing: already the backend's form (A and y, or y and the CSR rows)
  const batches = cfg.optimizer.flatMap((p) => (p.batch === undefined ? [] : [p.batch]));
  const sessionInput: SessionInput = {
    model: { kind: 'symmetric', n, k }, precision: cfg.precision, loss, lambda,
    ...(batches.length > 0 && loss.kind !== 'full' ? { maxBatch: Math.max(...batches) } : {}),
    anticorrelated: cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated'),
    theta: new Float64Array(0), rng: new Int32Array(0),
  };
  const misfit = sessionMisfit(sessionInput);
  if (misfit) throw new FlatminError('OUT_OF_RANGE', 'model.rank', `this problem does not fit: ${misfit} (use a smaller rank or target)`);
  // Its own stream, so changing the init scale does not change the noise or the batches.
  const theta = gaussians(n * k, seedGaussian(initStreamSeed(cfg.seed)));
  for (let e = 0; e < theta.length; e++) theta[e] *= cfg.model.init.scale;
  sessionInput.theta = theta;
  sessionInput.rng = seedGaussian(cfg.seed);

  const value = lossOfW(lossInput, M.data);
  let m2 = 0;
  for (const v of M.data) m2 += v * v;
  const mNorm = Math.sqrt(m2);
  const W = new Float64Array(n * n);
  /** W = XXᵀ in f64 (a report, not the step's bits), ridge term, relative error. */
  const measure = (X: Float64Array) => {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += X[i * k + c] * X[j * k + c];
        W[i * n + j] = s;
      }
    let x2 = 0;
    for (const v of X) x2 += v * v;
    let d2 = 0;
    for (let e = 0; e < n * n; e++) d2 += (W[e] - M.data[e]) ** 2;
    return { x2, error: mNorm > 0 ? Math.sqrt(d2) / mNorm : Math.sqrt(d2) };
  };
  return {
    sessionInput,
    lossScale: 0.5 * m2,
    record(session, step) {
      const X = session.theta();
      const { x2, error } = measure(X);
      if (!Number.isFinite(error)) return undefined;
      return { step, loss: value.value(W) + lambda * x2, normX2: x2, error };
    },
    result(session) {
      const X = session.theta();
      return { final: { X: new RowsOf({ rows: n, cols: k, data: X }), error: measure(X).error } };
    },
  };
}
