/**
 * `npm run bench:runtimes` — one perturbed-GD step (flatmin wasm, f64 and f32) timed in Node,
 * Chromium, Firefox, Bun and Deno; prints one markdown table and writes bench/runtimes/latest.json.
 *
 *   node bench/runtimes/main.mjs                  all engines, 256×256×16 (headline) and 32×32×4
 *   node bench/runtimes/main.mjs --quick          1 s-ish per engine: short repeats, one round (a smoke run)
 *   node bench/runtimes/main.mjs --engines=node,bun
 *   node bench/runtimes/main.mjs --rounds=5       rounds of all engines, interleaved (default 3)
 *   node bench/runtimes/main.mjs --engines=node,deno,deno@--no-wasm-bounds-checks
 *                                                 an engine with flags (engines.mjs `flags`; `@` between them)
 *   node bench/runtimes/main.mjs --settle=0       no settling warm-up (bench/stats.ts settleSec; default 5 s)
 *   node bench/runtimes/main.mjs --clock=cpu      time by process CPU time where the engine has it
 *                                                 (node, bun, deno; browsers stay on wall time: marked)
 *   node bench/runtimes/main.mjs --json=PATH      write the JSON there instead
 *
 * Every engine runs the same bundle of bench/runtimes/step-entry.ts (the session `npm run bench`
 * times, both Wasm builds embedded), one engine at a time so they do not share the two cores.
 * The machine is shared and its speed drifts by tens of percent within a minute, so engines are
 * interleaved: each round runs every engine once (a fresh process, its own warm-up), the order
 * rotating from round to round. Per round and cell: the median µs per step over ≥ 3 timed repeats
 * (bench/stats.ts). Shown: the median over rounds (min–max of all repeats); "× Node" is the median
 * over rounds of the engine's median over Node's median *in the same round*, so a slow minute
 * slows both sides of a ratio. An engine that cannot run shows "skipped: <reason>".
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
// An engine spec: a name, or name@flag@flag… (the same engine with options, for experiments).
const specs = (flag('engines')?.split(',') ?? ENGINE_NAMES).map((spec) => {
  const [name, ...flags] = spec.split('@');
  if (!ENGINE_NAMES.includes(name)) throw new Error(`--engines: unknown engine "${name}" (want ${ENGINE_NAMES.join(',')}, each optionally @flag@flag…)`);
  return { spec, name, flags };
});
const rounds = quick ? 1 : Number(flag('rounds') ?? 3);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds: want a positive integer, got ${flag('rounds')}`);
const jsonPath = flag('json') ?? join(ROOT, 'bench/runtimes/latest.json');

const SIZES = [{ n: 256, m: 256, r: 16 }, { n: 32, m: 32, r: 4 }];
const PRECISIONS = ['f64', 'f32'];
const HEADLINE = '256×256×16';
const TARGET_RATIO = 1.1;
const settleSec = Number(flag('settle') ?? (quick ? 0.5 : 5));
if (!(settleSec >= 0)) throw new Error(`--settle: want seconds ≥ 0, got ${flag('settle')}`);
const clock = flag('clock') ?? 'wall';
if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock: want wall or cpu, got ${clock}`);
const args = {
  clock,
  sizes: SIZES,
  precisions: PRECISIONS,
  timing: quick
    ? { targetSec: 0.05, repeats: 3, warmupSec: 0.05, maxSteps: 1e6, settleSec }
    : { targetSec: 0.3, repeats: 5, warmupSec: 0.3, maxSteps: 1e6, settleSec },
  checkSteps: 5,
};
const TIMEOUT_MS = quick ? 120_000 : 300_000;

const load0 = os.loadavg();
const t0 = performance.now();
const { file, cleanup } = await bundle(join(ROOT, 'bench/runtimes/step-entry.ts'));
const runs = new Map(specs.map((s) => [s.spec, []])); // spec → its EngineResult per round
try {
  for (let round = 0; round < rounds; round++) {
    for (let j = 0; j < specs.length; j++) {
      const { spec, name, flags } = specs[(j + round) % specs.length];
      if (round > 0 && !runs.get(spec)[0].ok && runs.get(spec)[0].phase === 'start') continue; // missing engine: once is enough
      process.stderr.write(`${spec}: round ${round + 1}/${rounds}…\n`);
      const r = await runEngine(name, {
        module: file, args, timeoutMs: TIMEOUT_MS, flags, onLog: (line) => process.stderr.write(`  ${spec}: ${line}\n`),
      });
      if (!r.ok) process.stderr.write(`  ${spec}: ${r.phase === 'start' ? 'skipped' : 'FAILED'}: ${r.reason}\n`);
      runs.get(spec).push(r);
    }
  }
} finally {
  cleanup();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const cellKeys = SIZES.flatMap((s) => PRECISIONS.map((p) => `${s.n}×${s.m}×${s.r} ${p}`));
const cellOf = (r, key) => (r.ok ? r.value.cells.find((c) => `${c.size} ${c.precision}` === key) : undefined);
// Node without flags is the reference (else the first node spec).
const refSpec = (specs.find((s) => s.name === 'node' && !s.flags.length) ?? specs.find((s) => s.name === 'node'))?.spec;
/** One row per spec: its first failure, or every round's cells merged (median of per-round medians). */
const results = specs.map(({ spec, name, flags }) => {
  const all = runs.get(spec);
  const bad = all.find((r) => !r.ok);
  if (bad) return { ...bad, spec, flags };
  const ref = runs.get(refSpec)?.every((r) => r.ok) ? runs.get(refSpec) : undefined;
  const cells = cellKeys.map((key) => {
    const mine = all.map((r) => cellOf(r, key));
    const ratios = ref ? all.map((r, i) => (ref[i] ? cellOf(r, key).median / cellOf(ref[i], key).median : NaN)).filter((x) => x === x) : [];
    return {
      ...mine[0],
      min: Math.min(...mine.map((c) => c.min)),
      median: median(mine.map((c) => c.median)),
      max: Math.max(...mine.map((c) => c.max)),
      roundMedians: mine.map((c) => c.median),
      ratio: ratios.length ? median(ratios) : undefined,
      digests: [...new Set(mine.map((c) => c.digest))],
    };
  });
  return { ...all[0], name, spec, flags, seconds: all.reduce((t, r) => t + r.seconds, 0), value: { ...all[0].value, cells } };
});

