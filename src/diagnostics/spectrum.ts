import type { Seed } from '../config/types.js';
import { FlatminError } from '../errors.js';
import { extremeEigenvalues, type SymOperator } from '../linalg/lanczos.js';
import { seedGaussian } from '../random/gaussian.js';
import { slq, smoothDensity } from './density.js';
import { hutchinson, hutchPlusPlus } from './trace.js';

/**
 * Curvature of any model from its Hessian-vector product: the k largest eigenvalues and the smallest
 * (block Lanczos, src/linalg/lanczos.ts), the trace (Hutch++ or Hutchinson, ./trace.ts) and the
 * eigenvalue density (stochastic Lanczos quadrature, ./density.ts). Everything is seeded: the same
 * (operator, options, seed) gives the same bits in every engine. Each part seeds its own copy of its
 * stream, so asking for one more part never changes another's numbers: the Lanczos start block from
 * "curvature-lanczos:" + seed, the trace and the density probes both from "curvature-probes:" +
 * seed — the same Rademacher vectors, so with the Hutchinson estimator the density's first moment
 * is the reported trace (to rounding: Σ_i τ_i² θ_i = vᵀHv per probe).
 */
export interface CurvatureOptions {
  /** How many of the largest eigenvalues (0 … d; default 1). */
  top?: number;
  /** The smallest eigenvalue too (default false). */
  min?: boolean;
  /** The trace with its standard error (default false). */
  trace?: boolean;
  /** The eigenvalue density by SLQ (default false). */
  density?: boolean;
  /** Trace: the matvec budget (Hutch++) or probe count (Hutchinson); density: SLQ probes (default 10). */
  probes?: number;
  /** Trace estimator (default "hutch++"). */
  estimator?: 'hutch++' | 'hutchinson';
  /** Lanczos steps per SLQ probe (default 80, capped at d). */
  lanczosSteps?: number;
  /** Density grid points (default 200). */
  gridPoints?: number;
  /** Density kernel width σ (default 1% of the spectrum's extent). */
  bandwidth?: number;
  /** Extreme eigenvalues: residual tolerance relative to max|λ| (default 1e−8; see src/linalg/lanczos.ts). */
  tol?: number;
  /** Extreme eigenvalues: cap on products (default min(d, max(500, 30·top))). */
  maxMatvecs?: number;
}

export interface Curvature {
  /** λ_max (the largest eigenvalue: the edge-of-stability sharpness, 2/η's opponent). */
  sharpness: number;
  /** The `top` largest eigenvalues, λ1 ≥ … ≥ λk. */
  top: number[];
  /** The smallest eigenvalue (with `min`). */
  min?: number;
  /** With `trace`. */
  trace?: number;
  /** The trace's standard error (NaN with a single probe). */
  traceStdErr?: number;
  /** With `density`: ∫ y dx = d, ∫ x y dx ≈ trace. */
  density?: { x: number[]; y: number[] };
  /** Whether the extreme eigenvalues met `tol` within `maxMatvecs`. */
  converged: boolean;
  /** Hessian-vector products used, all parts together. */
  matvecs: number;
}

const PATH = 'diagnostics.curvature';

function integerIn(v: unknown, name: string, lo: number, hi: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new FlatminError('TYPE', `${PATH}.${name}`, `expected ${what}, got ${JSON.stringify(v)}`);
  if (!Number.isInteger(v)) throw new FlatminError('NOT_INTEGER', `${PATH}.${name}`, `expected ${what}, got ${v}`);
  if (v < lo || v > hi) throw new FlatminError('OUT_OF_RANGE', `${PATH}.${name}`, `expected ${what}, got ${v}`);
  return v;
}

function positive(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new FlatminError('OUT_OF_RANGE', `${PATH}.${name}`, `expected a finite number > 0, got ${JSON.stringify(v)}`);
  return v;
}

/** Checks the options against the parameter count d (FlatminError naming `diagnostics.curvature.*`). */
export function validateCurvatureOptions(o: CurvatureOptions, d: number): void {
  if (!(Number.isInteger(d) && d >= 1)) throw new FlatminError('OUT_OF_RANGE', PATH, `the model has no parameters (d = ${d})`);
  if (o.top !== undefined) integerIn(o.top, 'top', 0, d, `an integer 0 … ${d} (the parameter count)`);
  if (o.probes !== undefined) {
    if (typeof o.probes === 'number' && o.probes < 1) {
      const what = o.density ? 'the density needs at least one SLQ probe' : o.trace ? 'the trace needs at least one probe' : 'at least one probe';
      throw new FlatminError('OUT_OF_RANGE', `${PATH}.probes`, `expected an integer ≥ 1 (${what}), got ${o.probes}`);
    }
    integerIn(o.probes, 'probes', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  }
  if (o.estimator !== undefined && o.estimator !== 'hutch++' && o.estimator !== 'hutchinson') {
    throw new FlatminError('OUT_OF_RANGE', `${PATH}.estimator`, `expected "hutch++" or "hutchinson", got ${JSON.stringify(o.estimator)}`);
  }
  if (o.lanczosSteps !== undefined) integerIn(o.lanczosSteps, 'lanczosSteps', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  if (o.gridPoints !== undefined) integerIn(o.gridPoints, 'gridPoints', 2, Number.MAX_SAFE_INTEGER, 'an integer ≥ 2');
  if (o.maxMatvecs !== undefined) integerIn(o.maxMatvecs, 'maxMatvecs', 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  if (o.bandwidth !== undefined) positive(o.bandwidth, 'bandwidth');
  if (o.tol !== undefined) positive(o.tol, 'tol');
}

/** The curvature report of the operator `hvp` on Rᵈ (see CurvatureOptions for defaults). */
export function curvature(op: SymOperator, d: number, options: CurvatureOptions, seed: Seed): Curvature {
  validateCurvatureOptions(options, d);
  // A non-finite product (diverged weights) would otherwise run every part to its cap on NaNs.
  const hvp: SymOperator = (v, out) => {
    op(v, out);
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(out[k])) throw new FlatminError('NOT_FINITE', PATH, `the Hessian-vector product has a non-finite entry (${out[k]} at ${k}): are the weights finite?`);
    }
  };
  const top = options.top ?? 1;
  const probes = options.probes ?? 10;
  const ext = extremeEigenvalues(hvp, d, { top: Math.max(top, 1), min: options.min ?? false, tol: options.tol, maxMatvecs: options.maxMatvecs },
    seedGaussian(`curvature-lanczos:${seed}`));
  const out: Curvature = { sharpness: ext.top[0], top: ext.top.slice(0, top), converged: ext.converged, matvecs: ext.matvecs };
  if (options.min) out.min = ext.min;
  if (options.trace) {
    const st = seedGaussian(`curvature-probes:${seed}`);
    const t = options.estimator === 'hutchinson' ? hutchinson(hvp, d, probes, st) : hutchPlusPlus(hvp, d, probes, st);
    out.trace = t.trace;
    out.traceStdErr = t.stdErr;
    out.matvecs += t.matvecs;
  }
  if (options.density) {
    const q = slq(hvp, d, probes, options.lanczosSteps ?? 80, seedGaussian(`curvature-probes:${seed}`));
    out.density = smoothDensity(q, d, { points: options.gridPoints, bandwidth: options.bandwidth });
    out.matvecs += q.matvecs;
  }
  return out;
}
