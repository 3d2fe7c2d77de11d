import { backendNames, getBackend, gainsFromThreads, resolveThreads } from './backends/index.js';
import type { WasmSource } from './backends/wasm/loader.js';
import { phaseField, totalSteps } from './config/optimizer.js';
import type {
  BackendName, DeepLinearConfig, DeepLinearInput, FactorizationConfig, FlatminConfig, NoiseConfig, NoiseKind, RunConfig, SymmetricConfig, SymmetricInput,
} from './config/types.js';
import { validateConfig } from './config/validate.js';
import { FlatminError, isFlatminError } from './errors.js';
import { checkResume, decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { deepLinearModel, type DeepLinearExtra, type DlnHistoryPoint } from './models/deepLinear.js';
import { factorizationModel, type FactorizationExtra, type FactorizationRuntime, type HistoryPoint } from './models/factorization.js';
import { symmetricModel, type SymmetricExtra, type SymmetricHistoryPoint } from './models/symmetric.js';
import type { Session, SessionStepParams } from './backends/types.js';
import type { ModelRuntime } from './models/types.js';
import { compileScale } from './optimizers/schedule.js';
import { langevinSigma } from './optimizers/noise.js';
import { materialize, type Deferred } from './report/rowsOf.js';

export type { Checkpoint } from './checkpoint.js';
export type { HistoryPoint } from './models/factorization.js';
export type { DlnHistoryPoint } from './models/deepLinear.js';
export type { SymmetricHistoryPoint } from './models/symmetric.js';

/** Why a run stopped early: the last finite state is in the result. */
export interface Divergence {
  /** The step that would have made the state non-finite, or at which the loss exploded. */
  step: number;
  reason: string;
  suggestedLr: number;
}

declare module './errors.js' {
  interface FlatminErrorDetailsByCode {
    /** The run blew up: where, the step size to try, and the last finite state as a result. */
    DIVERGED: { step: number; suggestedLr: number; result: RunResult };
  }
}

interface ResultBase<C extends RunConfig, H> {
  /** The normalized config (every default filled in): `flatmin run` of it reproduces this result. */
  config: C;
  backend: BackendName;
  /** Threads the Wasm core used for the run's products (1: the single-threaded core; reference: 1). */
  threads: number;
  /** Steps done (fewer than the config's only if the run diverged). */
  steps: number;
  history: H[];
  seconds: number;
  microsecondsPerStep: number;
  /** Present when the run stopped early (the rest of the result is its last finite state). */
  diverged?: Divergence;
  /** Tail averaging (a phase's `average`): the mean of the iterates after each averaged step. */
  average?: TailAverage;
  /** What looked legal but unintended before the run (a step size far off the loss's scale); absent when none. */
  warnings?: string[];
}

/** The SWA average: θ's layout ([X | Y] or [W_1 | … | W_L], row-major blocks), f64. */
export interface TailAverage {
  /** Steps averaged so far. */
  steps: number;
  theta: number[];
}

export interface FactorizationResult extends ResultBase<FactorizationConfig, HistoryPoint>, FactorizationExtra {
  kind: 'factorization';
}
export interface DeepLinearResult extends ResultBase<DeepLinearConfig, DlnHistoryPoint>, DeepLinearExtra {
  kind: 'deep-linear';
}
export interface SymmetricResult extends ResultBase<SymmetricConfig, SymmetricHistoryPoint>, SymmetricExtra {
  kind: 'symmetric';
}
export type RunResult = FactorizationResult | DeepLinearResult | SymmetricResult;
/** The result type of a config type: deep-linear configs give DeepLinearResult, the rest FactorizationResult. */
export type ResultOf<C> = C extends { model: { kind: 'deep-linear' } } ? DeepLinearResult
  : C extends { model: { kind: 'symmetric' } } ? SymmetricResult
  : C extends SymmetricInput | SymmetricConfig ? SymmetricResult
  : C extends DeepLinearInput | DeepLinearConfig ? DeepLinearResult
  : C extends FlatminConfig | RunConfig ? (C extends { model?: { kind: 'factorization' } } ? FactorizationResult : RunResult)
  : RunResult;

/** Progress: steps done of the total, after every chunk (the same signature for `run` and the worker). */
export type OnProgress = (done: number, total: number) => void;

export interface RunOptions {
  /** Overrides config.backend. */
  backend?: BackendName;
  /** Where the Wasm core comes from (default: build/flatmin.wasm beside the package). */
  wasm?: WasmSource;
  /**
   * Threads for the Wasm core's products and θ's noise draw (same bits for any count). Default:
   * every core when the step's products are at least 256·256·16 multiply-adds or its noise draws
   * θ's normals for θ of 2¹⁴ entries or more (backends/wasm/threads.ts gainsFromThreads), else 1.
   * Needs SharedArrayBuffer (in browsers a cross-origin isolated page) and the package's own Wasm
   * (no `wasm` option); where unavailable the run uses one thread and, if more were asked for,
   * warns once why. The result's `threads` says what was used.
   */
  threads?: number;
  onProgress?: OnProgress;
  /**
   * Progress of the work before step 1 that can take seconds — the SVD of a large given target
   * (the prediction needs it): the fraction done and what is being done. Not called when that work
   * is instant (generated targets carry their SVD).
   */
  onPrepare?: (fraction: number, what: string) => void;
  /** Continue from a checkpoint of the same config (`Run.resume` takes the config from it). */
  resume?: Checkpoint;
  /** `run()` stops between chunks when aborted and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Loss above this multiple of its reference level counts as divergence. */
const EXPLOSION = 1e6;
/** Upper bound on steps per Wasm call, so progress and checkpoints stay responsive. */
const MAX_CHUNK = 8192;
/** `run()` hands the event loop back after about this long. */
const SLICE_MS = 40;

/** A phase as the step loop sees it: σ per block resolved (Langevin's √(2ηT)), the scale compiled. */
interface CompiledPhase {
  steps: number;
  lr: number;
  batch?: number;
  noise?: { kind: NoiseKind; sigma: number[]; gamma?: number };
  scale0: number;
  mul: number;
  /** Tail averaging over the phase's last `average` steps. */
  average?: number;
}

type AnyRuntime = ModelRuntime<HistoryPoint, FactorizationExtra> | ModelRuntime<DlnHistoryPoint, DeepLinearExtra> | ModelRuntime<SymmetricHistoryPoint, SymmetricExtra>;
type AnyPoint = HistoryPoint | DlnHistoryPoint | SymmetricHistoryPoint;

/**
 * A phase's noise as the step skeleton takes it (src/backends/types.ts NoiseKind): one strength per
 * block — Langevin's √(2ηT), SAM's ρ, the label σ (the step reads block 0's), annealed noise's η·√eta
 * (θ⁺ = θ − η(∇f + √eta·(1+t)^(−γ/2)·ξ)).
 */
function stepNoise(n: NoiseConfig, lr: number, blocks: number): NonNullable<CompiledPhase['noise']> {
  const every = (s: number) => Array.from({ length: blocks }, () => s);
  switch (n.kind) {
    case 'perturbed':
    case 'anticorrelated':
      return { kind: n.kind, sigma: n.sigma };
    case 'langevin':
      return { kind: n.kind, sigma: every(langevinSigma(lr, n.temperature)) };
    case 'sam':
    case 'asam':
      return { kind: n.kind, sigma: every(n.rho) };
    case 'label':
      return { kind: n.kind, sigma: every(n.sigma) };
    case 'annealed':
      return { kind: n.kind, sigma: every(lr * Math.sqrt(n.eta)), gamma: n.gamma };
  }
}

/**
 * A run in progress, of any model: advance it, checkpoint it, read its result. `run()` below is the
 * one-call form. The model (src/models/) builds the session and says what a recording holds;
 * everything here — phases, noise schedules, chunking, divergence, checkpoints — is model-blind.
 */
export class Run<R extends RunResult = RunResult> {
  readonly total: number;
  private readonly phases: CompiledPhase[];
  private readonly history: AnyPoint[] = [];
  private step = 0;
  private scale: number;
  private seconds = 0;
  private readonly lossLimit: number;
  private divergence?: Divergence;
  private disposed = false;
  /** Tail averaging: the f64 sum of the averaged iterates, in step order, and their count. */
  private readonly avgSum?: Float64Array;
  private avgCount = 0;

  /**
   * The safety net for a forgotten `dispose()`: when a Run is garbage-collected its session's
   * buffers (Wasm heap, which JS GC cannot see) are freed. The held value is the session, never
   * the Run, so the registry itself keeps nothing alive. `dispose()` stays the way to free at once:
   * collection may come late, or (the engine's right) never.
   */
  private static readonly sessions = new FinalizationRegistry<Session>((session) => session.dispose());

  /** Threads of the Wasm core's products (RunOptions.threads as resolved). */
  threads = 1;

  private constructor(
    readonly config: RunConfig,
    /** The model's runtime: for two-factor runs its target, prediction and distances. */
    readonly model: AnyRuntime,
    private readonly session: Session,
    readonly backend: BackendName,
    resume?: Pick<Checkpoint, 'step' | 'scale' | 'history'>,
    average?: { count: number; sum: Float64Array },
  ) {
    this.phases = config.optimizer.map((p) => {
      const { scale0, mul } = compileScale(p.scale, p.steps);
      const noise = p.noise && stepNoise(p.noise, p.lr, session.blocks.length - 1);
      return {
        steps: p.steps, lr: p.lr, ...(p.batch !== undefined ? { batch: p.batch } : {}), ...(noise ? { noise } : {}), scale0, mul,
        ...(p.average !== undefined ? { average: p.average } : {}),
      };
    });
    this.total = totalSteps(config.optimizer);
    this.scale = this.phases[0].scale0;
    if (this.phases.some((p) => p.average !== undefined)) this.avgSum = new Float64Array(session.blocks[session.blocks.length - 1]);
    if (resume) {
      this.step = resume.step;
      this.scale = resume.scale;
      if (this.avgSum) {
        const a = average;
        const expected = this.averagedBefore(resume.step);
        if (!a || a.count !== expected || a.sum.length !== this.avgSum.length || !a.sum.every(Number.isFinite))
          throw new FlatminError('TYPE', 'resume.average', `expected { count: ${expected}, sum: ${this.avgSum.length} finite f64 values, base64 }: a tail-averaging run carries its running sum`);
        this.avgSum.set(a.sum);
        this.avgCount = a.count;
      }
      this.history.push(...(resume.history as AnyPoint[]));
    } else if (!this.record()) {
      throw new FlatminError('OUT_OF_RANGE', 'init', 'the initial iterate is not finite (its end-to-end product overflows)');
    }
    this.lossLimit = EXPLOSION * Math.max(this.history[0].loss, model.lossScale, 1);
    Run.sessions.register(this, session, this);
  }

  /** Validates `config` (any model), builds its problem and backend session; with `options.resume`, continues a checkpoint. */
  static async create<C extends FlatminConfig | RunConfig>(config: C, options?: RunOptions): Promise<Run<ResultOf<C>>>;
  static async create(config: unknown, options?: RunOptions): Promise<Run>;
  static async create(config: unknown, options: RunOptions = {}): Promise<Run> {
    const cfg = validateConfig(config);
    if (options.backend !== undefined) {
      if (!backendNames.includes(options.backend))
        throw new FlatminError('UNKNOWN_KIND', 'backend', `unknown backend ${JSON.stringify(options.backend)}; expected one of ${backendNames.join(', ')}`);
      cfg.backend = options.backend;
    }
    const model: AnyRuntime = cfg.model.kind === 'factorization' ? factorizationModel(cfg as FactorizationConfig, options.onPrepare)
      : cfg.model.kind === 'symmetric' ? symmetricModel(cfg as SymmetricConfig) : deepLinearModel(cfg as DeepLinearConfig);
    const input = model.sessionInput;
    const resume = options.resume === undefined ? undefined : decodeCheckpoint(options.resume);
    if (resume) checkResume(resume, cfg, input, totalSteps(cfg.optimizer));
    const gains = gainsFromThreads(input, cfg.optimizer.map((phase) => phase.noise?.kind));
    const threads = resolveThreads(options.threads, gains, cfg.backend, options.wasm !== undefined);
    const backend = await getBackend(cfg.backend, options.wasm, threads);
    const session = backend.session(resume ? { ...input, theta: resume.theta, rng: resume.rng } : input);
    try {
      if (resume?.prevNoise) session.setPrevNoise(resume.prevNoise);
      if (resume?.sampler) session.setSampler(resume.sampler);
      const run = new Run(cfg, model, session, cfg.backend, resume?.checkpoint, resume?.average);
      run.threads = threads;
      return run;
    } catch (e) {
      session.dispose();
      throw e;
    }
  }

  /** Continues a checkpoint with the config it carries. */
  static async resume(checkpoint: Checkpoint, options: Omit<RunOptions, 'resume'> = {}): Promise<Run> {
    const c = decodeCheckpoint(checkpoint).checkpoint;
    if (c.format !== 'flatmin-checkpoint-3')
      throw new FlatminError('TYPE', 'resume.config', 'this checkpoint carries no config (flatmin 0.1 format): resume it with Run.create(config, { resume })');
    let config: RunConfig;
    try {
      config = validateConfig(c.config);
    } catch (e) {
      // Its config is part of the checkpoint: say so in the path.
      if (e instanceof FlatminError) throw new FlatminError(e.code, `resume.config.${e.path}`, e.reason, e.details);
      throw e;
    }
    return Run.create(config, { ...options, resume: checkpoint });
  }

  /** Legal but likely unintended choices of the config (the CLI prints them before the run); empty when none. */
  get warnings(): readonly string[] {
    return this.model.warnings ?? [];
  }

  get done(): number {
    return this.step;
  }

  /**
   * Runs up to `steps` more steps (default: to the end), recording every `recordEvery` steps and at
   * the end of every phase. Throws DIVERGED, keeping the last finite state (and `result().diverged`).
   */
  advance(steps = this.total - this.step, onProgress?: OnProgress): void {
    this.alive();
    if (this.divergence) throw this.divergedError();
    const every = this.config.recordEvery;
    const stop = Math.min(this.total, this.step + steps);
    while (this.step < stop) {
      const { phase, index, end, offset } = this.phaseAt(this.step);
      if (offset === 0) this.scale = phase.scale0;
      // Tail averaging sees every iterate of its window: one step per call there, and no chunk crosses into it.
      const from = phase.average === undefined ? end : end - phase.average;
      const averaging = this.step >= from;
      const chunk = averaging ? 1 : Math.min(stop - this.step, every - (this.step % every), from - this.step, MAX_CHUNK);
      const params: SessionStepParams = { lr: phase.lr, batch: phase.batch, noise: phase.noise, step: offset, scale: this.scale, scaleMul: phase.mul };
      const t0 = performance.now();
      const out = this.session.run(chunk, params);
      this.seconds += (performance.now() - t0) / 1000;
      this.step += out.done;
      this.scale = out.scale;
      if (averaging && out.done === 1) this.accumulate();
      if (out.done < chunk) {
        this.record();
        this.diverge(index, this.step + 1, `the iterate would have become non-finite at step ${this.step + 1}`);
      }
      if (this.step % every === 0 || this.step === end) {
        const p = this.record();
        if (!p) this.diverge(index, this.step, `the end-to-end product overflowed by step ${this.step}`);
        else if (!(p.loss <= this.lossLimit))
          this.diverge(index, this.step, `the loss exploded to ${p.loss.toPrecision(3)} (limit ${this.lossLimit.toPrecision(3)}) by step ${this.step}`);
      }
      onProgress?.(this.step, this.total);
    }
  }

  /** Everything needed to continue to the same bits an uninterrupted run reaches (JSON-ready). */
  checkpoint(): Checkpoint {
    this.alive();
    const usesSampler = this.phases.some((p) => p.batch !== undefined);
    const anticorrelated = this.phases.some((p) => p.noise?.kind === 'anticorrelated');
    return encodeCheckpoint({
      config: this.config,
      step: this.step,
      scale: this.scale,
      theta: this.session.theta(),
      rng: this.session.rng(),
      prevNoise: anticorrelated ? this.session.prevNoise() : undefined,
      sampler: usesSampler ? this.session.sampler() : undefined,
      average: this.avgSum ? { count: this.avgCount, sum: this.avgSum } : undefined,
      history: this.history,
    });
  }

  /** The current state: final iterate, its diagnostics, the history (copies). */
  result(): R {
    return this.withBase(materialize(this.modelResult())) as R;
  }

  /**
   * result() with its matrices (final factors, weights) still RowsOf (report/rowsOf.ts), for a
   * writer that prints them row by row (report/jsonChunks.ts): the same JSON text, without a row
   * array per row of every factor alive while it is written.
   */
  deferredResult(): Deferred<R> {
    return this.withBase(this.modelResult()) as Deferred<R>;
  }

  /** The model's part of the result: the only part that holds RowsOf (the history is plain numbers). */
  private modelResult(): object {
    this.alive();
    return (this.model.result as (s: Session, h: readonly AnyPoint[]) => object)(this.session, this.history);
  }

  /** The model's part with what every result has: config, backend, steps, history (copies), timing. */
  private withBase(extra: object): object {
    const base = {
      config: this.config,
      backend: this.backend,
      threads: this.threads,
      steps: this.step,
      history: this.history.map((h) => ({ ...h })),
      seconds: this.seconds,
      microsecondsPerStep: this.step > 0 ? (this.seconds * 1e6) / this.step : 0,
      ...(this.divergence ? { diverged: { ...this.divergence } } : {}),
      ...(this.warnings.length > 0 ? { warnings: [...this.warnings] } : {}),
      ...(this.avgSum ? { average: { steps: this.avgCount, theta: Array.from(this.avgSum, (v) => (this.avgCount > 0 ? v / this.avgCount : NaN)) } } : {}),
    };
    return { kind: this.config.model.kind, ...base, ...extra };
  }

  /** The recorded history from index `from` on (copies): what a live view appends after each chunk. */
  historyFrom(from = 0): R['history'] {
    return this.history.slice(from).map((h) => ({ ...h })) as R['history'];
  }

  /** The latest recorded history point (a copy). */
  latest(): R['history'][number] {
    return { ...this.history[this.history.length - 1] } as R['history'][number];
  }

  /** A copy of the iterate θ ([X | Y], or [W_1 | … | W_L]; row-major blocks). */
  theta(): Float64Array {
    this.alive();
    return this.session.theta();
  }

  /** Frees the backend's buffers; the run is unusable afterwards. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    Run.sessions.unregister(this);
    this.session.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Two-factor runs: the model's target, prediction and distances (undefined for other models). */
  get factorization(): FactorizationRuntime | undefined {
    return this.config.model.kind === 'factorization' ? (this.model as FactorizationRuntime) : undefined;
  }

  /** Adds θ to the tail average's sum (f64, element by element, in step order: the same bits everywhere). */
  private accumulate(): void {
    const theta = this.session.theta();
    const sum = this.avgSum!;
    for (let k = 0; k < sum.length; k++) sum[k] += theta[k];
    this.avgCount++;
  }

  /** Averaged steps among the first `step` steps of the schedule. */
  private averagedBefore(step: number): number {
    let start = 0;
    let n = 0;
    for (const p of this.phases) {
      const end = start + p.steps;
      if (p.average !== undefined) n += Math.max(0, Math.min(step, end) - (end - p.average));
      start = end;
    }
    return n;
  }

  private alive(): void {
    if (this.disposed) throw new FlatminError('USAGE', 'run', 'this run was disposed');
  }

  private record(): AnyPoint | undefined {
    const last = this.history[this.history.length - 1];
    if (last && last.step === this.step) return last;
    const p = (this.model.record as (s: Session, step: number) => AnyPoint | undefined)(this.session, this.step);
    if (p) this.history.push(p);
    return p;
  }

  private diverge(phase: number, step: number, reason: string): never {
    const lr = this.phases[phase].lr;
    this.divergence = { step, reason, suggestedLr: Number((lr / 4).toPrecision(2)) };
    this.divergedAt = phase;
    throw this.divergedError();
  }

  private divergedAt = 0;

  private divergedError(): FlatminError {
    const d = this.divergence!;
    return new FlatminError(
      'DIVERGED',
      phaseField(this.config.optimizer, this.divergedAt, 'lr'),
      `diverged: ${d.reason}; the result keeps the last finite state (step ${this.step}). Try a smaller step size, e.g. lr = ${d.suggestedLr}`,
      { step: d.step, suggestedLr: d.suggestedLr, result: this.result() },
    );
  }

  private phaseAt(step: number): { phase: CompiledPhase; index: number; end: number; offset: number } {
    let start = 0;
    for (let index = 0; index < this.phases.length; index++) {
      const phase = this.phases[index];
      if (step < start + phase.steps) return { phase, index, end: start + phase.steps, offset: step - start };
      start += phase.steps;
    }
    throw new Error(`step ${step} is past the schedule`);
  }
}

/**
 * Validate `config` (any model), run it to the end, return the result. Backend buffers are always
 * freed. The steps run in slices of about 40 ms with the event loop served in between (chunking
 * changes no bit), so timers, I/O and `signal` stay live; an abort rejects with `signal.reason`.
 * A diverging run rejects with a DIVERGED FlatminError whose `details.result` is its last finite state.
 */
export async function run<C extends FlatminConfig | RunConfig>(config: C, options?: RunOptions): Promise<ResultOf<C>>;
export async function run(config: unknown, options?: RunOptions): Promise<RunResult>;
export async function run(config: unknown, options: RunOptions = {}): Promise<RunResult> {
  options.signal?.throwIfAborted();
  const r = await Run.create(config, options);
  try {
    let slice = 64;
    while (r.done < r.total) {
      options.signal?.throwIfAborted();
      const t0 = performance.now();
      r.advance(slice, options.onProgress);
      const ms = performance.now() - t0;
      // Aim the next slice at SLICE_MS from this one's speed (at most doubling, so a slow start cannot overshoot).
      slice = Math.max(1, Math.min(slice * 2, Math.floor((slice * SLICE_MS) / Math.max(ms, 0.01))));
      if (r.done < r.total) await yieldToEventLoop();
    }
    return r.result();
  } finally {
    r.dispose();
  }
}

/** A macrotask turn: lets timers, I/O and abort listeners run. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Backwards-compatible name of `Run` (flatmin 0.1). */
export { Run as FactorizationRun };

/**
 * The last finite state of a run that diverged, from its DIVERGED error; anything else is rethrown.
 * For callers to whom divergence is an outcome, not a failure (presets, ensembles):
 * `await run(config).catch(divergedResult)`.
 */
export function divergedResult(e: unknown): RunResult {
  if (isFlatminError(e, 'DIVERGED') && e.details.result) return e.details.result;
  throw e;
}
