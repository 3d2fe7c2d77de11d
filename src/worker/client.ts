/**
 * Runs on a worker — a module Web Worker in browsers, worker_threads in Node — so a long run never
 * blocks the main thread. `WorkerRun` is a FactorizationRun at a distance (advance in chunks, read
 * snapshots, pause by simply not advancing); `runInWorker` is the one-call form with progress and
 * cancellation. The main thread compiles the Wasm core once and hands the module to the worker.
 */
import { coreModule, loadCore, type WasmSource } from '../backends/wasm/loader.js';
import { checkThreads } from '../backends/index.js';
import { FlatminError } from '../errors.js';
import { currentPlatform } from '../platform/registry.js';
import type { FlatminConfig, RunConfig } from '../config/types.js';
import { plainData } from '../config/plain.js';
import { validateConfig } from '../config/validate.js';
import type { Checkpoint, ResultOf, RunResult } from '../run.js';
import type { WorkerPort } from '../platform/registry.js';
import type { Reply, Request, Snapshot } from './protocol.js';

export type { Snapshot } from './protocol.js';

export interface WorkerRunOptions {
  /** Where the Wasm core comes from (default: the package entry's location). */
  wasm?: WasmSource;
  /** Continue from a checkpoint of the same config. */
  resume?: Checkpoint;
  /** Threads for the run's products, as RunOptions.threads (the worker starts the pool's threads itself). */
  threads?: number;
  /** Aborting terminates the worker at once; pending calls reject with the signal's reason. */
  signal?: AbortSignal;
}

export class WorkerRun<R extends RunResult = RunResult> {
  private queue: Promise<unknown> = Promise.resolve();
  private pending?: { resolve(r: Reply): void; reject(e: unknown): void };
  private closed?: unknown;

  private readonly unlisten: () => void = () => {};

  private constructor(private readonly port: WorkerPort<Request, Reply>, signal?: AbortSignal) {
    port.onMessage((reply) => {
      const p = this.pending;
      this.pending = undefined;
      this.port.busy(false);
      p?.resolve(reply);
    });
    port.onError((e) => this.close(new FlatminError('WASM', 'worker', `the worker failed: ${e.message}`)));
    if (signal) {
      const onAbort = () => this.close(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.unlisten = () => signal.removeEventListener('abort', onAbort); // long-lived signals must not collect listeners
    }
  }

  static async create<C extends FlatminConfig | RunConfig>(config: C, options?: WorkerRunOptions): Promise<WorkerRun<ResultOf<C>>>;
  static async create(config: unknown, options?: WorkerRunOptions): Promise<WorkerRun>;
  static async create(config: unknown, options: WorkerRunOptions = {}): Promise<WorkerRun> {
    options.signal?.throwIfAborted();
    // Checked here, before a worker exists: a function, Proxy or BigInt would otherwise end as a
    // DataCloneError from postMessage, and a bad field would cost a worker start to report. The
    // worker gets the normalized config (validating it again there gives the same config).
    const normalized = validateConfig(config);
    const resume = options.resume === undefined ? undefined : (plainData(options.resume, 'resume') as Checkpoint);
    const spawn = currentPlatform()?.spawnWorker;
    if (!spawn) throw new FlatminError('USAGE', 'worker', 'this entry cannot spawn workers; import flatmin through its node or browser entry');
    await loadCore(options.wasm);
    const module = await coreModule();
    options.signal?.throwIfAborted(); // an abort while the core was loading
    const run = new WorkerRun(spawn() as WorkerPort<Request, Reply>, options.signal);
    try {
      const threads = options.threads === undefined ? {} : { threads: checkThreads(options.threads) };
      run.first = (await run.request({ type: 'create', config: normalized, module, resume, ...threads })).snapshot!;
    } catch (e) {
      run.close(e);
      throw e;
    }
    return run;
  }

  /** The snapshot taken when the run was created (history so far, prediction, distances). */
  first!: Snapshot<R>;

  /** Runs up to `steps` more steps in the worker; the snapshot has the history recorded meanwhile. */
  async advance(steps?: number): Promise<Snapshot<R>> {
    return (await this.request({ type: 'advance', steps: steps ?? Number.MAX_SAFE_INTEGER })).snapshot! as Snapshot<R>;
  }

  async checkpoint(): Promise<Checkpoint> {
    return (await this.request({ type: 'checkpoint' })).checkpoint!;
  }

  async result(): Promise<R> {
    return (await this.request({ type: 'result' })).result! as R;
  }

  /** Frees the worker's buffers and ends the worker. */
  dispose(): void {
    this.close(new FlatminError('USAGE', 'worker', 'this run was disposed'));
  }

  private close(reason: unknown): void {
    if (this.closed !== undefined) return;
    this.closed = reason ?? new Error('closed');
    this.unlisten();
    this.port.terminate();
    this.pending?.reject(this.closed);
    this.pending = undefined;
  }

  private request(req: Request): Promise<Extract<Reply, { type: 'ok' }>> {
    const next = this.queue.then(() => new Promise<Reply>((resolve, reject) => {
      if (this.closed !== undefined) return reject(this.closed);
      this.pending = { resolve, reject };
      this.port.busy(true);
      this.port.post(req);
    })).then((reply) => {
      if (reply.type === 'error') {
        const { code, path, reason, details } = reply.error;
        throw code ? new FlatminError(code, path ?? '', reason, details) : new Error(reason);
      }
      return reply;
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

export interface RunInWorkerOptions extends WorkerRunOptions {
  /** Called after every chunk with the steps done and the total, as `run`'s onProgress. */
  onProgress?: (done: number, total: number) => void;
  /** Called after every chunk with the snapshot (history recorded since the last call; two-factor: distances). */
  onSnapshot?: (snapshot: Snapshot) => void;
  /** Steps per chunk (default: about 1% of the run). */
  chunk?: number;
}

/** `run(config)` on a worker: the main thread stays free; abort with `signal`. */
export async function runInWorker<C extends FlatminConfig | RunConfig>(config: C, options?: RunInWorkerOptions): Promise<ResultOf<C>>;
export async function runInWorker(config: unknown, options?: RunInWorkerOptions): Promise<RunResult>;
export async function runInWorker(config: unknown, options: RunInWorkerOptions = {}): Promise<RunResult> {
  const w = await WorkerRun.create(config, options);
  try {
    const chunk = options.chunk ?? Math.max(1, Math.ceil(w.first.total / 100));
    let s = w.first;
    while (s.done < s.total) {
      s = await w.advance(chunk);
      options.onProgress?.(s.done, s.total);
      options.onSnapshot?.(s);
    }
    return await w.result();
  } finally {
    w.dispose();
  }
}
