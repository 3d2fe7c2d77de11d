import { measurementsShape } from '../problems/measurements.js';
import type { FactorizationConfig } from '../config/types.js';
import { checkBatchSize, phaseField } from '../config/optimizer.js';
import { hessianAt, type TwoFactor } from '../diagnostics/hessian.js';
import type { Surface } from '../diagnostics/landscape.js';
import { FlatminError } from '../errors.js';
import { frob2, type Matrix } from '../linalg/matrix.js';
import { RowsOf } from '../report/rowsOf.js';
import { buildFactoredTarget, buildInit, buildTarget } from '../problems/factorization.js';
import { isFactored, targetShape } from '../config/factorization.js';
import { lowRankEntries, lowRankHeldOutError, lowRankLoss, lowRankNorm2, type LowRank } from '../linalg/lowRank.js';
import type { FactoredTarget, RandomTarget } from '../config/types.js';
import { batchUniverse, buildLoss, endToEnd, lossOfW, objective } from '../problems/losses.js';
import { testError } from '../diagnostics/completion.js';
import { fractionObserved, observedObjective } from '../problems/observed.js';
import { cooObserved } from '../config/observations.js';
import { observedOf } from '../backends/sparse.js';
import { seedGaussian } from '../random/gaussian.js';
import { factorizationDistances, predictFactorization, type Distances, type Prediction } from '../theory/factorization.js';
import { sessionMisfit } from '../backends/index.js';
import type { SessionShape } from '../backends/memory.js';
import type { DataLoss, Observed, Session, SessionInput } from '../backends/types.js';
import { spectra, type Curvature } from './spectra.js';
import { completionStepWarnings } from './stepSize.js';
import type { ModelRuntime } from './types.js';

/** One recording of a two-factor run. */
export interface HistoryPoint {
  step: number;
  /** The training objective: ½‖XYᵀ − M‖² for the full target, else the configured loss + ridge. */
  loss: number;
  normX2: number;
  normY2: number;
  /** With diagnostics.curvature.every: the spectral report at this step (src/models/spectra.ts). */
  curvature?: Curvature;
  /** With diagnostics.trajectory: the iterate [X | Y] (row-major). */
  theta?: number[];
}

/** What a two-factor result adds: the factors, the closed-form prediction and the distances to it. */
export interface FactorizationExtra {
  /** The factors, and with diagnostics.curvature their spectral report. */
  final: { X: number[][]; Y: number[][]; curvature?: Curvature };
  prediction: { c: number; c2: number; normX2: number; normY2: number; nuclearNorm: number; rankM: number };
  distances: Distances;
  /**
   * Completion: ‖(XYᵀ − M)|Ωᶜ‖ / ‖M|Ωᶜ‖, the relative error on every entry not observed (M: the
   * target, the truth; NaN when all are observed) — a dense target's entry by entry
   * (diagnostics/completion.ts testError), a factored target's from the factors without visiting
   * Ωᶜ (lowRank.ts lowRankHeldOutError).
   */
  heldOutError?: number;
}

export interface FactorizationRuntime extends ModelRuntime<HistoryPoint, FactorizationExtra> {
  /** The n×m target; absent for a factored target (never formed: see `factors`). */
  readonly M?: Matrix;
  /** A factored target's M = A Bᵀ (config target.factors, or random with factored: true). */
  readonly factors?: LowRank;
  readonly prediction: Prediction;
  /** The objective f = ℓ(XYᵀ) + λ(‖X‖² + ‖Y‖²) in plain f64, for reports and diagnostics. */
  readonly objective: TwoFactor;
  distances(theta: Float64Array): Distances;
  /** The training objective as a landscape (src/diagnostics/landscape.ts): blocks X, Y. */
  readonly surface: Surface;
}

