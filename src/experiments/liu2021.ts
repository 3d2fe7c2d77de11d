import type { FactorizationInput, InitConfig, PhaseInput } from '../config/types.js';
import { buildTarget } from '../problems/factorization.js';
import { orthonormalColumns } from '../linalg/qr.js';
import { toRows, type Matrix } from '../linalg/matrix.js';
import { gaussians } from '../random/gaussian.js';
import { seedGaussian } from '../random/gaussian.js';
import { predictFactorization, wrongMinimum } from '../theory/factorization.js';

/**
 * The headline experiment (THEORY.md §1, "What a correct implementation shows"): a 30×20 rank-3
 * target, four initializations, plain GD vs perturbed GD with the recommended schedule. GD ends
 * where its initialization points; perturbed GD forgets it and lands on the flat optimum.
 */
export const liu2021Problem = {
  kind: 'factorization' as const,
  target: { random: { n: 30, m: 20, singularValues: [3, 2, 1], seed: 'liu2021' } },
  rank: 3,
};

/** Plain GD, η 0.01, 7·10⁴ steps. */
export const gdOptimizer: PhaseInput[] = [{ steps: 70_000, lr: 0.01 }];

/** σ = 0.1 for 10⁴ steps, then 0.1 → 0.01 geometrically over 5·10⁴, then 10⁴ noiseless steps. */
export const perturbedOptimizer: PhaseInput[] = [
  { steps: 10_000, lr: 0.0025, noise: { kind: 'perturbed', sigma: 0.1 }, scale: 1 },
  { steps: 50_000, lr: 0.0025, noise: { kind: 'perturbed', sigma: 0.1 }, scale: [1, 0.1] },
  { steps: 10_000, lr: 0.0025, noise: { kind: 'perturbed', sigma: 0.1 }, scale: 0 },
];

export interface NamedInit {
  name: string;
  init: InitConfig;
}

/**
 * The four starts: X ×5 / Y ×⅕ of a balanced Gaussian, the reverse, a small init, and an exact
 * but wrong global minimum (X*G, Y*G⁻ᵀ) with G = diag(2, 1, ½)·Q, Q a random rotation.
 */
export function liu2021Inits(problem = liu2021Problem, seed: string | number = 'liu2021'): NamedInit[] {
  const { M, svd } = buildTarget(problem);
  const r = problem.rank;
  const p = predictFactorization(M, r, 1, 1, { svd });
  const Q = orthonormalColumns({ rows: r, cols: r, data: gaussians(r * r, seedGaussian(`wrong-minimum:${seed}`)) });
  const G: Matrix = { rows: r, cols: r, data: Q.data.slice() };
  for (let i = 0; i < r; i++) for (let j = 0; j < r; j++) G.data[i * r + j] *= i === 0 ? 2 : i === r - 1 ? 0.5 : 1;
  const wrong = wrongMinimum(p, G);
  return [
    { name: 'X×5, Y×⅕', init: { kind: 'gaussian', imbalance: 5 } },
    { name: 'X×⅕, Y×5', init: { kind: 'gaussian', imbalance: 0.2 } },
    { name: 'small 1e-3', init: { kind: 'small', scale: 1e-3 } },
    { name: 'wrong minimum', init: { kind: 'given', X: toRows(wrong.X), Y: toRows(wrong.Y) } },
  ];
}

/** A main-job config: the two-factor input form with its phases as a list. */
export type Liu2021Config = FactorizationInput & { optimizer: PhaseInput[] };

/** The eight configs of the main job (four inits × GD and perturbed GD). */
export function liu2021Configs(seed: string | number = 1): Array<{ init: string; method: string; config: Liu2021Config }> {
  const out: Array<{ init: string; method: string; config: Liu2021Config }> = [];
  for (const { name, init } of liu2021Inits()) {
    for (const [method, optimizer] of [['GD', gdOptimizer], ['perturbed GD', perturbedOptimizer]] as const) {
      out.push({
        init: name,
        method,
        config: { problem: structuredClone(liu2021Problem), init, optimizer: structuredClone(optimizer), seed, backend: 'wasm', precision: 'f64', recordEvery: 250 },
      });
    }
  }
  return out;
}
