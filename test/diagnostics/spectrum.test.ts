import { describe, expect, it } from 'vitest';
import { slq, smoothDensity } from '../../src/diagnostics/density.js';
import { deepLinearLoss, dlnHvpAt } from '../../src/diagnostics/dlnHvp.js';
import { hessianAt } from '../../src/diagnostics/hessian.js';
import { curvature } from '../../src/diagnostics/spectrum.js';
import { hutchinson, hutchPlusPlus, rademacher } from '../../src/diagnostics/trace.js';
import { FlatminError } from '../../src/errors.js';
import { extremeEigenvalues, type SymOperator } from '../../src/linalg/lanczos.js';
import { symEig } from '../../src/linalg/symEig.js';
import { layerOffsets } from '../../src/problems/dln.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { lossOfW } from '../../src/problems/losses.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { hex, lcg, operatorMatrix } from '../helpers.js';

const matrixOp = (a: Float64Array, d: number): SymOperator => (v, out) => {
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += a[i * d + k] * v[k];
    out[i] = s;
  }
};

function twoFactor(n: number, m: number, r: number, kind: 'full' | 'completion' | 'sensing', seed: number, atMinimum = false) {
  const rnd = lcg(seed);
  const theta = Float64Array.from({ length: (n + m) * r }, rnd);
  const M = Float64Array.from({ length: n * m }, rnd);
  if (atMinimum) {
    // M = X Yᵀ: the current point is a global minimum (G = 0), where eigenvalues repeat n − r times.
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let c = 0; c < r; c++) s += theta[i * r + c] * theta[n * r + j * r + c];
        M[i * m + j] = s;
      }
  }
  const loss = kind === 'full' ? lossOfW({ kind }, M)
    : kind === 'completion' ? lossOfW({ kind, mask: Array.from(M, (_, k) => (k % 4 === 3 ? 0 : 1)) }, M)
    : lossOfW({ kind, ...buildMeasurements(`s${seed}`, n * m, M) }, M);
  return { op: hessianAt({ loss, lambda: 0.01, n, m, r }, theta), d: theta.length };
}

function deep(dims: number[], kind: 'completion' | 'sensing', seed: number) {
  const rnd = lcg(seed);
  const size = dims[0] * dims.at(-1)!;
  const M = Float64Array.from({ length: size }, rnd);
  const mask = Float64Array.from({ length: size }, (_, k) => (k % 3 === 0 ? 0 : 1));
  const sensing = kind === 'sensing' ? buildMeasurements(`s${seed}`, size, M) : undefined;
  const d = layerOffsets(dims).at(-1)!;
  const theta = Float64Array.from({ length: d }, rnd);
  return { op: dlnHvpAt({ dims, loss: deepLinearLoss({ M, mask, sensing }), lambda: 0.02 }, theta), d };
}

const PROBLEMS: Array<[string, () => { op: SymOperator; d: number }]> = [
  ['two-factor 6×5×2, full target, at a global minimum (repeated eigenvalues)', () => twoFactor(6, 5, 2, 'full', 1, true)],
  ['two-factor 12×10×3, completion', () => twoFactor(12, 10, 3, 'completion', 2)],
  ['two-factor 5×4×2, sensing', () => twoFactor(5, 4, 2, 'sensing', 3)],
  ['deep [5, 4, 3, 5], completion', () => deep([5, 4, 3, 5], 'completion', 4)],
  ['deep [4, 3, 3, 3, 4], sensing', () => deep([4, 3, 3, 3, 4], 'sensing', 5)],
  ['deep [10, 8, 8, 10], completion', () => deep([10, 8, 8, 10], 'completion', 6)],
];

describe.each(PROBLEMS)('top and min against the dense eigensolver: %s', (_name, make) => {
  it('the 5 largest and the smallest agree to 1e−8 (relative to max|λ|)', () => {
    const { op, d } = make();
    const exact = symEig(operatorMatrix(op, d), d).values;
    const scale = Math.max(Math.abs(exact[0]), Math.abs(exact[d - 1]));
    const c = curvature(op, d, { top: 5, min: true }, 7);
    expect(c.converged).toBe(true);
    expect(c.top).toHaveLength(5);
    c.top.forEach((v, i) => expect(Math.abs(v - exact[d - 1 - i])).toBeLessThan(1e-8 * Math.max(Math.abs(exact[d - 1 - i]), 1e-3 * scale)));
    expect(Math.abs(c.min! - exact[0])).toBeLessThan(1e-8 * scale);
    expect(c.sharpness).toBe(c.top[0]);
  });
});

