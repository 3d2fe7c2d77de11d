import { totalSteps } from '../config/optimizer.js';
import type { DeepLinearInput, DlnFixtureName, PhaseInput } from '../config/types.js';
import { toCsv } from '../report/csv.js';
import { PALETTE, renderLinePlot, type Series } from '../report/svg.js';
import { formatTable } from '../report/table.js';
import { divergedResult, run, type DeepLinearResult } from '../run.js';
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
  seeds: number[];
  recordEvery: number;
  /** What --quick changes (fewer seeds, shorter horizons and polish), still long enough for a jump. */
  quick: { seeds: number[]; gdSteps: number; horizonFraction: number; polishSteps: number };
  /** THEORY.md §2's reference outcome, printed beside the measured one. */
  reference: string;
}

interface Run {
  label: string;
  seed: number;
  /** Steps of the first phase (GD, or SGD before the polish). */
  horizon: number;
  /** λ left out: the validator takes the fixture's. */
  config: DeepLinearInput & { optimizer: PhaseInput[] };
  result?: DeepLinearResult;
}

/**
 * Runs the spec as deep-linear configs (each is in the JSON output, runnable with `flatmin run`):
 * full-batch GD once (it draws nothing, so one seed is every seed), every SGD setting for every
 * seed followed by the GD polish. Reports rank over time, singular values, the jump log and the
 * test error before and after the polish.
 */
