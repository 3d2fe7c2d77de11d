import { describe, expect, it } from 'vitest';
import { dlnCurvature, dlnHessianAt, dlnSpectrum, type DlnObjective } from '../../src/diagnostics/dlnCurvature.js';
import { fullTargetTrace } from '../../src/diagnostics/hessian.js';
import { singularValues } from '../../src/diagnostics/rank.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { lcg, operatorMatrix } from '../helpers.js';

function objective(dims: number[], seed: number, mask: 'full' | 'half', lambda: number): { f: DlnObjective; theta: Float64Array } {
  const rnd = lcg(seed);
  const size = dims[0] * dims.at(-1)!;
  const f = {
    dims, lambda,
    M: Float64Array.from({ length: size }, rnd),
    mask: Array.from({ length: size }, (_, k) => (mask === 'full' || k % 2 === 0 ? 1 : 0)),
  };
  return { f, theta: Float64Array.from({ length: layerOffsets(dims).at(-1)! }, () => 0.8 * rnd()) };
}

describe('deep-linear curvature (exact Hessian-vector products)', () => {
  // Depth 2 with a full mask is the two-factor model X Yᵀ with X = W_2 (n×w), Y = W_1ᵀ (m×w), and
  // the loss (1/nm)‖A − M‖² = (2/nm)·½‖XYᵀ − M‖²: tr ∇²f = (2/nm)(n‖Y‖² + m‖X‖²) + 2λ·#weights.
  it('depth 2, full mask: the trace is the two-factor closed form, scaled by 2/nm', () => {
    const [m, w, n] = [6, 3, 5];
    const lambda = 0.01;
    const { f, theta } = objective([m, w, n], 1, 'full', lambda);
    const W1 = theta.subarray(0, w * m);
    const W2 = theta.subarray(w * m);
    const Y = new Float64Array(m * w);
    for (let i = 0; i < w; i++) for (let j = 0; j < m; j++) Y[j * w + i] = W1[i * m + j];
    const exact = (2 / (n * m)) * fullTargetTrace(Float64Array.from([...W2, ...Y]), n, m, w) + 2 * lambda * theta.length;
    // Every diagonal entry by a unit probe: checks the products themselves (exact: to rounding).
    const H = dlnHessianAt(f, theta);
    const e = new Float64Array(theta.length);
    const He = new Float64Array(theta.length);
    let diag = 0;
    for (let k = 0; k < theta.length; k++) {
      e.fill(0);
      e[k] = 1;
      diag += H(e, He)[k];
    }
    expect(Math.abs(diag / exact - 1)).toBeLessThan(1e-13);
    // Hutchinson: unbiased, within a few % at 2000 probes on 33 weights.
    expect(Math.abs(dlnCurvature(f, theta, { probes: 2000, seed: 3 }).trace / exact - 1)).toBeLessThan(0.03);
  });

  it('depth 3, half observed: sharpness is the top |eigenvalue| of the dense Hessian', () => {
    const { f, theta } = objective([3, 2, 2, 3], 2, 'half', 0.02);
    const P = theta.length;
    const dense = operatorMatrix(dlnHessianAt(f, theta), P);
    // Symmetric: the top singular value is the largest |eigenvalue|.
    const top = singularValues(dense, P, P)[0];
    const c = dlnCurvature(f, theta, { probes: 1, maxIterations: 5000 });
    expect(Math.abs(Math.abs(c.sharpness) / top - 1)).toBeLessThan(1e-5);
    // The Lanczos report agrees with the dense spectrum to 1e−8.
    const s = dlnSpectrum(f, theta, { top: 2, min: true }, 1);
    expect(Math.abs(Math.max(s.top[0], -s.min!) / top - 1)).toBeLessThan(1e-8);
  });

  it('sensing: the curvature is computed (the same products with the sensing loss), not rejected', () => {
    const { f, theta } = objective([3, 2, 3], 4, 'full', 0);
    const sensing = buildMeasurements('c', 12, f.M);
    const withSensing = { ...f, sensing };
    const H = dlnHessianAt(withSensing, theta);
    const P = theta.length;
    const e = new Float64Array(P);
    const col = new Float64Array(P);
    let diag = 0;
    for (let k = 0; k < P; k++) {
      e.fill(0);
      e[k] = 1;
      diag += H(e, col)[k];
    }
    const c = dlnSpectrum(withSensing, theta, { top: 1, trace: true, probes: 3000, estimator: 'hutchinson' }, 2);
    expect(Math.abs(c.trace! - diag)).toBeLessThan(4 * c.traceStdErr!);
    // A different operator from the completion one on the same weights.
    expect(dlnSpectrum(f, theta, { top: 1 }, 2).sharpness).not.toBeCloseTo(c.sharpness, 3);
  });
});
