/**
 * `npm run bench` — one perturbed-GD step on ½‖XYᵀ − M‖², flatmin against its peers, same run.
 *
 *   npm run bench                 five sizes, ≥3 repeats each, then 1 against 2 threads, a 10⁴×10⁴
 *                                 factored target (bench/factored.ts) and 10⁴×10⁴ sparse completion
 *                                 (bench/sparse.ts) — about 5 minutes on 2 cores
 *   npm run bench -- --quick      smoke run: two small sizes, 1 repeat (a few seconds; for CI)
 *   npm run bench -- --only=tfjs  only rows whose name contains the text (numpy: --only=numpy;
 *                                 --only=threads: bench/threads.ts's 1 against 2 threads alone;
 *                                 --only=factored / --only=sparse: the structured problems alone)
 *   npm run bench -- --no-numpy   skip the python3 peer
 *   npm run bench -- --sizes=256x256x16,512x512x32   other sizes
 *   npm run bench -- --json=PATH  write the JSON there instead of bench/results/latest.json
 *
 * Prints markdown tables on stdout, writes bench/results/latest.json. Exits 1 if a row failed or
 * computed a wrong step (the check column), so the quick run doubles as a smoke test; no time is
 * ever asserted.
 */
import '../src/platform/node.js';
import { execSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { flatminVariants } from './flatmin.js';
import { measureNoise, type NoiseRow } from './noise.js';
import { measurePeak, type PeakResult } from './peak.js';
import { mlMatrix } from './peers/mlmatrix.js';
import { runNumpy, type NumpyResult } from './peers/numpy.js';
import { plainJs } from './peers/plainjs.js';
import { measureThreads, renderThreads } from './threads.js';
import { loadTf, tfjsImpls } from './peers/tfjs.js';
import { flops6, flopsExecuted, label, LR, makeProblem, type Impl, type Size } from './problem.js';
import { fmtTime, timeRunner, type Timing, type TimingOptions } from './stats.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).toLowerCase();
const noNumpy = args.includes('--no-numpy');
const jsonPath = args.find((a) => a.startsWith('--json='))?.slice('--json='.length) ?? 'bench/results/latest.json';

const ALL_SIZES: Size[] = [
  { n: 32, m: 32, r: 4 },
  { n: 100, m: 80, r: 5 },
  { n: 256, m: 256, r: 16 },
  { n: 512, m: 512, r: 32 },
  { n: 1024, m: 1024, r: 64 },
];
const sizesArg = args.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length);
const sizes = sizesArg
  ? sizesArg.split(',').map((t) => {
    const [n, m, r] = t.split(/[x×]/).map(Number);
    if (![n, m, r].every((v) => Number.isInteger(v) && v > 0)) throw new Error(`--sizes: bad size ${t} (want e.g. 256x256x16)`);
    return { n, m, r };
  })
  : quick ? ALL_SIZES.slice(0, 2) : ALL_SIZES;

/** The targets for flatmin (medians), seconds. */
const TARGETS: Record<string, { f64: number; f32: number }> = {
  '32×32×4': { f64: 3e-6, f32: 3e-6 },
  '100×80×5': { f64: 12e-6, f32: 10e-6 },
  '256×256×16': { f64: 200e-6, f32: 110e-6 },
  '512×512×32': { f64: 1.4e-3, f32: 0.8e-3 },
  '1024×1024×64': { f64: 10e-3, f32: 5.5e-3 },
};

const timing: TimingOptions = quick
  ? { targetSec: 0.05, repeats: 1, warmupSec: 0.05, maxSteps: 1e6 }
  : { targetSec: 0.3, repeats: 5, warmupSec: 0.1, maxSteps: 1e6 };

const NUMPY_NAME = 'numpy (OpenBLAS, 1 thread)';
const impls: Impl[] = [...flatminVariants, ...tfjsImpls(quick ? 0.01 : 0.05), mlMatrix, plainJs]
  .filter((i) => !only || i.name.toLowerCase().includes(only));
const withNumpy = !noNumpy && (!only || NUMPY_NAME.toLowerCase().includes(only));

interface Row {
  name: string;
  precision: 'f64' | 'f32';
  group: 'flatmin' | 'peer';
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  timing?: Timing;
  /** Correctness at 32×32×4, σ = 0, 3 steps, against the TS reference. */
  check?: string;
  note?: string;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

function gflops(s: Size, sec: number): number {
  return flops6(s) / sec / 1e9;
}

/** Compare a peer's iterate to the reference's after the same noiseless steps. */
function compare(a: Float64Array | number[], ref: Float64Array, precision: 'f64' | 'f32', exact: boolean): string {
  let maxDiff = 0;
  let maxRef = 0;
  let equal = a.length === ref.length;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(a[i] - ref[i]);
    if (!(d <= maxDiff)) maxDiff = d; // NaN-safe
    if (!Object.is(a[i], ref[i])) equal = false;
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
  }
  if (equal) return 'bits equal';
  const rel = maxDiff / maxRef;
  const tol = precision === 'f32' ? 1e-5 : 1e-12;
  const verdict = exact ? 'BITS DIFFER' : rel <= tol ? 'ok' : 'WRONG';
  return `${verdict} (rel ${rel.toExponential(1)})`;
}

