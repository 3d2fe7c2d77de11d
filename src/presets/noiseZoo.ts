import { traceTwoFactor, type TwoFactorRecord } from '../experiments/twoFactorTrace.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';
import type { RunConfig } from '../config/types.js';

/**
 * Which minimum does each noise pick? One target (12×8, singular values 2, 1, rank 2), one
 * imbalanced init, four optimizers with the same step size, each a noise phase then a noiseless
 * polish so every run ends on a global minimum:
 *   gd                 no noise: keeps the init's imbalance (‖X‖²/‖Y‖² far from c²)
 *   perturbed-gd       σ = 0.1 at the evaluation point: smooths f by ½σ²(m‖X‖² + n‖Y‖²), whose
 *                      minimizer over the minima is the flattest one, c² = n/m, tr ∇²f = 2√(nm)‖M‖_*
 *   anticorrelated-gd  σ(ξ_t − ξ_{t−1}) at the evaluation point: the smoothing penalizes tr ∇²f too
 *   langevin           √(2ηT)·ξ added to the update: no such penalty; the iterate diffuses along the
 *                      set of minima (a random walk in the flat directions), so where it ends is a
 *                      matter of the seed, not of flatness
 * For the full target tr ∇²f = n‖Y‖² + m‖X‖² at any point (src/diagnostics/hessian.ts).
 */
export const N = 12;
export const M_COLS = 8;
export const SIGMAS = [2, 1];
/** The 12×8 target noise-zoo (and flat-seekers) fit: singular values 2, 1. */
export const NOISE_ZOO_TARGET = { random: { n: N, m: M_COLS, singularValues: SIGMAS, seed: 'noise-zoo' } };
const NOISE_STEPS = 20_000;
const POLISH_STEPS = 5_000;

export const NOISE_ZOO_METHODS = [
  { name: 'GD', optimizer: { kind: 'gd' as const, lr: 0.02 } },
  { name: 'perturbed GD', optimizer: { kind: 'perturbed-gd' as const, lr: 0.02, sigmaX: 0.1, sigmaY: 0.1 } },
  { name: 'anticorrelated GD', optimizer: { kind: 'anticorrelated-gd' as const, lr: 0.02, sigmaX: 0.1, sigmaY: 0.1 } },
  { name: 'Langevin', optimizer: { kind: 'langevin' as const, lr: 0.02, temperature: 1e-3 } },
];

/** One run's outcome at its end. */
export interface NoiseZooRow {
  method: string;
  seed: number;
  ratio: number;
  trace: number;
  sharpness: number;
  dX: number;
  residual: number;
  /** The run's normalized config (seed included): `flatmin run` of it reproduces `end`. */
  config: RunConfig;
  /** The run's last recorded history point. */
  end: object;
}

/** One method's runs (all its seeds) as they end on the noise-zoo target. */
interface RunEnd {
  ratio: number;
  trace: number;
  sharpness: number;
  residual: number;
}

/** A method's first-seed run, for the plots. */
export interface MethodCurve {
  name: string;
  records: TwoFactorRecord[];
}

/** The flattest minimum's tr ∇²f: ‖X*‖² = c‖M‖_*, ‖Y*‖² = ‖M‖_* / c, so n‖Y*‖² + m‖X*‖² = 2√(nm)‖M‖_*. */
export function flattestTraceOf(prediction: { normX2: number; normY2: number }): number {
  return N * prediction.normY2 + M_COLS * prediction.normX2;
}

/** The mean of f over rows. */
export function meanOf<R>(rows: R[], f: (r: R) => number): number {
  return rows.reduce((s, r) => s + f(r), 0) / rows.length;
}

/** Where one method's runs end, over its seeds: mean ‖X‖²/‖Y‖², mean tr ∇²f excess over the flattest minimum, mean top eigenvalue, worst residual. */
export function methodMeans(method: string, runs: RunEnd[], flattestTrace: number) {
  return {
    method,
    meanRatio: meanOf(runs, (r) => r.ratio),
    meanTraceExcess: meanOf(runs, (r) => r.trace / flattestTrace - 1),
    meanSharpness: meanOf(runs, (r) => r.sharpness),
    maxResidual: Math.max(...runs.map((r) => r.residual)),
  };
}

/** ‖X‖²/‖Y‖² along each method's run (log scale), with the flattest minimum's c² = n/m as a line. */
export function ratioPlot(title: string, curves: MethodCurve[], c2: number): string {
  return renderLinePlot({
    title,
    xLabel: 'step',
    yLabel: '‖X‖²/‖Y‖²',
    logY: true,
    series: curves.map((c) => ({ name: c.name, x: c.records.map((r) => r.step), y: c.records.map((r) => r.normX2 / r.normY2) })),
    hlines: [{ y: c2, label: `flattest: c² = n/m = ${c2.toFixed(2)}` }],
  });
}

