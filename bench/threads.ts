/**
 * Every core on one run (`npm run bench`, after the step table; alone: `--only=threads`): flatmin
 * with 1 and 2 threads on the bench step, and numpy with OpenBLAS on 1 and 2 threads, at
 * 256×256×16, 512×512×32 and 1024×1024×64. The machine may be shared, so all four are timed
 * interleaved: repeat i of numpy on 2 and on 1 thread (f64 rows; two numpy processes serving steps
 * on request, peers/numpy.ts), then flatmin on 1 thread and on 2 threads (on the same data), and
 * each is reported as the median of its repeats. Timed one after the other, a phase of the shared
 * machine that lasted a minute could fall on numpy's runs alone and tilt every ratio against it.
 * Threads 1 is the single-threaded build (what a run uses by default); threads 2 the threads
 * build (src/backends/wasm/threads.ts).
 *
 * On a loaded machine the wall-clock ratio says more about the scheduler than about flatmin, so
 * (Linux) the CPU time of every thread of this process is read from /proc/self/task too: "CPU
 * split" is the 1-thread run's CPU over the busiest thread's CPU in the 2-thread run — the speed-up
 * a machine with two free cores would show if no thread ever waited for the other. Spin-waiting
 * counts as CPU, so where the other thread is descheduled it reads low too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { getBackend } from '../src/backends/index.js';
import { seedGaussian } from '../src/random/gaussian.js';
import { startNumpyServer, type NumpyServer } from './peers/numpy.js';
import { label, LR, makeProblem, type Problem, type Size } from './problem.js';
import { fmtTime, median, now, type TimingOptions } from './stats.js';

export const THREAD_SIZES: Size[] = [
  { n: 256, m: 256, r: 16 },
  { n: 512, m: 512, r: 32 },
  { n: 1024, m: 1024, r: 64 },
];

export interface ThreadsRow {
  size: Size;
  precision: 'f64' | 'f32';
  /** Median seconds per step with 1 and 2 threads, and their ratio (the speed-up). */
  t1: number;
  t2: number;
  speedup: number;
  /** The two iterates after the timed steps are bit-identical. */
  sameBits: boolean;
  /** CPU of the 1-thread run over the busiest thread's CPU in the 2-thread run (null: no /proc). */
  cpuSplit: number | null;
  /** The control (ThreadsResult.control) measured right after flatmin's runs in each repeat: their median. */
  control: number;
}

export interface ThreadsResult {
  rows: ThreadsRow[];
  /**
   * The control: the core's SIMD Gaussian fill with no shared data, on one worker and split over
   * two, measured in every repeat of every row (the median of them all here, each row's own in
   * ThreadsRow.control). What this machine gives one process with two threads: ≈ 2 on two free
   * cores at one speed, ≈ 1 when other processes hold them — then no thread count can speed
   * flatmin up either. It moves within seconds here (1.3–2.0× a few seconds apart), so a control
   * taken once, before the table, says little about the rows.
   */
  control: number;
  /**
   * ns per normal of the same fill in a child process pinned to each CPU in turn (Linux `taskset`;
   * null where it is missing): whether the vCPUs run at one speed. The control's workers are not
   * pinned and migrate, so it can read ≈ 2 while one vCPU is 1.4× slower.
   */
  vcpu: number[] | null;
  /** numpy medians per size, 1 and 2 OpenBLAS threads (null: skipped, with the reason). */
  numpy: { size: Size; t1: number | null; t2: number | null }[];
  numpySkipped?: string;
}

// Read from build/ (the bench runs bundled, from the package root), as bench/flatmin.ts does.
const WASM = { 1: 'build/flatmin.wasm', 2: 'build/flatmin-threads.wasm' } as const;

async function session(p: Problem, precision: 'f64' | 'f32', threads: 1 | 2) {
  const backend = await getBackend('wasm', readFileSync(WASM[threads]), threads);
  return backend.factorization({ n: p.n, m: p.m, r: p.r, precision, M: p.M, theta: p.theta, rng: seedGaussian(p.seed) });
}