const REFERENCE = 'flatmin reference (TS)';

async function checks(): Promise<{ byName: Map<string, string>; data: ReturnType<typeof makeProblem> }> {
  const s = ALL_SIZES[0];
  // A large step (η = 0.1, ‖M‖₂ ≈ 2) so that rounding differences survive the update X − ηG_X.
  const p = { ...makeProblem(s, 3), sigmaX: 0, sigmaY: 0, lr: 0.1 };
  const steps = 3;
  const all = [...flatminVariants, ...impls.filter((i) => !flatminVariants.includes(i))];
  const results = new Map<string, Float64Array | Error>();
  for (const impl of all) {
    if (await impl.unavailable()) continue;
    try {
      const run = await impl.make(p);
      run.step(steps);
      results.set(impl.name, run.read());
      run.dispose();
    } catch (e) {
      results.set(impl.name, e as Error);
    }
  }
  const byName = new Map<string, string>();
  for (const impl of impls) {
    const got = results.get(impl.name);
    if (!got) continue;
    if (got instanceof Error) {
      byName.set(impl.name, `failed: ${got.message}`);
      continue;
    }
    const oracle = impl.oracle ?? REFERENCE;
    const ref = results.get(oracle);
    if (impl.name === oracle) byName.set(impl.name, 'the oracle');
    else if (!(ref instanceof Float64Array)) byName.set(impl.name, `no oracle (${oracle})`);
    else byName.set(impl.name, compare(got, ref, impl.precision, impl.oracle !== undefined || impl.group === 'flatmin'));
  }
  return { byName, data: p };
}

async function measureSize(s: Size, check: Map<string, string>): Promise<Row[]> {
  const p = makeProblem(s);
  const rows: Row[] = [];
  for (const impl of impls) {
    const base = { name: impl.name, precision: impl.precision, group: impl.group, check: check.get(impl.name) };
    const why = await impl.unavailable();
    if (why) {
      rows.push({ ...base, status: 'skipped', reason: why });
      continue;
    }
    log(`  ${label(s)}  ${impl.name} …`);
    try {
      const run = await impl.make(p);
      try {
        const t = timeRunner(run, { ...timing, maxSteps: Math.min(timing.maxSteps, impl.maxSteps?.(s) ?? Infinity) });
        rows.push({ ...base, status: 'ok', timing: t, note: run.note });
      } finally {
        run.dispose();
      }
    } catch (e) {
      rows.push({ ...base, status: 'failed', reason: (e as Error).message });
    }
  }
  return rows;
}

