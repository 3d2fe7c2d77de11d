import { traceTwoFactor } from '../experiments/twoFactorTrace.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * Incremental learning on matrix sensing (THEORY.md §3): from a small initialization, gradient
 * descent on ½Σ_i(⟨A_i, XYᵀ⟩ − y_i)² picks up the singular values of the target one at a time,
 * largest first. For balanced small factors each singular value of XYᵀ grows logistically,
 * ṡ ≈ 2s(σ − s), so it reaches σ/2 after about ln(σ/s₀)/(2ησ) steps: the times are spaced by 1/σ.
 */
const SIGMAS = [4, 2, 1];

export function sensingIncrementalConfig(quick: boolean) {
  return {
    problem: {
      target: { random: { n: 12, m: 12, singularValues: SIGMAS, seed: 'sensing-incremental' } },
      rank: 3,
      loss: { kind: 'sensing' as const, measurements: 300 },
    },
    init: { kind: 'small' as const, scale: 1e-4 },
    optimizer: { kind: 'gd' as const, lr: 0.03, steps: 800 },
    seed: 1,
    recordEvery: quick ? 8 : 2,
  };
}

export const sensingIncremental: Preset = {
  name: 'sensing-incremental',
  description:
    'Matrix sensing (12×12 target, singular values 4, 2, 1; 300 Gaussian measurements) from a small init: plain GD learns the singular values one at a time, largest first.',
  async run(options: PresetOptions = {}): Promise<PresetOutput> {
    const config = sensingIncrementalConfig(options.quick === true);
    const total = config.optimizer.steps;
    const { records, result } = await traceTwoFactor(config, { backend: options.backend, precision: options.precision, probes: 4, onProgress: (d) => options.onProgress?.(d, total) });
    // First recorded step at which s_i(XYᵀ) reaches half its target, and where the smaller ones are then.
    const learned = SIGMAS.map((sigma, i) => {
      const at = records.find((rec) => rec.s[i] >= sigma / 2);
      return {
        sigma,
        halfStep: at?.step ?? NaN,
        smallerAtThatStep: at ? at.s.slice(i + 1, SIGMAS.length) : [],
        logisticEstimate: Math.log(sigma / Math.max(records[0].s[i], 1e-300)) / (2 * config.optimizer.lr * sigma),
      };
    });
    const oneAtATime = learned.every((l, i) => i === 0 || l.halfStep > learned[i - 1].halfStep)
      && learned.every((l, i) => l.smallerAtThatStep.every((s, j) => s < SIGMAS[i + 1 + j] / 10));
    const final = records[records.length - 1];
    const summary = [
      `sensing-incremental: GD from a small init on matrix sensing learns σ = ${SIGMAS.join(', ')} one at a time: ${oneAtATime ? 'yes' : 'NO'}`,
      ...learned.map((l) => `  σ = ${l.sigma}: s reaches σ/2 at step ${l.halfStep} (logistic estimate ln(σ/s₀)/(2ησ) ≈ ${l.logisticEstimate.toFixed(0)}); the smaller ones are then ${l.smallerAtThatStep.map((v) => v.toExponential(1)).join(', ') || '—'}`),
      `  final singular values ${final.s.slice(0, 3).map((v) => v.toPrecision(6)).join(', ')}, loss ${final.loss.toExponential(2)}`,
    ].join('\n');
    const steps = records.map((rec) => rec.step);
    const svg = renderLinePlot({
      title: 'Matrix sensing from a small init: singular values of XYᵀ',
      xLabel: 'step',
      yLabel: 'singular value',
      logY: true,
      series: SIGMAS.map((_, i) => ({ name: `s${i + 1}`, x: steps, y: records.map((rec) => rec.s[i]) })),
      hlines: SIGMAS.map((sigma, i) => ({ y: sigma, label: `σ${i + 1} = ${sigma}` })),
    });
    return {
      summary,
      // The normalized config (seed included): `flatmin run` of it reproduces `final` and `end`.
      json: { config: result.config, learned, oneAtATime, records, final: result.final, end: result.history[result.history.length - 1], microsecondsPerStep: result.microsecondsPerStep },
      csv: { 'singular-values': toCsv(['step', 'loss', 's1', 's2', 's3'], records.map((rec) => [rec.step, rec.loss, ...rec.s.slice(0, 3)])) },
      svg: { 'singular-values': svg },
    };
  },
};
