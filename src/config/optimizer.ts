import {
  MAX_TOTAL_STEPS, array, checkKeys, choice, describe, fail, integer, isObject, list, nonNegative, object, positive, required,
} from './checks.js';
import type { NoiseConfig, NoiseKind, PhaseConfig, ScaleSchedule } from './types.js';

/**
 * The optimizer section, the same for every model: one phase or a list of phases
 * `{ steps, lr, batch?, noise?, scale? }`. The two 0.1 forms — the two-factor
 * `{ kind: "perturbed-gd", sigmaX, sigmaY, schedule }` and the deep-linear `{ kind: "gd" | "sgd", … }`
 * phases — are accepted as written and rewritten into phases here, so nothing downstream knows them.
 */

/** What the model tells the optimizer section. */
export interface OptimizerContext {
  /** Parameter blocks, each with its own σ: 2 (X, Y) or L (W_1 … W_L). */
  blocks: number;
  /** How the per-block σ list is written, for messages: "[σ_X, σ_Y]". */
  blockNames: string;
  /**
   * What minibatches draw from: the number of observed entries / measurements (undefined: known
   * only when the run is built, as for a drawn `fraction` mask), or null when the loss has no terms
   * to sample (the full target).
   */
  universe: { count: number | undefined; what: string } | null;
  /** The two-factor perturbed noise needs σ_X and σ_Y both > 0 or both 0 (c would be 0 or ∞). */
  pairedSigma: boolean;
}

const NOISE_KINDS: readonly NoiseKind[] = ['perturbed', 'anticorrelated', 'langevin', 'sam', 'asam', 'label', 'annealed'];
const NOISE_KEYS = ['kind', 'sigma', 'temperature', 'rho', 'eta', 'gamma'] as const;
/** Each noise parameter belongs to its kinds alone; elsewhere it would silently do nothing. */
const NOISE_PARAMS: Record<NoiseKind, readonly string[]> = {
  perturbed: ['sigma'], anticorrelated: ['sigma'], langevin: ['temperature'], sam: ['rho'], asam: ['rho'], label: ['sigma'], annealed: ['eta', 'gamma'],
};
/** optax add_noise's default decay exponent. */
export const DEFAULT_ANNEAL_GAMMA = 0.55;
const PHASE_KEYS = ['steps', 'lr', 'batch', 'noise', 'scale', 'average', 'kind'] as const;
/** The 0.1 two-factor optimizer kinds (`kind` of a single optimizer object). */
const LEGACY_KINDS = ['gd', 'perturbed-gd', 'anticorrelated-gd', 'langevin'] as const;
const LEGACY_KEYS = ['kind', 'lr', 'sigmaX', 'sigmaY', 'temperature', 'steps', 'schedule', 'batch'] as const;
const LEGACY_PHASE_KEYS = ['steps', 'scale'] as const;

/**
 * The two-factor optimizer of flatmin 0.1? A single object with a `kind` ("gd" included: a 0.1
 * two-factor gd took `batch` with any loss that has terms), or with a key only that form has.
 */
export function isLegacyFactorizationOptimizer(raw: unknown): raw is Record<string, unknown> {
  if (!isObject(raw)) return false;
  // Any kind but the deep-linear "sgd" reads as the 0.1 form, so a typo ("perturbed_gd") is told
  // the optimizer kinds, with a guess.
  return (raw.kind !== undefined && raw.kind !== 'sgd') || ['sigmaX', 'sigmaY', 'schedule', 'temperature'].some((k) => raw[k] !== undefined);
}

/** One phase or a list of them, at path "optimizer". */
export function validatePhases(raw: unknown, ctx: OptimizerContext): PhaseConfig[] {
  const many = Array.isArray(raw);
  const items = many ? raw : [raw];
  if (items.length === 0) fail('OUT_OF_RANGE', 'optimizer', 'expected at least one phase { steps, lr, batch?, noise?, scale? }');
  const phases = items.map((p, i) => validatePhase(p, many ? `optimizer[${i}]` : 'optimizer', ctx));
  checkTotal(phases, 'optimizer');
  return phases;
}

