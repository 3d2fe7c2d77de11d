import { backendNames, getBackend } from './backends/index.js';
import type { FactorizationSession } from './backends/types.js';
import type { WasmSource } from './backends/wasm/loader.js';
import type { BackendName, Precision, RunConfig } from './config/types.js';
import { checkBatchSize, validateConfig } from './config/validate.js';
import { FlatminError } from './errors.js';
import { frob2, toRows, type Matrix } from './linalg/matrix.js';
import { compileSchedule, totalSteps, type CompiledPhase } from './optimizers/schedule.js';
import { noiseOf } from './optimizers/noise.js';
import { buildInit, buildTarget } from './problems/factorization.js';
import type { TwoFactor } from './diagnostics/hessian.js';
import { batchUniverse, buildLoss, lossOfW, objective } from './problems/losses.js';
import { LANES, seedGaussian } from './random/gaussian.js';
import { factorizationDistances, predictFactorization, type Distances, type Prediction } from './theory/factorization.js';

export interface HistoryPoint {
  step: number;
  /** The training objective: ½‖XYᵀ − M‖² for the full target, else the configured loss + ridge. */
  loss: number;
  normX2: number;
  normY2: number;
}

export interface RunResult {
  /** The normalized config (every default filled in). */
  config: RunConfig;
  backend: BackendName;
  steps: number;
  final: { X: number[][]; Y: number[][] };
  prediction: {
    c: number;
    c2: number;
    normX2: number;
    normY2: number;
    nuclearNorm: number;
    rankM: number;
  };
  distances: Distances;
  history: HistoryPoint[];
  seconds: number;
  microsecondsPerStep: number;
}

/** Everything needed to continue a run to the same bits it would have reached uninterrupted. */
export interface Checkpoint {
  format: 'flatmin-checkpoint-2';
  /** The precision the iterate was computed in; a resume must use the same. */
  precision: Precision;
  step: number;
  scale: number;
  /** f64 bytes of [X | Y], base64 — JSON numbers would lose −0. */
  theta: string;
  rng: number[];
  /** anticorrelated-gd only: f64 bytes of ξ_{t−1}, base64 (the noise of the last step is state). */
  prevNoise?: string;
  /** optimizer.batch only: this epoch's permutation and the next position in it (mid-epoch is state). */
  sampler?: { order: number[]; pos: number };
  history: HistoryPoint[];
}

export interface RunOptions {
  /** Overrides config.backend. */
  backend?: BackendName;
  /** Where the Wasm core comes from (default: build/flatmin.wasm beside the package). */
  wasm?: WasmSource;
  /** Called after every chunk of steps. */
  onProgress?: (done: number, total: number) => void;
  /** Continue from a checkpoint taken from a run of the same config. */
  resume?: Checkpoint;
}

/** Loss above this multiple of its reference level counts as divergence. */
const EXPLOSION = 1e6;
/** Upper bound on steps per Wasm call, so progress and checkpoints stay responsive. */
const MAX_CHUNK = 8192;

/**
 * A factorization run in progress: advance it, checkpoint it, read its result. `run()` below is
 * the one-call form.
 */
export class FactorizationRun {
  readonly total: number;
  private readonly phases: CompiledPhase[];
  private readonly history: HistoryPoint[] = [];
  private step = 0;
  private scale: number;
  private seconds = 0;
  /** Divergence threshold: EXPLOSION × max(initial loss, ½‖M‖²) (a run may start at loss 0). */
  private readonly lossLimit: number;

  private constructor(
    readonly config: RunConfig,
    readonly M: Matrix,
    readonly prediction: Prediction,
    private readonly session: FactorizationSession,
    readonly backend: BackendName,
    /** The objective f = ℓ(XYᵀ) + λ(‖X‖² + ‖Y‖²) in plain f64, for reports and diagnostics. */
    readonly objective: TwoFactor,
    resume?: Checkpoint,
  ) {
    this.phases = compileSchedule(config.optimizer.schedule);
    this.total = totalSteps(config.optimizer.schedule);
    this.scale = this.phases[0].scale0;
    if (resume) {
      this.step = resume.step;
      this.scale = resume.scale;
      this.history.push(...resume.history);
    } else {
      this.record();
    }
    this.lossLimit = EXPLOSION * Math.max(this.history[0].loss, 0.5 * frob2(M));
  }

