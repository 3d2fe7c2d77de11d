import type { DeepLinearConfig, FactorizationConfig, Seed } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import type { Surface } from '../diagnostics/landscape.js';
import { FlatminError } from '../errors.js';
import { deepLinearModel } from './deepLinear.js';
import { factorizationModel } from './factorization.js';

/**
 * A saved result (`flatmin run … --out RESULT.json`, or run()'s value) as a loss landscape: its
 * config's training objective, its final iterate θ* and, when it was run with
 * `diagnostics: { trajectory: true }`, the iterates it recorded. Bad results are FlatminErrors
 * naming the result's field (`prefix` tells two results apart, e.g. "--other: final.X").
 */
export interface ResultSurface {
  surface: Surface;
  kind: 'factorization' | 'deep-linear';
  /** The config's seed: what seeds the landscape's random directions. */
  seed: Seed;
  /** The final iterate [X | Y] or [W_1 | … | W_L]. */
  final: Float64Array;
  /** Each block's shape, e.g. ["10×2", "8×2"]: what two results must share to be compared. */
  shapes: string[];
  /** The recorded iterates (with diagnostics.trajectory). */
  trajectory?: { steps: number[]; thetas: Float64Array[] };
}

export function surfaceOfResult(raw: unknown, prefix = ''): ResultSurface {
  const at = (field: string) => `${prefix}${field}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FlatminError('TYPE', at('result'), 'expected a result object (what flatmin run --out writes)');
  const r = raw as Record<string, unknown>;
  if (r.config === undefined) throw new FlatminError('MISSING', at('config'), 'missing; expected the config the result was run with');
  const cfg = validateConfig(r.config);
  const final = r.final as Record<string, unknown> | undefined;
  const matrix = (v: unknown, field: string, rows: number, cols: number): number[] => {
    const shape = `${rows}×${cols}`;
    if (!Array.isArray(v) || v.length !== rows || !v.every((row) => Array.isArray(row) && row.length === cols && row.every((x) => typeof x === 'number')))
      throw new FlatminError('SHAPE', at(field), `expected the ${shape} matrix of numbers the config implies`);
    return (v as number[][]).flat();
  };
  let model: { surface: Surface };
  let parts: number[][];
  let shapes: string[];
  if (cfg.model.kind === 'symmetric') throw new FlatminError('UNKNOWN_KIND', at('kind'), 'landscapes are drawn for the two-factor and deep-linear models; not yet for "symmetric"');
  if (cfg.model.kind === 'factorization') {
    const fc = cfg as FactorizationConfig;
    const f = factorizationModel(fc);
    model = f;
    const { n, m, r: k } = f.sessionInput.model as { n: number; m: number; r: number };
    if (final?.X === undefined || final?.Y === undefined) throw new FlatminError('MISSING', at(final?.X === undefined ? 'final.X' : 'final.Y'), 'the result has no final iterate (a landscape is drawn around it)');
    parts = [matrix(final.X, 'final.X', n, k), matrix(final.Y, 'final.Y', m, k)];
    shapes = [`${n}×${k}`, `${m}×${k}`];
  } else {
    const d = deepLinearModel(cfg as DeepLinearConfig);
    model = d;
    const dims = (d.sessionInput.model as { dims: readonly number[] }).dims;
    const w = final?.weights;
    if (w === undefined) throw new FlatminError('MISSING', at('final.weights'), 'the result has no final iterate (a landscape is drawn around it)');
    if (!Array.isArray(w) || w.length !== dims.length - 1) throw new FlatminError('SHAPE', at('final.weights'), `expected ${dims.length - 1} weight matrices`);
    parts = w.map((W, l) => matrix(W, `final.weights[${l}]`, dims[l + 1], dims[l]));
    shapes = parts.map((_, l) => `${dims[l + 1]}×${dims[l]}`);
  }
  const theta = Float64Array.from(parts.flat());
  const out: ResultSurface = { surface: model.surface, kind: cfg.model.kind as 'factorization' | 'deep-linear', seed: cfg.seed, final: theta, shapes };
  const history = Array.isArray(r.history) ? (r.history as Array<{ step?: unknown; theta?: unknown }>) : [];
  if (history.length > 0 && history.every((h) => Array.isArray(h.theta))) {
    history.forEach((h, i) => {
      if ((h.theta as unknown[]).length !== theta.length) throw new FlatminError('SHAPE', at(`history[${i}].theta`), `expected ${theta.length} numbers (the iterate), got ${(h.theta as unknown[]).length}`);
    });
    out.trajectory = { steps: history.map((h) => Number(h.step)), thetas: history.map((h) => Float64Array.from(h.theta as number[])) };
  }
  return out;
}

/** Two results compare only with the same model and block shapes: else SHAPE naming the other's field. */
export function checkSameShape(a: ResultSurface, b: ResultSurface, prefix: string): void {
  if (a.kind !== b.kind) throw new FlatminError('SHAPE', `${prefix}kind`, `expected a ${a.kind} result like the first, got ${b.kind}`);
  const names = a.kind === 'factorization' ? ['final.X', 'final.Y'] : a.shapes.map((_, l) => `final.weights[${l}]`);
  if (a.shapes.length !== b.shapes.length) throw new FlatminError('SHAPE', `${prefix}final.weights`, `expected ${a.shapes.length} layers like the first result, got ${b.shapes.length}`);
  a.shapes.forEach((s, i) => {
    if (b.shapes[i] !== s) throw new FlatminError('SHAPE', `${prefix}${names[i]}`, `expected ${s} like the first result, got ${b.shapes[i]}`);
  });
}
