import { totalSteps } from '../config/optimizer.js';
import type { DeepLinearInput, DlnFixtureName, PhaseInput } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { toCsv } from '../report/csv.js';
import { PALETTE, renderLinePlot, type Series } from '../report/svg.js';
import { formatTable } from '../report/table.js';
import { divergedResult, run, type DeepLinearResult } from '../run.js';
import { runEnsemble } from '../sweep/ensemble.js';
import { sweepPlots } from '../sweep/plots.js';
import { formatRate, quantile, wilson, type Rate } from '../sweep/stats.js';
import type { PresetOptions, PresetOutput } from './types.js';

/** One SGD setting of THEORY.md §2's table: run for `horizon` steps, then the GD polish. */
export interface SgdSetting {
  batch: number;
  lr: number;
  horizon: number;
}

/** A Wang & Jacot experiment on one fixture, in its full and --quick forms. */
export interface WangJacotSpec {
  fixture: DlnFixtureName;
  /** The rank of the fixture's start and the lower rank a jump reaches. */
  startRank: number;
  lowRank: number;
  gd: { lr: number; steps: number };
  sgd: SgdSetting[];
  polish: { lr: number; steps: number };
  /** Seeds per SGD setting: sweep seed labels 0 … seeds−1 (run seeds "0/<label>", as `flatmin sweep` derives them). */
  seeds: number;
  /** Seeds per setting drawn in the rank plot (all of them are counted). */
  shown: number;
  recordEvery: number;
  /** What --quick changes (fewer seeds, shorter horizons and polish), still long enough for a jump. */
  quick: { seeds: number; gdSteps: number; horizonFraction: number; polishSteps: number };
  /** THEORY.md §2's reference outcome, printed beside the measured one. */
  reference: string;
  /** THEORY.md §2's numpy counts over many seeds for the first SGD setting, where it has them. */
  referenceCounts?: { seeds: number; jumped: number; diverged: number };
}

/** One run of the preset, as its JSON row: enough to reproduce it (`config`) and to count it. */
export interface WangJacotRow {
  run: string;
  /** The sweep seed label (0 … seeds−1); null for the GD run. */
  seedLabel: number | null;
  /** The run's own seed, as in `config.seed`. */
  seed: string | number;
  jumped: boolean;
  firstLowRankStep: number | null;
  rankBeforePolish: number;
  finalRank: number;
  finalDeepRank: number;
  testBeforePolish: number | null;
  testAfterPolish: number | null;
  diverged: boolean;
  steps: number;
  jumps: DeepLinearResult['jumps'];
  /** The normalized config: `flatmin run` of it reproduces this row. */
  config: ReturnType<typeof validateConfig>;
  /** The run's last recording, which that re-run ends on. */
  end: History[number];
}

/** Per SGD setting: the event rates with Wilson 95 % intervals over its seeds. */
export interface SettingStats {
  run: string;
  batch: number;
  lr: number;
  horizon: number;
  seeds: number;
  jumped: Rate;
  diverged: Rate;
  stayed: Rate;
  /** Steps of the first fall to the low rank, over the seeds that jumped (ascending). */
  jumpSteps: number[];
}

type History = DeepLinearResult['history'];

const label = (s: SgdSetting) => `SGD batch ${s.batch}, η ${s.lr}`;

/**
 * Runs the spec: full-batch GD once in this process (it draws nothing, so one seed is every seed),
 * and every SGD setting (then the GD polish) for `seeds` seeds as one ensemble on the machine's
 * cores (src/sweep/ensemble.ts) — the same spec form and seeds as docs/sweeps/, so `flatmin sweep`
 * of it gives the same runs. Reports the jump and divergence rate of each setting with Wilson 95 %
 * intervals, rank over time and singular values of a few seeds, the first-jump steps, and the test
 * error before and after the polish. Every JSON row carries its normalized config.
 */