/** The two-factor model X Yᵀ of a validated config: target, init, loss and prediction built once. */
export function factorizationModel(cfg: FactorizationConfig, onPrepare?: (fraction: number, what: string) => void): FactorizationRuntime {
  checkFits(cfg);
  if (isFactored(cfg.problem.target)) return factoredModel(cfg, cfg.problem.target);
  const { M, svd } = buildTarget(cfg.problem as { target: Exclude<typeof cfg.problem.target, FactoredTarget> });
  const r = cfg.problem.rank;
  const [n, m] = [M.rows, M.cols];
  const [sx, sy] = cfg.prediction.sigma;
  const what = `SVD of the ${n}×${m} target`;
  const prediction = predictFactorization(M, r, sx, sy, { svd, ...(onPrepare && !svd ? { onProgress: (f: number) => onPrepare(f, what) } : {}) });
  const lossInput = buildLoss(cfg.problem.loss, M, cfg.seed);
  // completion: the session and the records take the observed lists (nothing n×m in the session;
  // a record costs O(|Ω|·r)); COO observations bring their own values (the target stays the truth)
  const cfgLoss = cfg.problem.loss;
  const observed = lossInput.kind !== 'completion' ? undefined
    : 'observations' in cfgLoss ? cooObserved(cfgLoss.observations, n, m, 'problem.loss.observations')
    : observedOf({ kind: 'completion', M: M.data, mask: lossInput.mask });
  const data = observed && 'observations' in cfgLoss ? withValues(M.data, observed) : M.data;
  const universe = batchUniverse(lossInput);
  const batches = cfg.optimizer.flatMap((p) => (p.batch === undefined ? [] : [p.batch]));
  cfg.optimizer.forEach((p, i) => {
    if (p.batch !== undefined) checkBatchSize(p.batch, universe.length, 'observed entries', phaseField(cfg.optimizer, i, 'batch'));
  });
  const loss: DataLoss = lossInput.kind === 'full' ? { kind: 'full', M: M.data }
    : lossInput.kind === 'completion' ? { kind: 'completion', M: new Float64Array(0), mask: [], observed }
    : lossInput; // sensing: already the backend's form (A and y, or y and the CSR rows)
  const lambda = cfg.problem.lambda;
  const objectiveF: TwoFactor = { loss: lossOfW(lossInput, data), lambda, n, m, r };
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
  const sessionInput: SessionInput = {
    model: { kind: 'factorization', n, m, r }, precision: cfg.precision, loss, lambda,
    // A batch only samples a loss with terms (the validator rejects one on the full target).
    ...(batches.length > 0 && loss.kind !== 'full' ? { maxBatch: Math.max(...batches) } : {}),
    anticorrelated: cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated'),
    labelNoise: cfg.optimizer.some((p) => p.noise?.kind === 'label'),
    theta: new Float64Array(0), rng: new Int32Array(0),
  };
  checkFits(cfg, sessionInput);
  const diag = cfg.diagnostics;
  const spectrum = typeof diag?.curvature === 'object' ? spectra(diag.curvature, cfg.seed, (th) => hessianAt(objectiveF, th)) : undefined;
  sessionInput.theta = buildInit(cfg.init, M, r, cfg.seed);
  sessionInput.rng = seedGaussian(cfg.seed);
  const warnings = lossInput.kind === 'completion'
    ? completionStepWarnings(cfg.optimizer.map((p) => p.lr), n, m, prediction.singularValues[0] ?? 0, (i) => phaseField(cfg.optimizer, i, 'lr'))
    : [];
  return {
    M, prediction, objective: objectiveF, distances, sessionInput, warnings,
    surface: { loss: (theta) => objective(objectiveF.loss, lambda, theta, n, m, r), blocks: [0, nr, (n + m) * r] },
    lossScale: 0.5 * frob2(M),
    record(session, step) {
      const [normX2, normY2] = session.blockNorms();
      const f = objectiveF;
      const value = sessionLoss ? session.fullLoss()
        : observed ? observedObjective(observed, f.lambda, session.theta(), n, m, r) // the same bits, no W
        : objective(f.loss, f.lambda, session.theta(), n, m, r);
      const point: HistoryPoint = { step, loss: value, normX2, normY2 };
      if (spectrum || diag?.trajectory) {
        const theta = session.theta();
        const c = spectrum?.at(step, theta);
        if (c) point.curvature = c;
        if (diag?.trajectory) point.theta = Array.from(theta);
      }
      return point;
    },
    result(session, history) {
      const theta = session.theta();
      const { X, Y } = split(theta);
      const p = prediction;
      const last = history[history.length - 1];
      const c = last ? spectrum?.final(last.step, theta, last) : undefined;
      return {
        final: { X: new RowsOf(X), Y: new RowsOf(Y), ...(c ? { curvature: c } : {}) },
        prediction: { c: p.c, c2: p.c2, normX2: p.normX2, normY2: p.normY2, nuclearNorm: p.nuclearNorm, rankM: p.rankM },
        distances: factorizationDistances(X, Y, M, p),
        ...(lossInput.kind === 'completion' ? { heldOutError: testError(endToEnd(new Float64Array(n * m), theta, n, m, r), M.data, lossInput.mask) } : {}),
      };
    },
  };
}