function validatePhase(raw: unknown, path: string, ctx: OptimizerContext): PhaseConfig {
  const o = object(raw, path, 'a phase { steps, lr, batch?, noise?, scale? }');
  checkKeys(o, path, PHASE_KEYS);
  // kind: the deep-linear 0.1 phase form ("gd": full batch, "sgd": needs a batch); new phases have none.
  const kind = o.kind === undefined ? undefined : choice(o.kind, `${path}.kind`, ['gd', 'sgd'] as const, 'phase kind');
  const steps = integer(required(o, path, 'steps', 'an integer ≥ 1'), `${path}.steps`, 1);
  const lr = positive(required(o, path, 'lr', 'the step size, a number > 0'), `${path}.lr`);
  const phase: PhaseConfig = { steps, lr, scale: o.scale === undefined ? 1 : validateScale(o.scale, `${path}.scale`) };
  const bpath = `${path}.batch`;
  const what = ctx.universe?.what ?? 'entries';
  if (kind === 'gd' && o.batch !== undefined && o.batch !== 'full')
    fail('OUT_OF_RANGE', bpath, `gd uses all the ${what}: omit batch or give "full", got ${describe(o.batch)}`);
  if (kind === 'sgd') required(o, path, 'batch', `the minibatch size, 1 … ${ctx.universe?.count ?? 'the number of ' + what}`);
  if (o.batch !== undefined && o.batch !== 'full') {
    phase.batch = validateBatch(o.batch, bpath, ctx);
  }
  if (o.noise !== undefined) phase.noise = validateNoise(o.noise, `${path}.noise`, ctx);
  if (o.average !== undefined) {
    phase.average = integer(o.average, `${path}.average`, 1);
    if (phase.average > steps) fail('OUT_OF_RANGE', `${path}.average`, `expected at most the phase's ${steps} steps, got ${phase.average}`);
  }
  return phase;
}

/** A batch size (one equal to the whole universe is the full batch, bit for bit, and kept as written). */
function validateBatch(raw: unknown, path: string, ctx: OptimizerContext): number {
  if (ctx.universe === null)
    fail('UNKNOWN_KEY', path, 'batch is for problem.loss "completion" or "sensing" only: the full target ½‖XYᵀ − M‖² has no entries to sample');
  const batch = integer(raw, path, 1);
  checkBatchSize(batch, ctx.universe.count, ctx.universe.what, path);
  return batch;
}

/** A batch larger than what it samples from is an error (run.ts checks a drawn `fraction` mask the same way). */
export function checkBatchSize(batch: number, count: number | undefined, what: string, path: string): void {
  if (count !== undefined && batch > count) fail('OUT_OF_RANGE', path, `expected at most ${count} (the ${what}), got ${batch}`);
}

/**
 * `{ kind: "perturbed" | "anticorrelated", sigma: σ | [σ per block] }`, `{ kind: "langevin", temperature }`,
 * `{ kind: "sam" | "asam", rho }`, `{ kind: "label", sigma }` or `{ kind: "annealed", eta, gamma? }`.
 */