export async function runWangJacot(spec: WangJacotSpec, o: PresetOptions = {}): Promise<PresetOutput> {
  const q = o.quick ? spec.quick : undefined;
  const seeds = q?.seeds ?? spec.seeds;
  const polishSteps = q?.polishSteps ?? spec.polish.steps;
  const settings = spec.sgd.map((s) => ({ ...s, horizon: Math.round(s.horizon * (q?.horizonFraction ?? 1)) }));
  const common = {
    problem: { kind: 'completion', fixture: spec.fixture },
    model: { kind: 'deep-linear', depth: 3, width: 20 },
    recordEvery: spec.recordEvery,
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.precision ? { precision: o.precision } : {}),
  } as const;
  const sweepSpec = {
    description: `${spec.fixture}: SGD then a GD polish, ${seeds} seeds per setting (the wang-jacot preset)`,
    base: {
      ...common,
      optimizer: [
        { kind: 'sgd', lr: settings[0].lr, batch: settings[0].batch, steps: settings[0].horizon },
        { kind: 'gd', lr: spec.polish.lr, steps: polishSteps },
      ],
    },
    zip: [{ 'optimizer[0].batch': settings.map((s) => s.batch), 'optimizer[0].lr': settings.map((s) => s.lr), 'optimizer[0].steps': settings.map((s) => s.horizon) }],
    seeds,
    report: { metrics: ['testError', 'rank'] },
  };
  const gdSteps = q?.gdSteps ?? spec.gd.steps;
  const gdConfig: DeepLinearInput & { optimizer: PhaseInput[] } = { ...common, optimizer: [{ steps: gdSteps, lr: spec.gd.lr }], seed: 0 } as DeepLinearInput & { optimizer: PhaseInput[] };

  const sgdTotal = settings.reduce((s, x) => s + (x.horizon + polishSteps) * seeds, 0);
  const total = gdSteps + sgdTotal;
  const t0 = performance.now();
  const gd = (await run(gdConfig, { onProgress: (done) => o.onProgress?.(done, total) })) as DeepLinearResult;
  let before = gdSteps;
  const ensemble = await runEnsemble(sweepSpec, {
    workers: o.workers,
    keep: 'history',
    onProgress: ({ record }) => o.onProgress?.((before += totalSteps((record.config as { optimizer: PhaseInput[] }).optimizer)), total),
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  // A diverging seed is an outcome here (THEORY.md §2 counts them); a run that failed is a bug, not a statistic.
  const failed = ensemble.records.find((r) => r.status === 'failed');
  if (failed) throw new Error(`wang-jacot: run ${failed.key} failed (${failed.error?.code}): ${failed.error?.message}`);

  const gdRow = rowOf('GD η ' + spec.gd.lr, null, gd.config.seed, gdSteps, spec.lowRank, gd.history, gd.jumps, gd.diverged !== undefined, gd.steps, gd.config, false);
  const sgdRows = ensemble.records.map((r) => {
    const s = settings[Math.floor(r.index / seeds)];
    return rowOf(label(s), r.seed as number, (r.config as { seed: string }).seed, s.horizon, spec.lowRank, r.history as History, r.jumps ?? [], r.status === 'diverged', r.metrics.steps as number, validateConfig(r.config), true);
  });
  const histories = new Map<WangJacotRow, History>([[gdRow, gd.history]]);
  ensemble.records.forEach((r, i) => histories.set(sgdRows[i], r.history as History));
  const rows = [gdRow, ...sgdRows];

  const stats: SettingStats[] = settings.map((s) => {
    const rs = sgdRows.filter((r) => r.run === label(s));
    const n = rs.length;
    const jumped = rs.filter((r) => r.jumped);
    const diverged = rs.filter((r) => r.diverged).length;
    return {
      run: label(s), batch: s.batch, lr: s.lr, horizon: s.horizon, seeds: n,
      jumped: wilson(jumped.length, n)!, diverged: wilson(diverged, n)!, stayed: wilson(n - jumped.length - diverged, n)!,
      jumpSteps: jumped.map((r) => r.firstLowRankStep!).sort((a, b) => a - b),
    };
  });
  const ref = spec.referenceCounts;
  const reference = ref
    ? { seeds: ref.seeds, jumped: wilson(ref.jumped, ref.seeds)!, diverged: wilson(ref.diverged, ref.seeds)!, stayed: wilson(ref.seeds - ref.jumped - ref.diverged, ref.seeds)! }
    : undefined;

  const name = spec.fixture.replace('dln-', '');
  const svg = {
    rank: rankPlot(name, gdRow, sgdRows, histories, spec.shown),
    'singular-values': singularValuePlot(name, spec.startRank, gdRow, sgdRows, histories, settings.map(label)),
    rates: ratePlot(name, spec.lowRank, stats, reference),
    ...pick(sweepPlots(ensemble.sweep, ensemble.stats), 'jump-times'),
  };

  const med = (xs: number[]) => (xs.length ? quantile([...xs].sort((a, b) => a - b), 0.5).toFixed(3) : '—');
  const finite = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null && Number.isFinite(x));
  const steps = (xs: number[]) => (xs.length ? `${quantile(xs, 0.5)} [${xs[0]}–${xs.at(-1)}]` : '—');
  const table = formatTable(
    ['run', 'seeds', 'jumped (Wilson 95 %)', 'diverged (Wilson 95 %)', `step at rank ${spec.lowRank}: median [range]`, 'test before polish (median)', 'test after polish (median, jumped)'],
    [
      [gdRow.run, '1', gdRow.jumped ? 'jumped' : 'stayed', gdRow.diverged ? 'diverged' : '—', gdRow.firstLowRankStep === null ? '—' : String(gdRow.firstLowRankStep), med(finite([gdRow.testBeforePolish])), '—'],
      ...stats.map((s) => {
        const rs = sgdRows.filter((r) => r.run === s.run);
        return [
          s.run, String(s.seeds), formatRate(s.jumped), formatRate(s.diverged), steps(s.jumpSteps),
          med(finite(rs.filter((r) => !r.diverged).map((r) => r.testBeforePolish))), med(finite(rs.filter((r) => r.jumped).map((r) => r.testAfterPolish))),
        ];
      }),
    ],
  );
  const refLine = reference
    ? `\nnumpy (THEORY.md §2), ${label(spec.sgd[0])}, ${reference.seeds} seeds: jumped ${formatRate(reference.jumped)}, diverged ${formatRate(reference.diverged)}, stayed ${formatRate(reference.stayed)}`
    : '';
  const horizons = settings.map((s) => `${label(s)}: ${s.horizon} steps`).join('; ');
  return {
    summary: `${table}\n\nSGD horizons (then a ${polishSteps}-step GD polish at η ${spec.polish.lr}): ${horizons}. ` +
      `${ensemble.records.length + 1} runs in ${wallSeconds.toFixed(1)} s.\nreference (THEORY.md §2, numpy, 5 seeds): ${spec.reference}${refLine}`,
    json: {
      fixture: spec.fixture, quick: o.quick === true, seeds, wallSeconds, settings: stats, reference: reference ?? null,
      sweep: sweepSpec, ensembleStats: ensemble.stats, rows,
      // Histories of the GD run and the plotted seeds only (all of them would be megabytes).
      histories: rows.filter((r) => r.seedLabel === null || r.seedLabel < spec.shown).map((r) => ({ run: r.run, seed: r.seed, history: histories.get(r) })),
    },
    csv: {
      rates: toCsv(
        ['run', 'batch', 'lr', 'horizon', 'seeds', 'jumped', 'jumped_rate', 'jumped_lo', 'jumped_hi', 'diverged', 'diverged_rate', 'diverged_lo', 'diverged_hi', 'stayed', 'stayed_rate', 'stayed_lo', 'stayed_hi', 'median_jump_step'],
        stats.map((s) => [s.run, s.batch, s.lr, s.horizon, s.seeds, ...rateCells(s.jumped), ...rateCells(s.diverged), ...rateCells(s.stayed), s.jumpSteps.length ? quantile(s.jumpSteps, 0.5) : null]),
      ),
      jumps: toCsv(['run', 'seed', 'step', 'from', 'to', 'deep'], rows.flatMap((r) => r.jumps.map((j) => [r.run, r.seed, j.step, j.from, j.to, j.deep]))),
      runs: toCsv(
        ['run', 'seed', 'jumped', 'first_low_rank_step', 'rank_before_polish', 'final_rank', 'final_deep_rank', 'test_before_polish', 'test_after_polish', 'diverged', 'steps'],
        rows.map((r) => [r.run, r.seed, r.jumped, r.firstLowRankStep, r.rankBeforePolish, r.finalRank, r.finalDeepRank, r.testBeforePolish, r.testAfterPolish, r.diverged, r.steps]),
      ),
    },
    svg,
  };
}

