import type { DeepLinearInput } from '../config/types.js';
import { effectiveRankOf, singularValues } from '../diagnostics/rank.js';
import { orthonormalColumns } from '../linalg/qr.js';
import { toCsv } from '../report/csv.js';
import { renderLinePlot } from '../report/svg.js';
import { laneDouble, gaussians, seedGaussian } from '../random/gaussian.js';
import { run, type DeepLinearResult } from '../run.js';
import type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * Deep matrix completion (Arora, Cohen, Hu, Luo, NeurIPS 2019; THEORY.md §4): a rank-r n×n target
 * seen on a few random entries, fitted by W_N ⋯ W_1 (width n) with plain GD from a small init at
 * depth N = 2, 3, 4. The product's singular values move as σ̇ ∝ −N σ^{2−2/N}⟨∇ℓ, u vᵀ⟩, so depth
 * ≥ 3 lets the large ones run ahead: lower effective rank (Roy–Vetterli) and, at a sample size
 * where depth 2 (≈ minimum nuclear norm) fails, lower test error on the unobserved entries.
 */
export interface AroraSettings {
  n: number;
  rank: number;
  /** Observed entries (drawn uniformly without replacement from the stream "arora2019:mask"). */
  observed: number;
  depths: number[];
  steps: number;
  lr: number;
  /** Per-layer init std. */
  init: number;
}

export function aroraSettings(quick: boolean): AroraSettings {
  return { n: 20, rank: 2, observed: 150, depths: [2, 3, 4], steps: quick ? 8000 : 30000, lr: 0.5, init: 0.03 };
}

/** Target U Vᵀ·√n/√r-scaled (entries O(1)), a mask of `observed` entries; deterministic streams. */
export function aroraProblem(st: AroraSettings): { target: number[][]; mask: number[][] } {
  const { n, rank: r } = st;
  const g = seedGaussian('arora2019:target');
  const U = orthonormalColumns({ rows: n, cols: r, data: gaussians(n * r, g) });
  const V = orthonormalColumns({ rows: n, cols: r, data: gaussians(n * r, g) });
  const s = Array.from({ length: r }, (_, c) => n / r / (1 + c)); // n/r, n/(2r), …: entries O(1)
  const target = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
    let acc = 0;
    for (let c = 0; c < r; c++) acc += U.data[i * r + c] * s[c] * V.data[j * r + c];
    return acc;
  }));
  // A uniform sample of `observed` entries: the smallest `observed` of n² uniform keys.
  const m = seedGaussian('arora2019:mask');
  const keys = Array.from({ length: n * n }, (_, e) => [laneDouble(m, 0), e] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const mask = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [, e] of keys.slice(0, st.observed)) mask[Math.floor(e / n)][e % n] = 1;
  return { target, mask };
}

export const arora2019Depth: Preset = {
  name: 'arora2019-depth',
  description:
    'Deep matrix completion (Arora, Cohen, Hu & Luo 2019): a rank-2 20×20 target from 150 of its 400 entries, GD from a small init at depth 2, 3, 4 — deeper products find lower effective rank and lower test error.',
  run: (options: PresetOptions = {}) => aroraRun(aroraSettings(options.quick === true), options),
};

/** The experiment at the given settings (the preset runs aroraSettings). */
export async function aroraRun(st: AroraSettings, options: PresetOptions = {}): Promise<PresetOutput> {
  const { target, mask } = aroraProblem(st);
  const results: DeepLinearResult[] = [];
  const total = st.depths.length * st.steps;
  for (const [i, depth] of st.depths.entries()) {
    const config: DeepLinearInput = {
      model: { kind: 'deep-linear', depth, width: st.n, init: { kind: 'gaussian', scale: st.init } },
      problem: { kind: 'completion', target: target.map((row, a) => row.map((v, b) => (mask[a][b] ? v : 0))), mask, truth: target },
      optimizer: { steps: st.steps, lr: st.lr },
      lambda: 0,
      seed: 1,
      recordEvery: Math.max(1, Math.round(st.steps / 100)),
      ...(options.precision ? { precision: options.precision } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
    };
    results.push(await run(config, { onProgress: (d) => options.onProgress?.(i * st.steps + d, total) }));
  }
  const rows = st.depths.map((depth, i) => {
    const f = results[i].final;
    return {
      depth, effectiveRank: f.effectiveRank, testError: f.testError ?? NaN, trainError: f.trainError, singularValues: f.singularValues.slice(0, 4),
      config: results[i].config, end: results[i].history[results[i].history.length - 1], // `flatmin run` of config reproduces end
    };
  });
  const decreasing = (k: 'effectiveRank' | 'testError') => rows.every((r, i) => i === 0 || r[k] < rows[i - 1][k]);
  const claims = { effectiveRankFallsWithDepth: decreasing('effectiveRank'), testErrorFallsWithDepth: decreasing('testError') };
  const yes = (b: boolean) => (b ? 'yes' : 'NO');
  const targetEffectiveRank = effectiveRankOf(singularValues(Float64Array.from(target.flat()), st.n, st.n));
  const summary = [
    `arora2019-depth: ${st.n}×${st.n} rank-${st.rank} target, ${st.observed} of ${st.n * st.n} entries observed, GD η = ${st.lr} from init std ${st.init}, ${st.steps} steps`,
    ...rows.map((r) => `  depth ${r.depth}: effective rank ${r.effectiveRank.toFixed(3)}, test error ${r.testError.toExponential(2)}, train error ${r.trainError.toExponential(2)}, σ = ${r.singularValues.map((v) => v.toPrecision(3)).join(', ')}`),
    `  (the target's own effective rank: ${targetEffectiveRank.toFixed(3)})`,
    `  deeper → lower effective rank: ${yes(claims.effectiveRankFallsWithDepth)}; deeper → lower test error: ${yes(claims.testErrorFallsWithDepth)}`,
  ].join('\n');
  const series = (key: 'effectiveRank' | 'testError') => results.map((r, i) => ({
    name: `depth ${st.depths[i]}`, x: r.history.map((h) => h.step), y: r.history.map((h) => (key === 'testError' ? h.testError ?? NaN : h.effectiveRank)),
  }));
  return {
    summary,
    json: { settings: st, claims, targetEffectiveRank, final: rows, histories: results.map((r) => r.history.map((h) => ({ step: h.step, effectiveRank: h.effectiveRank, testError: h.testError, trainError: h.trainError }))) },
    csv: {
      depth: toCsv(['depth', 'effective_rank', 'test_error', 'train_error'], rows.map((r) => [r.depth, r.effectiveRank, r.testError, r.trainError])),
    },
    svg: {
      'effective-rank': renderLinePlot({
        title: 'Deep matrix completion: effective rank of W_N ⋯ W_1', xLabel: 'step', yLabel: 'effective rank', series: series('effectiveRank'),
        hlines: [{ y: targetEffectiveRank, label: 'target' }],
      }),
      'test-error': renderLinePlot({ title: 'Deep matrix completion: error on the unobserved entries', xLabel: 'step', yLabel: 'relative test error', logY: true, series: series('testError') }),
    },
  };
}