export async function runWangJacot(spec: WangJacotSpec, o: PresetOptions = {}): Promise<PresetOutput> {
  const q = o.quick ? spec.quick : undefined;
  const seeds = q?.seeds ?? spec.seeds;
  const polish: PhaseInput = { steps: q?.polishSteps ?? spec.polish.steps, lr: spec.polish.lr };
  const config = (optimizer: PhaseInput[], seed: number): DeepLinearInput & { optimizer: PhaseInput[] } => ({
    problem: { kind: 'completion', fixture: spec.fixture },
    model: { kind: 'deep-linear', depth: 3, width: 20, init: 'fixture-start' },
    optimizer, seed, backend: o.backend ?? 'wasm', precision: o.precision ?? 'f64', recordEvery: spec.recordEvery,
  });
  const gdSteps = q?.gdSteps ?? spec.gd.steps;
  const runs: Run[] = [{ label: `GD η ${spec.gd.lr}`, seed: seeds[0], horizon: gdSteps, config: config([{ steps: gdSteps, lr: spec.gd.lr }], seeds[0]) }];
  for (const s of spec.sgd) {
    const horizon = Math.round(s.horizon * (q?.horizonFraction ?? 1));
    for (const seed of seeds)
      runs.push({ label: `SGD batch ${s.batch}, η ${s.lr}`, seed, horizon, config: config([{ steps: horizon, lr: s.lr, batch: s.batch }, polish], seed) });
  }

  const total = runs.reduce((s, r) => s + totalSteps(r.config.optimizer), 0);
  let before = 0;
  for (const r of runs) {
    // A diverging SGD seed is an outcome here (THEORY.md §2 counts them), not a failure.
    r.result = (await run(r.config, { onProgress: (done) => o.onProgress?.(before + done, total) }).catch(divergedResult)) as DeepLinearResult;
    before += totalSteps(r.config.optimizer);
  }
  const done = runs.map((r) => ({ ...r, result: r.result! }));

  const rows = done.map((r) => {
    const h = r.result.history;
    const low = h.find((p) => p.rank <= spec.lowRank)?.step ?? null;
    const beforePolish = h.filter((p) => p.step <= r.horizon).at(-1)!;
    return {
      run: r.label, seed: r.seed, jumped: low !== null && low <= r.horizon, firstLowRankStep: low,
      rankBeforePolish: beforePolish.rank, finalRank: r.result.final.rank, finalDeepRank: r.result.final.deepRank,
      testBeforePolish: beforePolish.testError, testAfterPolish: r.config.optimizer.length > 1 ? r.result.final.testError : null,
      diverged: r.result.diverged !== undefined, steps: r.result.steps,
    };
  });
  const jumps = done.flatMap((r) => r.result.jumps.map((j) => [r.label, r.seed, j.step, j.from, j.to, j.deep] as const));

  const labels = [...new Set(done.map((r) => r.label))];
  const colour = (label: string) => PALETTE[labels.indexOf(label) % PALETTE.length];
  // Runs of one setting share a colour and a legend entry. Each run is shifted by its own small
  // amount (within ±0.15, GD lowest), so that runs sitting at the same rank lie side by side
  // instead of on top of each other (GD used to vanish under batch 32 at rank 2).
  const offset = (i: number) => (done.length > 1 ? -0.15 + (0.3 * i) / (done.length - 1) : 0);
  const rankSeries: Series[] = done.map((r, i) => ({
    name: done.findIndex((x) => x.label === r.label) === i ? r.label : '',
    x: r.result.history.map((p) => p.step),
    y: r.result.history.map((p) => p.rank + offset(i)),
    color: colour(r.label),
    dashed: r.label.startsWith('GD'),
  }));
  // Singular values s_1 … s_startRank of one run per setting: the first seed that jumped without
  // diverging, else the first seed (solid s_1, dashed the rest).
  const shown = labels.map((label) => {
    const rs = done.filter((r) => r.label === label);
    return rs.find((r) => rows[done.indexOf(r)].jumped && !r.result.diverged) ?? rs[0];
  });
  const svSeries: Series[] = shown.flatMap((r) =>
    Array.from({ length: spec.startRank }, (_, i) => ({
      name: i === 0 ? (r.label.startsWith('GD') ? r.label : `${r.label}, seed ${r.seed}`) : '',
      x: r.result.history.map((p) => p.step),
      y: r.result.history.map((p) => p.singularValues[i]),
      color: colour(r.label),
      dashed: i > 0,
    })));
  const name = spec.fixture.replace('dln-', '');
  const svg = {
    rank: renderLinePlot({
      title: `${name}: rank of A, SGD then a GD polish (dashed: GD; runs ±0.15 apart)`,
      xLabel: 'step', yLabel: 'rank (s_i > 1e-2·s_1)', integerY: true, series: rankSeries,
    }),
    'singular-values': renderLinePlot({
      title: `${name}: top ${spec.startRank} singular values of A (dashed: s_2…; a vanished one falls to ~1e-15)`,
      xLabel: 'step', yLabel: 'singular value', logY: true, series: svSeries,
    }),
  };

  const fmt = (x: number | null) => (x === null ? '—' : x.toFixed(3));
  const table = formatTable(
    ['run', 'seeds jumped', `first step at rank ${spec.lowRank}`, 'test before polish', 'test after polish'],
    labels.map((label) => {
      const rs = rows.filter((r) => r.run === label);
      return [
        label,
        `${rs.filter((r) => r.jumped).length}/${rs.length}${rs.some((r) => r.diverged) ? ` (${rs.filter((r) => r.diverged).length} diverged)` : ''}`,
        rs.map((r) => r.firstLowRankStep ?? '—').join(', '),
        rs.map((r) => fmt(r.testBeforePolish)).join(', '),
        rs.map((r) => fmt(r.testAfterPolish)).join(', '),
      ];
    }),
  );
  return {
    summary: `${table}\n\nreference (THEORY.md §2, numpy, 5 seeds): ${spec.reference}`,
    json: { fixture: spec.fixture, quick: o.quick === true, seeds, rows, runs: done.map((r) => ({ label: r.label, seed: r.seed, ...r.result, final: { ...r.result.final, weights: undefined } })) },
    csv: {
      jumps: toCsv(['run', 'seed', 'step', 'from', 'to', 'deep'], jumps),
      runs: toCsv(
        ['run', 'seed', 'jumped', 'first_low_rank_step', 'rank_before_polish', 'final_rank', 'final_deep_rank', 'test_before_polish', 'test_after_polish', 'diverged', 'steps'],
        rows.map((r) => [r.run, r.seed, r.jumped, r.firstLowRankStep, r.rankBeforePolish, r.finalRank, r.finalDeepRank, r.testBeforePolish, r.testAfterPolish, r.diverged, r.steps]),
      ),
    },
    svg,
  };
}
