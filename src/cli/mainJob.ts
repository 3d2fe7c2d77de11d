import { join } from 'node:path';
import type { BackendName, Precision } from '../config/types.js';
import { liu2021Configs } from '../experiments/liu2021.js';
import { FactorizationRun, type RunResult } from '../run.js';
import { createProgress } from '../report/progress.js';
import { renderLinePlot } from '../report/svg.js';
import { formatTable, sci } from '../report/table.js';
import { ensureDir, writeText } from './main.js';

export interface MainJobOptions {
  outDir: string;
  quiet: boolean;
  backend?: BackendName;
  precision?: Precision;
  /** For tests: fewer steps per phase (multiplies every phase's length). */
  stepFraction?: number;
}

/**
 * The main job: THEORY.md §1's headline experiment. Prints the table, writes summary.json and an
 * SVG of ‖X‖²/‖Y‖² over steps for every run with the predicted c² drawn as a line.
 */
export async function mainJob(o: MainJobOptions): Promise<number> {
  const runs = liu2021Configs();
  if (o.backend) for (const r of runs) r.config.backend = o.backend;
  if (o.precision) for (const r of runs) r.config.precision = o.precision;
  if (o.stepFraction !== undefined)
    for (const r of runs)
      r.config.optimizer.schedule = r.config.optimizer.schedule.map((p) => ({ ...p, steps: Math.max(1, Math.round(p.steps * o.stepFraction!)) }));
  const total = runs.reduce((s, r) => s + r.config.optimizer.schedule.reduce((a, p) => a + p.steps, 0), 0);
  const progress = createProgress({ total, label: 'main job', stream: process.stderr, quiet: o.quiet });
  const results: Array<{ init: string; method: string; result: RunResult }> = [];
  let before = 0;
  const t0 = performance.now();
  for (const { init, method, config } of runs) {
    const run = await FactorizationRun.create(config);
    try {
      run.advance(undefined, (done) => progress.update(before + done));
      results.push({ init, method, result: run.result() });
      before += run.total;
    } finally {
      run.dispose();
    }
  }
  progress.finish();
  const wall = (performance.now() - t0) / 1000;

  const c2 = results[0].result.prediction.c2;
  const header = ['init', 'method', 'dX', 'dY', `‖X‖²/‖Y‖² (c² = ${c2.toPrecision(3)})`, 'residual', 'steps', 'seconds', 'µs/step'];
  const rows = results.map(({ init, method, result: r }) => {
    const last = r.history[r.history.length - 1];
    return [init, method, sci(r.distances.dX), sci(r.distances.dY), (last.normX2 / last.normY2).toPrecision(4), sci(r.distances.residual), String(r.steps), r.seconds.toFixed(2), r.microsecondsPerStep.toFixed(2)];
  });
  console.log(`flatmin main job: ${liu2021Description}\n`);
  console.log(formatTable(header, rows));

  await ensureDir(o.outDir);
  const summary = {
    experiment: 'liu2021',
    description: liu2021Description,
    c2,
    wallSeconds: wall,
    runs: results.map(({ init, method, result: r }) => ({
      init,
      method,
      backend: r.backend,
      steps: r.steps,
      seconds: r.seconds,
      microsecondsPerStep: r.microsecondsPerStep,
      distances: r.distances,
      prediction: r.prediction,
      history: r.history,
    })),
  };
  await writeText(join(o.outDir, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
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
  await writeText(join(o.outDir, 'ratio.svg'), svg);
  console.log(`\nwrote ${join(o.outDir, 'summary.json')} and ${join(o.outDir, 'ratio.svg')} (${wall.toFixed(1)} s)`);
  return 0;
}

const liu2021Description =
  'M is 30×20 of rank 3 (singular values 3, 2, 1), r = 3. Plain GD (η 0.01, 7·10⁴ steps) ends where its init points; ' +
  'perturbed GD (η 0.0025, σ 0.1 → 0.01, then noiseless) lands on the flat optimum X*X*ᵀ = cUΣUᵀ, ‖X‖²/‖Y‖² = c² = (σX/σY)²·n/m.';
