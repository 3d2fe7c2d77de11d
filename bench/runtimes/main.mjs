/**
 * `npm run bench:runtimes` — one perturbed-GD step (flatmin wasm, f64 and f32) timed in Node,
 * Chromium, Firefox, Bun and Deno; prints one markdown table and writes bench/runtimes/latest.json.
 *
 *   node bench/runtimes/main.mjs                  all engines, 256×256×16 (headline) and 32×32×4
 *   node bench/runtimes/main.mjs --quick          short batches, one round (a smoke run)
 *   node bench/runtimes/main.mjs --engines=node,bun
 *   node bench/runtimes/main.mjs --rounds=3       fresh engine processes per round (default 2)
 *   node bench/runtimes/main.mjs --repeats=9      timed batches per engine, cell and round (default 7)
 *   node bench/runtimes/main.mjs --engines=node,deno,deno@--no-wasm-bounds-checks
 *                                                 an engine with flags (engines.mjs `flags`; `@` between them)
 *   node bench/runtimes/main.mjs --settle=0       no settling warm-up (bench/stats.ts settleSec; default 5 s)
 *   node bench/runtimes/main.mjs --clock=wall     compare by wall time (default: the CPU time of the engine
 *                                                 thread that ran the batch, from /proc; wall time where
 *                                                 there is no /proc)
 *   node bench/runtimes/main.mjs --cpu=1          pin every engine to this CPU (default 0; --cpu=none: no pinning)
 *   node bench/runtimes/main.mjs --gd             plain GD instead (σ = 0: no noise drawn; the products alone)
 *   node bench/runtimes/main.mjs --json=PATH      write the JSON there instead
 *
 * Every engine runs the same bundle of bench/runtimes/step-entry.ts (the session `npm run bench`
 * times, both Wasm builds embedded). The machine is shared (other processes, and a host that runs
 * other VMs: bench/runtimes/README.md) and its speed drifts by tens of percent within seconds, so
 * every engine is pinned to the same CPU (the two vCPUs of this VM can differ 1.5× in speed at the
 * same moment, invisibly to the guest), times are the CPU time of the engine's thread that ran the batch
 * (which other processes do not inflate; read from /proc, so browsers have it too), and the engines are timed in lockstep: each round starts every engine once (engines.mjs openEngine;
 * each warms up all cells, one engine at a time), then for each cell runs `repeats` rounds of one
 * short batch (~0.2 s, the same number of steps everywhere) per engine, the order rotating, while
 * the other engines wait idle. "× Node" is the median over all such repeats of the engine's batch
 * time over Node's batch of the same repeat — batches a second or two apart, so a slow stretch of
 * the machine slows both sides of a ratio. µs per step: median (min–max) over all batches.
 * The "bits" column: SHA-256 of the iterate after a few steps on engine-independent data, equal to
 * Node's or not. No time is asserted; exit code 1 only if an engine ran and failed or gave other bits.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { bundle, cpuDelta, ENGINE_NAMES, engineLabel, flagValue, median, openEngine, ROOT } from './engines.mjs';

const argv = process.argv.slice(2);
const flag = (name) => flagValue(name, argv);
const quick = argv.includes('--quick');
// An engine spec: a name, or name@flag@flag… (the same engine with options, for experiments).
const specs = (flag('engines')?.split(',') ?? ENGINE_NAMES).map((spec) => {
  const [name, ...flags] = spec.split('@');
  if (!ENGINE_NAMES.includes(name)) throw new Error(`--engines: unknown engine "${name}" (want ${ENGINE_NAMES.join(',')}, each optionally @flag@flag…)`);
  return { spec, name, flags };
});
const positive = (key, dflt) => {
  const v = Number(flag(key) ?? dflt);
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${key}: want a positive integer, got ${flag(key)}`);
  return v;
};
const rounds = quick ? 1 : positive('rounds', 2);
const repeats = positive('repeats', quick ? 3 : 7);
const jsonPath = flag('json') ?? join(ROOT, 'bench/runtimes/latest.json');

const SIZES = [{ n: 256, m: 256, r: 16 }, { n: 32, m: 32, r: 4 }];
const PRECISIONS = ['f64', 'f32'];
const HEADLINE = '256×256×16';
const TARGET_RATIO = 1.1;
const BATCH_SEC = quick ? 0.05 : 0.2;
const settleSec = Number(flag('settle') ?? (quick ? 0.5 : 5));
if (!(settleSec >= 0)) throw new Error(`--settle: want seconds ≥ 0, got ${flag('settle')}`);
const clock = flag('clock') ?? 'cpu';
if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock: want wall or cpu, got ${clock}`);
const args = {
  clock,
  sizes: SIZES,
  precisions: PRECISIONS,
  timing: { targetSec: BATCH_SEC, repeats, warmupSec: quick ? 0.05 : 0.3, maxSteps: 1e6, settleSec },
  checkSteps: 5,
  gd: argv.includes('--gd'),
};
const TIMEOUT_MS = quick ? 120_000 : 300_000;

const log = (line) => process.stderr.write(`${line}\n`);

// Pin this process (all its threads); the engines it starts inherit the CPU.
const pinCpu = flag('cpu') ?? (os.cpus().length > 1 ? '0' : 'none');
let pinned = 'no';
if (pinCpu !== 'none') {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', pinCpu, String(process.pid)], { stdio: 'ignore' });
    pinned = pinCpu;
  } catch (e) {
    log(`--cpu=${pinCpu}: could not pin (taskset: ${e.message.split('\n')[0]}); engines float between CPUs`);
  }
}

const load0 = os.loadavg();
const t0 = performance.now();
const { file, cleanup } = await bundle(join(ROOT, 'bench/runtimes/step-entry.ts'));
// Node without flags is the reference (else the first node spec).
const refSpec = (specs.find((s) => s.name === 'node' && !s.flags.length) ?? specs.find((s) => s.name === 'node'))?.spec;
const cellKeys = SIZES.flatMap((s) => PRECISIONS.map((p) => `${s.n}×${s.m}×${s.r} ${p}`));
const failures = new Map(); // spec → first failure
const opened = new Map(); // spec → { engine, seconds, ready } of its first successful open
// spec → cell → [{ round, repeat, steps, wall, cpu }]
const batches = new Map(specs.map((s) => [s.spec, cellKeys.map(() => [])]));
const digests = new Map(specs.map((s) => [s.spec, cellKeys.map(() => new Set())])); // spec → cell → digests of every round
try {
  for (let round = 0; round < rounds; round++) {
    const live = [];
    try {
      for (let j = 0; j < specs.length; j++) {
        const { spec, name, flags } = specs[(j + round) % specs.length];
        if (failures.has(spec)) continue;
        log(`${spec}: round ${round + 1}/${rounds}: warming up…`);
        const e = await openEngine(name, { module: file, args, timeoutMs: TIMEOUT_MS, flags, onLog: (line) => log(`  ${spec}: ${line}`) });
        if (!e.ok) {
          log(`  ${spec}: ${e.phase === 'start' ? 'skipped' : 'FAILED'}: ${e.reason}`);
          failures.set(spec, e);
          continue;
        }
        if (!opened.has(spec)) opened.set(spec, e);
        e.ready.cells.forEach((cell, c) => digests.get(spec)[c].add(cell.digest));
        live.push({ spec, e });
      }
      const ref = live.find((l) => l.spec === refSpec) ?? live[0];
      for (let c = 0; ref && c < cellKeys.length; c++) {
        const steps = Math.max(1, Math.round(BATCH_SEC / ref.e.ready.cells[c].perStep));
        log(`${cellKeys[c]}: ${repeats} × ${steps} steps per engine`);
        for (let rep = 0; rep < repeats; rep++) {
          for (let j = 0; j < live.length; j++) {
            const { spec, e } = live[(j + rep) % live.length];
            if (failures.has(spec)) continue;
            try {
              const c0 = e.cpuThreads();
              const r = await e.call({ cell: c, steps });
              const { busiest, total } = cpuDelta(c0, e.cpuThreads()); // NaN without /proc
              batches.get(spec)[c].push({
                round, repeat: rep, steps, wall: r.wall / steps,
                cpu: busiest === busiest ? busiest / steps : null,
                allThreadsCpu: total === total ? total / steps : null,
                selfCpu: r.cpu === null ? null : r.cpu / steps,
              });
            } catch (err) {
              log(`  ${spec}: FAILED: ${err.message}`);
              failures.set(spec, { ...e, ok: false, phase: 'run', reason: err.message });
            }
          }
        }
      }
    } finally {
      for (const { e } of live) await e.close();
    }
  }
} finally {
  cleanup();
}

const clockOf = (spec) => (clock === 'cpu' && batches.get(spec).every((bs) => bs.every((b) => b.cpu !== null)) ? 'cpu' : 'wall');
/** One row per spec: its failure, or per cell the batch times and the ratios to Node's batch of the same repeat. */
const results = specs.map(({ spec, name, flags }) => {
  const bad = failures.get(spec);
  if (bad || !opened.has(spec)) return { ...(bad ?? { ok: false, phase: 'start', reason: 'not run' }), name, spec, flags };
  const { engine, ready, seconds } = opened.get(spec);
  const k = clockOf(spec);
  const cells = cellKeys.map((key, c) => {
    const mine = batches.get(spec)[c];
    const refs = refSpec ? batches.get(refSpec)[c] : [];
    const pair = (b) => refs.find((x) => x.round === b.round && x.repeat === b.repeat);
    const ratios = refs.length ? mine.map((b) => b[k] / pair(b)?.[k]).filter((x) => x === x) : [];
    const ratiosOther = refs.length && k === 'cpu' ? mine.map((b) => b.wall / pair(b)?.wall).filter((x) => x === x) : [];
    const times = mine.map((b) => b[k]);
    return {
      size: ready.cells[c].size,
      precision: ready.cells[c].precision,
      digests: [...digests.get(spec)[c]],
      steps: mine[0]?.steps,
      repeats: mine.length,
      min: Math.min(...times),
      median: median(times),
      max: Math.max(...times),
      ratio: ratios.length ? median(ratios) : undefined,
      ratios,
      wallRatio: ratiosOther.length ? median(ratiosOther) : undefined,
      batches: mine,
    };
  });
  return { ok: true, name, spec, flags, engine, seconds, clock: k, value: { build: ready.build, clock: k, cells } };
});