/** CPU seconds (user + system) of each thread of this process, by thread id; null without /proc. */
function threadCpu(): Map<string, number> | null {
  if (!existsSync('/proc/self/task')) return null;
  const out = new Map<string, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const f = readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
      out.set(t, (Number(f[11]) + Number(f[12])) / 100); // utime, stime in clock ticks (USER_HZ = 100)
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

function cpuSince(before: Map<string, number> | null): number[] {
  const now = threadCpu();
  if (!before || !now) return [];
  return [...now].map(([t, c]) => c - (before.get(t) ?? 0));
}

// The control's work: the core's own SIMD floating point (fillGaussian: f64x2 polynomials), not an
// integer loop — this VM's vCPUs have run such code at different speeds (one 1.3–1.5× slower, for
// long stretches; bench/runtimes/probes.mjs vcpu) while an integer loop ran at one speed on both.
// `core`, `out`, `st` and `fill(n)` over the module's bytes in `bytes`.
const FILL = `const core = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort() {} } }).exports;
const out = core.alloc(8192 * 8), st = core.alloc(64);
new Int32Array(core.memory.buffer, st, 16).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
const fill = (n) => { for (let i = 0; i < n; i++) core.fillGaussian(out, 8192, st); };`;

/** ns per normal of FILL in a child pinned to each CPU, by the child's CPU time; null without taskset. */
function vcpuSpeeds(cpus: number): number[] | null {
  const script = `const bytes = require('node:fs').readFileSync(${JSON.stringify(WASM[1])});
${FILL}
fill(400);
const c0 = process.cpuUsage(); fill(2000); const c = process.cpuUsage(c0);
console.log(((c.user + c.system) * 1e3) / (2000 * 8192));`;
  const speeds: number[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const r = spawnSync('taskset', ['-c', String(cpu), process.execPath, '-e', script], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return null;
    speeds.push(Number(r.stdout));
  }
  return speeds;
}

/** Fills of 8192 normals per control measurement: ≈ 50 ms on one worker, then ≈ 25 ms on two. */
const CONTROL_FILLS = 1000;

/** The control's two workers, kept for the whole section so that every repeat can measure it too. */
interface Control {
  /** n fills on one worker, then n / 2 on each of the two: the first time over the second. */
  ratio(n: number): Promise<number>;
  close(): void;
}

async function startControl(): Promise<Control> {
  const body = `const { parentPort, workerData: bytes } = require('node:worker_threads');
${FILL}
parentPort.on('message', (n) => { fill(n); parentPort.postMessage(n); });`;
  const wasm = readFileSync(WASM[1]);
  const ws = [new Worker(body, { eval: true, workerData: wasm }), new Worker(body, { eval: true, workerData: wasm })];
  const job = (w: Worker, n: number) => new Promise((done) => {
    w.once('message', done);
    w.postMessage(n);
  });
  await Promise.all(ws.map((w) => job(w, 200)));
  return {
    async ratio(n) {
      let t0 = now();
      await job(ws[0], n);
      const one = now() - t0;
      t0 = now();
      await Promise.all(ws.map((w) => job(w, n / 2)));
      return one / (now() - t0);
    },
    close: () => ws.forEach((w) => void w.terminate()),
  };
}

export async function measureThreads(o: TimingOptions, sizes: Size[] = THREAD_SIZES, log: (s: string) => void = () => {}): Promise<ThreadsResult> {
  log('  threads: the vCPUs\' speeds (the core\'s Gaussian fill pinned to each CPU) …');
  const vcpu = vcpuSpeeds(2);
  const control = await startControl();
  log('  threads: starting numpy on 1 and 2 threads …');
  const servers = await Promise.all([startNumpyServer(1), startNumpyServer(2)]);
  const skipped = servers.find((x): x is string => typeof x === 'string');
  const numpy = skipped ? null : (servers as NumpyServer[]);
  const rows: ThreadsRow[] = [];
  const numpyRows: ThreadsResult['numpy'] = [];
  const controls: number[] = [];
  try {
    for (const s of sizes) {
      for (const precision of ['f64', 'f32'] as const) {
        log(`  threads ${label(s)} ${precision} …`);
        const t = await timeSize(s, precision, o, control, precision === 'f64' ? numpy : null); // numpy's peer is f64
        rows.push(t.row);
        controls.push(...t.controls);
        if (t.numpy) numpyRows.push({ size: s, ...t.numpy });
      }
    }
  } finally {
    for (const server of numpy ?? []) server.close();
    control.close();
  }
  return { rows, control: median(controls), vcpu, numpy: numpyRows, ...(skipped ? { numpySkipped: skipped } : {}) };
}

/** One size and precision: flatmin on 1 and 2 threads, and numpy on 1 and 2 when given, interleaved repeat by repeat. */
async function timeSize(s: Size, precision: 'f64' | 'f32', o: TimingOptions, control: Control, numpy: NumpyServer[] | null) {
  const p = makeProblem(s);
  const params = { lr: p.lr, sigmaX: p.sigmaX, sigmaY: p.sigmaY, scale: 1, scaleMul: 1 };
  const runs = [await session(p, precision, 1), await session(p, precision, 2)];
  const time = (i: number, k: number) => {
    const t0 = now();
    runs[i].run(k, params);
    return (now() - t0) / k;
  };
  // Calibrate on one thread (warms up both), then interleave equal step counts.
  let k = 1;
  let per = Infinity;
  for (;;) {
    const t0 = now();
    runs[0].run(k, params);
    runs[1].run(k, params);
    const dt = now() - t0;
    per = dt / (2 * k);
    if (dt >= o.warmupSec || k >= o.maxSteps) break;
    k *= 2;
  }
  const steps = Math.max(1, Math.min(o.maxSteps, Math.round(o.targetSec / per)));
  /** Seconds per step of numpy on 1 and on 2 threads, the 2-thread run first. */
  const numpyRound = async (peers: NumpyServer[]): Promise<[number, number]> => {
    const two = (await peers[1].time(s, LR, steps)) / steps;
    // OpenBLAS's threads spin after a product before they sleep (measured here: ≈ 130 ms of CPU
    // after each request), which would slow whatever is timed next on the other vCPU.
    await new Promise((done) => setTimeout(done, 250));
    return [(await peers[0].time(s, LR, steps)) / steps, two];
  };
  if (numpy) await numpyRound(numpy); // makes each peer's problem, warms them up
  const a: number[] = [];
  const b: number[] = [];
  const np: [number[], number[]] = [[], []];
  const controls: number[] = [];
  let cpu1 = 0;
  const cpu2 = new Map<number, number>();
  for (let i = 0; i < Math.max(3, o.repeats); i++) {
    if (numpy) (await numpyRound(numpy)).forEach((t, j) => np[j].push(t));
    let c = threadCpu();
    a.push(time(0, steps));
    cpu1 += cpuSince(c).reduce((x, y) => x + y, 0);
    c = threadCpu();
    b.push(time(1, steps));
    // Threads by rank (busiest first): the main thread and the pool's worker.
    cpuSince(c).sort((x, y) => y - x).forEach((v, j) => cpu2.set(j, (cpu2.get(j) ?? 0) + v));
    controls.push(await control.ratio(CONTROL_FILLS));
  }
  const th = runs.map((r) => r.theta());
  const sameBits = th[0].length === th[1].length && th[0].every((v, j) => Object.is(v, th[1][j]));
  for (const r of runs) r.dispose();
  const t1 = median(a);
  const t2 = median(b);
  const busiest = cpu2.get(0) ?? 0;
  const row: ThreadsRow = { size: s, precision, t1, t2, speedup: t1 / t2, sameBits, cpuSplit: busiest > 0 ? cpu1 / busiest : null, control: median(controls) };
  return { row, controls, numpy: numpy ? { t1: median(np[0]), t2: median(np[1]) } : null };
}

export function renderThreads(r: ThreadsResult): string {
  const out = ['## Threads (one run on 1 and 2 threads, interleaved)', ''];
  out.push('| n×m×r | prec | 1 thread | 2 threads | speed-up | CPU split | control | bits | numpy 1 thread | numpy 2 threads | flatmin 2 thr / numpy 1 thr | flatmin 2 thr / numpy 2 thr |');
  out.push('|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|');
  for (const row of r.rows) {
    const np = r.numpy.find((x) => x.size === row.size);
    const f64 = row.precision === 'f64';
    const cell = (t: number | null | undefined) => (f64 && t ? fmtTime(t) : '');
    const ratio = (t: number | null | undefined) => (f64 && t ? (row.t2 / t).toFixed(2) : '');
    out.push(`| ${label(row.size)} | ${row.precision} | ${fmtTime(row.t1)} | ${fmtTime(row.t2)} | **${row.speedup.toFixed(2)}×** | ${row.cpuSplit === null ? '' : `${row.cpuSplit.toFixed(2)}×`} | ${row.control.toFixed(2)}× | ${row.sameBits ? 'equal' : 'DIFFER'} | `
      + `${cell(np?.t1)} | ${cell(np?.t2)} | ${ratio(np?.t1)} | ${ratio(np?.t2)} |`);
  }
  out.push('', 'speed-up: wall-clock median of 1 thread over 2 threads. CPU split: the 1-thread run\'s CPU time over the busiest thread\'s in the 2-thread run '
    + '(what two free cores would give if no thread waited; spin-waiting counts as CPU, so on a loaded machine both read low).');
  out.push('', `control: the core's SIMD Gaussian fill, sharing nothing, on 2 workers over 1, measured right after flatmin's runs in each repeat (the row's median): what this machine gave one process's two threads meanwhile — below 2 when the cores are busy. Over the whole table: **${r.control.toFixed(2)}×**. Its workers are not pinned, so the vCPUs' speeds are the next line.`);
  if (r.vcpu) {
    const [a, b] = r.vcpu;
    out.push('', `vCPUs: the same fill in a process pinned to CPU 0 took ${a.toFixed(2)} ns per normal, pinned to CPU 1 ${b.toFixed(2)} (${(Math.max(a, b) / Math.min(a, b)).toFixed(2)}× apart; `
      + 'when they differ, a 2-thread run is held back by the slower one while a 1-thread run — and numpy\'s — may get the faster).');
  }
  if (r.numpySkipped) out.push('', `numpy: skipped: ${r.numpySkipped}`);
  return `${out.join('\n')}\n`;
}