  static async create(config: unknown, options: RunOptions = {}): Promise<FactorizationRun> {
    const cfg = validateConfig(config);
    if (options.backend !== undefined) {
      if (!backendNames.includes(options.backend))
        throw new FlatminError('UNKNOWN_KIND', 'backend', `unknown backend ${JSON.stringify(options.backend)}; expected one of ${backendNames.join(', ')}`);
      cfg.backend = options.backend;
    }
    const { M, svd } = buildTarget(cfg.problem);
    const r = cfg.problem.rank;
    // Wasm memory is 32-bit: M, Mᵀ, three copies of [X | Y], [MY | MtX] and two r×r Grams must fit
    // (in f32 at half the size, plus the f64 noise before rounding).
    const size = cfg.precision === 'f32' ? 4 : 8;
    const xy = (M.rows + M.cols) * r;
    const nm = M.rows * M.cols;
    const loss = cfg.problem.loss ?? { kind: 'full' as const };
    // The other losses add W, R (n×m) and Ypᵀ; sensing its N measurement matrices and two N-vectors.
    const extra = loss.kind === 'full' ? 0 : 2 * nm + M.cols * r + (loss.kind === 'sensing' ? (nm + 2) * loss.measurements : nm);
    const prev = cfg.optimizer.kind === 'anticorrelated-gd' ? xy : 0; // ξ_{t−1}
    // Minibatch sensing gathers its batch's rows (the int32 sampler arrays are negligible).
    const gathered = loss.kind === 'sensing' && cfg.optimizer.batch !== undefined ? cfg.optimizer.batch * nm : 0;
    const bytes = size * (2 * nm + 4 * xy + prev + 2 * r * r + extra + gathered) + (size === 4 ? 8 * xy : 0);
    if (bytes > 2 ** 30)
      throw new FlatminError('OUT_OF_RANGE', 'problem.rank', `this problem needs ${(bytes / 2 ** 20).toFixed(0)} MiB of buffers; at most 1024 MiB fit (use a smaller rank or target)`);
    const { kind, sigmaX, sigmaY } = cfg.optimizer;
    if ((sigmaX === 0) !== (sigmaY === 0)) {
      if (kind === 'perturbed-gd')
        throw new FlatminError('OUT_OF_RANGE', sigmaX === 0 ? 'optimizer.sigmaX' : 'optimizer.sigmaY', 'σX and σY must both be > 0 or both 0 (the predicted ratio c = (σX/σY)·√(n/m) would be 0 or ∞)');
    }
    // For plain GD σ only picks the optimum shown; a one-sided σ falls back to the isotropic one.
    const oneSided = (sigmaX === 0) !== (sigmaY === 0);
    const prediction = predictFactorization(M, r, oneSided ? 1 : sigmaX, oneSided ? 1 : sigmaY, { svd });
    const backend = await getBackend(cfg.backend, options.wasm);
    let theta = buildInit(cfg.init, M, r, cfg.seed);
    let rng = seedGaussian(cfg.seed);
    const resume = options.resume;
    const { placement } = noiseOf(cfg.optimizer);
    const lossInput = buildLoss(cfg.problem.loss, M, cfg.seed);
    const { batch } = cfg.optimizer;
    const universe = batchUniverse(lossInput);
    if (batch !== undefined) checkBatchSize(batch, universe.length, 'observed entries'); // a drawn `fraction` mask
    const sampled = batch !== undefined && batch < universe.length; // batch = all is full-batch: no sampler
    if (resume) {
      checkCheckpoint(resume, theta.length, totalSteps(cfg.optimizer.schedule), cfg.precision, placement === 'anticorrelated');
      if (sampled) checkSampler(resume.sampler, universe);
      theta = decodeF64(resume.theta);
      rng = Int32Array.from(resume.rng);
    }
    const lambda = cfg.problem.lambda ?? 0;
    const session = backend.factorization({
      n: M.rows, m: M.cols, r, precision: cfg.precision, M: M.data, theta, rng, loss: lossInput, lambda, noise: placement, batch,
    });
    if (resume?.prevNoise !== undefined) session.setPrevNoise(decodeF64(resume.prevNoise));
    if (sampled && resume?.sampler) session.setSampler({ order: Int32Array.from(resume.sampler.order), pos: resume.sampler.pos });
    const objective: TwoFactor = { loss: lossOfW(lossInput, M.data), lambda, n: M.rows, m: M.cols, r };
    return new FactorizationRun(cfg, M, prediction, session, cfg.backend, objective, resume);
  }

  get done(): number {
    return this.step;
  }

