import { observedOf } from '../backends/sparse.js';
import { traceTwoFactor } from '../experiments/twoFactorTrace.js';
import { testError } from '../diagnostics/completion.js';
import { endToEnd } from '../problems/losses.js';
import { flattestTraceOf, M_COLS, meanOf, methodMeans, N, NOISE_ZOO_TARGET, ratioPlot, SIGMAS, type MethodCurve } from './noiseZoo.js';
import { toCsv } from '../report/csv.js';
import { Run, type FactorizationResult } from '../run.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * The flat-minimum seekers side by side: GD, perturbed GD, anticorrelated GD, Langevin, SAM and
 * label-noise SGD, one step size, one imbalanced init, several seeds, each a seeker phase then a
 * noiseless polish so every run ends on (or next to) a global minimum.
 *   full target   noise-zoo's 12×8, singular values 2, 1, fitted at rank 2: the flattest minimum
 *                 has ‖X‖²/‖Y‖² = c² = n/m and tr ∇²f = 2√(nm)‖M‖_* (closed form at any point)
 *   completion    the same target, half its entries observed, fitted at rank 4 (over-parameterized):
 *                 the test error on the unobserved entries, ‖(XYᵀ − M)|Ωᶜ‖/‖M|Ωᶜ‖
 * Label noise on the full target is noise on every M entry; its implicit regularizer (Damian, Ma &
 * Lee 2021) is Σ_ij ‖∂W_ij/∂θ‖² = m‖X‖² + n‖Y‖², the trace at a minimum, so it seeks the same
 * minimum as the perturbations. SAM's penalty ρ‖∇f‖ vanishes at a minimum: full-batch SAM only
 * drifts along the minima at second order (towards a smaller top eigenvalue, Wen et al. 2022).
 */
const LR = 0.02;
/**
 * Completion's loss (1/|Ω|)Σ_Ω is ½|Ω| ≈ 24 times flatter per entry than the full ½Σ: its step size
 * is scaled up so the seekers move as far in the same number of steps.
 */
const COMPLETION_LR = 0.4;

export const FLAT_SEEKERS_METHODS = [
  { name: 'GD', noise: undefined },
  { name: 'perturbed GD', noise: { kind: 'perturbed' as const, sigma: 0.1 } },
  { name: 'anticorrelated GD', noise: { kind: 'anticorrelated' as const, sigma: 0.1 } },
  { name: 'Langevin', noise: { kind: 'langevin' as const, temperature: 1e-3 } },
  { name: 'SAM', noise: { kind: 'sam' as const, rho: 0.05 } },
  { name: 'label-noise GD', noise: { kind: 'label' as const, sigma: 0.5 } },
];
type Method = (typeof FLAT_SEEKERS_METHODS)[number];

/** One run's outcome at its end. */
export interface FlatSeekersRow {
  method: string;
  seed: number;
  /** The full-target run's normalized config and last recording: `flatmin run` of config reproduces end. */
  config?: unknown;
  end?: object;
  /** Full target: ‖X‖²/‖Y‖², tr ∇²f, top eigenvalue, distance to the flattest minimum, residual. */
  ratio: number;
  trace: number;
  sharpness: number;
  dX: number;
  residual: number;
  /** Completion at rank 4: relative error on the unobserved entries. */
  testError: number;
}

function phases(method: Method, steps: number, polish: number, lr = LR) {
  const noise = method.noise ? { noise: method.noise } : {};
  return [{ steps, lr, ...noise, scale: 1 }, { steps: polish, lr, ...noise, scale: 0 }];
}

export function flatSeekersConfig(method: Method, seed: number, steps: number, polish: number) {
  return {
    problem: { target: structuredClone(NOISE_ZOO_TARGET), rank: 2 },
    init: { kind: 'gaussian' as const, imbalance: 2 },
    optimizer: phases(method, steps, polish),
    seed,
    recordEvery: 250,
  };
}

export function flatSeekersCompletionConfig(method: Method, seed: number, steps: number, polish: number) {
  return {
    problem: { target: structuredClone(NOISE_ZOO_TARGET), rank: 4, loss: { kind: 'completion' as const, fraction: 0.5 } },
    init: { kind: 'gaussian' as const, imbalance: 2 },
    optimizer: phases(method, steps, polish, COMPLETION_LR),
    seed,
    recordEvery: 250,
  };
}

