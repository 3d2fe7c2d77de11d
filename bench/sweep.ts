/**
 * `npm run bench:sweep` — ensemble throughput: the main job's problem (30×20 rank-3 target, four
 * inits × GD and perturbed GD, 7·10⁴ steps each) over 32 seeds = 256 runs, as `flatmin sweep`
 * runs it with 1 and with 2 workers. Issue 13's target: 2 workers ≥ 1.85× one worker on 2 cores.
 *
 *   npm run bench:sweep                 256 runs per measurement (about a minute on 2 cores)
 *   npm run bench:sweep -- --quick      8 seeds = 64 runs
 *   npm run bench:sweep -- --repeats=3  measurements per worker count, alternating 1, 2, 1, 2, … (default 2)
 *
 * Prints wall and CPU seconds of every measurement and the speedup of the best (shortest) of each
 * worker count — the best is the one least disturbed by other processes on a shared machine;
 * checks that all runs.jsonl are byte-identical; writes bench/results/sweep.json. CPU seconds (all
 * threads of this process) tell contention apart: wall ≫ CPU/workers means other processes took
 * the cores.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gdOptimizer, liu2021Inits, liu2021Problem, perturbedOptimizer } from '../src/experiments/liu2021.js';

// The sweep runs from the built package (its pool spawns dist/sweep/worker.js), loaded at run time
// so this file can be bundled without it.
const dist = (p: string) => new URL(`../dist/${p}`, import.meta.url).href;
await import(dist('platform/node.js'));
const { sweepCommand } = (await import(dist('cli/sweep.js'))) as typeof import('../src/cli/sweep.js');

const quick = process.argv.includes('--quick');
const repeats = Number(process.argv.find((a) => a.startsWith('--repeats='))?.slice(10) ?? 2);
const load = os.loadavg()[0];
const seeds = quick ? 8 : 32;
const spec = {
  description: 'the main job over seeds: 4 inits × {GD, perturbed GD} × seeds',
  base: { problem: liu2021Problem, optimizer: gdOptimizer, recordEvery: 250, seed: 1 },
  grid: { init: liu2021Inits().map((i) => i.init), optimizer: [gdOptimizer, perturbedOptimizer] },
  seeds,
};
const dir = mkdtempSync(join(os.tmpdir(), 'flatmin-bench-sweep-'));
const file = join(dir, 'main-job.json');
writeFileSync(file, JSON.stringify(spec));

interface Row { workers: number; runs: number; wallSeconds: number; cpuSeconds: number; runsPerSecond: number }
const rows: Row[] = [];
const outputs: string[] = [];
for (let rep = 0; rep < repeats; rep++) for (const workers of [1, 2]) {
  const out = join(dir, `w${workers}-${rep}`);
  outputs.push(out);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let err = '';
  const code = await sweepCommand([file, '--out', out, '--workers', String(workers), '--quiet'], {
    stdout: { write: () => true }, stderr: { write: (s: string) => ((err += s), true) } as never, env: {},
  });
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  if (code !== 0) throw new Error(`sweep failed: ${err}`);
  const runs = 8 * seeds;
  rows.push({ workers, runs, wallSeconds: wall, cpuSeconds: (cpu.user + cpu.system) / 1e6, runsPerSecond: runs / wall });
  console.error(`${workers} worker${workers > 1 ? 's' : ''}: ${runs} runs in ${wall.toFixed(2)} s`);
}
const jsonl = outputs.map((out) => readFileSync(join(out, 'runs.jsonl'), 'utf8'));
const same = jsonl.every((t) => t === jsonl[0]);
rmSync(dir, { recursive: true, force: true });

const best = (w: number) => rows.filter((r) => r.workers === w).reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
const speedup = best(1).wallSeconds / best(2).wallSeconds;
console.log('| workers | runs | wall (s) | CPU (s) | runs/s |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.workers} | ${r.runs} | ${r.wallSeconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${r.runsPerSecond.toFixed(2)} |`);
console.log(`\nspeedup 2 workers / 1 (best of ${repeats} each): ${speedup.toFixed(3)}× (target ≥ 1.85×) on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; load average before: ${load.toFixed(2)}`);
console.log(`runs.jsonl identical in all ${outputs.length} measurements: ${same ? 'yes' : 'NO'}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/sweep.json', `${JSON.stringify({ date: new Date().toISOString(), quick, repeats, node: process.version, cpus: os.cpus().length, rows, speedup, identical: same }, null, 1)}\n`);
if (!same) process.exitCode = 1;