function rowOf(
  run: string, seedLabel: number | null, seed: string | number, horizon: number, lowRank: number, h: History,
  jumps: DeepLinearResult['jumps'], diverged: boolean, steps: number, config: ReturnType<typeof validateConfig>, polished: boolean,
): WangJacotRow {
  // A jump is a fall to the low rank during the SGD phase, by a run that then did not diverge (as `flatmin sweep` counts it).
  const low = jumps.find((j) => !j.deep && j.to <= lowRank)?.step ?? null;
  const beforePolish = h.filter((p) => p.step <= horizon).at(-1)!;
  const last = h.at(-1)!;
  return {
    run, seedLabel, seed, jumped: !diverged && low !== null && low <= horizon, firstLowRankStep: low,
    rankBeforePolish: beforePolish.rank, finalRank: last.rank, finalDeepRank: last.deepRank,
    testBeforePolish: beforePolish.testError ?? null, testAfterPolish: polished && !diverged ? last.testError ?? null : null,
    diverged, steps, jumps, config, end: last,
  };
}

const rateCells = (r: Rate) => [r.k, r.rate, r.lo, r.hi];

function pick(o: Record<string, string>, key: string): Record<string, string> {
  return o[key] === undefined ? {} : { [key]: o[key] };
}

/** Rank over steps: GD and the first `shown` seeds of each setting, each run shifted a little so equal ranks lie side by side. */
function rankPlot(name: string, gd: WangJacotRow, sgd: WangJacotRow[], histories: Map<WangJacotRow, History>, shown: number): string {
  const drawn = [gd, ...sgd.filter((r) => r.seedLabel! < shown)];
  const labels = [...new Set(drawn.map((r) => r.run))];
  const offset = (i: number) => (drawn.length > 1 ? -0.15 + (0.3 * i) / (drawn.length - 1) : 0);
  const series: Series[] = drawn.map((r, i) => ({
    name: drawn.findIndex((x) => x.run === r.run) === i ? (r === gd ? r.run : `${r.run} (seeds 0–${shown - 1})`) : '',
    x: histories.get(r)!.map((p) => p.step),
    y: histories.get(r)!.map((p) => p.rank + offset(i)),
    color: PALETTE[labels.indexOf(r.run) % PALETTE.length],
    dashed: r === gd,
  }));
  return renderLinePlot({
    title: `${name}: rank of A, SGD then a GD polish, ${shown} seeds per setting (dashed: GD; runs ±0.15 apart)`,
    xLabel: 'step', yLabel: 'rank (s_i > 1e-2·s_1)', integerY: true, series,
  });
}