  /** Runs up to `steps` more steps (default: to the end). Throws DIVERGED, keeping the last finite state. */
  advance(steps = this.total - this.step, onProgress?: (done: number, total: number) => void): void {
    const { lr } = this.config.optimizer;
    const { sigmaX, sigmaY } = noiseOf(this.config.optimizer);
    const every = this.config.recordEvery;
    const stop = Math.min(this.total, this.step + steps);
    while (this.step < stop) {
      const { phase, start, offset } = this.phaseAt(this.step);
      if (offset === 0) this.scale = phase.scale0;
      const chunk = Math.min(stop - this.step, every - (this.step % every), start + phase.steps - this.step, MAX_CHUNK);
      const t0 = performance.now();
      const out = this.session.run(chunk, { lr, sigmaX, sigmaY, scale: this.scale, scaleMul: phase.mul });
      this.seconds += (performance.now() - t0) / 1000;
      this.step += out.done;
      this.scale = out.scale;
      if (out.done < chunk) {
        this.record();
        this.diverged(`the iterate became non-finite at step ${this.step + 1}`, this.step + 1);
      }
      if (this.step % every === 0 || this.step === this.total) {
        const p = this.record();
        if (!(p.loss <= this.lossLimit)) {
          this.diverged(`the loss exploded to ${p.loss.toPrecision(3)} (limit ${this.lossLimit.toPrecision(3)}) by step ${this.step}`, this.step);
        }
      }
      onProgress?.(this.step, this.total);
    }
  }

  checkpoint(): Checkpoint {
    return {
      format: 'flatmin-checkpoint-2',
      precision: this.config.precision,
      step: this.step,
      scale: this.scale,
      theta: encodeF64(this.session.theta()),
      rng: Array.from(this.session.rng()),
      ...(this.config.optimizer.kind === 'anticorrelated-gd' ? { prevNoise: encodeF64(this.session.prevNoise()) } : {}),
      ...(this.config.optimizer.batch !== undefined ? { sampler: samplerJson(this.session.sampler()) } : {}),
      history: this.history.map((h) => ({ ...h })),
    };
  }

  /** The current state with its distances to the predicted optimum. */
  result(): RunResult {
    const n = this.M.rows;
    const m = this.M.cols;
    const r = this.config.problem.rank;
    const theta = this.session.theta();
    const X: Matrix = { rows: n, cols: r, data: theta.slice(0, n * r) };
    const Y: Matrix = { rows: m, cols: r, data: theta.slice(n * r) };
    const p = this.prediction;
    return {
      config: this.config,
      backend: this.backend,
      steps: this.step,
      final: { X: toRows(X), Y: toRows(Y) },
      prediction: { c: p.c, c2: p.c2, normX2: p.normX2, normY2: p.normY2, nuclearNorm: p.nuclearNorm, rankM: p.rankM },
      distances: factorizationDistances(X, Y, this.M, p),
      history: this.history.map((h) => ({ ...h })),
      seconds: this.seconds,
      microsecondsPerStep: this.step > 0 ? (this.seconds * 1e6) / this.step : 0,
    };
  }

  /** The recorded history from index `from` on (copies): what a live view appends after each chunk. */
  historyFrom(from = 0): HistoryPoint[] {
    return this.history.slice(from).map((h) => ({ ...h }));
  }

  /** Distances of the current iterate to the predicted optimum (THEORY.md §1). */
  distances(): Distances {
    const { X, Y } = this.factors();
    const r = this.config.problem.rank;
    return factorizationDistances({ rows: this.M.rows, cols: r, data: X }, { rows: this.M.cols, cols: r, data: Y }, this.M, this.prediction);
  }

  /** A copy of the iterate θ = [X | Y] (row-major X, then Y). */
  theta(): Float64Array {
    return this.session.theta();
  }

  /** The latest recorded history point (a copy). */
  latest(): HistoryPoint {
    return { ...this.history[this.history.length - 1] };
  }

  /** X and Y as raw row-major data (no copies into nested arrays). */
  factors(): { X: Float64Array; Y: Float64Array } {
    const theta = this.session.theta();
    const nr = this.M.rows * this.config.problem.rank;
    return { X: theta.slice(0, nr), Y: theta.slice(nr) };
  }

  dispose(): void {
    this.session.dispose();
  }

  private record(): HistoryPoint {
    const last = this.history[this.history.length - 1];
    if (last && last.step === this.step) return last;
    const { x2, y2 } = this.session.norms();
    // The full target without ridge keeps the session's own ½‖XYᵀ − M‖² (the history's bits since v0.1).
    const f = this.objective;
    const full = (this.config.problem.loss ?? { kind: 'full' }).kind === 'full' && f.lambda === 0;
    const loss = full ? this.session.loss() : objective(f.loss, f.lambda, this.session.theta(), f.n, f.m, f.r);
    const p = { step: this.step, loss, normX2: x2, normY2: y2 };
    this.history.push(p);
    return p;
  }

