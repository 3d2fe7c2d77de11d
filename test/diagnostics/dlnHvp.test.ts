import { describe, expect, it } from 'vitest';
import { dlnGradient } from '../../src/backends/reference/dlnGradient.js';
import { deepLinearLoss, dlnGradientAt, dlnHvpAt, dlnObjective, type DeepLinear } from '../../src/diagnostics/dlnHvp.js';
import { hessianAt } from '../../src/diagnostics/hessian.js';
import { layerOffsets, observedIndices } from '../../src/problems/dln.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { lossOfW } from '../../src/problems/losses.js';
import { lcg } from '../helpers.js';

type Kind = 'completion' | 'sensing' | 'full';

function model(dims: number[], kind: Kind, lambda: number, seed: number) {
  const rnd = lcg(seed);
  const size = dims[0] * dims.at(-1)!;
  const M = Float64Array.from({ length: size }, rnd);
  const mask = Float64Array.from({ length: size }, (_, k) => (k % 3 === 1 ? 0 : 1));
  const sensing = kind === 'sensing' ? buildMeasurements(`t${seed}`, 2 * size, M) : undefined;
  const loss = kind === 'full' ? lossOfW({ kind: 'full' }, M) : deepLinearLoss({ M, mask, sensing });
  const f: DeepLinear = { dims, loss, lambda };
  const theta = Float64Array.from({ length: layerOffsets(dims).at(-1)! }, () => 0.9 * rnd());
  return { f, theta, M, mask, sensing };
}

const relErr = (a: Float64Array, b: Float64Array) => {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
};

const CASES: Array<[string, number[], Kind, number]> = [
  ['depth 2, completion', [4, 3, 5], 'completion', 0],
  ['depth 3, completion + ridge', [4, 3, 2, 5], 'completion', 0.05],
  ['depth 3, sensing', [3, 4, 3, 4], 'sensing', 0],
  ['depth 4, full + ridge', [3, 2, 4, 2, 3], 'full', 0.1],
];

describe.each(CASES)('deep-linear exact derivatives: %s', (_name, dims, kind, lambda) => {
  const { f, theta, M, mask, sensing } = model(dims, kind, lambda, dims.length * 7 + dims[1]);
  const P = theta.length;
  const grad = (t: Float64Array) => dlnGradientAt(f, t, new Float64Array(P));
  const shifted = (v: Float64Array, h: number) => theta.map((x, k) => x + h * v[k]);

  it('the gradient matches central differences of the objective (and the reference step\'s gradient)', () => {
    const g = grad(theta);
    const h = 1e-6;
    const fd = new Float64Array(P);
    for (let k = 0; k < P; k++) {
      const e = new Float64Array(P);
      e[k] = 1;
      fd[k] = (dlnObjective(f, shifted(e, h)) - dlnObjective(f, shifted(e, -h))) / (2 * h);
    }
    expect(relErr(g, fd)).toBeLessThan(1e-7);
    if (kind !== 'full') {
      const ref = new Float64Array(P);
      const batch = sensing ? Int32Array.from(sensing.y, (_, i) => i) : observedIndices(mask);
      dlnGradient(dims, M, sensing).dataGradient(theta, batch, 0, batch.length, ref);
      for (let k = 0; k < P; k++) ref[k] += 2 * lambda * theta[k];
      expect(relErr(g, ref)).toBeLessThan(1e-13);
    }
  });

  it('H·v matches central differences of the exact gradient to 1e−6 relative, along random directions', () => {
    const Hv = dlnHvpAt(f, theta);
    for (const s of [1, 2, 3]) {
      const v = Float64Array.from({ length: P }, lcg(100 + s));
      const exact = Hv(v, new Float64Array(P));
      const h = 1e-5;
      const gp = grad(shifted(v, h));
      const gm = grad(shifted(v, -h));
      const fd = gp.map((x, k) => (x - gm[k]) / (2 * h));
      expect(relErr(exact, fd)).toBeLessThan(1e-6);
    }
  });

  it('the dense Hessian built from products is symmetric to rounding, and linear in v', () => {
    const Hv = dlnHvpAt(f, theta);
    const dense = new Float64Array(P * P);
    const e = new Float64Array(P);
    const col = new Float64Array(P);
    let big = 0;
    for (let k = 0; k < P; k++) {
      e.fill(0);
      e[k] = 1;
      Hv(e, col);
      for (let i = 0; i < P; i++) {
        dense[i * P + k] = col[i];
        big = Math.max(big, Math.abs(col[i]));
      }
    }
    for (let i = 0; i < P; i++) for (let k = 0; k < i; k++) expect(Math.abs(dense[i * P + k] - dense[k * P + i])).toBeLessThan(1e-13 * big);
    // H·v = Σ_k v_k H e_k.
    const v = Float64Array.from({ length: P }, lcg(9));
    const viaDense = new Float64Array(P);
    for (let i = 0; i < P; i++) for (let k = 0; k < P; k++) viaDense[i] += dense[i * P + k] * v[k];
    expect(relErr(Hv(v, new Float64Array(P)), viaDense)).toBeLessThan(1e-13);
  });
});

describe('depth 2 is the two-factor model', () => {
  it.each(['completion', 'sensing', 'full'] as const)('%s: dlnHvpAt equals hessian.ts\'s exact two-factor product under X = W_2, Y = W_1ᵀ', (kind) => {
    const [m, w, n] = [5, 3, 4];
    const { f, theta } = model([m, w, n], kind, 0.07, 3);
    // θ = [W_1 (w×m) | W_2 (n×w)]; θ_tf = [X | Y] with X = W_2 (n×w), Y = W_1ᵀ (m×w): a permutation of θ.
    const perm: number[] = [];
    for (let k = 0; k < n * w; k++) perm.push(w * m + k);
    for (let j = 0; j < m; j++) for (let i = 0; i < w; i++) perm.push(i * m + j);
    const toTf = (x: Float64Array) => Float64Array.from(perm, (p) => x[p]);
    const tf = hessianAt({ loss: f.loss, lambda: f.lambda, n, m, r: w }, toTf(theta));
    const deep = dlnHvpAt(f, theta);
    const v = Float64Array.from({ length: theta.length }, lcg(4));
    const a = toTf(deep(v, new Float64Array(v.length)));
    const b = tf(toTf(v), new Float64Array(v.length));
    expect(relErr(a, b)).toBeLessThan(1e-14);
  });
});
