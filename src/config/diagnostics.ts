import { checkKeys, describe, fail, integer, object } from './checks.js';
import type { CurvatureConfig, DiagnosticsConfig } from './types.js';

/**
 * `diagnostics` of either model: `{ curvature?, probes?, trajectory? }` (src/config/types.ts
 * DiagnosticsConfig). `params` is the model's parameter count (`top` may not exceed it),
 * `recordEvery` the validated recording interval (`every` must be a multiple of it, so the spectra
 * land on recordings), `legacy` whether the 0.1 form `curvature: true, probes` is accepted (deep model).
 *
 * The bounds are checked here, where the config's field paths are known; src/diagnostics/spectrum.ts
 * checks the same bounds again for direct callers of `curvature()`.
 */
export function validateDiagnostics(raw: unknown, ctx: { params: number; recordEvery: number; legacy: boolean }): DiagnosticsConfig {
  const path = 'diagnostics';
  const forms = ctx.legacy ? '{ curvature: { top, min, trace, density, probes, every }, trajectory } (or the 0.1 form { curvature: true, probes })' : '{ curvature: { top, min, trace, density, probes, every }, trajectory }';
  const o = object(raw, path, forms);
  checkKeys(o, path, KEYS);
  const out: DiagnosticsConfig = {};
  if (o.trajectory !== undefined) out.trajectory = bool(o.trajectory, `${path}.trajectory`);
  const c = o.curvature;
  if (typeof c === 'boolean') {
    if (!ctx.legacy) fail('TYPE', `${path}.curvature`, `expected an object { top?, min?, trace?, density?, probes?, every? }, got ${c}`);
    out.curvature = c;
    out.probes = o.probes === undefined ? 10 : probesIn(o.probes, `${path}.probes`);
    return out;
  }
  if (o.probes !== undefined) fail('TYPE', `${path}.probes`, 'goes with the 0.1 form curvature: true; with a curvature object write diagnostics.curvature.probes');
  if (c !== undefined) out.curvature = validateCurvature(c, ctx);
  return out;
}

const KEYS = ['curvature', 'probes', 'trajectory'] as const;
const CURVATURE_KEYS = ['top', 'min', 'trace', 'density', 'probes', 'every'] as const;

function validateCurvature(raw: unknown, ctx: { params: number; recordEvery: number }): CurvatureConfig {
  const path = 'diagnostics.curvature';
  const o = object(raw, path, '{ top?, min?, trace?, density?, probes?, every? }');
  checkKeys(o, path, CURVATURE_KEYS);
  const out: CurvatureConfig = {};
  if (o.top !== undefined) {
    const top = integer(o.top, `${path}.top`, 0);
    if (top > ctx.params) fail('OUT_OF_RANGE', `${path}.top`, `expected at most the parameter count ${ctx.params}, got ${top}`);
    out.top = top;
  }
  for (const k of ['min', 'trace', 'density'] as const) if (o[k] !== undefined) out[k] = bool(o[k], `${path}.${k}`);
  if (o.probes !== undefined) {
    if (typeof o.probes === 'number' && o.probes < 1) {
      const why = out.density ? 'the density needs at least one SLQ probe' : out.trace ? 'the trace needs at least one probe' : 'at least one probe';
      fail('OUT_OF_RANGE', `${path}.probes`, `expected an integer ≥ 1 (${why}), got ${o.probes}`);
    }
    out.probes = probesIn(o.probes, `${path}.probes`);
  }
  if (o.every !== undefined) {
    const every = integer(o.every, `${path}.every`, 1);
    if (every % ctx.recordEvery !== 0)
      fail('OUT_OF_RANGE', `${path}.every`, `expected a multiple of recordEvery (${ctx.recordEvery}) so the spectra land on recordings, got ${every}`);
    out.every = every;
  }
  return out;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail('TYPE', path, `expected true or false, got ${describe(v)}`);
  return v;
}

/** More probes than this buys no accuracy worth the time (the trace's stderr falls as 1/√probes). */
export const MAX_PROBES = 1000;

/** Each probe is Lanczos steps or an HVP per recording: an unbounded count is an unbounded run (the CLI fuzz hung on 2^53). */
function probesIn(v: unknown, path: string): number {
  const probes = integer(v, path, 1);
  if (probes > MAX_PROBES) fail('OUT_OF_RANGE', path, `expected an integer in [1, ${MAX_PROBES}], got ${probes}`);
  return probes;
}
