/**
 * `npm run bench:sparse` — two-factor completion from observed lists at 10⁴×10⁴, |Ω| ≈ 10⁶, r = 10
 * (issue 10 item 3), flatmin's Wasm core against scipy.sparse (bench/peers/scipy_sparse_peer.py):
 *
 *   full-batch GD step             f64 and f32, against scipy.sparse's f64 step (no slower: the target)
 *   batch-64 SGD step, no noise    only the batch's rows change (target < 0.1 ms)
 *   batch-64 perturbed SGD step    against drawing the 2·10⁵ Gaussians of θ alone (target ≤ 1.5×)
 *   peak RSS                       of a child process that builds the problem and runs all of it (< 300 MB)
 *
 *   npm run bench:sparse -- --quick    10³×10³, |Ω| = 10⁴ (a few seconds; smoke run)
 *   npm run bench:sparse -- --no-scipy
 *
 * Ω is the `fraction` draw (src/problems/observed.ts, streamed: no n×m mask), the values a rank-10
 * target's entries on Ω computed from its factors. Writes bench/results/sparse.json.
 */
import '../src/platform/node.js';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getBackend } from '../src/backends/index.js';
import type { Session, SessionInput } from '../src/backends/types.js';
import { loadCore } from '../src/backends/wasm/loader.js';
import { fractionObserved } from '../src/problems/observed.js';
import { gaussians, seedGaussian } from '../src/random/gaussian.js';
import { WASM_PATH } from './flatmin.js';
import { fmtTime, median, now } from './stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const child = args.includes('--child');
const n = quick ? 1000 : 10_000, m = n, r = 10, fraction = quick ? 0.01 : 0.01;

function input(precision: 'f64' | 'f32'): SessionInput {
  const index = fractionObserved(n * m, fraction, 'bench-sparse');
  const A = gaussians(n * 10, seedGaussian('A')), B = gaussians(m * 10, seedGaussian('B'));
  const values = Float64Array.from(index, (e) => {
    const i = Math.floor(e / m), j = e % m;
    let s = 0;
    for (let c = 0; c < 10; c++) s += A[i * 10 + c] * B[j * 10 + c];
    return s;
  });
  const theta = gaussians((n + m) * r, seedGaussian('theta')).map((v) => 0.1 * v);
  return {
    model: { kind: 'factorization', n, m, r }, precision, lambda: 0, maxBatch: 64,
    loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values } },
    theta, rng: seedGaussian('bench'),
  };
}

/** Median seconds per step over `repeats` timed runs of `steps` steps. */
function perStep(s: Session, steps: number, repeats: number, p: Parameters<Session['run']>[1]): number {
  s.run(Math.max(1, steps >> 2), p); // warm-up
  const t: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = now();
    const done = s.run(steps, p).done;
    if (done !== steps) throw new Error(`diverged after ${done} steps`);
    t.push((now() - t0) / steps);
  }
  return median(t);
}

async function measure() {
  const bytes = readFileSync(WASM_PATH);
  const wasm = await getBackend('wasm', bytes);
  const out: Record<string, number> = {};
  for (const precision of ['f64', 'f32'] as const) {
    const inp = input(precision);
    out.observed = inp.loss.kind === 'completion' ? inp.loss.observed!.index.length : 0;
    const s = wasm.session(inp);
    out[`full ${precision}`] = perStep(s, quick ? 20 : 3, 5, { lr: 0.05, scale: 1, scaleMul: 1 });
    out[`batch64 ${precision}`] = perStep(s, 2000, 5, { lr: 0.05, batch: 64, scale: 1, scaleMul: 1 });
    out[`batch64 perturbed ${precision}`] = perStep(s, quick ? 200 : 50, 5, { lr: 0.05, batch: 64, noise: { kind: 'perturbed', sigma: [1e-3, 1e-3] }, scale: 1, scaleMul: 1 });
    s.dispose();
  }
  // the noise alone: fillGaussian over all of θ, as the perturbed step draws it
  const core = await loadCore(bytes);
  const count = (n + m) * r;
  const buf = core.alloc(count * 8), st = core.alloc(64);
  new Int32Array(core.memory.buffer, st, 16).set(seedGaussian('noise'));
  const t: number[] = [];
  for (let k = 0; k < 7; k++) {
    const steps = quick ? 200 : 50;
    const t0 = now();
    for (let i = 0; i < steps; i++) core.fillGaussian(buf, count, st);
    t.push((now() - t0) / steps);
  }
  out['draw noise'] = median(t);
  core.free(buf);
  core.free(st);
  return out;
}

if (child) {
  const out = await measure();
  process.stdout.write(JSON.stringify({ ...out, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  // the measurement runs in a child so its peak RSS is the problem's alone
  const res = spawnSync(process.execPath, [process.argv[1], '--child', ...args], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (res.status !== 0) throw new Error(`child failed: ${res.stderr}`);
  const f = JSON.parse(res.stdout) as Record<string, number>;
  let scipy: { median?: number; skipped?: string; scipy?: string; numpy?: string } = { skipped: '--no-scipy' };
  if (!args.includes('--no-scipy')) {
    const py = spawnSync(process.env.PYTHON ?? 'python3', ['bench/peers/scipy_sparse_peer.py'], {
      input: JSON.stringify({ n, m, r, observed: f.observed, repeats: 5, steps: quick ? 20 : 3 }),
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' }, encoding: 'utf8',
    });
    scipy = py.status === 0 ? JSON.parse(py.stdout) : { skipped: py.status === 3 ? `scipy not installed (${py.stderr.trim()})` : `peer failed: ${py.stderr.trim().split('\n').pop()}` };
  }
  const line = (what: string, v: string, note = '') => console.log(`| ${what} | ${v} | ${note} |`);
  console.log(`\nTwo-factor completion ${n}×${m}, |Ω| = ${f.observed}, r = ${r} (Wasm SIMD, one thread)\n`);
  console.log('| step | time | against |\n|---|---:|---|');
  const sc = scipy.median;
  for (const p of ['f64', 'f32']) line(`full batch GD, flatmin ${p}`, fmtTime(f[`full ${p}`]), sc ? `scipy.sparse f64 ${fmtTime(sc)}: ${(f[`full ${p}`] / sc).toFixed(2)}×` : scipy.skipped ?? '');
  for (const p of ['f64', 'f32']) line(`batch-64 SGD, flatmin ${p}`, fmtTime(f[`batch64 ${p}`]), 'target < 100 µs');
  for (const p of ['f64', 'f32']) line(`batch-64 perturbed SGD, flatmin ${p}`, fmtTime(f[`batch64 perturbed ${p}`]), `drawing θ's noise ${fmtTime(f['draw noise'])}: ${(f[`batch64 perturbed ${p}`] / f['draw noise']).toFixed(2)}× (target ≤ 1.5×)`);
  line('peak RSS of the run (child process)', `${f.maxRssMB.toFixed(0)} MB`, 'target < 300 MB');
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/sparse.json', JSON.stringify({ n, m, r, flatmin: f, scipy }, null, 2));
}
