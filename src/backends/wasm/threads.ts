/**
 * Every core on one run: the threads build of assembly/ (SIMD + threads, shared memory) and a pool
 * of workers that instantiate the same module on the same memory. Each product is split by blocks
 * of output rows (assembly/kernels/pool.ts), so every element is summed by one thread in the same
 * order and the bits are those of the single-threaded builds and the reference for any thread
 * count. One threaded core per page or process, created on first use and shared by every run that
 * asks for more than one thread; its pool grows to the most threads any run asked for, and its
 * threads are unref'd (Node), so they never keep a process alive.
 */
import { FlatminError } from '../../errors.js';
import { currentPlatform, type CoreThread } from '../../platform/registry.js';
import type { Session, SessionInput } from '../types.js';
import { instantiateCore, moduleOf, simdSupported, type CoreExports, type WasmSource } from './loader.js';
import { wasmSession } from './session.js';

/** Per-step multiply-adds from which a run gains from more threads by default (256·256·16: measured, bench/threads.ts). */
export const PARALLEL_WORK = 256 * 256 * 16;
/**
 * Entries of θ from which a run whose noise draws θ's normals every step gains from more threads by
 * default, products or not. Measured on a two-factor completion (batch 64, perturbed: a step that
 * is almost only the draw), 2 threads over 1: 1.02× at 8400 entries, 1.37× at 12000, 1.63× at 16000.
 */
export const PARALLEL_DRAW = 1 << 14;
/** Multiply-adds per thread's share, at least (assembly/kernels/pool.ts partsFor): waking the pool for less costs more. */
export const PRODUCT_MIN_WORK = 1 << 16;
/** Normals per thread's share of a noise draw, at least (assembly/programs/draw.ts): ≈ 25 µs of drawing, against a few µs to hand a share out. */
export const DRAW_MIN_NORMALS = 4096;
/** At most this many threads (the job block's `parts` is 8 bits; more than the cores never helps). */
export const MAX_THREADS = 64;

// A module with one shared memory: validates only where the engine has Wasm threads.
const THREADS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 4, 1, 3, 1, 1]);

/** Why this page or process cannot run threads, or undefined if it can. */
export function threadsUnavailable(): string | undefined {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  if (typeof SharedArrayBuffer === 'undefined') return 'SharedArrayBuffer is not available here';
  if (!currentPlatform()?.spawnThread) return 'this entry cannot spawn workers (use the node or browser entry)';
  if (!simdSupported() || !WebAssembly.validate(THREADS_PROBE)) return 'this engine has no WebAssembly threads or SIMD';
  return undefined;
}

/** The platform's logical cores (1 where unknown). */
export function cores(): number {
  return Math.max(1, Math.min(MAX_THREADS, currentPlatform()?.cores?.() ?? 1));
}

interface Pool {
  core: CoreExports;
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  block: number;
  threads: CoreThread[];
  /** Workers being started (one growth at a time). */
  growing: Promise<void>;
}

let pool: Promise<Pool> | undefined;
/** The same pool once created: a failure must retire it at once, not after an await (poolFailure). */
let created: Pool | undefined;

/**
 * Whether this thread may block in Atomics.wait: not a browser's main thread (a window), which
 * may only spin; Node's main thread and every worker may.
 */
const CAN_BLOCK = typeof (globalThis as { window?: unknown }).window === 'undefined';

async function createPool(source?: WasmSource): Promise<Pool> {
  const platform = currentPlatform()!;
  // initial must equal asconfig.json's initialMemory; maximum its maximumMemory (4 GiB).
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const core = await instantiateCore(source ?? platform.wasmSource('threads'), memory);
  const module = moduleOf(core)!;
  const bytes = core.poolBlockBytes!();
  const block = core.alloc(bytes);
  new Int32Array(core.memory.buffer, block, bytes / 4).fill(0);
  core.poolInit!(block);
  return { core, module, memory, block, threads: [], growing: Promise.resolve() };
}

