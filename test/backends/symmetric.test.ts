import { describe, expect, it } from 'vitest';
import type { DataLoss, SessionInput } from '../../src/backends/types.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { allBackends, lcg } from '../helpers.js';

// The symmetric model W = X Xᵀ: one plain GD step is X − η (R + Rᵀ) X with R = ∂ℓ/∂W, checked
// against that formula written out in f64 for every loss (the bit-identity of the backends is
// test/backends/session.test.ts's).

const n = 5;
const k = 2;

function xxt(X: Float64Array): Float64Array {
  const W = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let c = 0; c < k; c++) W[i * n + j] += X[i * k + c] * X[j * k + c];
  return W;
}

/** ∂ℓ/∂W for each loss, written out. */
function residual(loss: Exclude<DataLoss, { kind: 'factored' }>, W: Float64Array): Float64Array {
  const R = new Float64Array(n * n);
  if (loss.kind === 'full') for (let e = 0; e < n * n; e++) R[e] = W[e] - loss.M[e];
  else if (loss.kind === 'completion') {
    const obs = Array.from(loss.mask).filter((v) => v !== 0).length;
    for (let e = 0; e < n * n; e++) R[e] = loss.mask[e] !== 0 ? (2 / obs) * (W[e] - loss.M[e]) : 0;
  } else {
    const N = loss.y.length;
    for (let i = 0; i < N; i++) {
      let r = -loss.y[i];
      for (let e = 0; e < n * n; e++) r += loss.A[i * n * n + e] * W[e];
      for (let e = 0; e < n * n; e++) R[e] += r * loss.A[i * n * n + e];
    }
  }
  return R;
}

describe.each(allBackends)('%s backend, symmetric model X Xᵀ', (_name, backend) => {
  it.each(['full', 'completion', 'sensing'] as const)('%s: one GD step is X − η (R + Rᵀ) X, to 1e-13', async (kind) => {
    const be = await backend();
    const rnd = lcg(17);
    const X0 = Float64Array.from({ length: n * k }, () => rnd());
    const G = Float64Array.from({ length: n * 2 }, () => rnd());
    const M = new Float64Array(n * n); // PSD target G Gᵀ
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) M[i * n + j] = G[i * 2] * G[j * 2] + G[i * 2 + 1] * G[j * 2 + 1];
    const loss: DataLoss = kind === 'full' ? { kind, M }
      : kind === 'completion' ? { kind, M, mask: Array.from({ length: n * n }, (_, e) => (e % 4 === 0 ? 0 : 1)) }
        : { kind, ...buildMeasurements('sym', 30, M) };
    const input: SessionInput = { model: { kind: 'symmetric', n, k }, precision: 'f64', loss, lambda: 0, theta: X0, rng: seedGaussian(1) };
    const s = be.session(input);
    const lr = 0.01;
    s.run(1, { lr, scale: 1, scaleMul: 1 });
    const R = residual(loss, xxt(X0));
    const want = Float64Array.from(X0, (x, e) => {
      const [i, c] = [Math.floor(e / k), e % k];
      let g = 0;
      for (let j = 0; j < n; j++) g += (R[i * n + j] + R[j * n + i]) * X0[j * k + c];
      return x - lr * g;
    });
    const got = s.theta();
    for (let e = 0; e < n * k; e++) expect(got[e]).toBeCloseTo(want[e], 13);
    const W = s.endToEnd();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(W[i * n + j]).toBe(W[j * n + i]); // W = XXᵀ is exactly symmetric
    s.dispose();
  });

  it('rejects a bad shape naming the field', async () => {
    const be = await backend();
    const input: SessionInput = { model: { kind: 'symmetric', n: 3, k: 0 }, precision: 'f64', loss: { kind: 'full', M: new Float64Array(9) }, lambda: 0, theta: new Float64Array(0), rng: seedGaussian(1) };
    expect(() => be.session(input)).toThrow(expect.objectContaining({ path: 'model.k' }));
  });
});
