/**
 * Probes behind bench/runtimes/README.md's findings, each run in every engine, rounds interleaved:
 *
 *   node bench/runtimes/probes.mjs gauss [--rounds=8] [--engines=node,chromium,bun,deno]
 *       fillGaussian alone (gauss-entry.ts on the current build/): ns per normal, median over rounds
 *   node bench/runtimes/probes.mjs ops [--rounds=3] [--engines=…]
 *       one loop per Wasm SIMD op (a dependent chain, so latency): ns per iteration — tells whether
 *       an engine lowers an op itself slowly (binaryen, an AssemblyScript dependency, assembles it)
 *
 *   node bench/runtimes/probes.mjs vcpu [--repeats=6] [--engines=node]
 *       the same engine twice, one pinned to each of CPUs 0 and 1 (Linux, taskset), timing one
 *       32×32×4 f64 batch each in turn: µs per step by the CPU time of the engine thread — shows
 *       whether the two vCPUs run the same code at the same speed (on this VM they need not)
 *
 * Engine specs as in main.mjs (name@flag@flag). Wall time (gauss, ops): run when the machine is
 * quiet, or compare the engines' columns round by round.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, cpuDelta, ENGINE_NAMES, flagValue, median, openEngine, ROOT, runEngine } from './engines.mjs';

const [probe, ...argv] = process.argv.slice(2);
const flag = (name) => flagValue(name, argv);
const specs = (flag('engines')?.split(',') ?? ['node', 'chromium', 'bun', 'deno']).map((spec) => {
  const [name, ...flags] = spec.split('@');
  if (!ENGINE_NAMES.includes(name)) throw new Error(`--engines: unknown engine "${name}"`);
  return { spec, name, flags };
});

/** Run the module in every spec, `rounds` times interleaved; spec → array of answers. */
async function rounds(file, n, args) {
  const out = new Map(specs.map((s) => [s.spec, []]));
  for (let r = 0; r < n; r++) {
    for (const { spec, name, flags } of specs) {
      const x = await runEngine(name, { module: file, args, flags, timeoutMs: 180_000 });
      if (x.ok) out.get(spec).push(x.value);
      else process.stderr.write(`${spec}: ${x.reason}\n`);
    }
  }
  return out;
}

// One loop per op on v128 locals $a $b (f64x2) and $i (integer lanes), N iterations.
const ops = {
  conv_u: '(local.set $a (f64x2.add (local.get $a) (f64x2.convert_low_i32x4_u (local.get $i))))  (local.set $i (i32x4.add (local.get $i) (i32x4.splat (i32.const 3))))',
  conv_s: '(local.set $a (f64x2.add (local.get $a) (f64x2.convert_low_i32x4_s (local.get $i))))  (local.set $i (i32x4.add (local.get $i) (i32x4.splat (i32.const 3))))',
  floor: '(local.set $a (f64x2.floor (f64x2.add (local.get $a) (local.get $b))))',
  addonly: '(local.set $a (f64x2.add (local.get $a) (local.get $b)))',
  div: '(local.set $a (f64x2.div (local.get $a) (local.get $b)))',
  sqrt: '(local.set $a (f64x2.sqrt (local.get $a)))',
  consts: '(local.set $a (f64x2.add (f64x2.mul (local.get $a) (v128.const f64x2 0.5 0.5)) (f64x2.mul (local.get $b) (v128.const f64x2 0.25 0.25))))',
  i64shr: '(local.set $i (i64x2.add (i64x2.shr_u (local.get $i) (i32.const 20)) (i64x2.shl (local.get $i) (i32.const 32))))',
  i32shr: '(local.set $i (v128.xor (i32x4.shr_u (local.get $i) (i32.const 19)) (i32x4.shl (local.get $i) (i32.const 11))))',
  bitsel: '(local.set $a (v128.bitselect (local.get $a) (local.get $b) (f64x2.eq (local.get $a) (local.get $b))))',
  shuffle: '(local.set $i (i32x4.add (local.get $i) (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $i) (local.get $i))))',
  neg: '(local.set $a (f64x2.add (f64x2.neg (local.get $a)) (local.get $b)))',
  anytrue: '(local.set $i (i32x4.add (local.get $i) (i32x4.splat (v128.any_true (local.get $i)))))',
  splatload: '(local.set $a (f64x2.add (local.get $a) (v128.load64_splat (i32.and (local.get $n) (i32.const 1016)))))',
  load: '(local.set $a (f64x2.add (local.get $a) (v128.load (i32.and (local.get $n) (i32.const 1008)))))',
};