/**
 * The threaded core with at least `threads − 1` workers started. `source`: where the threads build
 * is (default: the platform's location); only the first call, which creates the core, uses it.
 */
export async function threadedCore(threads: number, source?: WasmSource): Promise<CoreExports> {
  if (!pool) {
    pool = createPool(source);
    pool.catch(() => (pool = undefined));
  }
  const p = await pool;
  created = p;
  const grow = p.growing.then(async () => {
    const platform = currentPlatform()!;
    while (p.threads.length < threads - 1) p.threads.push(await platform.spawnThread!(p.module, p.memory, p.threads.length + 1, p.block));
  });
  p.growing = grow.catch(() => {});
  await grow;
  return p.core;
}

/** Job block word k of the pool (assembly/kernels/pool.ts: 0 GEN, 27 STEALS), 0 without a pool. */
async function jobWord(k: number): Promise<number> {
  const p = await pool?.catch(() => undefined);
  return p ? Atomics.load(new Int32Array(p.memory.buffer, p.block, k + 1), k) : 0;
}

/** Jobs the pool has run split across threads so far (GEN's job counter; 0 without a pool). */
export async function pooledProducts(): Promise<number> {
  return (await jobWord(0)) >>> 8;
}

/** Product blocks a pool thread took from another's share so far (work stealing; 0 without a pool). */
export async function stolenBlocks(): Promise<number> {
  return jobWord(27);
}

/** Pool threads asleep between jobs right now (job word SLEEP; 0 without a pool). */
export async function sleepingThreads(): Promise<number> {
  return jobWord(26);
}

/**
 * Ends the pool's workers and forgets the threaded core (the next threaded run starts a new one).
 * Runs still holding a session of it must not step again.
 */
export async function closeThreads(): Promise<void> {
  const p = await pool?.catch(() => undefined);
  pool = undefined;
  created = undefined;
  if (!p) return;
  await p.growing;
  stopPool(p);
}

/** Shuts the pool's workers down and stops them; again is harmless (a thread's stop is idempotent). */
function stopPool(p: Pool): void {
  p.core.poolShutdown!();
  for (const t of p.threads) t.stop();
}

/**
 * The error to report if a pool thread of `core` has stopped (a trap in a worker: its share of a
 * product never comes, and the core's join traps instead of waiting forever), else undefined.
 * The pool is retired at once: the next threaded run starts a new one.
 */
function poolFailure(core: CoreExports): FlatminError | undefined {
  const id = core.poolFailed!();
  if (id === 0) return undefined;
  if (created?.core === core) {
    const p = created;
    stopPool(p);
    // A growth in flight (another run's threadedCore) may still add a thread to this pool: stop
    // again once it settles, or that thread would sleep on the retired pool's memory for good.
    void p.growing.then(() => stopPool(p));
    created = undefined;
    pool = undefined;
  }
  return new FlatminError('THREADS', 'threads', `pool thread ${id} stopped with an error, so this run cannot go on (its state is mid-step); a new run starts a new pool, or use threads: 1`);
}

/** How a threaded session splits its work; the defaults are for real runs, tests lower them to split small problems. */
export interface PoolTuning {
  /** The fewest multiply-adds per thread's share: a product smaller than that stays on the calling thread, a larger one gets at most one thread per minWork. */
  minWork?: number;
  /** The same for the normals of θ's noise. */
  minDraw?: number;
  /** Whether threads spin before they sleep (false: they sleep at once, so every wait path runs). */
  spin?: boolean;
}