function gitDescribe(): string | null {
  try {
    const head = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

function table(header: string[], rows: string[][]): string {
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [header, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

function render(results: { size: Size; rows: Row[] }[], peak: PeakResult, noise: NoiseRow[], numpy: NumpyResult | null,
  meta: Record<string, unknown>): string {
  const out: string[] = [];
  out.push(`# flatmin bench${quick ? ' (--quick)' : ''}`, '');
  out.push(`${meta.cpu} · ${meta.cores} cores · Node ${meta.node} · ${meta.date} · commit ${meta.commit ?? '?'} · load avg ${meta.loadavg}`, '');
  out.push('One perturbed-GD step on ½‖XYᵀ − M‖²; GFLOP/s counts 6nmr per step (the issue\'s convention). '
    + '"% peak" is for flatmin rows: the flops they execute (4nmr + 4(n+m)r²) over the Wasm SIMD peak of their precision. '
    + '"t / flatmin f64" is the row\'s median over flatmin wasm f64\'s. "check": 3 noiseless steps at 32×32×4 against the TS reference.', '');
  out.push(`Wasm SIMD peak (4×2 register tile, mul+add, L1): **${peak.gflopsF64.toFixed(1)} GFLOP/s f64**, **${peak.gflopsF32.toFixed(1)} GFLOP/s f32**.`, '');
  for (const { size, rows } of results) {
    const fm = rows.find((r) => r.name === 'flatmin wasm f64' && r.status === 'ok')?.timing?.median;
    out.push(`## ${label(size)}`, '');
    out.push(table(['implementation', 'prec', 'min', 'median', 'max', 'GFLOP/s', '% peak', 't / flatmin f64', 'steps × reps', 'check'],
      rows.map((r) => {
        if (r.status !== 'ok' || !r.timing) {
          return [r.name, r.precision, `${r.status}: ${r.reason}`, '', '', '', '', '', '', r.check ?? ''];
        }
        const t = r.timing;
        const pk = r.precision === 'f64' ? peak.gflopsF64 : peak.gflopsF32;
        const pct = r.group === 'flatmin' ? `${((100 * flopsExecuted(size)) / t.median / 1e9 / pk).toFixed(1)}%` : '';
        return [r.note ? `${r.name} — ${r.note}` : r.name, r.precision, fmtTime(t.min), `**${fmtTime(t.median)}**`, fmtTime(t.max),
          gflops(size, t.median).toFixed(2), pct, fm ? `${(t.median / fm).toFixed(2)}` : '', `${t.steps} × ${t.repeats}`, r.check ?? ''];
      })), '');
  }
  // Summary: medians, one column per size.
  out.push('## Medians per step', '');
  const names = results[0]?.rows.map((r) => r.name) ?? [];
  out.push(table(['implementation', ...results.map((r) => label(r.size))], names.map((name) => [name, ...results.map(({ rows }) => {
    const r = rows.find((x) => x.name === name);
    return r?.status === 'ok' && r.timing ? fmtTime(r.timing.median) : r?.status ?? '';
  })])), '');
  // Targets.
  out.push('## flatmin against the issue\'s targets (medians)', '');
  out.push(table(['n×m×r', 'target f64', 'wasm f64', '', 'target f32', 'wasm f32', ''], results.map(({ size, rows }) => {
    const tg = TARGETS[label(size)] as { f64: number; f32: number } | undefined;
    if (!tg) return [label(size), '—', '', '', '—', '', ''];
    const cell = (name: string, target: number) => {
      const r = rows.find((x) => x.name === name);
      if (!r || r.status !== 'ok' || !r.timing) return [r ? r.status : '—', ''];
      return [fmtTime(r.timing.median), r.timing.median <= target ? 'met' : `missed (×${(r.timing.median / target).toFixed(2)})`];
    };
    return [label(size), fmtTime(tg.f64), ...cell('flatmin wasm f64', tg.f64), fmtTime(tg.f32), ...cell('flatmin wasm f32', tg.f32)];
  })), '');
  out.push('## Gaussian noise, ns per draw', '');
  const noiseRows = noise.map((n) => [n.name, n.nsPerDraw !== undefined ? n.nsPerDraw.toFixed(2) : `skipped: ${n.skipped}`]);
  if (numpy?.noise) noiseRows.push([numpy.noise.method, numpy.noise.nsPerDraw.toFixed(2)]);
  out.push(table(['generator', 'ns / draw'], noiseRows), '');
  out.push('## Peers', '');
  if (numpy) {
    if (numpy.skipped) out.push(`- numpy: skipped: ${numpy.skipped}`);
    else {
      const info = numpy.info ?? {};
      const blas = info.blas as Record<string, unknown> | undefined;
      out.push(`- numpy ${info.numpy} (Python ${info.python}), ${blas?.name ?? '?'} ${blas?.version ?? ''}; OPENBLAS_NUM_THREADS=1; kernel in use: **${info.corename}** (via ${info.kernel_source}); `
        + `${numpy.env?.unset.join(' / ')} unset for this child only (in the parent: ${JSON.stringify(numpy.env?.parent)})`);
    }
  }
  if (meta.tfjs) out.push(`- tfjs: ${JSON.stringify(meta.tfjs)}`);
  out.push(`- peak detail: ${JSON.stringify(peak.detail)}`);
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const meta: Record<string, unknown> = {
    date: new Date().toISOString(),
    quick,
    node: process.version,
    v8: process.versions.v8,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    platform: `${process.platform} ${process.arch}`,
    commit: gitDescribe(),
    loadavg: os.loadavg().map((x) => x.toFixed(2)).join(' '),
    only: only ?? null,
    timing,
  };
  if (impls.some((i) => i.name.startsWith('tfjs'))) {
    try {
      meta.tfjs = (await loadTf()).info;
    } catch (e) {
      meta.tfjs = { error: (e as Error).message };
    }
  }
  log('peak …');
  const peak = await measurePeak({ quick });
  log('noise …');
  const noise = await measureNoise(quick);
  log('correctness check …');
  const chk = await checks();
  const results: { size: Size; rows: Row[] }[] = [];
  for (const s of sizes) results.push({ size: s, rows: await measureSize(s, chk.byName) });
  let numpy: NumpyResult | null = null;
  if (withNumpy) {
    log('numpy …');
    const c = chk.data;
    numpy = runNumpy(sizes, timing, LR, { n: c.n, m: c.m, r: c.r, M: [...c.M], theta: [...c.theta], lr: c.lr });
    for (const { size, rows } of results) {
      const base = { name: NUMPY_NAME, precision: 'f64' as const, group: 'peer' as const };
      const t = numpy.rows.find((x) => x.n === size.n && x.m === size.m && x.r === size.r);
      if (numpy.skipped || !t) rows.push({ ...base, status: 'skipped', reason: numpy.skipped ?? 'no result' });
      else {
        // numpy's check is 1 noiseless step (in its own order of sums): compared with the formula's.
        rows.push({ ...base, status: 'ok', timing: t, check: numpy.check ? compare(numpy.check, referenceOneStep(chk.data), 'f64', false) : undefined });
      }
    }
  }
  const threads = !quick && (!only || 'threads'.includes(only)) ? await measureThreads(timing, undefined, log) : null;
  meta.loadavgEnd = os.loadavg().map((x) => x.toFixed(2)).join(' ');
  meta.seconds = (Date.now() - t0) / 1000;
  process.stdout.write(render(results, peak, noise, numpy, meta) + (threads ? `\n${renderThreads(threads)}` : ''));
  // The structured problems (issue 10): a 10⁴×10⁴ factored target and sparse completion, each in
  // its own child process so that its peak RSS is its own (bench/factored.ts, bench/sparse.ts).
  for (const part of ['factored', 'sparse']) {
    if (quick || (only && !part.includes(only))) continue;
    log(`${part} …`);
    process.stdout.write(`\n`);
    const r = spawnSync(process.execPath, [`build/bench-${part}.mjs`, ...(part === 'sparse' && noNumpy ? ['--no-scipy'] : [])], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`bench/${part}.ts failed (exit ${r.status})`);
  }
  const us = (x: number) => x * 1e6;
  const json = {
    meta,
    peak,
    noise: [...noise, ...(numpy?.noise ? [{ name: numpy.noise.method, nsPerDraw: numpy.noise.nsPerDraw }] : [])],
    numpy: numpy ? { skipped: numpy.skipped ?? null, info: numpy.info ?? null, env: numpy.env } : null,
    targets: TARGETS,
    threads,
    sizes: results.map(({ size, rows }) => ({
      ...size,
      flops6: flops6(size),
      flopsExecuted: flopsExecuted(size),
      rows: rows.map((r) => ({
        name: r.name,
        precision: r.precision,
        group: r.group,
        status: r.status,
        reason: r.reason ?? null,
        check: r.check ?? null,
        note: r.note ?? null,
        ...(r.timing ? {
          minUs: us(r.timing.min),
          medianUs: us(r.timing.median),
          maxUs: us(r.timing.max),
          gflops: gflops(size, r.timing.median),
          pctPeak: r.group === 'flatmin'
            ? (100 * flopsExecuted(size)) / r.timing.median / 1e9 / (r.precision === 'f64' ? peak.gflopsF64 : peak.gflopsF32)
            : null,
          steps: r.timing.steps,
          repeats: r.timing.repeats,
        } : {}),
      })),
    })),
  };
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${jsonPath} (${meta.seconds} s)`);
  const bad = results.flatMap(({ size, rows }) => rows
    .filter((r) => r.status === 'failed' || /WRONG|DIFFER|failed|no oracle/.test(r.check ?? ''))
    .map((r) => `${label(size)} ${r.name}: ${r.status === 'failed' ? r.reason : r.check}`));
  if (bad.length) {
    log(`bench: ${bad.length} row(s) failed or wrong:\n  ${bad.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/** One noiseless step in plain f64 (the formula, straightforwardly), for the numpy check. */
function referenceOneStep(p: ReturnType<typeof makeProblem>): Float64Array {
  const { n, m, r, M, theta, lr } = p;
  const X = theta.subarray(0, n * r);
  const Y = theta.subarray(n * r);
  const out = Float64Array.from(theta);
  const gram = (A: Float64Array, rows: number) => {
    const G = new Float64Array(r * r);
    for (let i = 0; i < rows; i++) for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) G[a * r + b] += A[i * r + a] * A[i * r + b];
    return G;
  };
  const Gx = gram(X, n);
  const Gy = gram(Y, m);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < r; k++) {
      let g = 0;
      for (let l = 0; l < r; l++) g += X[i * r + l] * Gy[l * r + k];
      let my = 0;
      for (let j = 0; j < m; j++) my += M[i * m + j] * Y[j * r + k];
      out[i * r + k] -= lr * (g - my);
    }
  }
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < r; k++) {
      let g = 0;
      for (let l = 0; l < r; l++) g += Y[j * r + l] * Gx[l * r + k];
      let mx = 0;
      for (let i = 0; i < n; i++) mx += M[i * m + j] * X[i * r + k];
      out[n * r + j * r + k] -= lr * (g - mx);
    }
  }
  return out;
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