  private diverged(what: string, step: number): never {
    const lr = this.config.optimizer.lr;
    const suggestedLr = Number((lr / 4).toPrecision(2));
    throw new FlatminError(
      'DIVERGED',
      'optimizer.lr',
      `diverged: ${what}; the result keeps the last finite state (step ${this.step}). Try a smaller step size, e.g. lr = ${suggestedLr}`,
      { step, suggestedLr, result: this.result() },
    );
  }

  private phaseAt(step: number): { phase: CompiledPhase; start: number; offset: number } {
    let start = 0;
    for (const phase of this.phases) {
      if (step < start + phase.steps) return { phase, start, offset: step - start };
      start += phase.steps;
    }
    throw new Error(`step ${step} is past the schedule`);
  }
}

/** Validate `config`, run it to the end, return the result. Backend buffers are always freed. */
export async function run(config: unknown, options: RunOptions = {}): Promise<RunResult> {
  const r = await FactorizationRun.create(config, options);
  try {
    r.advance(undefined, options.onProgress);
    return r.result();
  } finally {
    r.dispose();
  }
}

function checkCheckpoint(c: Checkpoint, thetaLength: number, total: number, precision: Precision, anticorrelated: boolean): void {
  const bad = (path: string, msg: string) => new FlatminError('TYPE', `resume.${path}`, msg);
  if (!c || c.format !== 'flatmin-checkpoint-2')
    throw bad('format', `expected "flatmin-checkpoint-2", got ${JSON.stringify(c?.format)} (a checkpoint from an older flatmin cannot be resumed)`);
  if (c.precision !== precision) throw bad('precision', `the checkpoint was taken in ${JSON.stringify(c.precision)}, this run is ${JSON.stringify(precision)}`);
  if (!Number.isInteger(c.step) || c.step < 0 || c.step > total) throw bad('step', `expected an integer in [0, ${total}]`);
  if (typeof c.scale !== 'number' || !(c.scale >= 0 && c.scale < Infinity)) throw bad('scale', `expected a finite number ≥ 0, got ${JSON.stringify(c.scale)}`);
  if (typeof c.theta !== 'string' || decodeF64(c.theta).length !== thetaLength)
    throw bad('theta', `expected ${thetaLength} f64 values, base64-encoded; the checkpoint is from another config`);
  const words = 4 * LANES;
  if (!Array.isArray(c.rng) || c.rng.length !== words || !c.rng.every((v) => Number.isInteger(v) && (v | 0) === v))
    throw bad('rng', `expected ${words} int32 words`);
  // A lane whose four words are all 0 would be stuck at 0 forever (xor128's one fixed point).
  for (let j = 0; j < LANES; j++)
    if ([0, 1, 2, 3].every((w) => c.rng[w * LANES + j] === 0)) throw bad('rng', `lane ${j} is all zero, which xor128 can never leave`);
  if (!Array.isArray(c.history) || c.history.length === 0) throw bad('history', 'expected the recorded history');
  if (anticorrelated && (typeof c.prevNoise !== 'string' || decodeF64(c.prevNoise).length !== thetaLength))
    throw bad('prevNoise', `expected ξ_{t−1} as ${thetaLength} f64 values, base64-encoded (anticorrelated-gd carries its last noise)`);
}

function samplerJson(s: { order: Int32Array; pos: number }): { order: number[]; pos: number } {
  return { order: Array.from(s.order), pos: s.pos };
}

/**
 * A minibatch run's sampler: a permutation of what batches are drawn from (observed entries or
 * measurement numbers) and a position in [0, its length]. (With batch = all there is no sampler:
 * its checkpoint holds an empty order, which is not checked.)
 */
function checkSampler(s: Checkpoint['sampler'], universe: Int32Array): void {
  const bad = (path: string, msg: string) => new FlatminError('TYPE', `resume.sampler${path}`, msg);
  if (!s || !Array.isArray(s.order)) throw bad('', 'expected { order, pos }: a minibatch run carries its epoch permutation');
  const sorted = Int32Array.from(s.order.map((v) => (Number.isInteger(v) ? v : -1))).sort();
  if (sorted.length !== universe.length || sorted.some((v, i) => v !== universe[i]))
    throw bad('.order', `expected a permutation of the ${universe.length} observed entries / measurements; the checkpoint is from another config`);
  if (!Number.isInteger(s.pos) || s.pos < 0 || s.pos > universe.length) throw bad('.pos', `expected an integer in [0, ${universe.length}]`);
}

function encodeF64(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

/** An empty array for anything that is not base64 of whole f64s (the caller reports it). */
function decodeF64(s: string): Float64Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    return new Float64Array(0);
  }
  if (bin.length % 8 !== 0) return new Float64Array(0);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}