export function noiseZooConfig(optimizer: (typeof NOISE_ZOO_METHODS)[number]['optimizer'], seed: number) {
  return {
    problem: { target: structuredClone(NOISE_ZOO_TARGET), rank: 2 },
    init: { kind: 'gaussian' as const, imbalance: 2 },
    optimizer: { ...optimizer, schedule: [{ steps: NOISE_STEPS, scale: 1 }, { steps: POLISH_STEPS, scale: 0 }] },
    seed,
    recordEvery: 250,
  };
}

export const noiseZoo: Preset = {
  name: 'noise-zoo',
  description:
    'GD, perturbed GD, anticorrelated GD and Langevin on one 12×8 rank-2 target from one imbalanced init: the two perturbations land on the flattest minimum (‖X‖²/‖Y‖² = n/m, least Hessian trace), GD stays where it started, Langevin wanders.',
  async run(options: PresetOptions = {}): Promise<PresetOutput> {
    const seeds = options.quick ? [1, 2, 3] : [1, 2, 3, 4, 5];
    const perRun = NOISE_STEPS + POLISH_STEPS;
    const total = NOISE_ZOO_METHODS.length * seeds.length * perRun;
    const rows: NoiseZooRow[] = [];
    const curves: MethodCurve[] = [];
    let c2 = NaN;
    let flattestTrace = NaN;
    let k = 0;
    for (const method of NOISE_ZOO_METHODS) {
      for (const seed of seeds) {
        const base = k++ * perRun;
        const { records, result } = await traceTwoFactor(noiseZooConfig(method.optimizer, seed), { backend: options.backend, precision: options.precision,
          onProgress: (d) => options.onProgress?.(base + d, total),
        });
        const last = records[records.length - 1];
        c2 = result.prediction.c2;
        flattestTrace = flattestTraceOf(result.prediction);
        rows.push({
          method: method.name, seed, ratio: last.normX2 / last.normY2, trace: last.trace, sharpness: last.sharpness,
          dX: result.distances.dX, residual: result.distances.residual,
          config: result.config, end: result.history[result.history.length - 1],
        });
        if (seed === seeds[0]) curves.push({ name: method.name, records });
      }
    }
    const byMethod = NOISE_ZOO_METHODS.map(({ name }) => methodMeans(name, rows.filter((r) => r.method === name), flattestTrace));
    const summary = [
      `noise-zoo: ${N}×${M_COLS} target, singular values ${SIGMAS.join(', ')}; flattest minimum: ‖X‖²/‖Y‖² = c² = ${c2.toFixed(3)}, tr ∇²f = ${flattestTrace.toFixed(3)}`,
      '  method               mean ‖X‖²/‖Y‖²   tr ∇²f / flattest − 1   mean sharpness   max residual',
      ...byMethod.map((b) => `  ${b.method.padEnd(20)} ${b.meanRatio.toPrecision(4).padStart(14)}   ${b.meanTraceExcess.toExponential(2).padStart(21)}   ${b.meanSharpness.toFixed(3).padStart(14)}   ${b.maxResidual.toExponential(1)}`),
      `  (${seeds.length} seeds each; ${NOISE_STEPS} noisy steps then ${POLISH_STEPS} noiseless ones, η = 0.02)`,
    ].join('\n');
    const svg = ratioPlot(`Which minimum each noise picks: ‖X‖²/‖Y‖² (seed ${seeds[0]})`, curves, c2);
    const traceSvg = renderLinePlot({
      title: `Hessian trace along the runs (seed ${seeds[0]})`,
      xLabel: 'step',
      yLabel: 'tr ∇²f',
      logY: true,
      series: curves.map((c) => ({ name: c.name, x: c.records.map((r) => r.step), y: c.records.map((r) => r.trace) })),
      hlines: [{ y: flattestTrace, label: `flattest minimum 2√(nm)‖M‖_* = ${flattestTrace.toFixed(1)}` }],
    });
    return {
      summary,
      json: { c2, flattestTrace, byMethod, runs: rows },
      csv: { 'noise-zoo': toCsv(['method', 'seed', 'ratio', 'trace', 'sharpness', 'dX', 'residual'], rows.map((r) => [r.method, r.seed, r.ratio, r.trace, r.sharpness, r.dX, r.residual])) },
      svg: { 'noise-zoo-ratio': svg, 'noise-zoo-trace': traceSvg },
    };
  },
};