/** A session of the threaded core whose products and noise draws use `threads` threads. */
export function threadedSession(core: CoreExports, input: SessionInput, threads: number, tuning: PoolTuning = {}): Session {
  const { minWork = PRODUCT_MIN_WORK, minDraw = DRAW_MIN_NORMALS, spin = true } = tuning;
  const s = wasmSession(core, input, { threads, minNormals: minDraw });
  const use = () => core.poolThreads!(threads, minWork, CAN_BLOCK, spin);
  const session: Session = {
    ...s,
    run: (steps, p) => (use(), s.run(steps, p)),
    endToEnd: () => (use(), s.endToEnd()),
  };
  // After a pool thread failed, the session's state is no step's (θ as the call began, the RNG
  // lanes past it): every later call but dispose reports the failure, so no checkpoint or result
  // is taken from it.
  let failure: FlatminError | undefined;
  const guard = (f: (...a: never[]) => unknown) => (...a: never[]) => {
    if (failure) throw failure;
    try {
      return f(...a);
    } catch (e) {
      failure = poolFailure(core);
      throw failure ?? e;
    }
  };
  return Object.fromEntries(Object.entries(session).map(([k, v]) => [k, typeof v === 'function' && k !== 'dispose' ? guard(v) : v])) as unknown as Session;
}

/** Checks a requested thread count: an integer in 1 … MAX_THREADS. */
export function checkThreads(threads: unknown, path = 'threads'): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS)
    throw new FlatminError('OUT_OF_RANGE', path, `expected an integer from 1 to ${MAX_THREADS}, got ${String(threads)}`);
  return threads;
}

/**
 * Per-step multiply-adds of the model's products (what the threads share). The two-factor model's
 * loss decides them: a factored target's step is (n + m)·r·(r + k) (assembly/models/factored.ts),
 * and its completion none at all — it works entry by entry from the observed lists
 * (assembly/models/sparseCompletion.ts), so threads would only wait.
 */
export function stepWork(model: SessionInput['model'], loss?: SessionInput['loss']): number {
  if (model.kind === 'factorization') {
    if (loss?.kind === 'factored') return (model.n + model.m) * model.r * (model.r + loss.k);
    if (loss?.kind === 'completion') return 0;
    return model.n * model.m * model.r;
  }
  if (model.kind === 'symmetric') return model.n * model.n * model.k;
  const d = model.dims;
  let w = 0;
  for (let l = 1; l < d.length; l++) w += d[l] * d[l - 1] * d[0];
  return w;
}

/** Noise kinds whose step draws one normal per entry of θ — the draw the pool splits (assembly/programs/draw.ts). */
const THETA_NOISE: ReadonlySet<string> = new Set(['perturbed', 'anticorrelated', 'langevin', 'annealed']);

/**
 * Whether a run gains from more threads: its step's products reach PARALLEL_WORK, or some phase's
 * noise draws θ's normals (`noises`: the phases' noise kinds) and θ has PARALLEL_DRAW entries —
 * a two-factor completion has no products, yet its perturbed step is mostly that draw.
 */
export function gainsFromThreads(input: Pick<SessionInput, 'model' | 'loss' | 'theta'>, noises: readonly (string | undefined)[]): boolean {
  if (stepWork(input.model, input.loss) >= PARALLEL_WORK) return true;
  return input.theta.length >= PARALLEL_DRAW && noises.some((k) => k !== undefined && THETA_NOISE.has(k));
}

let warned = false;

/**
 * The threads a run uses: `requested` (checked), or by default every core when the run gains
 * (`gains`: gainsFromThreads) and one otherwise; one for the reference backend, a caller-given Wasm
 * source (a single-threaded build) and where threads are unavailable — then, if more were asked
 * for explicitly, a one-time console warning says why.
 */
export function resolveThreads(requested: number | undefined, gains: boolean, backend: string, customWasm: boolean): number {
  const asked = requested === undefined ? undefined : checkThreads(requested);
  if (backend !== 'wasm') return 1;
  const want = asked ?? (gains ? cores() : 1);
  if (want <= 1) return 1;
  const why = customWasm ? 'a Wasm source was given (options.wasm): it is a single-threaded build' : threadsUnavailable();
  if (why === undefined) return want;
  if (asked !== undefined && !warned) {
    warned = true;
    console.warn(`flatmin: running on one thread instead of ${asked}: ${why}`);
  }
  return 1;
}
