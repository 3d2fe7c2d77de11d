import { FlatminError } from '../errors.js';
import { layerOffsets } from '../problems/dln.js';
import { batchUniverse } from '../problems/losses.js';
import { validateSparseMeasurements } from '../problems/measurements.js';
import { observedOf, validateObserved } from './sparse.js';
import { noiseKinds, type DataLoss, type ModelShape, type SessionInput, type SessionStepParams } from './types.js';

/**
 * What both backends derive from a SessionInput the same way (so they allocate, batch and fail
 * alike): the parameter blocks, the end-to-end shape, the batch universe, and the typed checks of
 * an input and of one run's parameters. Paths name the SessionInput / SessionStepParams field.
 */

/** Block boundaries in θ: two-factor [0, nr, (n+m)r]; symmetric [0, nk]; deep [0, |W_1|, |W_1|+|W_2|, …]. */
export function blocksOf(model: ModelShape): number[] {
  if (model.kind === 'factorization') return [0, model.n * model.r, (model.n + model.m) * model.r];
  if (model.kind === 'symmetric') return [0, model.n * model.k];
  return layerOffsets(model.dims);
}

/** Rows × cols of the end-to-end matrix W (n×m, or d_L × d_0). */
export function endToEndShape(model: ModelShape): { rows: number; cols: number } {
  if (model.kind === 'factorization') return { rows: model.n, cols: model.m };
  if (model.kind === 'symmetric') return { rows: model.n, cols: model.n };
  return { rows: model.dims[model.dims.length - 1], cols: model.dims[0] };
}

/** What minibatches are drawn from: observed flat indices (ascending) or measurement numbers; empty for `full`. */
export function universeOf(loss: DataLoss): Int32Array {
  if (loss.kind === 'factored') return new Int32Array(0);
  if (loss.kind === 'completion') return observedOf(loss).index;
  return batchUniverse(loss);
}

/**
 * The target as the step reads it: completion's unobserved entries are 0 (they may be anything,
 * NaN included, and are never data). Zero changes no bit of a finite run: the two-factor model's
 * dense completion form multiplies them by a weight 0, and ±0 adds nothing to the sums after it.
 */
export function stepTarget(loss: Extract<DataLoss, { kind: 'full' | 'completion' }>): Float64Array {
  if (loss.kind === 'full') return loss.M;
  return Float64Array.from(loss.M, (v, k) => (loss.mask[k] !== 0 ? v : 0));
}

/** Whether the session keeps an epoch sampler: some phase may ask for a minibatch. */
export function hasSampler(input: Pick<SessionInput, 'loss' | 'maxBatch'>): boolean {
  return input.maxBatch !== undefined && input.loss.kind !== 'full';
}

const int = (v: number, path: string, min: number) => {
  if (!Number.isInteger(v)) throw new FlatminError('NOT_INTEGER', path, `expected an integer ≥ ${min}, got ${v}`);
  if (v < min) throw new FlatminError('OUT_OF_RANGE', path, `expected an integer ≥ ${min}, got ${v}`);
};
const finite = (a: ArrayLike<number>, path: string) => {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k])) throw new FlatminError('NOT_FINITE', `${path}[${k}]`, `expected a finite number, got ${a[k]}`);
};
const length = (a: ArrayLike<number>, want: number, path: string, what: string) => {
  if (a.length !== want) throw new FlatminError('SHAPE', path, `expected ${what} = ${want} entries, got ${a.length}`);
};