describe('block Lanczos', () => {
  it('finds every copy of a repeated top eigenvalue, which one Krylov vector cannot', () => {
    const d = 40;
    const diag = Float64Array.from({ length: d }, (_, i) => (i < 3 ? 10 : i < 6 ? 7 : i / d));
    const op: SymOperator = (v, out) => {
      for (let i = 0; i < d; i++) out[i] = diag[i] * v[i];
    };
    expect(extremeEigenvalues(op, d, { top: 5, min: false }, seedGaussian('b')).top).toEqual([10, 10, 10, 7, 7].map((x) => expect.closeTo(x, 12)));
    // One vector sees one copy of each distinct value.
    expect(extremeEigenvalues(op, d, { top: 1, min: false }, seedGaussian('b')).top).toEqual([expect.closeTo(10, 12)]);
  });

  it('stops before the whole space when the wanted values have converged (d = 400, well separated)', () => {
    const d = 400;
    const diag = Float64Array.from({ length: d }, (_, i) => (i < 3 ? 100 - 10 * i : (i % 50) / 50));
    const op: SymOperator = (v, out) => {
      for (let i = 0; i < d; i++) out[i] = diag[i] * v[i];
    };
    const r = extremeEigenvalues(op, d, { top: 3, min: true }, seedGaussian('c'));
    expect(r.converged).toBe(true);
    expect(r.matvecs).toBeLessThan(d / 2);
    expect(r.top).toEqual([100, 90, 80].map((x) => expect.closeTo(x, 8)));
    expect(r.min).toBeCloseTo(0, 8);
    // Under a cap too small to converge: what it has, flagged, within the cap.
    const capped = extremeEigenvalues(op, d, { top: 3, min: true, maxMatvecs: 9 }, seedGaussian('c'));
    expect(capped.converged).toBe(false);
    expect(capped.matvecs).toBeLessThanOrEqual(9);
    expect(capped.top).toHaveLength(3);
  });
});

describe('block Lanczos edge cases (a random orthogonal basis around a given spectrum)', () => {
  /** Q diag(vals) Qᵀ with Q the eigenvectors of a random symmetric matrix. */
  function withSpectrum(vals: number[], seed: number): Float64Array {
    const d = vals.length;
    const rnd = lcg(seed);
    const r = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) r[i * d + j] = r[j * d + i] = rnd();
    const Q = symEig(r, d).vectors;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += Q[i * d + k] * vals[k] * Q[j * d + k];
        a[i * d + j] = s;
      }
    return a;
  }

  it.each<[string, number[], number]>([
    ['d = 1', [3], 1],
    ['top = d = 2, indefinite', [1, -2], 2],
    ['the zero matrix', [0, 0, 0, 0], 3],
    ['rank one', [0, 0, 5, 0, 0, 0], 4],
    ['negative definite', [-1, -2, -3, -4, -5], 3],
    ['the top value 7 times, top 5', [9, 9, 9, 9, 9, 9, 9, 1, 2, 3, 0.5, 0.1, -1, 4, 4, 4], 5],
    ['top = d', [1, 2, 3, 4, 5, 6, 7], 7],
    ['a cluster 1e−6 apart', Array.from({ length: 60 }, (_, i) => 1 + 1e-6 * i), 5],
    ['the smallest value 3 times', [5, 4, 3, -2, -2, -2, 1, 0], 2],
  ])('%s', (name, vals, k) => {
    const d = vals.length;
    const H = matrixOp(withSpectrum(vals, d), d);
    const sorted = [...vals].sort((x, y) => y - x);
    const r = extremeEigenvalues(H, d, { top: k, min: true }, seedGaussian(name));
    const scale = Math.max(1, ...vals.map(Math.abs));
    expect(r.converged).toBe(true);
    expect(r.top).toHaveLength(k);
    r.top.forEach((v, i) => expect(Math.abs(v - sorted[i])).toBeLessThan(1e-8 * scale));
    expect(Math.abs(r.min! - sorted[d - 1])).toBeLessThan(1e-8 * scale);
    const c = curvature(H, d, { top: k, trace: true, density: true, probes: 3 }, 1);
    expect(c.density!.y.every(Number.isFinite)).toBe(true);
  });
});