function validateNoise(raw: unknown, path: string, ctx: OptimizerContext): NoiseConfig {
  const o = object(raw, path, `{ kind: "perturbed" | "anticorrelated", sigma }, { kind: "langevin", temperature }, { kind: "sam" | "asam", rho }, { kind: "label", sigma } or { kind: "annealed", eta, gamma? }`);
  checkKeys(o, path, NOISE_KEYS);
  const kind = choice(required(o, path, 'kind', list(NOISE_KINDS)), `${path}.kind`, NOISE_KINDS, 'noise kind');
  for (const key of NOISE_KEYS) {
    if (key !== 'kind' && o[key] !== undefined && !NOISE_PARAMS[kind].includes(key))
      fail('UNKNOWN_KEY', `${path}.${key}`, `${key} is not a parameter of noise kind "${kind}"; it takes ${NOISE_PARAMS[kind].join(', ')}`);
  }
  switch (kind) {
    case 'langevin':
      return { kind, temperature: nonNegative(required(o, path, 'temperature', 'the Langevin temperature T, a number ≥ 0'), `${path}.temperature`) };
    case 'sam':
    case 'asam':
      return { kind, rho: positive(required(o, path, 'rho', 'the ascent radius ρ, a number > 0'), `${path}.rho`) };
    case 'label':
      return { kind, sigma: nonNegative(required(o, path, 'sigma', 'the label noise σ, a number ≥ 0'), `${path}.sigma`) };
    case 'annealed':
      return {
        kind,
        eta: nonNegative(required(o, path, 'eta', 'the noise variance at the phase start, a number ≥ 0'), `${path}.eta`),
        gamma: o.gamma === undefined ? DEFAULT_ANNEAL_GAMMA : nonNegative(o.gamma, `${path}.gamma`),
      };
  }
  const spath = `${path}.sigma`;
  const s = required(o, path, 'sigma', `σ ≥ 0, or one per block ${ctx.blockNames}`);
  let sigma: number[];
  if (!Array.isArray(s)) sigma = Array.from({ length: ctx.blocks }, () => nonNegative(s, spath));
  else {
    sigma = array(s, spath, 'numbers').map((v, b) => nonNegative(v, `${spath}[${b}]`));
    if (sigma.length !== ctx.blocks) fail('SHAPE', spath, `expected one σ per block ${ctx.blockNames} (${ctx.blocks}), got ${sigma.length}`);
  }
  if (kind === 'perturbed' && ctx.pairedSigma) checkPaired(sigma, spath);
  return { kind, sigma };
}

function checkPaired(sigma: number[], path: string): void {
  if ((sigma[0] === 0) !== (sigma[1] === 0))
    fail('OUT_OF_RANGE', `${path}[${sigma[0] === 0 ? 0 : 1}]`, 'σ_X and σ_Y must both be > 0 or both 0 (the predicted ratio c = (σ_X/σ_Y)·√(n/m) would be 0 or ∞)');
}

function validateScale(s: unknown, spath: string): ScaleSchedule {
  if (Array.isArray(s)) {
    if (s.length !== 2) fail('TYPE', spath, `expected a number ≥ 0 or a pair [from, to] of numbers > 0, got an array of length ${s.length}`);
    return [positive(s[0], `${spath}[0]`), positive(s[1], `${spath}[1]`)];
  }
  if (typeof s !== 'number') fail('TYPE', spath, `expected a number ≥ 0 or a pair [from, to] of numbers > 0, got ${describe(s)}`);
  return nonNegative(s, spath);
}

function checkTotal(phases: PhaseConfig[], path: string): void {
  const total = totalSteps(phases);
  if (total > MAX_TOTAL_STEPS) fail('OUT_OF_RANGE', path, `expected at most ${MAX_TOTAL_STEPS} steps in total, got ${total}`);
}

/** Steps of all phases: the one place a run's length is computed. */
export function totalSteps(phases: readonly { steps: number }[]): number {
  return phases.reduce((s, p) => s + p.steps, 0);
}

/** The default recording interval: 200 recordings over the run. */
export function defaultRecordEvery(phases: readonly { steps: number }[]): number {
  return Math.max(1, Math.floor(totalSteps(phases) / 200));
}

/**
 * The 0.1 two-factor optimizer → phases, one per schedule entry, each with the optimizer's lr, batch
 * and noise; and the σ ratio its prediction was drawn for (explicit σ_X, σ_Y both > 0, else isotropic).
 * Paths in errors are those of the form as written (optimizer.sigmaX, optimizer.schedule[1].scale).
 */
