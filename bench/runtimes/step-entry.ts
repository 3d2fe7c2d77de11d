/**
 * The per-step benchmark as one engine-neutral module (bundled by main.mjs with esbuild, both Wasm
 * builds embedded): the same backend session `npm run bench` times for its "flatmin wasm f64/f32"
 * rows (bench/flatmin.ts), on the same problem data (bench/problem.ts), timed by bench/stats.ts.
 */
import '../../src/platform/embedded.js';
import { getBackend } from '../../src/backends/index.js';
import { simdSupported } from '../../src/backends/wasm/loader.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { label, makeProblem, mulberry32, type Size } from '../problem.js';
import { timeRunner, warmUp, type Timing, type TimingOptions } from '../stats.js';

export interface StepArgs {
  sizes: Size[];
  precisions: ('f64' | 'f32')[];
  timing: TimingOptions;
  /** Steps for the bits check (a fresh session on engine-independent data). */
  checkSteps: number;
  /**
   * 'cpu': time by the process's CPU time where the engine has process.cpuUsage (Node, Bun, Deno),
   * which does not count the time other processes hold the core; wall time elsewhere (browsers).
   */
  clock?: 'wall' | 'cpu';
  /** Experiments: plain GD (σ = 0: no noise drawn, so a step is its products and the descent). */
  gd?: boolean;
  /** Experiments: another learning rate (same flops; e.g. tiny, so a deliberately wrong kernel stays finite). */
  lr?: number;
}

export interface Cell extends Timing {
  size: string;
  precision: 'f64' | 'f32';
  /** SHA-256 of [X | Y] after checkSteps steps on data built without Math.* (same in every engine). */
  digest: string;
}

export interface StepAnswer {
  build: 'simd' | 'scalar';
  clock: 'wall' | 'cpu';
  cells: Cell[];
}

async function sha256(a: Float64Array): Promise<string> {
  const bytes = new Uint8Array(a.length * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < a.length; i++) view.setFloat64(8 * i, a[i], true);
  const h = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(h, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** makeProblem uses JS Math.log/cos, which differ between engines in the last bits; this does not. */
function portableData(s: Size): { M: Float64Array; theta: Float64Array } {
  const rand = mulberry32(s.n * 31 + s.m * 17 + s.r);
  const scale = 1 / Math.sqrt(Math.max(s.n, s.m)); // sqrt is correctly rounded everywhere
  const fill = (len: number) => Float64Array.from({ length: len }, () => (2 * rand() - 1) * scale);
  return { M: fill(s.n * s.m), theta: fill((s.n + s.m) * s.r) };
}

/** Process CPU seconds (user + system), where the engine has Node's process.cpuUsage. */
function cpuClock(): (() => number) | undefined {
  const proc = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (typeof proc?.cpuUsage !== 'function') return undefined;
  const usage = proc.cpuUsage.bind(proc);
  return () => {
    const u = usage();
    return (u.user + u.system) / 1e6;
  };
}

const yieldToEventLoop = () => new Promise((r) => setTimeout(r, 0));

/** What open() reports once every cell is warm (main.mjs sizes the batches from Node's perStep). */
export interface OpenReady {
  build: 'simd' | 'scalar';
  /** Whether batches also report process CPU time. */
  cpuClock: boolean;
  cells: { size: string; precision: 'f64' | 'f32'; digest: string; perStep: number }[];
}

/** One timed batch: run `steps` steps of cell `cell` (an index into OpenReady.cells). */
export interface BatchMsg {
  cell: number;
  steps: number;
}

/** Seconds the batch took by wall clock, and by process CPU time (null where there is none). */
export interface BatchReply {
  wall: number;
  cpu: number | null;
}

/**
 * Open mode (engines.mjs openEngine): build and warm up one session per cell (settling as main()
 * does), then time one batch per message. main.mjs alternates such batches between live engines,
 * so the batches it compares ran seconds apart, not a round (minutes) apart.
 */
type Backend = Awaited<ReturnType<typeof getBackend>>;

/**
 * One cell (size, precision): the digest of a fixed run on portable data (every engine must give
 * Node's), and the session to time with its `run(k)` (k steps, which must all complete).
 */
async function cell(backend: Backend, size: Size, precision: StepArgs['precisions'][number], args: StepArgs) {
  const p = makeProblem(size);
  const params = { lr: args.lr ?? p.lr, sigmaX: args.gd ? 0 : p.sigmaX, sigmaY: args.gd ? 0 : p.sigmaY, scale: 1, scaleMul: 1 };
  const d = portableData(size);
  const check = backend.factorization({ ...size, precision, M: d.M, theta: d.theta, rng: seedGaussian(p.seed) });
  check.run(args.checkSteps, params);
  const digest = await sha256(check.theta());
  check.dispose();
  const session = backend.factorization({ ...size, precision, M: p.M, theta: p.theta, rng: seedGaussian(p.seed) });
  const run = (k: number) => {
    const { done } = session.run(k, params);
    if (done !== k) throw new Error(`${label(size)} ${precision}: ${done} of ${k} steps done (non-finite iterate)`);
  };
  return { digest, session, run };
}

export async function open(args: StepArgs, log: (line: string) => void): Promise<{ ready: OpenReady; handle: (m: BatchMsg) => BatchReply }> {
  const backend = await getBackend('wasm');
  const cpu = cpuClock();
  const sessions: ReturnType<typeof backend.factorization>[] = [];
  const runs: ((k: number) => void)[] = [];
  const cells: OpenReady['cells'] = [];
  for (const size of args.sizes) {
    for (const precision of args.precisions) {
      const { digest, session, run } = await cell(backend, size, precision, args);
      const { perStep } = warmUp({ step: run, read: () => session.theta(), dispose: () => session.dispose() }, { ...args.timing, clock: args.clock === 'cpu' ? cpu : undefined });
      sessions.push(session);
      runs.push(run);
      cells.push({ size: label(size), precision, digest, perStep });
      log(`${label(size)} ${precision}: warm, ${(perStep * 1e6).toPrecision(3)} µs/step`);
      await yieldToEventLoop();
    }
  }
  const handle = ({ cell, steps }: BatchMsg): BatchReply => {
    const c0 = cpu?.();
    const t0 = performance.now();
    runs[cell](steps);
    const wall = (performance.now() - t0) / 1000;
    return { wall, cpu: cpu ? cpu() - c0! : null };
  };
  return { ready: { build: simdSupported() ? 'simd' : 'scalar', cpuClock: !!cpu, cells }, handle };
}

export async function main(args: StepArgs, log: (line: string) => void): Promise<StepAnswer> {
  const backend = await getBackend('wasm');
  const clock = args.clock === 'cpu' ? cpuClock() : undefined;
  const cells: Cell[] = [];
  for (const size of args.sizes) {
    for (const precision of args.precisions) {
      const { digest, session, run } = await cell(backend, size, precision, args);
      const timing = timeRunner({
        step: run,
        read: () => session.theta(),
        dispose: () => session.dispose(),
      }, { ...args.timing, clock });
      session.dispose();
      cells.push({ size: label(size), precision, digest, ...timing });
      log(`${label(size)} ${precision}: median ${(timing.median * 1e6).toPrecision(3)} µs/step (${timing.repeats}×${timing.steps} steps)`);
      await yieldToEventLoop(); // let the page breathe between cells (and its log POSTs go out)
    }
  }
  return { build: simdSupported() ? 'simd' : 'scalar', clock: clock ? 'cpu' : 'wall', cells };
}