// ---- table ----
const node = results.find((r) => r.spec === refSpec && r.ok);
const label = (r) => `${engineLabel(r)}${r.flags.length ? ` [${r.flags.join(' ')}]` : ''}`;
const us = (sec) => {
  const x = sec * 1e6;
  return x < 10 ? x.toFixed(2) : x < 1000 ? x.toPrecision(3) : String(Math.round(x));
};

let failed = false;
const rows = results.map((r) => {
  if (!r.ok) {
    if (r.phase === 'run') failed = true;
    const why = r.reason.replace(/\|/g, '\\|').slice(0, 200);
    return [label(r), ...cellKeys.flatMap(() => ['', '']), r.phase === 'start' ? `skipped: ${why}` : `failed: ${why}`];
  }
  const cells = cellKeys.flatMap((key) => {
    const c = cellOf(r, key);
    return [`${us(c.median)} (${us(c.min)}–${us(c.max)})`, c.ratio !== undefined ? `${c.ratio.toFixed(2)}×` : '—'];
  });
  let bits = 'reference';
  if (r !== node) {
    if (!node) bits = '— (no Node run)';
    else {
      const ref = (key) => cellOf(node, key).digests[0];
      const diff = cellKeys.filter((key) => cellOf(r, key).digests.some((d) => d !== ref(key)) || cellOf(node, key).digests.length > 1);
      bits = diff.length ? `DIFFER: ${diff.join(', ')}` : 'same as Node';
      if (diff.length) failed = true;
    }
  }
  const notes = `${r.value.build === 'simd' ? '' : ' [scalar build]'}${r.value.clock === clock ? '' : ` [${r.value.clock} time]`}`;
  return [`${label(r)}${notes}`, ...cells, bits];
});
const header = ['engine', ...cellKeys.flatMap((k) => [`${k} µs/step`, '× Node']), 'bits / status'];
const table = [
  `| ${header.join(' | ')} |`,
  `|${header.map((h, i) => (i === 0 || i === header.length - 1 ? '---' : '---:')).join('|')}|`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
].join('\n');

const headlineNotes = node
  ? results.filter((r) => r.ok && r !== node).map((r) => {
    const verdicts = cellKeys.map((key) => {
      const { ratio } = cellOf(r, key);
      return `${key} ${ratio.toFixed(2)}× ${ratio <= TARGET_RATIO ? '✓' : '✗'}`;
    });
    return `${label(r)}: ${verdicts.join(', ')}`;
  })
  : [];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`## One perturbed-GD step in every engine (flatmin wasm; ${clock === 'cpu' ? 'CPU ' : ''}µs per step: median over ${rounds} interleaved round${rounds > 1 ? 's' : ''} of each round's median, (min–max) over all repeats; × Node: median of the per-round ratios)\n`);
const load1 = os.loadavg();
const busy = Math.max(load0[0], load1[0]) > 1.5;
console.log(`${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after${busy ? ' — the machine was busy with other work: times are inflated and noisy' : ''}${quick ? ' — QUICK run: short repeats, numbers are rough' : ''}\n`);
console.log(table);
if (headlineNotes.length) {
  console.log(`\nTarget: every engine within ${TARGET_RATIO}× of Node at ${HEADLINE} and ${cellKeys.at(-1).replace(/ f\d+$/, '')} (measured, not asserted):\n`);
  for (const line of headlineNotes) console.log(`- ${line}`);
}

const out = {
  date: new Date().toISOString(),
  machine: { cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: load0, loadAverageAfter: load1 },
  quick,
  rounds,
  clock,
  timing: args.timing,
  sizes: SIZES,
  precisions: PRECISIONS,
  targetRatio: TARGET_RATIO,
  seconds: (performance.now() - t0) / 1000,
  engines: results.map((r) => (r.ok
    ? {
      name: r.name, flags: r.flags, label: label(r), status: 'ok', engine: r.engine, build: r.value.build, seconds: r.seconds,
      cells: r.value.cells.map(({ ratio, digests, ...c }) => ({
        ...c,
        minUs: c.min * 1e6,
        medianUs: c.median * 1e6,
        maxUs: c.max * 1e6,
        roundMediansUs: c.roundMedians.map((x) => x * 1e6),
        ratioToNode: ratio ?? null,
        sameBitsAsNode: node ? digests.every((d) => d === cellOf(node, `${c.size} ${c.precision}`).digests[0]) : null,
      })),
    }
    : { name: r.name, flags: r.flags, label: label(r), status: r.phase === 'start' ? 'skipped' : 'failed', reason: r.reason, seconds: r.seconds })),
};
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
process.stderr.write(`wrote ${jsonPath} (${out.seconds.toFixed(0)} s)\n`);
if (failed) {
  process.stderr.write('an engine failed or computed other bits than Node (see the table)\n');
  process.exitCode = 1;
}
