import { traceTwoFactor } from '../experiments/twoFactorTrace.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * Large step sizes balance the factors (THEORY.md §3): GD cannot settle at a minimum whose
 * sharpness exceeds 2/η. For a rank-1 target σuvᵀ the minima are (a·x, y/a) and their sharpness is
 * ‖x‖² + ‖y‖² ≥ 2σ, with equality only at balance ‖x‖ = ‖y‖. So from the same imbalanced init a
 * small step keeps the imbalance (gradient flow conserves ‖x‖² − ‖y‖²), while a large step must
 * end where ‖x‖² + ‖y‖² ≤ 2/η: flatter and closer to balance. Plain GD; the step size is the only knob.
 */
const SIGMA = 1;

export function largeLrConfig(lr: number, quick: boolean) {
  return {
    problem: { target: { random: { n: 10, m: 8, singularValues: [SIGMA], seed: 'large-lr-balance' } }, rank: 1 },
    init: { kind: 'gaussian' as const, imbalance: 2 },
    optimizer: { kind: 'gd' as const, lr, steps: quick ? 2000 : 4000 },
    seed: 2,
    recordEvery: 10,
  };
}

export const LARGE_LR_STEPS = [0.02, 0.3, 0.5, 0.6, 0.7];

export const largeLrBalance: Preset = {
  name: 'large-lr-balance',
  description:
    'Plain GD on a rank-1 10×8 target from the same imbalanced init with step sizes 0.02 … 0.7: large steps end at flatter, more balanced minima, with sharpness below 2/η.',
  async run(options: PresetOptions = {}): Promise<PresetOutput> {
    const quick = options.quick === true;
    const lrs = quick ? [0.02, 0.5, 0.7] : LARGE_LR_STEPS;
    const perRun = largeLrConfig(lrs[0], quick).optimizer.steps;
    const runs = [];
    for (const [k, lr] of lrs.entries()) {
      const { records, result } = await traceTwoFactor(largeLrConfig(lr, quick), { backend: options.backend, precision: options.precision,
        onProgress: (d) => options.onProgress?.(k * perRun + d, lrs.length * perRun),
      });
      const last = records[records.length - 1];
      runs.push({
        lr,
        stabilityBound: 2 / lr,
        ratio: last.normX2 / last.normY2,
        sharpness: last.sharpness,
        trace: last.trace,
        loss: last.loss,
        history: records.map((rec) => ({ step: rec.step, ratio: rec.normX2 / rec.normY2, loss: rec.loss })),
        // The normalized config (seed included): `flatmin run` of it reproduces `end`, its last recording.
        config: result.config,
        end: result.history[result.history.length - 1],
      });
    }
    const ratio0 = runs[0].history[0].ratio;
    const belowBound = runs.every((r) => r.sharpness <= r.stabilityBound * (1 + 1e-9));
    const small = runs[0];
    const large = runs[runs.length - 1];
    const summary = [
      `large-lr-balance: rank-1 target (σ = ${SIGMA}), init ‖X‖²/‖Y‖² = ${ratio0.toPrecision(4)}; the flattest (balanced) minimum has sharpness 2σ = ${2 * SIGMA}`,
      '     η    2/η   final ‖X‖²/‖Y‖²   sharpness   loss',
      ...runs.map((r) => `  ${r.lr.toFixed(2).padStart(4)}  ${r.stabilityBound.toFixed(2).padStart(5)}   ${r.ratio.toPrecision(4).padStart(15)}   ${r.sharpness.toFixed(4).padStart(9)}   ${r.loss.toExponential(1)}`),
      `sharpness ≤ 2/η in every run: ${belowBound ? 'yes' : 'NO'}; η = ${large.lr} ends ${large.sharpness < small.sharpness ? 'flatter' : 'NOT flatter'} and ${Math.abs(Math.log(large.ratio)) < Math.abs(Math.log(small.ratio)) ? 'more balanced' : 'NOT more balanced'} than η = ${small.lr}`,
    ].join('\n');
    const ratioSvg = renderLinePlot({
      title: 'Plain GD from one imbalanced init: ‖X‖²/‖Y‖² by step size',
      xLabel: 'step',
      yLabel: '‖X‖²/‖Y‖²',
      logY: true,
      series: runs.map((r) => ({ name: `η = ${r.lr}`, x: r.history.map((h) => h.step), y: r.history.map((h) => h.ratio) })),
      hlines: [{ y: 1, label: 'balanced' }],
    });
    const bounds = runs.map((r) => r.stabilityBound);
    const sharpnessSvg = renderLinePlot({
      title: 'Final sharpness against the stability bound 2/η',
      xLabel: '2/η',
      yLabel: 'sharpness (top Hessian eigenvalue)',
      // 2/η runs from ~3 to 100: on a linear axis all but one point crowd into the left fifth.
      logX: true,
      logY: true,
      series: [
        { name: 'final sharpness', x: bounds, y: runs.map((r) => r.sharpness), points: true },
        { name: 'sharpness = 2/η', x: bounds, y: bounds, dashed: true },
      ],
      hlines: [{ y: 2 * SIGMA, label: 'balanced minimum 2σ' }],
    });
    return {
      summary,
      json: { sigma: SIGMA, initialRatio: ratio0, belowBound, runs },
      csv: {
        'large-lr-balance': toCsv(['lr', 'two_over_lr', 'ratio', 'sharpness', 'trace', 'loss'], runs.map((r) => [r.lr, r.stabilityBound, r.ratio, r.sharpness, r.trace, r.loss])),
        'large-lr-ratio': toCsv(['lr', 'step', 'ratio', 'loss'], runs.flatMap((r) => r.history.map((h) => [r.lr, h.step, h.ratio, h.loss]))),
      },
      svg: { 'large-lr-ratio': ratioSvg, 'large-lr-sharpness': sharpnessSvg },
    };
  },
};