/**
 * The session's buffers must fit the Wasm heap (src/backends/memory.ts sizes them): checked from
 * the config's sizes alone, before the target, the measurements or the iterate are built — the
 * config's 1e8-entry caps are not enough (a sensing problem holds N·n·m measurement entries) — and
 * again, exactly, on the built input. (A factored target's completion is sized by its lists' count
 * — fraction's expected one — before Ω is drawn. Dense completion is sized as the full target:
 * their buffers differ by a few n×m ones, which the exact check then counts.)
 */
function checkFits(cfg: FactorizationConfig, input?: SessionShape): void {
  const t = cfg.problem.target;
  const { n, m } = targetShape({ target: t });
  const loss = cfg.problem.loss;
  const k = Array.isArray(t) ? 0 : 'factors' in t ? t.factors.A[0].length : t.random.singularValues.length;
  // A factored target's completion holds its lists only: sized by their count (fraction's expected one).
  const count = loss.kind !== 'completion' ? 0 : 'observations' in loss ? loss.observations.rows.length : 'fraction' in loss ? Math.ceil(loss.fraction * n * m) : 0;
  const misfit = sessionMisfit(input ?? {
    model: { kind: 'factorization', n, m, r: cfg.problem.rank }, precision: cfg.precision, lambda: cfg.problem.lambda,
    loss: isFactored(t) && loss.kind === 'completion'
      ? { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index: { length: count } as Int32Array, values: { length: count } as Float64Array } }
      : isFactored(t) ? { kind: 'factored', A: { length: n * k } as Float64Array, B: { length: m * k } as Float64Array, k }
      : loss.kind === 'sensing'
      ? { kind: 'sensing', ...measurementsShape(loss.measurements, n * m) }
      : { kind: 'full', M: new Float64Array(0) },
    anticorrelated: cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated'),
    labelNoise: cfg.optimizer.some((p) => p.noise?.kind === 'label'),
  });
  if (misfit) throw new FlatminError('OUT_OF_RANGE', 'problem.rank', `this problem does not fit: ${misfit} (use a smaller rank or target)`);
}

/** The target with the observed entries replaced by their listed values (what the loss fits). */
function withValues(M: Float64Array, obs: Observed): Float64Array {
  const out = M.slice();
  obs.index.forEach((e, p) => (out[e] = obs.values[p]));
  return out;
}

export type { Session };

/**
 * The two-factor model on a factored target M = A Bᵀ (config target.factors, or random with
 * factored: true): the step never forms M, and every report works from the factors — the
 * prediction from their thin SVD, the distances and the loss by src/linalg/lowRank.ts — in
 * O((n + m)·(r + k)²) time and O((n + m)·(r + k)) memory. No M, no W: the result carries X and Y
 * (the config carries the factors, or the seed that regenerates them).
 *
 * Full loss: the session's loss is "factored". Completion: the session's is the observed lists
 * (src/backends/sparse.ts), O(|Ω|·r) a step — `fraction` draws Ω as the dense path does (the same
 * set) and its values are M_ij = Σ_c A_ic B_jc (lowRankEntries: c ascending; the dense target's
 * bits when singularValues are non-increasing), `observations` bring their own values (the data;
 * the factors stay the truth the distances and the held-out error measure). The records are the
 * objective on Ω (observedObjective); the result adds the error on the unobserved entries from the
 * factors (lowRankHeldOutError). No curvature diagnostics (the config validator says so).
 */