// ---- table ----
const cellOf = (r, key) => r.value.cells.find((c) => `${c.size} ${c.precision}` === key);
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
      const { wallRatio } = cellOf(r, key);
      return `${key} ${ratio.toFixed(2)}× ${ratio <= TARGET_RATIO ? '✓' : '✗'}${wallRatio !== undefined ? ` (wall ${wallRatio.toFixed(2)}×)` : ''}`;
    });
    return `${label(r)}: ${verdicts.join(', ')}`;
  })
  : [];

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`## One ${args.gd ? 'plain GD (σ = 0)' : 'perturbed-GD'} step in every engine (flatmin wasm; ${clock === 'cpu' ? 'CPU ' : ''}µs per step: median (min–max) over ${rounds} round${rounds > 1 ? 's' : ''} × ${repeats} lockstep batches; × Node: median of the ratios to Node's batch of the same repeat)\n`);
const load1 = os.loadavg();
const busy = Math.max(load0[0], load1[0]) > 1.5;
console.log(`${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}; engines pinned to CPU ${pinned}; load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after${busy ? ' — the machine was busy with other work: times are inflated and noisy' : ''}${quick ? ' — QUICK run: short batches, numbers are rough' : ''}\n`);
console.log(table);
if (headlineNotes.length) {
  console.log(`\nTarget: every engine within ${TARGET_RATIO}× of Node at ${HEADLINE} and ${cellKeys.at(-1).replace(/ f\d+$/, '')} (measured, not asserted):\n`);
  for (const line of headlineNotes) console.log(`- ${line}`);
}

