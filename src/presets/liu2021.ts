import type { BackendName, Precision } from '../config/types.js';
import { totalSteps } from '../config/optimizer.js';
import { liu2021Configs } from '../experiments/liu2021.js';
import { Run, type FactorizationResult } from '../run.js';
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
}

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
  return { summary, json, csv: { table: csv }, svg: { ratio: svg } };
}

export const liu2021: Preset = {
  name: 'liu2021',
  description: 'GD vs perturbed GD from four inits on a 30×20 rank-3 target: GD keeps its imbalance, perturbed GD reaches the flat optimum ‖X‖²/‖Y‖² = c².',
  run: (options) => runLiu2021(options),
};