describe('trace', () => {
  it('Hutch++ beats Hutchinson at equal matvecs on a low-rank-plus-noise matrix (mean squared error over 20 seeds)', () => {
    const d = 120;
    const rnd = lcg(17);
    const U = Float64Array.from({ length: d * 6 }, rnd);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let c = 0; c < 6; c++) s += 10 * U[i * 6 + c] * U[j * 6 + c];
        a[i * d + j] = a[j * d + i] = s + 0.05 * rnd();
      }
    let tr = 0;
    for (let i = 0; i < d; i++) tr += a[i * d + i];
    const op = matrixOp(a, d);
    let mseH = 0;
    let msePP = 0;
    for (let s = 0; s < 20; s++) {
      mseH += (hutchinson(op, d, 30, seedGaussian(`h${s}`)).trace - tr) ** 2;
      const pp = hutchPlusPlus(op, d, 30, seedGaussian(`h${s}`));
      expect(pp.matvecs).toBe(30);
      msePP += (pp.trace - tr) ** 2;
    }
    expect(msePP).toBeLessThan(mseH / 100);
    // Small budgets keep two residual probes for the error (3 matvecs: Hutchinson); one probe has none.
    for (const m of [2, 3, 4, 5]) expect(Number.isFinite(hutchPlusPlus(op, d, m, seedGaussian('m')).stdErr)).toBe(true);
    expect(hutchPlusPlus(op, d, 1, seedGaussian('m')).stdErr).toBeNaN();
  });

  it('the standard error matches the spread of the estimates across seeds (within a factor 2)', () => {
    const { op, d } = deep([5, 4, 3, 5], 'completion', 4);
    const est = Array.from({ length: 30 }, (_, s) => hutchinson(op, d, 20, seedGaussian(`e${s}`)));
    const mean = est.reduce((t, e) => t + e.trace, 0) / est.length;
    const spread = Math.sqrt(est.reduce((t, e) => t + (e.trace - mean) ** 2, 0) / (est.length - 1));
    const stdErr = est.reduce((t, e) => t + e.stdErr, 0) / est.length;
    expect(stdErr / spread).toBeGreaterThan(0.5);
    expect(stdErr / spread).toBeLessThan(2);
  });
});

describe('density by stochastic Lanczos quadrature', () => {
  const { op, d } = deep([5, 4, 3, 5], 'completion', 4);

  it('per probe the weights sum to 1 and Σ wθ = vᵀHv: mass d, first moment = Hutchinson with the same probes', () => {
    const q = slq(op, d, 6, 20, seedGaussian('q'));
    const hutch = hutchinson(op, d, 6, seedGaussian('q'));
    q.probes.forEach(({ nodes, weights }, j) => {
      expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 13);
      let m1 = 0;
      for (let i = 0; i < nodes.length; i++) m1 += weights[i] * nodes[i];
      expect(Math.abs(d * m1 - hutch.samples[j])).toBeLessThan(1e-12 * Math.abs(hutch.samples[j]) + 1e-12);
    });
    // The smoothed density on its grid: trapezoid mass d and mean trace/d, to 1e−6.
    const { x, y } = smoothDensity(q, d);
    let mass = 0;
    let first = 0;
    for (let g = 1; g < x.length; g++) {
      const h = x[g] - x[g - 1];
      mass += (h * (y[g] + y[g - 1])) / 2;
      first += (h * (x[g] * y[g] + x[g - 1] * y[g - 1])) / 2;
    }
    expect(Math.abs(mass / d - 1)).toBeLessThan(1e-6);
    expect(Math.abs(first / hutch.trace - 1)).toBeLessThan(1e-6);
  });

  it('with d steps the nodes are the exact eigenvalues and the weights the probe\'s squared coordinates', () => {
    const exact = symEig(operatorMatrix(op, d), d);
    const q = slq(op, d, 1, d, seedGaussian('full'));
    const v = rademacher(new Float64Array(d), seedGaussian('full')).map((x) => x / Math.sqrt(d)); // the same probe, unit
    const { nodes, weights } = q.probes[0];
    const scale = Math.abs(exact.values[d - 1]);
    let carried = 0;
    for (let i = 0; i < nodes.length; i++) {
      if (weights[i] < 1e-12) continue;
      // The probe's energy on the eigenvectors whose eigenvalue is this node (ties summed).
      let energy = 0;
      let matched = 0;
      for (let k = 0; k < d; k++) {
        if (Math.abs(exact.values[k] - nodes[i]) > 1e-9 * scale) continue;
        matched++;
        let p = 0;
        for (let j = 0; j < d; j++) p += exact.vectors[j * d + k] * v[j];
        energy += p * p;
      }
      expect(matched).toBeGreaterThan(0);
      expect(weights[i]).toBeCloseTo(energy, 9);
      carried += weights[i];
    }
    expect(carried).toBeCloseTo(1, 10);
  });
});

