import type { BackendName, Precision } from '../config/types.js';
import { totalSteps } from '../config/optimizer.js';
import { liu2021Configs } from '../experiments/liu2021.js';
import { Run, type FactorizationResult } from '../run.js';
import { validateConfig } from '../config/validate.js';
import { runEnsemble } from '../sweep/ensemble.js';
import { formatRate, type Summary } from '../sweep/stats.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import { formatTable, sci } from '../report/table.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

export const liu2021Description =
  'M is 30×20 of rank 3 (singular values 3, 2, 1), r = 3. Plain GD (η 0.01, 7·10⁴ steps) ends where its init points; ' +
  'perturbed GD (η 0.0025, σ 0.1 → 0.01, then noiseless) lands on the flat optimum X*X*ᵀ = cUΣUᵀ, ‖X‖²/‖Y‖² = c² = (σX/σY)²·n/m.';

export interface Liu2021Options extends PresetOptions {
  backend?: BackendName;
  precision?: Precision;
  /** Multiplies every phase's length (the quick form and tests use fewer steps). */
  stepFraction?: number;
  /**
   * Also run every (init, method) for this many seeds as one ensemble on the machine's cores and
   * report the spread of dX (the main job leaves it out: its table is the one-seed table).
   */
  spreadSeeds?: number;
}

/** Seeds of the preset's spread (issue 13 item 6: ≥ 16), and of its --quick form. */
const SPREAD_SEEDS = 16;
const QUICK_SPREAD_SEEDS = 8;

/** --quick: a third of every phase; perturbed GD still ends near c² (within a few %), GD far from it. */
const QUICK_FRACTION = 1 / 3;

/**
 * THEORY.md §1's headline experiment (four inits × GD and perturbed GD). The main job (`flatmin`
 * with no arguments) is this preset with its own file names.
 */
export async function runLiu2021(o: Liu2021Options = {}): Promise<PresetOutput> {
  const runs = liu2021Configs();
  const fraction = o.stepFraction ?? (o.quick ? QUICK_FRACTION : undefined);
  for (const { config } of runs) {
    if (o.backend) config.backend = o.backend;
    if (o.precision) config.precision = o.precision;
    if (fraction !== undefined)
      config.optimizer = config.optimizer.map((p) => ({ ...p, steps: Math.max(1, Math.round(p.steps * fraction)) }));
  }
  const total = runs.reduce((s, r) => s + totalSteps(r.config.optimizer), 0);
  const results: Array<{ init: string; method: string; result: FactorizationResult }> = [];
  let before = 0;
  const t0 = performance.now();
  for (const { init, method, config } of runs) {
    const run = await Run.create(config);
    try {
      run.advance(undefined, (done) => o.onProgress?.(before + done, total));
      results.push({ init, method, result: run.result() });
      before += run.total;
    } finally {
      run.dispose();
    }
  }
  const wall = (performance.now() - t0) / 1000;

  const c2 = results[0].result.prediction.c2;
  const ratio = (r: FactorizationResult) => r.history.at(-1)!.normX2 / r.history.at(-1)!.normY2;
  const header = ['init', 'method', 'dX', 'dY', `‖X‖²/‖Y‖² (c² = ${c2.toPrecision(3)})`, 'residual', 'steps', 'seconds', 'µs/step'];
  const rows = results.map(({ init, method, result: r }) =>
    [init, method, sci(r.distances.dX), sci(r.distances.dY), ratio(r).toPrecision(4), sci(r.distances.residual), String(r.steps), r.seconds.toFixed(2), r.microsecondsPerStep.toFixed(2)]);
  const csv = toCsv(
    ['init', 'method', 'dX', 'dY', 'ratio', 'c2', 'residual', 'steps'],
    results.map(({ init, method, result: r }) => [init, method, r.distances.dX, r.distances.dY, ratio(r), c2, r.distances.residual, r.steps]),
  );
  const json = {
    experiment: 'liu2021',
    description: liu2021Description,
    c2,
    wallSeconds: wall,
    runs: results.map(({ init, method, result: r }) => ({
      init, method, backend: r.backend, steps: r.steps, seconds: r.seconds, microsecondsPerStep: r.microsecondsPerStep,
      distances: r.distances, prediction: r.prediction, history: r.history, config: r.config,
    })),
  };
  const svg = renderLinePlot({
    title: '‖X‖²/‖Y‖² over steps (dashed: plain GD)',
    xLabel: 'step',
    yLabel: '‖X‖² / ‖Y‖²',
    logY: true,
    series: results.map(({ init, method, result: r }) => ({
      name: `${method}, ${init}`,
      x: r.history.map((h) => h.step),
      y: r.history.map((h) => h.normX2 / h.normY2),
      dashed: method === 'GD',
    })),
    hlines: [{ y: c2, label: `predicted c² = ${c2.toPrecision(3)}` }],
  });
  const summary = `${liu2021Description}\n\n${formatTable(header, rows)}`;
  if (!o.spreadSeeds) return { summary, json, csv: { table: csv }, svg: { ratio: svg } };
  const spread = await liu2021Spread(runs, o.spreadSeeds, o.workers);
  return {
    summary: `${summary}\n\n${spread.table}`,
    json: { ...json, spread: spread.json },
    csv: { table: csv, spread: spread.csv },
    svg: { ratio: svg },
  };
}

