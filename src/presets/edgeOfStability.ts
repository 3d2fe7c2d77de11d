import type { FactorizationInput } from '../config/types.js';
import type { Curvature } from '../diagnostics/spectrum.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import { run, type FactorizationResult } from '../run.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * Edge of stability (Cohen et al., ICLR 2021) in the smallest model that has it: full-batch GD on
 * ½‖XYᵀ − M‖², M rank 1 with σ = 1, r = 1, sharpness λ_max(∇²f) recorded every 2 steps through
 * `diagnostics.curvature` (top: 1, every: 2).
 *
 * Why it happens here: the minima are x yᵀ = M with sharpness ‖x‖² + ‖y‖² ≥ 2σ (THEORY.md §3), and
 * gradient flow conserves ‖x‖² − ‖y‖². The init is small and imbalanced (‖x‖² ≈ 1.5, ‖y‖² ≈ 0), so
 * the sharpness starts near 2 and gradient flow would drive it to √(1.5² + 4) ≈ 2.5 as y grows
 * (progressive sharpening). GD at η = 0.9 (2/η ≈ 2.22) cannot follow past 2/η: once the sharpness
 * reaches it, GD's step rebalances the factors and it ends, and stays, just under 2/η. GD at η = 0.1
 * (≈ gradient flow: 2/η = 20) goes on to ≈ 2.5, departing from the η = 0.9 bound.
 *
 * This is the self-stabilizing side of the edge of stability (the sharpness pinned at 2/η at
 * convergence), not the long oscillating phase of deep nets: a rank-1 factorization has a flatter
 * minimum within 2/η's reach, so GD settles there.
 */
const SIGMA = 1;
const LARGE = 0.9;
const SMALL = 0.1;

export function edgeOfStabilityConfig(lr: number, quick: boolean): FactorizationInput {
  return {
    problem: { target: { random: { n: 10, m: 8, singularValues: [SIGMA], seed: 'eos' } }, rank: 1 },
    // X = 0.01·31·G₁, Y = 0.01/31·G₂: ‖X‖² ≈ 1.5, ‖Y‖² ≈ 1e−6.
    init: { kind: 'gaussian', scale: 0.01, imbalance: 31 },
    optimizer: { steps: quick ? 200 : 400, lr },
    recordEvery: 2,
    seed: 1,
    diagnostics: { curvature: { top: 1, every: 2 } },
  };
}

export const edgeOfStability: Preset = {
  name: 'edge-of-stability',
  description:
    'Full-batch GD on a rank-1 factorization from a small imbalanced init: the sharpness rises to 2/η and stays just under it (η = 0.9), while GD at η = 0.1 (≈ gradient flow) sharpens on past that bound.',
  async run(options: PresetOptions = {}): Promise<PresetOutput> {
    const quick = options.quick === true;
    const lrs = [LARGE, SMALL];
    const steps = edgeOfStabilityConfig(LARGE, quick).optimizer as { steps: number };
    const runs = [];
    for (const [k, lr] of lrs.entries()) {
      const cfg = { ...edgeOfStabilityConfig(lr, quick), ...(options.backend ? { backend: options.backend } : {}), ...(options.precision ? { precision: options.precision } : {}) };
      const r = (await run(cfg, { onProgress: (d) => options.onProgress?.(k * steps.steps + d, lrs.length * steps.steps) })) as FactorizationResult;
      const history = r.history.map((h) => ({ step: h.step, loss: h.loss, sharpness: (h.curvature as Curvature).sharpness }));
      const lastHalf = history.slice(Math.floor(history.length / 2)).map((h) => h.sharpness * lr / 2);
      runs.push({
        lr, stabilityBound: 2 / lr, history,
        finalSharpness: r.final.curvature!.sharpness, finalLoss: r.history[r.history.length - 1].loss,
        lastHalf: { min: Math.min(...lastHalf), max: Math.max(...lastHalf) },
        maxSharpness: Math.max(...history.map((h) => h.sharpness)),
        config: r.config, end: r.history[r.history.length - 1], // `flatmin run` of config reproduces end
      });
    }
    const [large, small] = runs;
    const within10 = large.lastHalf.min >= 0.9 && large.lastHalf.max <= 1.1;
    const summary = [
      `edge-of-stability: rank-1 target (σ = ${SIGMA}), r = 1, small imbalanced init; sharpness = λ_max(∇²f) every 2 steps`,
      `  η = ${LARGE} (2/η = ${large.stabilityBound.toFixed(3)}): start ${large.history[0].sharpness.toFixed(3)}, final ${large.finalSharpness.toFixed(3)}; over the last half of the run sharpness/(2/η) ∈ [${large.lastHalf.min.toFixed(3)}, ${large.lastHalf.max.toFixed(3)}] (within 10%: ${within10 ? 'yes' : 'NO'}), final loss ${large.finalLoss.toExponential(1)}`,
      `  η = ${SMALL} (≈ gradient flow): final sharpness ${small.finalSharpness.toFixed(3)} = ${(small.finalSharpness / large.stabilityBound).toFixed(3)} × (2/η at η = ${LARGE}): ${small.finalSharpness > large.stabilityBound ? 'past' : 'NOT past'} the large step's bound`,
    ].join('\n');
    const svg = renderLinePlot({
      title: 'Sharpness during full-batch GD: pinned at 2/η for the large step, not for the small one',
      xLabel: 'step',
      yLabel: 'sharpness λ_max(∇²f)',
      series: runs.map((r) => ({ name: `GD η = ${r.lr}`, x: r.history.map((h) => h.step), y: r.history.map((h) => h.sharpness) })),
      hlines: [{ y: 2 / LARGE, label: `2/η = ${(2 / LARGE).toFixed(2)} (η = ${LARGE})` }, { y: 2 * SIGMA, label: 'flattest minimum 2σ' }],
    });
    return {
      summary,
      json: { sigma: SIGMA, within10, runs },
      csv: { 'edge-of-stability': toCsv(['lr', 'step', 'loss', 'sharpness', 'two_over_lr'], runs.flatMap((r) => r.history.map((h) => [r.lr, h.step, h.loss, h.sharpness, r.stabilityBound]))) },
      svg: { 'edge-of-stability': svg },
    };
  },
};
