/**
 * `npm run bench:factored` — one perturbed-GD step on a 10⁴×10⁴ rank-10 target given by its factors
 * (M = A Bᵀ, never formed), r = 10: flatmin f64 / f32 against numpy with the same factored algebra
 * (bench/peers/numpy_factored.py), one thread each, and flatmin on 2 threads (the threads build:
 * what a run of this size uses by default on two cores). Each variant runs in its own child process so
 * its peak RSS (getrusage maxrss) is its own: the number reported as peak memory. Issue 10's bar:
 * a step ≤ 2 ms and peak memory < 100 MB.
 *
 *   npm run bench:factored                 10⁴×10⁴, k = r = 10
 *   npm run bench:factored -- --n=2000     a smaller square target
 *
 * The child for flatmin also creates a whole run from a config (`target: { factors }`), steps it and
 * takes its result — what a user's peak is, not only the session's: once after the timing, in the
 * same process (its peak then also holds what the timing left: its core instance and arrays, not
 * yet collected), and once alone in a fresh child (which then pays the Wasm compile itself).
 */
import '../src/platform/node.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { resourceUsage } from 'node:process';
import { getBackend } from '../src/backends/index.js';
import type { SessionInput } from '../src/backends/types.js';
import { Run } from '../src/run.js';
import { gaussians, seedGaussian } from '../src/random/gaussian.js';
import type { Precision } from '../src/config/types.js';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def);
const N = arg('n', 10_000);
const K = arg('k', 10);
const R = arg('r', 10);
// A, B and θ entries ~ N(0, 1/n): M's singular values are O(1), so lr = 0.1 is stable and the run
// stays finite (a diverging run stops early, which would time nothing).
const LR = 0.1;
const SIGMA = 1e-3;
/** The SIMD core from the build directory (the bundle lives elsewhere than src/). */
const WASM = readFileSync('build/flatmin.wasm');
/** Threads of the timed session: 1 (the SIMD core) or more (the threads build, as a run's default would use here). */
const THREADS = arg('threads', 1);

/** Median seconds per step over `repeats` timed runs of `steps` steps each (after a warm-up run). */
async function timeStep(precision: Precision): Promise<{ median: number; min: number }> {
  const be = THREADS > 1 ? await getBackend('wasm', readFileSync('build/flatmin-threads.wasm'), THREADS) : await getBackend('wasm', WASM);
  const g = gaussians(2 * N * K + 2 * N * R, seedGaussian('bench-factored')).map((v) => v / Math.sqrt(N));
  const input: SessionInput = {
    model: { kind: 'factorization', n: N, m: N, r: R }, precision, lambda: 0,
    loss: { kind: 'factored', A: g.subarray(0, N * K), B: g.subarray(N * K, 2 * N * K), k: K },
    theta: g.subarray(2 * N * K).map((v) => 0.5 * v), rng: seedGaussian(1),
  };
  const s = be.session(input);
  const p = { lr: LR, noise: { kind: 'perturbed' as const, sigma: [SIGMA, SIGMA] }, scale: 1, scaleMul: 1 };
  s.run(20, p);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = process.hrtime.bigint();
    if (s.run(20, p).done !== 20) throw new Error('the run stopped early (not finite)');
    times.push(Number(process.hrtime.bigint() - t0) / 1e9 / 20);
  }
  s.dispose();
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], min: times[0] };
}

/** A whole run from a config with the factors as rows: create, 20 steps, result. */
async function wholeRun(precision: Precision): Promise<void> {
  const g = gaussians(2 * N * K, seedGaussian('bench-factored')).map((v) => v / Math.sqrt(N));
  const rows = (off: number) => Array.from({ length: N }, (_, i) => Array.from(g.subarray(off + i * K, off + (i + 1) * K)));
  const run = await Run.create({
    problem: { target: { factors: { A: rows(0), B: rows(N * K) } }, rank: R },
    optimizer: { steps: 20, lr: LR, noise: { kind: 'perturbed', sigma: [SIGMA, SIGMA] } },
    seed: 1, backend: 'wasm', precision, recordEvery: 10,
  }, { wasm: WASM });
  run.advance();
  const res = run.result() as { history: unknown[] };
  if (res.history.length < 2) throw new Error('no history');
  run.dispose();
}

async function child(precision: Precision): Promise<void> {
  if (args.includes('--whole-only')) {
    await wholeRun(precision);
    process.stdout.write(JSON.stringify({ peakMB: resourceUsage().maxRSS / 1024 }));
    return;
  }
  const step = await timeStep(precision);
  const stepPeakMB = resourceUsage().maxRSS / 1024; // the session alone (A, B and θ made in JS)
  await wholeRun(precision);
  const mem = process.memoryUsage();
  process.stdout.write(JSON.stringify({ ...step, stepPeakMB, peakMB: resourceUsage().maxRSS / 1024, heapMB: mem.heapUsed / 2 ** 20, buffersMB: mem.arrayBuffers / 2 ** 20 }));
}

/**
 * `flatmin run` of the generated target of this size (random with singular values 10, 9, …, factored;
 * 20 steps; the result written to a file): the command a user runs, in a fresh process. Its peak RSS
 * comes from a probe the child runs at exit (getrusage maxrss, as for the other rows).
 */