/** The relative error of XYᵀ on the unobserved entries of a completion run. */
async function completionTestError(config: ReturnType<typeof flatSeekersCompletionConfig>, options: PresetOptions): Promise<number> {
  const job = await Run.create(options.precision ? { ...config, precision: options.precision } : config, { backend: options.backend });
  try {
    job.advance();
    const model = job.factorization!;
    const loss = model.sessionInput.loss;
    if (loss.kind !== 'completion') throw new Error('flat-seekers: expected a completion run');
    const { n, m, r } = model.objective;
    // The deep model's test error (relative, on the unobserved entries), with M as the truth
    // (the session holds the observed lists: src/backends/sparse.ts).
    const mask = new Uint8Array(n * m);
    for (const e of observedOf(loss).index) mask[e] = 1;
    return testError(endToEnd(new Float64Array(n * m), job.theta(), n, m, r), model.M!.data, mask);
  } finally {
    job.dispose();
  }
}

export const flatSeekers: Preset = {
  name: 'flat-seekers',
  description:
    'GD, perturbed, anticorrelated, Langevin, SAM and label-noise GD on noise-zoo\'s 12×8 target and its half-observed completion: which seekers reach the flattest minimum (‖X‖²/‖Y‖² = c², least Hessian trace), and the test error each minimum gives.',
  async run(options: PresetOptions = {}): Promise<PresetOutput> {
    const seeds = options.quick ? [1, 2, 3] : [1, 2, 3, 4, 5];
    const steps = options.quick ? 12_000 : 20_000;
    const polish = options.quick ? 3_000 : 5_000;
    const perRun = 2 * (steps + polish);
    const total = FLAT_SEEKERS_METHODS.length * seeds.length * perRun;
    const rows: FlatSeekersRow[] = [];
    const curves: MethodCurve[] = [];
    let result: FactorizationResult | undefined;
    let k = 0;
    for (const method of FLAT_SEEKERS_METHODS) {
      for (const seed of seeds) {
        const base = k++ * perRun;
        const traced = await traceTwoFactor(flatSeekersConfig(method, seed, steps, polish), {
          backend: options.backend, precision: options.precision, onProgress: (d) => options.onProgress?.(base + d, total),
        });
        result = traced.result;
        const last = traced.records[traced.records.length - 1];
        const testError = await completionTestError(flatSeekersCompletionConfig(method, seed, steps, polish), options);
        options.onProgress?.(base + perRun, total);
        rows.push({
          method: method.name, seed, ratio: last.normX2 / last.normY2, trace: last.trace, sharpness: last.sharpness,
          dX: traced.result.distances.dX, residual: traced.result.distances.residual, testError,
          config: traced.result.config, end: traced.result.history[traced.result.history.length - 1],
        });
        if (seed === seeds[0]) curves.push({ name: method.name, records: traced.records });
      }
    }
    const { c2 } = result!.prediction;
    const flattestTrace = flattestTraceOf(result!.prediction);
    const byMethod = FLAT_SEEKERS_METHODS.map(({ name }) => {
      const rs = rows.filter((r) => r.method === name);
      return { ...methodMeans(name, rs, flattestTrace), meanTestError: meanOf(rs, (r) => r.testError) };
    });
    const summary = [
      `flat-seekers: ${N}×${M_COLS} target, singular values ${SIGMAS.join(', ')}; flattest minimum: ‖X‖²/‖Y‖² = c² = ${c2.toFixed(3)}, tr ∇²f = ${flattestTrace.toFixed(3)}`,
      '  method               mean ‖X‖²/‖Y‖²   tr ∇²f / flattest − 1   mean λ_max   max residual   test error (completion, rank 4)',
      ...byMethod.map((b) => `  ${b.method.padEnd(20)} ${b.meanRatio.toPrecision(4).padStart(14)}   ${b.meanTraceExcess.toExponential(2).padStart(21)}   ${b.meanSharpness.toFixed(3).padStart(10)}   ${b.maxResidual.toExponential(1).padStart(12)}   ${b.meanTestError.toFixed(3).padStart(6)}`),
      `  (${seeds.length} seeds each; ${steps} seeker steps then ${polish} plain ones, η = ${LR}; completion: half the entries observed, η = ${COMPLETION_LR})`,
    ].join('\n');
    const svg = ratioPlot(`Which minimum each seeker picks: ‖X‖²/‖Y‖² (seed ${seeds[0]})`, curves, c2);
    return {
      summary,
      json: { c2, flattestTrace, byMethod, runs: rows },
      csv: {
        'flat-seekers': toCsv(['method', 'seed', 'ratio', 'trace', 'sharpness', 'dX', 'residual', 'testError'],
          rows.map((r) => [r.method, r.seed, r.ratio, r.trace, r.sharpness, r.dX, r.residual, r.testError])),
      },
      svg: { 'flat-seekers': svg },
    };
  },
};