const q = (xs, f) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(f * s.length))] : null;
};
const out = {
  date: new Date().toISOString(),
  machine: { cpu, cores: os.cpus().length, platform: `${os.platform()} ${os.release()}`, loadAverageBefore: load0, loadAverageAfter: load1 },
  quick,
  gd: args.gd,
  rounds,
  repeats,
  clock,
  pinnedCpu: pinned,
  timing: args.timing,
  sizes: SIZES,
  precisions: PRECISIONS,
  targetRatio: TARGET_RATIO,
  seconds: (performance.now() - t0) / 1000,
  engines: results.map((r) => (r.ok
    ? {
      name: r.name, flags: r.flags, label: label(r), status: 'ok', engine: r.engine, build: r.value.build, clock: r.clock, openSeconds: r.seconds,
      cells: r.value.cells.map((c) => ({
        size: c.size,
        precision: c.precision,
        steps: c.steps,
        batches: c.batches.length,
        minUs: c.min * 1e6,
        medianUs: c.median * 1e6,
        maxUs: c.max * 1e6,
        ratioToNode: c.ratio ?? null,
        ratioQuartiles: [q(c.ratios, 0.25), q(c.ratios, 0.75)],
        wallRatioToNode: c.wallRatio ?? null,
        sameBitsAsNode: node ? c.digests.every((d) => d === cellOf(node, `${c.size} ${c.precision}`).digests[0]) : null,
        // cpu: the engine's busiest thread (the one running the step); allThreadsCpu: every thread of
        // its process tree (from /proc); selfCpu: its own process.cpuUsage (node, bun, deno)
        perStepUs: c.batches.map((b) => ({
          round: b.round, repeat: b.repeat, wall: b.wall * 1e6, cpu: b.cpu === null ? null : b.cpu * 1e6,
          allThreadsCpu: b.allThreadsCpu === null ? null : b.allThreadsCpu * 1e6, selfCpu: b.selfCpu === null ? null : b.selfCpu * 1e6,
        })),
      })),
    }
    : { name: r.name, flags: r.flags, label: label(r), status: r.phase === 'start' ? 'skipped' : 'failed', reason: r.reason })),
};
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(out, null, 2)}\n`);
log(`wrote ${jsonPath} (${out.seconds.toFixed(0)} s)`);
if (failed) {
  log('an engine failed or computed other bits than Node (see the table)');
  process.exitCode = 1;
}