function cliRun(threads: number | undefined): { peakMB: number; seconds: number } | string {
  const bin = 'dist/cli/bin.js';
  if (!existsSync(bin)) return `${bin} is missing (npm run build)`;
  const dir = mkdtempSync(join(os.tmpdir(), 'flatmin-bench-'));
  try {
    const config = {
      problem: { target: { random: { n: N, m: N, singularValues: Array.from({ length: K }, (_, i) => K - i), seed: 1, factored: true } }, rank: R },
      optimizer: { steps: 20, lr: 0.05, noise: { kind: 'perturbed', sigma: [SIGMA, SIGMA] } },
      seed: 1,
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const probe = "data:text/javascript,process.on('exit',()=>process.stderr.write('peakMB='+process.resourceUsage().maxRSS/1024+'\\n'))";
    const argv = ['--import', probe, bin, 'run', join(dir, 'config.json'), '--out', join(dir, 'result.json'), '--quiet', ...(threads ? ['--threads', String(threads)] : [])];
    const t0 = process.hrtime.bigint();
    const res = spawnSync(process.execPath, argv, { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const peak = /peakMB=([\d.]+)/.exec(res.stderr);
    if (res.status !== 0 || !peak) return `exit ${res.status}: ${res.stderr.trim().split('\n').pop()}`;
    return { peakMB: Number(peak[1]), seconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnChild(cmd: string, argv: string[], env?: NodeJS.ProcessEnv): Record<string, number> | string {
  const res = spawnSync(cmd, argv, { encoding: 'utf8', env: env ?? process.env, maxBuffer: 1 << 20 });
  if (res.error) return `${cmd}: ${res.error.message}`;
  if (res.status !== 0) return `exit ${res.status}: ${res.stderr.trim().split('\n').pop()}`;
  return JSON.parse(res.stdout);
}

async function main(): Promise<void> {
  const childArg = args.find((a) => a.startsWith('--child='));
  if (childArg) return child(childArg.slice('--child='.length) as Precision);
  const self = process.argv[1];
  const rows: Array<[string, Record<string, number> | string]> = [];
  for (const p of ['f64', 'f32'] as const) {
    for (const threads of [1, 2]) {
      const args = [`--child=${p}`, `--n=${N}`, `--k=${K}`, `--r=${R}`, `--threads=${threads}`];
      const r = spawnChild(process.execPath, [self, ...args]);
      // the whole run alone in a fresh child: its peak without what the timing left behind
      const alone = threads === 1 ? spawnChild(process.execPath, [self, ...args, '--whole-only']) : undefined;
      const row = typeof r === 'string' || alone === undefined ? r : { ...r, alonePeakMB: typeof alone === 'string' ? NaN : alone.peakMB };
      rows.push([`flatmin ${p} (wasm, ${threads === 1 ? '1 thread' : `${threads} threads`})`, row]);
    }
  }
  const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  rows.push(['numpy f64 factored (1 thread)', spawnChild(process.env.PYTHON ?? 'python3', ['bench/peers/numpy_factored.py', String(N), String(K), String(R)], env)]);
  console.log(`\n### Factored target ${N}×${N}, k = ${K}, r = ${R}: one perturbed-GD step\n`);
  console.log('| implementation | median per step | best | peak RSS: stepping | peak RSS: + whole run | peak RSS: whole run alone | JS heap + buffers at the end |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const mb = (v: number | undefined) => (v === undefined ? '' : `${v.toFixed(0)} MB`);
  for (const [name, r] of rows) {
    if (typeof r === 'string') console.log(`| ${name} | skipped: ${r} | | | | | |`);
    else console.log(`| ${name} | ${(r.median * 1e3).toFixed(3)} ms | ${(r.min * 1e3).toFixed(3)} ms | ${mb(r.stepPeakMB ?? r.peakMB)} | ${r.stepPeakMB === undefined ? '' : mb(r.peakMB)} | ${mb(r.alonePeakMB)} | ${r.heapMB === undefined ? '' : mb(r.heapMB + r.buffersMB)} |`);
  }
  console.log('\n| `flatmin run` of the generated target (20 steps, result written), a fresh process | peak RSS | wall time |');
  console.log('|---|---:|---:|');
  for (const threads of [1, undefined]) {
    const r = cliRun(threads);
    const name = threads ? `--threads ${threads}` : `default threads (${os.availableParallelism()} cores here)`;
    console.log(typeof r === 'string' ? `| ${name} | skipped: ${r} | |` : `| ${name} | ${mb(r.peakMB)} | ${r.seconds.toFixed(2)} s |`);
  }
  console.log(`\nflatmin's whole run: a config with the factors as rows of numbers (create, 20 steps, result), after the timing in the same process (+ whole run: what the timing left is not yet collected) and alone in a fresh process (which compiles the Wasm core itself); Node alone is ≈45 MB of each peak; building the rows themselves (from a Float64Array, Array.from) took ≈20 MB in a fresh process. Load average: ${os.loadavg().map((v) => v.toFixed(1)).join(', ')} on ${os.cpus().length} cores.`);
}

await main();