export function validateLegacyOptimizer(raw: unknown, ctx: OptimizerContext): { phases: PhaseConfig[]; prediction: [number, number] } {
  const path = 'optimizer';
  const o = object(raw, path, 'an object { kind, lr, steps | schedule, sigmaX?, sigmaY? }');
  checkKeys(o, path, LEGACY_KEYS);
  const kind = choice(required(o, path, 'kind', `one of ${list(LEGACY_KINDS)}`), `${path}.kind`, LEGACY_KINDS, 'optimizer kind');
  const lr = positive(required(o, path, 'lr', 'the learning rate, a number > 0'), `${path}.lr`);
  const sigmaX = o.sigmaX === undefined ? 0.1 : nonNegative(o.sigmaX, `${path}.sigmaX`);
  const sigmaY = o.sigmaY === undefined ? 0.1 : nonNegative(o.sigmaY, `${path}.sigmaY`);
  if (kind !== 'langevin' && o.temperature !== undefined)
    fail('UNKNOWN_KEY', `${path}.temperature`, `temperature is for optimizer kind "langevin" only, not "${kind}"`);
  let noise: NoiseConfig | undefined;
  if (kind === 'langevin') {
    noise = { kind, temperature: nonNegative(required(o, path, 'temperature', 'the Langevin temperature 1/β, a number ≥ 0'), `${path}.temperature`) };
  } else if (kind !== 'gd') {
    if (kind === 'perturbed-gd' && (sigmaX === 0) !== (sigmaY === 0))
      fail('OUT_OF_RANGE', sigmaX === 0 ? 'optimizer.sigmaX' : 'optimizer.sigmaY', 'σX and σY must both be > 0 or both 0 (the predicted ratio c = (σX/σY)·√(n/m) would be 0 or ∞)');
    noise = { kind: kind === 'perturbed-gd' ? 'perturbed' : 'anticorrelated', sigma: [sigmaX, sigmaY] };
  }
  let schedule: Array<{ steps: number; scale: ScaleSchedule }>;
  let totalPath: string;
  if (o.steps !== undefined && o.schedule !== undefined) {
    fail('TYPE', `${path}.schedule`, 'give either steps or schedule, not both');
  } else if (o.steps !== undefined) {
    totalPath = `${path}.steps`;
    schedule = [{ steps: integer(o.steps, totalPath, 1), scale: 1 }];
  } else if (o.schedule !== undefined) {
    totalPath = `${path}.schedule`;
    const items = array(o.schedule, totalPath, 'a non-empty array of phases { steps, scale }');
    if (items.length === 0) fail('OUT_OF_RANGE', totalPath, 'expected at least one phase { steps, scale }, got an empty array');
    schedule = items.map((p, i) => {
      const ppath = `${totalPath}[${i}]`;
      const q = object(p, ppath, 'a phase { steps, scale }');
      checkKeys(q, ppath, LEGACY_PHASE_KEYS);
      const steps = integer(required(q, ppath, 'steps', 'an integer ≥ 1'), `${ppath}.steps`, 1);
      return { steps, scale: validateScale(required(q, ppath, 'scale', 'a number ≥ 0 or a pair [from, to] of numbers > 0'), `${ppath}.scale`) };
    });
  } else {
    fail('MISSING', `${path}.steps`, 'give steps (an integer ≥ 1) or schedule (an array of phases { steps, scale })');
  }
  const batch = o.batch === undefined ? undefined : validateBatch(o.batch, `${path}.batch`, ctx);
  const phases = schedule.map(({ steps, scale }): PhaseConfig => ({
    steps, lr, ...(batch !== undefined ? { batch } : {}), ...(noise ? { noise } : {}), scale,
  }));
  checkTotal(phases, totalPath);
  const explicit = o.sigmaX !== undefined || o.sigmaY !== undefined;
  const prediction: [number, number] = explicit && sigmaX > 0 && sigmaY > 0 ? [sigmaX, sigmaY] : [1, 1];
  return { phases, prediction };
}

/** The σ ratio a two-factor prediction is drawn for by default: the first perturbed or anticorrelated phase's, else isotropic. */
export function defaultPrediction(phases: readonly PhaseConfig[]): [number, number] {
  for (const p of phases) {
    const n = p.noise;
    if (n && (n.kind === 'perturbed' || n.kind === 'anticorrelated') && n.sigma[0] > 0 && n.sigma[1] > 0) return [n.sigma[0], n.sigma[1]];
  }
  return [1, 1];
}

/**
 * The config path of a phase's field in errors raised after validation (divergence, a batch larger
 * than a drawn mask): `optimizer.lr` when every phase shares the value — a single phase, or the 0.1
 * two-factor form whose schedule became phases — else `optimizer[i].lr`.
 */
export function phaseField(phases: readonly PhaseConfig[], i: number, key: 'lr' | 'batch'): string {
  return phases.every((p) => p[key] === phases[i][key]) ? `optimizer.${key}` : `optimizer[${i}].${key}`;
}