/**
 * Every (init, method) of the main job for `seeds` seeds (sweep seed labels 0…seeds−1 on the main
 * job's seed 1, so run seeds "1/<label>"), as one ensemble: per init and method the quantiles of dX
 * (distance of X to the flat optimum) and the rate of runs that end within 5 % of c², with its
 * Wilson 95 % interval. Every row carries its normalized config.
 */
async function liu2021Spread(runs: ReturnType<typeof liu2021Configs>, seeds: number, workers?: number) {
  const inits = [...new Set(runs.map((r) => r.init))];
  const methods = [...new Set(runs.map((r) => r.method))];
  const pick = (init: string, method: string) => runs.find((r) => r.init === init && r.method === method)!.config;
  const spec = {
    description: 'liu2021: four inits × GD and perturbed GD, the spread over seeds',
    base: runs[0].config,
    grid: { init: inits.map((i) => pick(i, methods[0]).init), optimizer: methods.map((m) => pick(inits[0], m).optimizer) },
    seeds,
    report: { metrics: ['dX', 'dY', 'ratioError'], tolerance: 0.05 },
  };
  const e = await runEnsemble(spec, { workers });
  const failed = e.records.find((r) => r.status === 'failed');
  if (failed) throw new Error(`liu2021: run ${failed.key} failed (${failed.error?.code}): ${failed.error?.message}`);
  const points = e.stats.points.map((p, i) => ({ init: inits[e.sweep.points[i].at[0]], method: methods[e.sweep.points[i].at[1]], stats: p }));
  const fmt = (q: Summary | null, k: keyof Summary) => (q ? sci(q[k]) : '—');
  const table = formatTable(
    ['init', 'method', 'seeds', 'dX median', 'dX 10 %', 'dX 90 %', 'dX max', '|ratio/c² − 1| ≤ 5 % (Wilson 95 %)'],
    points.map(({ init, method, stats: p }) => {
      const dX = p.metrics.dX;
      return [init, method, String(p.runs), fmt(dX, 'median'), fmt(dX, 'q10'), fmt(dX, 'q90'), fmt(dX, 'max'), formatRate(p.events.reachedC2)];
    }),
  );
  const rows = e.records.map((r) => ({
    init: inits[e.sweep.points[Math.floor(r.index / seeds)].at[0]], method: methods[e.sweep.points[Math.floor(r.index / seeds)].at[1]],
    seedLabel: r.seed, seed: (r.config as { seed: string }).seed, status: r.status, metrics: r.metrics, config: validateConfig(r.config),
  }));
  const csv = toCsv(
    ['init', 'method', 'seed', 'status', 'dX', 'dY', 'ratio', 'c2', 'ratio_error', 'residual'],
    rows.map((r) => [r.init, r.method, r.seed, r.status, r.metrics.dX, r.metrics.dY, r.metrics.ratio, r.metrics.c2, r.metrics.ratioError, r.metrics.residual]),
  );
  return {
    table: `spread over ${seeds} seeds per init and method (seeds "1/0" … "1/${seeds - 1}"):\n${table}`,
    json: { seeds, points: points.map(({ init, method, stats: p }) => ({ init, method, runs: p.runs, dX: p.metrics.dX, dY: p.metrics.dY, ratioError: p.metrics.ratioError, reachedC2: p.events.reachedC2 })), rows },
    csv,
  };
}

export const liu2021: Preset = {
  name: 'liu2021',
  description: 'GD vs perturbed GD from four inits on a 30×20 rank-3 target: GD keeps its imbalance, perturbed GD reaches the flat optimum ‖X‖²/‖Y‖² = c², from every init in each of 16 seeds (the spread of dX per init).',
  run: (options) => runLiu2021({ ...options, spreadSeeds: options?.quick ? QUICK_SPREAD_SEEDS : SPREAD_SEEDS }),
};
