import { describe, expect, it } from 'vitest';
import type { FactorizationLoss } from '../../src/backends/types.js';
import { fullTargetTrace, gradient, hessianAt, hutchinsonTrace, sharpness, type TwoFactor } from '../../src/diagnostics/hessian.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { lossOfW, objective } from '../../src/problems/losses.js';
import { lcg } from '../helpers.js';

const n = 5, m = 4, r = 2;
const rnd = lcg(11);
const M = Float64Array.from({ length: n * m }, rnd);
const theta = Float64Array.from({ length: (n + m) * r }, rnd);
const LOSSES: Array<[string, FactorizationLoss, number]> = [
  ['full', { kind: 'full' }, 0],
  ['full + ridge', { kind: 'full' }, 0.3],
  ['completion', { kind: 'completion', mask: Array.from({ length: n * m }, (_, k) => (k % 3 === 0 ? 0 : 1)) }, 0],
  ['sensing + ridge', { kind: 'sensing', ...buildMeasurements('h', 30, M) }, 0.1],
];
const model = (loss: FactorizationLoss, lambda: number): TwoFactor => ({ loss: lossOfW(loss, M), lambda, n, m, r });
const grad = (f: TwoFactor, t: Float64Array) => gradient(f, t, new Float64Array(t.length));
const shifted = (t: Float64Array, v: Float64Array, h: number) => t.map((x, k) => x + h * v[k]);

describe.each(LOSSES)('%s', (_name, loss, lambda) => {
  const f = model(loss, lambda);
  it('the gradient matches central differences of the objective', () => {
    const g = grad(f, theta);
    const h = 1e-5;
    for (let k = 0; k < theta.length; k++) {
      const e = new Float64Array(theta.length);
      e[k] = 1;
      const fd = (objective(f.loss, lambda, shifted(theta, e, h), n, m, r) - objective(f.loss, lambda, shifted(theta, e, -h), n, m, r)) / (2 * h);
      expect(g[k]).toBeCloseTo(fd, 6);
    }
  });

  it('the exact Hessian-vector product matches central differences of the gradient', () => {
    const v = Float64Array.from({ length: theta.length }, lcg(3));
    const Hv = hessianAt(f, theta)(v, new Float64Array(theta.length));
    const h = 1e-5;
    const gp = grad(f, shifted(theta, v, h));
    const gm = grad(f, shifted(theta, v, -h));
    for (let k = 0; k < theta.length; k++) expect(Hv[k]).toBeCloseTo((gp[k] - gm[k]) / (2 * h), 6);
  });

  it('Hutchinson with many probes agrees with the exact trace (Σ_k e_kᵀ H e_k)', () => {
    const H = hessianAt(f, theta);
    let exact = 0;
    for (let k = 0; k < theta.length; k++) {
      const e = new Float64Array(theta.length);
      e[k] = 1;
      exact += H(e, new Float64Array(theta.length))[k];
    }
    expect(Math.abs(hutchinsonTrace(f, theta, 4000, 1) / exact - 1)).toBeLessThan(0.03);
  });
});

describe('closed forms (THEORY.md §1)', () => {
  it('tr ∇²f = n‖Y‖² + m‖X‖² (+ 2λ(n+m)r) for the full target, checked by finite differences of the gradient', () => {
    for (const lambda of [0, 0.3]) {
      const f = model({ kind: 'full' }, lambda);
      const h = 1e-5;
      let fd = 0;
      for (let k = 0; k < theta.length; k++) {
        const e = new Float64Array(theta.length);
        e[k] = 1;
        fd += (grad(f, shifted(theta, e, h))[k] - grad(f, shifted(theta, e, -h))[k]) / (2 * h);
      }
      expect(fullTargetTrace(theta, n, m, r, lambda)).toBeCloseTo(fd, 5);
    }
  });

  it('sharpness at a rank-1 global minimum is ‖x‖² + ‖y‖², whatever the balance', () => {
    const x0 = Float64Array.from({ length: 6 }, lcg(5));
    const y0 = Float64Array.from({ length: 4 }, lcg(6));
    const M1 = Float64Array.from({ length: 24 }, (_, k) => x0[Math.floor(k / 4)] * y0[k % 4]);
    for (const a of [1, 1.5, 1 / 1.5]) {
      const t = Float64Array.from([...x0.map((v) => a * v), ...y0.map((v) => v / a)]);
      const f: TwoFactor = { loss: lossOfW({ kind: 'full' }, M1), lambda: 0, n: 6, m: 4, r: 1 };
      let norms = 0;
      for (const v of t) norms += v * v;
      const s = sharpness(f, t);
      expect(s.value / norms - 1).toBeLessThan(1e-8);
      expect(s.value / norms - 1).toBeGreaterThan(-1e-8);
    }
  });
});