/** s_1 … s_startRank of GD and of one seed per setting: the first that jumped, else the first (solid s_1, dashed the rest). */
function singularValuePlot(name: string, startRank: number, gd: WangJacotRow, sgd: WangJacotRow[], histories: Map<WangJacotRow, History>, labels: string[]): string {
  const shown = [gd, ...labels.map((l) => sgd.find((r) => r.run === l && r.jumped) ?? sgd.find((r) => r.run === l)!)];
  const series: Series[] = shown.flatMap((r, k) =>
    Array.from({ length: startRank }, (_, i) => ({
      name: i === 0 ? (r === gd ? r.run : `${r.run}, seed ${r.seed}`) : '',
      x: histories.get(r)!.map((p) => p.step),
      y: histories.get(r)!.map((p) => p.singularValues[i]),
      color: PALETTE[k % PALETTE.length],
      dashed: i > 0,
    })));
  return renderLinePlot({
    title: `${name}: top ${startRank} singular values of A (dashed: s_2…; a vanished one falls to ~1e-15)`,
    xLabel: 'step', yLabel: 'singular value', logY: true, series,
  });
}

/** Jump and divergence rates per setting against the batch size, bars Wilson 95 %; numpy's where THEORY.md has it. */
function ratePlot(name: string, lowRank: number, stats: SettingStats[], reference?: { seeds: number; jumped: Rate; diverged: Rate }): string {
  const batches = stats.map((s) => s.batch);
  const [lo, hi] = [Math.min(...batches), Math.max(...batches)];
  const logX = hi >= 10 * lo;
  // Events side by side at each batch: a small factor apart on a log axis, a small step on a linear one.
  const shift = (b: number, k: number) => (logX ? b * 1.08 ** k : b + 0.04 * k);
  const series: Series[] = [];
  const add = (title: string, rates: Array<{ batch: number; r: Rate }>, k: number, color: string) => {
    const x = rates.map((p) => shift(p.batch, k));
    series.push({ name: title, x, y: rates.map((p) => p.r.rate), color, points: true });
    rates.forEach((p, i) => series.push({ name: '', x: [x[i], x[i]], y: [p.r.lo, p.r.hi], color }));
  };
  add(`jumped to rank ${lowRank}`, stats.map((s) => ({ batch: s.batch, r: s.jumped })), 0, PALETTE[0]);
  add('diverged', stats.map((s) => ({ batch: s.batch, r: s.diverged })), 1, PALETTE[1]);
  if (reference) {
    add(`numpy jumped (${reference.seeds} seeds)`, [{ batch: stats[0].batch, r: reference.jumped }], 2, PALETTE[2]);
    add(`numpy diverged (${reference.seeds} seeds)`, [{ batch: stats[0].batch, r: reference.diverged }], 3, PALETTE[3]);
  }
  const margin = logX ? [lo / 1.3, hi * 1.5] : [lo - 0.5, hi + 0.5];
  return renderLinePlot({
    title: `${name}: rates over ${stats[0].seeds} seeds per setting (bars: Wilson 95 %)`,
    xLabel: 'batch size', yLabel: 'fraction of seeds', logX, series, include: { x: margin, y: [-0.02, 1.02] },
  });
}