function opsModule() {
  return import('binaryen').then(({ default: binaryen }) => {
    const funcs = Object.entries(ops).map(([name, body]) => `(func (export "${name}") (param $n i32) (result f64)
  (local $a v128) (local $b v128) (local $i v128)
  (local.set $a (v128.const f64x2 1.5 2.5)) (local.set $b (v128.const f64x2 1.0000001 0.9999999)) (local.set $i (i32x4.splat (local.get $n)))
  (loop $l ${body} (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
  (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64.convert_i32_s (i32x4.extract_lane 0 (local.get $i)))))`).join('\n');
    const m = binaryen.parseText(`(module (memory (export "memory") 1 65536) ${funcs})`);
    m.setFeatures(binaryen.Features.All);
    if (!m.validate()) throw new Error('ops module does not validate');
    const b64 = Buffer.from(m.emitBinary()).toString('base64');
    m.dispose();
    return `const bytes = Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0));
const names = ${JSON.stringify(Object.keys(ops))};
export async function main() {
  const { instance } = await WebAssembly.instantiate(bytes);
  const N = 1 << 20;
  for (let w = 0; w < 2; w++) for (const k of names) instance.exports[k](N); // tier up
  const out = {};
  for (const k of names) {
    const ts = [];
    for (let r = 0; r < 5; r++) { const t0 = performance.now(); instance.exports[k](N); ts.push(performance.now() - t0); }
    ts.sort((a, b) => a - b);
    out[k] = (ts[2] / N) * 1e6; // ns per iteration
  }
  return out;
}
`;
  });
}

if (probe === 'gauss') {
  const { file, cleanup } = await bundle(join(ROOT, 'bench/runtimes/gauss-entry.ts'));
  try {
    const res = await rounds(file, Number(flag('rounds') ?? 8), { count: 1024 });
    for (const [spec, v] of res) {
      const xs = v.map((a) => a.gaussNsPerNormal);
      console.log(`${spec}: ${median(xs).toFixed(2)} ns per normal (rounds: ${xs.map((x) => x.toFixed(2)).join(' ')})`);
    }
  } finally {
    cleanup();
  }
} else if (probe === 'ops') {
  const dir = mkdtempSync(join(tmpdir(), 'flatmin-ops-'));
  try {
    const file = join(dir, 'ops.mjs');
    writeFileSync(file, await opsModule());
    const res = await rounds(file, Number(flag('rounds') ?? 3), null);
    const cols = [...res.keys()];
    console.log(['op (ns/iter)', ...cols].join('\t'));
    for (const k of Object.keys(ops)) console.log([k, ...cols.map((c) => median(res.get(c).map((o) => o[k])).toFixed(2))].join('\t'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else if (probe === 'vcpu') {
  const { file, cleanup } = await bundle(join(ROOT, 'bench/runtimes/step-entry.ts'));
  const { name, flags } = specs[0];
  const args = {
    clock: 'cpu', sizes: [{ n: 32, m: 32, r: 4 }], precisions: ['f64'], checkSteps: 1,
    timing: { targetSec: 0.2, repeats: 1, warmupSec: 0.3, maxSteps: 1e6, settleSec: 2 },
  };
  const pinned = [];
  try {
    for (const cpu of ['0', '1']) {
      // The engine inherits this process's CPU affinity.
      execFileSync('taskset', ['-a', '-p', '-c', cpu, String(process.pid)], { stdio: 'ignore' });
      const e = await openEngine(name, { module: file, args, flags, timeoutMs: 120_000 });
      if (!e.ok) throw new Error(`${name} on CPU ${cpu}: ${e.reason}`);
      pinned.push({ cpu, e });
    }
    const steps = Math.round(0.2 / pinned[0].e.ready.cells[0].perStep);
    const per = new Map(pinned.map((p) => [p.cpu, []]));
    for (let r = 0; r < Number(flag('repeats') ?? 6); r++) {
      for (const { cpu, e } of pinned) {
        const c0 = e.cpuThreads();
        await e.call({ cell: 0, steps });
        per.get(cpu).push((cpuDelta(c0, e.cpuThreads()).busiest / steps) * 1e6);
      }
    }
    for (const [cpu, xs] of per) console.log(`${name} pinned to CPU ${cpu}: ${median(xs).toFixed(2)} µs/step by thread CPU time (batches: ${xs.map((x) => x.toFixed(2)).join(' ')})`);
  } finally {
    for (const { e } of pinned) await e.close();
    cleanup();
  }
} else {
  console.error('usage: node bench/runtimes/probes.mjs gauss|ops|vcpu [--rounds=N] [--engines=a,b@flag]');
  process.exitCode = 2;
}
