/**
 * Two SIMD builds of the core against each other, in every engine asked for, in lockstep:
 *
 *   node bench/runtimes/ab.mjs VARIANT.wasm [--engines=node,bun] [--repeats=9] [--gd] [--lr=1e-9]
 *
 * VARIANT.wasm stands in for build/flatmin.wasm in a second bundle of step-entry.ts; each engine
 * runs both bundles (four processes for two engines), pinned to CPU 0 like main.mjs, and one
 * ~0.2 s batch per process and repeat is timed by the CPU time of the thread that ran it, the
 * order rotating. Prints per cell and engine the variant's median ratio to the unchanged build
 * over paired batches, and each engine's ratio to Node for both builds. `--gd`: σ = 0 (the
 * products alone); `--lr`: another learning rate (a variant computing wrong products stays
 * finite at 1e-9). A variant equal to the build is the control (bench/runtimes/README.md: ±3 %).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { cpuDelta, ENGINE_NAMES, flagValue, median, openEngine, ROOT } from './engines.mjs';

const argv = process.argv.slice(2);
const flag = (name) => flagValue(name, argv);
const variant = argv.find((a) => !a.startsWith('--'));
if (!variant) throw new Error('usage: node bench/runtimes/ab.mjs VARIANT.wasm [--engines=node,bun] [--repeats=9] [--gd] [--lr=X]');
const engines = (flag('engines') ?? 'node,bun').split(',');
for (const e of engines) if (!ENGINE_NAMES.includes(e)) throw new Error(`--engines: unknown engine "${e}"`);
const repeats = Number(flag('repeats') ?? 9);

execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'flatmin-ab-'));
const bundleWith = async (outfile, wasm) => {
  await build({
    entryPoints: [join(ROOT, 'bench/runtimes/step-entry.ts')], bundle: true, format: 'esm', target: 'es2022', platform: 'browser',
    loader: { '.wasm': 'binary' }, outfile, logLevel: 'warning',
    plugins: wasm ? [{ name: 'variant', setup: (b) => b.onResolve({ filter: /build\/flatmin\.wasm$/ }, () => ({ path: resolve(wasm) })) }] : [],
  });
  return outfile;
};
const builds = [['orig', await bundleWith(join(dir, 'orig.mjs'))], ['var', await bundleWith(join(dir, 'var.mjs'), variant)]];
const args = {
  clock: 'cpu', sizes: [{ n: 256, m: 256, r: 16 }, { n: 32, m: 32, r: 4 }], precisions: ['f64', 'f32'], checkSteps: 5,
  gd: argv.includes('--gd'), lr: flag('lr') === undefined ? undefined : Number(flag('lr')),
  timing: { targetSec: 0.2, repeats: 1, warmupSec: 0.3, maxSteps: 1e6, settleSec: 5 },
};
const live = [];
try {
  for (const name of engines) {
    for (const [tag, module] of builds) {
      const e = await openEngine(name, { module, args, timeoutMs: 300_000 });
      if (!e.ok) throw new Error(`${name} (${tag}): ${e.reason}`);
      live.push({ id: `${name} ${tag}`, e });
    }
  }
  const cells = live[0].e.ready.cells;
  for (let c = 0; c < cells.length; c++) {
    const steps = Math.max(1, Math.round(0.2 / cells[c].perStep));
    const t = new Map(live.map((l) => [l.id, []]));
    for (let r = 0; r < repeats; r++) {
      for (let j = 0; j < live.length; j++) {
        const { id, e } = live[(j + r) % live.length];
        const c0 = e.cpuThreads();
        await e.call({ cell: c, steps });
        t.get(id).push((cpuDelta(c0, e.cpuThreads()).busiest / steps) * 1e6);
      }
    }
    const ratio = (a, b) => median(t.get(a).map((x, i) => x / t.get(b)[i]));
    const parts = engines.map((n) => `${n} ${median(t.get(`${n} orig`)).toPrecision(3)} → ${median(t.get(`${n} var`)).toPrecision(3)} µs (${ratio(`${n} var`, `${n} orig`).toFixed(3)}×)`);
    const vsNode = engines.includes('node') ? engines.filter((n) => n !== 'node').map((n) => `${n}/node ${ratio(`${n} orig`, 'node orig').toFixed(3)} → ${ratio(`${n} var`, 'node var').toFixed(3)}`) : [];
    console.log(`${cells[c].size} ${cells[c].precision}: ${[...parts, ...vsNode].join(' | ')}`);
  }
} finally {
  for (const { e } of live) await e.close();
  rmSync(dir, { recursive: true, force: true });
}
