/**
 * `npm run bench:runtimes` — one perturbed-GD step (flatmin wasm, f64 and f32) timed in Node,
 * Chromium, Firefox, Bun and Deno; prints one markdown table and writes bench/runtimes/latest.json.
 *
 *   node bench/runtimes/main.mjs                  all engines, 256×256×16 (headline) and 32×32×4
 *   node bench/runtimes/main.mjs --quick          1 s-ish per engine: short repeats (a smoke run)
 *   node bench/runtimes/main.mjs --engines=node,bun
 *   node bench/runtimes/main.mjs --json=PATH      write the JSON there instead
 *
 * Every engine runs the same bundle of bench/runtimes/step-entry.ts (the session `npm run bench`
 * times, both Wasm builds embedded), one engine at a time so they do not share the two cores.
 * Numbers: min/median/max µs per step over ≥ 3 timed repeats after a warm-up (bench/stats.ts);
 * "× Node" is the engine's median over Node's. An engine that cannot run shows "skipped: <reason>".
 * The "bits" column: SHA-256 of the iterate after a few steps on engine-independent data, equal to
 * Node's or not. No time is asserted; exit code 1 only if an engine ran and failed or gave other bits.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { bundle, ENGINE_NAMES, engineLabel, ROOT, runEngine } from './engines.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = argv.includes('--quick');
const engines = (flag('engines')?.split(',') ?? ENGINE_NAMES);
for (const e of engines) if (!ENGINE_NAMES.includes(e)) throw new Error(`--engines: unknown engine "${e}" (want ${ENGINE_NAMES.join(',')})`);
const jsonPath = flag('json') ?? join(ROOT, 'bench/runtimes/latest.json');

const SIZES = [{ n: 256, m: 256, r: 16 }, { n: 32, m: 32, r: 4 }];
const PRECISIONS = ['f64', 'f32'];
const HEADLINE = '256×256×16';
const TARGET_RATIO = 1.1;
const args = {
  sizes: SIZES,
  precisions: PRECISIONS,
  timing: quick
    ? { targetSec: 0.05, repeats: 3, warmupSec: 0.05, maxSteps: 1e6 }
    : { targetSec: 0.3, repeats: 5, warmupSec: 0.3, maxSteps: 1e6 },
  checkSteps: 5,
};
const TIMEOUT_MS = quick ? 120_000 : 300_000;

const load0 = os.loadavg();
const t0 = performance.now();
const { file, cleanup } = await bundle(join(ROOT, 'bench/runtimes/step-entry.ts'));
const results = [];
try {
  for (const name of engines) {
    process.stderr.write(`${name}: running…\n`);
    const r = await runEngine(name, {
      module: file, args, timeoutMs: TIMEOUT_MS, onLog: (line) => process.stderr.write(`  ${name}: ${line}\n`),
    });
    if (!r.ok) process.stderr.write(`  ${name}: ${r.phase === 'start' ? 'skipped' : 'FAILED'}: ${r.reason}\n`);
    results.push(r);
  }
} finally {
  cleanup();
}

// ---- table ----
const cellKeys = SIZES.flatMap((s) => PRECISIONS.map((p) => `${s.n}×${s.m}×${s.r} ${p}`));
const cellOf = (r, key) => (r.ok ? r.value.cells.find((c) => `${c.size} ${c.precision}` === key) : undefined);
const node = results.find((r) => r.name === 'node' && r.ok);
const us = (sec) => {
  const x = sec * 1e6;
  return x < 10 ? x.toFixed(2) : x < 1000 ? x.toPrecision(3) : String(Math.round(x));
};

let failed = false;
const rows = results.map((r) => {
  if (!r.ok) {
    if (r.phase === 'run') failed = true;
    const why = r.reason.replace(/\|/g, '\\|').slice(0, 200);
    return [engineLabel(r), ...cellKeys.flatMap(() => ['', '']), r.phase === 'start' ? `skipped: ${why}` : `failed: ${why}`];
  }
  const cells = cellKeys.flatMap((key) => {
    const c = cellOf(r, key);
    const ref = node && cellOf(node, key);
    return [
      `${us(c.median)} (${us(c.min)}–${us(c.max)})`,
      ref ? `${(c.median / ref.median).toFixed(2)}×` : '—',
    ];
  });
  let bits = 'reference';
  if (r.name !== 'node') {
    if (!node) bits = '— (no Node run)';
    else {
      const diff = cellKeys.filter((key) => cellOf(r, key).digest !== cellOf(node, key).digest);
      bits = diff.length ? `DIFFER: ${diff.join(', ')}` : 'same as Node';
      if (diff.length) failed = true;
    }
  }
  return [`${engineLabel(r)}${r.value.build === 'simd' ? '' : ' [scalar build]'}`, ...cells, bits];
});
const header = ['engine', ...cellKeys.flatMap((k) => [`${k} µs/step`, '× Node']), 'bits / status'];
const table = [
  `| ${header.join(' | ')} |`,
  `|${header.map((h, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');

const headlineNotes = node
  ? results.filter((r) => r.ok && r.name !== 'node').map((r) => {
    const verdicts = PRECISIONS.map((p) => {
      const ratio = cellOf(r, `${HEADLINE} ${p}`).median / cellOf(node, `${HEADLINE} ${p}`).median;
      return `${p} ${ratio.toFixed(2)}× ${ratio <= TARGET_RATIO ? '✓' : '✗'}`;
    });
    return `${engineLabel(r)}: ${verdicts.join(', ')}`;
  })
  : [];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`## One perturbed-GD step in every engine (flatmin wasm; median µs per step, (min–max) over ≥ ${args.timing.repeats} repeats)\n`);
const load1 = os.loadavg();
const busy = Math.max(load0[0], load1[0]) > 1.5;
console.log(`${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after${busy ? ' — the machine was busy with other work: times are inflated and noisy' : ''}${quick ? ' — QUICK run: short repeats, numbers are rough' : ''}\n`);
console.log(table);
if (headlineNotes.length) {
  console.log(`\nTarget: every engine within ${TARGET_RATIO}× of Node's median at ${HEADLINE} (measured, not asserted):\n`);
  for (const line of headlineNotes) console.log(`- ${line}`);
}

const out = {
  date: new Date().toISOString(),
  machine: { cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: load0, loadAverageAfter: load1 },
  quick,
  timing: args.timing,
  sizes: SIZES,
  precisions: PRECISIONS,
  targetRatio: TARGET_RATIO,
  seconds: (performance.now() - t0) / 1000,
  engines: results.map((r) => (r.ok
    ? {
      name: r.name, label: engineLabel(r), status: 'ok', engine: r.engine, build: r.value.build, seconds: r.seconds,
      cells: r.value.cells.map((c) => ({
        ...c,
        minUs: c.min * 1e6,
        medianUs: c.median * 1e6,
        maxUs: c.max * 1e6,
        ratioToNode: node ? c.median / cellOf(node, `${c.size} ${c.precision}`).median : null,
        sameBitsAsNode: node ? c.digest === cellOf(node, `${c.size} ${c.precision}`).digest : null,
      })),
    }
    : { name: r.name, label: engineLabel(r), status: r.phase === 'start' ? 'skipped' : 'failed', reason: r.reason, seconds: r.seconds })),
};
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
process.stderr.write(`wrote ${jsonPath} (${out.seconds.toFixed(0)} s)\n`);
if (failed) {
  process.stderr.write('an engine failed or computed other bits than Node (see the table)\n');
  process.exitCode = 1;
}
