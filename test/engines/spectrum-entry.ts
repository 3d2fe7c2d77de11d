/**
 * Bundled by spectrum.test.ts and run in several engines: full curvature reports (top, min, trace ±
 * error, density) of a deep sensing model and a two-factor completion model on the reference
 * products, reduced to an FNV-1a hash of their f64 bytes.
 */
import { deepLinearLoss, dlnHvpAt } from '../../src/diagnostics/dlnHvp.js';
import { hessianAt } from '../../src/diagnostics/hessian.js';
import { curvature } from '../../src/diagnostics/spectrum.js';
import { buildMeasurements } from '../../src/problems/measurements.js';
import { lossOfW } from '../../src/problems/losses.js';
import { gaussians, seedGaussian } from '../../src/random/gaussian.js';

export function main(): { values: number; hash: string } {
  const st = seedGaussian('engines');
  const dims = [8, 6, 6, 8];
  const M = gaussians(64, st);
  const mask = Float64Array.from(M, (_, k) => (k % 3 ? 1 : 0));
  const theta = gaussians(48 + 36 + 48, st).map((x) => 0.5 * x);
  const opts = { top: 4, min: true, trace: true, density: true, probes: 5, lanczosSteps: 30 };
  const deep = dlnHvpAt({ dims, loss: deepLinearLoss({ M, mask, sensing: buildMeasurements('e', 50, M) }), lambda: 0.01 }, theta);
  const a = curvature(deep, theta.length, opts, 3);
  const t2 = gaussians((12 + 10) * 3, st);
  const M2 = gaussians(120, st);
  const loss = lossOfW({ kind: 'completion', mask: Float64Array.from(M2, (_, k) => (k % 4 ? 1 : 0)) }, M2);
  const b = curvature(hessianAt({ loss, lambda: 0, n: 12, m: 10, r: 3 }, t2), t2.length, opts, 4);
  const vals = [a, b].flatMap((r) => [...r.top, r.min!, r.trace!, r.traceStdErr!, ...r.density!.x, ...r.density!.y]);
  let h = 0x811c9dc5;
  for (const x of new Uint8Array(Float64Array.from(vals).buffer)) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return { values: vals.length, hash: h.toString(16).padStart(8, '0') };
}