export function validateSessionInput(input: SessionInput): void {
  const { model, loss } = input;
  if (model.kind === 'factorization') {
    int(model.n, 'model.n', 1);
    int(model.m, 'model.m', 1);
    int(model.r, 'model.r', 1);
  } else if (model.kind === 'symmetric') {
    int(model.n, 'model.n', 1);
    int(model.k, 'model.k', 1);
  } else if (model.kind === 'deep-linear') {
    if (!Array.isArray(model.dims) || model.dims.length < 3) {
      throw new FlatminError('OUT_OF_RANGE', 'model.dims', `depth must be ≥ 2 (dims = [d_in, widths…, d_out] needs ≥ 3 entries), got ${Array.isArray(model.dims) ? model.dims.length - 1 : 'no dims'}`);
    }
    model.dims.forEach((d, l) => int(d, `model.dims[${l}]`, 1));
  } else {
    throw new FlatminError('UNKNOWN_KIND', 'model.kind', `expected "factorization", "deep-linear" or "symmetric", got ${JSON.stringify((model as { kind: unknown }).kind)}`);
  }
  if (input.precision !== 'f64' && input.precision !== 'f32') {
    throw new FlatminError('UNKNOWN_KIND', 'precision', `expected "f64" or "f32", got ${JSON.stringify(input.precision)}`);
  }
  const { rows, cols } = endToEndShape(model);
  const nm = rows * cols;
  const shape = `${rows}×${cols}`;
  if (loss.kind === 'full') {
    length(loss.M, nm, 'loss.M', shape);
    finite(loss.M, 'loss.M');
  } else if (loss.kind === 'completion' && loss.observed) {
    validateObserved(loss.observed, rows, cols, 'loss.observed');
    length(loss.M, 0, 'loss.M', 'none (the observed lists are the data)');
    length(loss.mask, 0, 'loss.mask', 'none (the observed lists are the data)');
  } else if (loss.kind === 'completion') {
    length(loss.M, nm, 'loss.M', shape);
    length(loss.mask, nm, 'loss.mask', shape);
    if (universeOf(loss).length === 0) throw new FlatminError('OUT_OF_RANGE', 'loss.mask', 'no observed entry: the loss would be empty');
    for (let k = 0; k < nm; k++) {
      if (loss.mask[k] !== 0 && !Number.isFinite(loss.M[k])) throw new FlatminError('NOT_FINITE', `loss.M[${k}]`, `an observed entry must be finite, got ${loss.M[k]}`);
    }
  } else if (loss.kind === 'sensing') {
    if (loss.y.length < 1) throw new FlatminError('OUT_OF_RANGE', 'loss.y', 'no measurement: the loss would be empty');
    if (loss.sparse) {
      length(loss.A, 0, 'loss.A', 'none (loss.sparse holds the measurements)');
      validateSparseMeasurements(loss.sparse, loss.y.length, nm, 'loss.sparse');
    } else {
      length(loss.A, loss.y.length * nm, 'loss.A', `${loss.y.length} matrices of ${shape}`);
      finite(loss.A, 'loss.A');
    }
    finite(loss.y, 'loss.y');
  } else if (loss.kind === 'factored') {
    if (model.kind !== 'factorization') throw new FlatminError('UNKNOWN_KIND', 'loss.kind', `a factored target is for the two-factor model, not "${model.kind}"`);
    int(loss.k, 'loss.k', 1);
    length(loss.A, rows * loss.k, 'loss.A', `n×k = ${rows}×${loss.k}`);
    length(loss.B, cols * loss.k, 'loss.B', `m×k = ${cols}×${loss.k}`);
    finite(loss.A, 'loss.A');
    finite(loss.B, 'loss.B');
    if (input.labelNoise) throw new FlatminError('USAGE', 'labelNoise', 'label noise perturbs the entries of M, which a factored target never forms; use a dense target for label noise');
  } else {
    throw new FlatminError('UNKNOWN_KIND', 'loss.kind', `expected "full", "completion", "sensing" or "factored", got ${JSON.stringify((loss as { kind: unknown }).kind)}`);
  }
  if (!Number.isFinite(input.lambda)) throw new FlatminError('NOT_FINITE', 'lambda', `expected a finite number ≥ 0, got ${input.lambda}`);
  if (input.lambda < 0) throw new FlatminError('OUT_OF_RANGE', 'lambda', `expected a number ≥ 0, got ${input.lambda}`);
  const blocks = blocksOf(model);
  length(input.theta, blocks[blocks.length - 1], 'theta', 'Σ block sizes');
  finite(input.theta, 'theta');
  if (input.rng.length !== 16) throw new FlatminError('SHAPE', 'rng', `expected 16 int32 (four xor128 lanes), got ${input.rng.length}`);
  if (input.maxBatch !== undefined) int(input.maxBatch, 'maxBatch', 1);
}

/**
 * Checks one run's parameters; returns the batch size to use, 0 for the full sums (batch absent or
 * ≥ the universe of `universe` entries).
 */
export function validateSessionStep(p: SessionStepParams, blocks: number, universe: number, input: Pick<SessionInput, 'loss' | 'maxBatch' | 'anticorrelated' | 'labelNoise'>): number {
  if (!Number.isFinite(p.lr)) throw new FlatminError('NOT_FINITE', 'lr', `expected a finite number, got ${p.lr}`);
  if (!Number.isFinite(p.scale)) throw new FlatminError('NOT_FINITE', 'scale', `expected a finite number, got ${p.scale}`);
  if (!Number.isFinite(p.scaleMul)) throw new FlatminError('NOT_FINITE', 'scaleMul', `expected a finite number, got ${p.scaleMul}`);
  if (p.noise) {
    if (!noiseKinds.includes(p.noise.kind)) {
      throw new FlatminError('UNKNOWN_KIND', 'noise.kind', `expected one of ${noiseKinds.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(p.noise.kind)}`);
    }
    if (p.noise.kind === 'anticorrelated' && !input.anticorrelated) {
      throw new FlatminError('USAGE', 'noise.kind', 'anticorrelated noise needs ξ_{t−1}: make the session with anticorrelated: true');
    }
    if (p.noise.kind === 'label' && !input.labelNoise) {
      throw new FlatminError('USAGE', 'noise.kind', 'label noise needs the clean targets: make the session with labelNoise: true');
    }
    const gamma = p.noise.gamma ?? 0;
    if (!(Number.isFinite(gamma) && gamma >= 0)) throw new FlatminError('OUT_OF_RANGE', 'noise.gamma', `expected a finite number ≥ 0, got ${gamma}`);
    if (!Array.isArray(p.noise.sigma) || p.noise.sigma.length !== blocks) {
      throw new FlatminError('SHAPE', 'noise.sigma', `expected one σ per block (${blocks}), got ${Array.isArray(p.noise.sigma) ? p.noise.sigma.length : typeof p.noise.sigma}`);
    }
    p.noise.sigma.forEach((s, b) => {
      if (!Number.isFinite(s)) throw new FlatminError('NOT_FINITE', `noise.sigma[${b}]`, `expected a finite number ≥ 0, got ${s}`);
      if (s < 0) throw new FlatminError('OUT_OF_RANGE', `noise.sigma[${b}]`, `expected a number ≥ 0, got ${s}`);
    });
  }
  const step = p.step ?? 0;
  if (!(Number.isInteger(step) && step >= 0)) throw new FlatminError('NOT_INTEGER', 'step', `expected an integer ≥ 0, got ${step}`);
  if (p.batch === undefined) return 0;
  int(p.batch, 'batch', 1);
  if (p.batch >= universe) return 0;
  if (!hasSampler(input) || p.batch > input.maxBatch!) {
    throw new FlatminError('OUT_OF_RANGE', 'batch', `expected at most maxBatch = ${input.maxBatch ?? 'none (full batch only)'} for this session, got ${p.batch}`);
  }
  return p.batch;
}