describe('curvature()', () => {
  const { op, d } = twoFactor(12, 10, 3, 'completion', 2);
  const all = { top: 3, min: true, trace: true, density: true, probes: 6, lanczosSteps: 15 };

  it('the same seed gives the same bits; another seed other probes (and the same extremes, converged)', () => {
    const a = curvature(op, d, all, 1);
    const b = curvature(op, d, all, 1);
    const c = curvature(op, d, all, 2);
    const bits = (r: typeof a) => hex(Float64Array.from([...r.top, r.min!, r.trace!, r.traceStdErr!, ...r.density!.x, ...r.density!.y]));
    expect(bits(b)).toBe(bits(a));
    expect(c.trace).not.toBe(a.trace);
    c.top.forEach((v, i) => expect(v).toBeCloseTo(a.top[i], 8));
    expect(a.matvecs).toBeGreaterThan(6 * 15);
  });

  it('with the Hutchinson estimator the density\'s first moment is the reported trace (same probes)', () => {
    const r = curvature(op, d, { trace: true, density: true, probes: 5, estimator: 'hutchinson', lanczosSteps: 12 }, 9);
    const { x, y } = r.density!;
    let first = 0;
    for (let g = 1; g < x.length; g++) first += ((x[g] - x[g - 1]) * (x[g] * y[g] + x[g - 1] * y[g - 1])) / 2;
    expect(Math.abs(first / r.trace! - 1)).toBeLessThan(1e-6);
    expect(Number.isFinite(r.traceStdErr)).toBe(true);
  });

  it('trace is near the exact one within a few standard errors; density mass is d', () => {
    const exact = symEig(operatorMatrix(op, d), d).values.reduce((s, v) => s + v, 0);
    const r = curvature(op, d, { trace: true, density: true, probes: 30 }, 5);
    expect(Math.abs(r.trace! - exact)).toBeLessThan(4 * r.traceStdErr! + 1e-9 * Math.abs(exact));
    const { x, y } = r.density!;
    let mass = 0;
    for (let g = 1; g < x.length; g++) mass += ((x[g] - x[g - 1]) * (y[g] + y[g - 1])) / 2;
    expect(mass / d).toBeCloseTo(1, 6);
  });

  it('a non-finite product → FlatminError NOT_FINITE, not a run to the cap on NaNs', () => {
    let calls = 0;
    const nan: SymOperator = (v, out) => {
      calls++;
      out.fill(NaN);
    };
    expect(() => curvature(nan, 10, { top: 2 }, 0)).toThrow(expect.objectContaining({ code: 'NOT_FINITE', path: 'diagnostics.curvature' }));
    expect(calls).toBe(1);
  });

  it.each<[string, object, string]>([
    ['top larger than the parameter count', { top: 1000 }, 'diagnostics.curvature.top'],
    ['a fractional top', { top: 1.5 }, 'diagnostics.curvature.top'],
    ['zero probes', { trace: true, probes: 0 }, 'diagnostics.curvature.probes'],
    ['a density with no probes', { density: true, probes: 0 }, 'diagnostics.curvature.probes'],
    ['an unknown estimator', { trace: true, estimator: 'hutch' }, 'diagnostics.curvature.estimator'],
    ['a zero bandwidth', { density: true, bandwidth: 0 }, 'diagnostics.curvature.bandwidth'],
  ])('%s → FlatminError at the option', (_n, opts, path) => {
    let err: unknown;
    try {
      curvature(op, d, opts, 0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlatminError);
    expect((err as FlatminError).path).toBe(path);
  });
});