function factoredModel(cfg: FactorizationConfig, target: FactoredTarget | RandomTarget): FactorizationRuntime {
  const { factors, svd } = buildFactoredTarget({ target });
  const r = cfg.problem.rank;
  const [n, m, k] = [factors.A.rows, factors.B.rows, factors.A.cols];
  const [sx, sy] = cfg.prediction.sigma;
  const prediction = predictFactorization(factors, r, sx, sy, { svd });
  const lambda = cfg.problem.lambda;
  const nr = n * r;
  // Views, not copies: θ is already the caller's copy, and nothing below writes to X or Y.
  const split = (theta: Float64Array): { X: Matrix; Y: Matrix } => ({
    X: { rows: n, cols: r, data: theta.subarray(0, nr) }, Y: { rows: m, cols: r, data: theta.subarray(nr) },
  });
  const distances = (theta: Float64Array) => {
    const { X, Y } = split(theta);
    return factorizationDistances(X, Y, factors, prediction);
  };
  const observed = factoredObserved(cfg, factors);
  const batches = cfg.optimizer.flatMap((p) => (p.batch === undefined ? [] : [p.batch]));
  if (observed) cfg.optimizer.forEach((p, i) => {
    if (p.batch !== undefined) checkBatchSize(p.batch, observed.index.length, 'observed entries', phaseField(cfg.optimizer, i, 'batch'));
  });
  const sessionInput: SessionInput = {
    model: { kind: 'factorization', n, m, r }, precision: cfg.precision, lambda,
    loss: observed ? { kind: 'completion', M: new Float64Array(0), mask: [], observed } : { kind: 'factored', A: factors.A.data, B: factors.B.data, k },
    ...(observed && batches.length > 0 ? { maxBatch: Math.max(...batches) } : {}),
    anticorrelated: cfg.optimizer.some((p) => p.noise?.kind === 'anticorrelated'),
    ...(observed ? { labelNoise: cfg.optimizer.some((p) => p.noise?.kind === 'label') } : {}),
    theta: new Float64Array(0), rng: new Int32Array(0),
  };
  checkFits(cfg, sessionInput);
  const norm2 = lowRankNorm2(factors);
  sessionInput.theta = buildInit(cfg.init, { rows: n, cols: m, frob: Math.sqrt(norm2) }, r, cfg.seed);
  sessionInput.rng = seedGaussian(cfg.seed);
  const unavailable = (what: string) => () => {
    throw new FlatminError('USAGE', what, `not available for a factored target: it works on the n×m matrix XYᵀ, which is never formed`);
  };
  const warnings = observed
    ? completionStepWarnings(cfg.optimizer.map((p) => p.lr), n, m, prediction.singularValues[0] ?? 0, (i) => phaseField(cfg.optimizer, i, 'lr'))
    : [];
  return {
    factors, prediction, distances, sessionInput, warnings,
    get objective(): TwoFactor {
      return unavailable('objective')();
    },
    // The landscape's objective from the factors (lowRank.ts) or the observed lists, the ridge summed as objective() sums it.
    surface: {
      loss: (theta) => {
        if (observed) return observedObjective(observed, lambda, theta, n, m, r);
        let ridge = 0;
        if (lambda !== 0) for (let e = 0; e < theta.length; e++) ridge += theta[e] * theta[e];
        return lowRankLoss(theta, factors, r) + lambda * ridge;
      },
      blocks: [0, nr, (n + m) * r],
    },
    lossScale: 0.5 * norm2,
    record(session, step) {
      const [normX2, normY2] = session.blockNorms();
      // Full: ½‖XYᵀ − ABᵀ‖² (session.fullLoss: lowRank.ts) + the ridge, as the dense path's objective adds it.
      // Completion: the dense path's bits from the same lists, O(|Ω|·r).
      const loss = observed ? observedObjective(observed, lambda, session.theta(), n, m, r)
        : lambda === 0 ? session.fullLoss() : session.fullLoss() + lambda * (normX2 + normY2);
      const point: HistoryPoint = { step, loss, normX2, normY2 };
      if (cfg.diagnostics?.trajectory) point.theta = Array.from(session.theta());
      return point;
    },
    result(session) {
      const theta = session.theta();
      const { X, Y } = split(theta);
      const p = prediction;
      return {
        final: { X: new RowsOf(X), Y: new RowsOf(Y) },
        prediction: { c: p.c, c2: p.c2, normX2: p.normX2, normY2: p.normY2, nuclearNorm: p.nuclearNorm, rankM: p.rankM },
        distances: factorizationDistances(X, Y, factors, p),
        ...(observed ? { heldOutError: lowRankHeldOutError(theta, factors, r, observed.index) } : {}),
      };
    },
  };
}

/**
 * A factored target's completion lists (undefined for the full loss): `fraction` → Ω drawn as the
 * dense path draws it (observed.ts fractionObserved, the same set), values from the factors;
 * `observations` → the given lists and values.
 */
function factoredObserved(cfg: FactorizationConfig, factors: LowRank): Observed | undefined {
  const loss = cfg.problem.loss;
  if (loss.kind !== 'completion') return undefined;
  const [n, m] = [factors.A.rows, factors.B.rows];
  if ('observations' in loss) return cooObserved(loss.observations, n, m, 'problem.loss.observations');
  if ('fraction' in loss) {
    const index = fractionObserved(n * m, loss.fraction, cfg.seed);
    return { index, values: lowRankEntries(factors, index) };
  }
  throw new FlatminError('UNKNOWN_KEY', 'problem.loss.mask', 'a factored target takes fraction or observations (a mask is n×m)');
}
