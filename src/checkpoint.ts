import type { ModelKind, Precision, RunConfig } from './config/types.js';
import { FlatminError } from './errors.js';
import { jsonChunks } from './report/jsonChunks.js';
import type { SessionInput } from './backends/types.js';
import { observedOf } from './backends/sparse.js';
import { LANES } from './random/gaussian.js';

/**
 * Everything needed to continue a run to the same bits it would have reached uninterrupted, for
 * every model, as JSON: the normalized config (so `flatmin resume FILE` needs nothing else), the
 * step and the noise multiplier, the iterate, the noise stream, ξ_{t−1} of anticorrelated noise and
 * the minibatch sampler. Floats travel as base64 of their f64 bytes (JSON numbers would lose −0).
 */
export interface Checkpoint {
  format: 'flatmin-checkpoint-3';
  model: ModelKind;
  config: RunConfig;
  /** The precision the iterate was computed in; a resume must use the same. */
  precision: Precision;
  step: number;
  scale: number;
  /** f64 bytes of θ, base64. */
  theta: string;
  rng: number[];
  /** Anticorrelated noise only: f64 bytes of ξ_{t−1}, base64 (the noise of the last step is state). */
  prevNoise?: string;
  /** Minibatch runs only: this epoch's permutation and the next position in it (mid-epoch is state). */
  sampler?: { order: number[]; pos: number };
  /** Tail averaging only: the f64 sum of the averaged iterates (base64) and how many (the average is state). */
  average?: { count: number; sum: string };
  history: object[];
  /**
   * A hash of each field above as written (FNV-1a over its JSON text, 2×32 bits, hex): a field edited
   * or damaged after the fact is refused as `resume.<field>` instead of resuming to wrong bits.
   * Checkpoints without it (hand-made, or from before it existed) are still read, unchecked.
   */
  hashes?: Partial<Record<HashedField, string>>;
}

/** The fields a checkpoint hashes: all of its state. */
const HASHED = ['config', 'step', 'scale', 'theta', 'rng', 'prevNoise', 'sampler', 'history'] as const;
type HashedField = (typeof HASHED)[number];

/**
 * FNV-1a of a value's JSON text, twice (two offset bases) for 64 bits. Not a cryptographic seal —
 * whoever edits a field can recompute its hash — but it catches damage and hand edits, in every
 * engine, synchronously (crypto.subtle is async and absent in some workers).
 */
export function fieldHash(value: unknown): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  // The JSON text in pieces (report/jsonChunks.ts, JSON.stringify's text): a config with large
  // factors is MBs of it, never needed whole.
  for (const text of value === undefined ? ['undefined'] : jsonChunks(value, 0))
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

function withHashes(c: Checkpoint): Checkpoint {
  const hashes: Partial<Record<HashedField, string>> = {};
  for (const f of HASHED) if (c[f] !== undefined) hashes[f] = fieldHash(c[f]);
  return { ...c, hashes };
}

/** The two-factor checkpoint of flatmin 0.1 (no config, no model): still resumed with its config. */
interface CheckpointV2 extends Omit<Checkpoint, 'format' | 'model' | 'config'> {
  format: 'flatmin-checkpoint-2';
}

export function encodeCheckpoint(s: {
  config: RunConfig; step: number; scale: number; theta: Float64Array; rng: Int32Array;
  prevNoise?: Float64Array; sampler?: { order: Int32Array; pos: number }; average?: { count: number; sum: Float64Array };
  history: readonly object[];
}): Checkpoint {
  return withHashes({
    format: 'flatmin-checkpoint-3',
    model: s.config.model.kind,
    config: s.config,
    precision: s.config.precision,
    step: s.step,
    scale: s.scale,
    theta: encodeF64(s.theta),
    rng: Array.from(s.rng),
    ...(s.prevNoise ? { prevNoise: encodeF64(s.prevNoise) } : {}),
    ...(s.sampler ? { sampler: { order: Array.from(s.sampler.order), pos: s.sampler.pos } } : {}),
    ...(s.average ? { average: { count: s.average.count, sum: encodeF64(s.average.sum) } } : {}),
    history: s.history.map((h) => ({ ...h })),
  });
}

export interface DecodedCheckpoint {
  checkpoint: Checkpoint | CheckpointV2;
  theta: Float64Array;
  rng: Int32Array;
  prevNoise?: Float64Array;
  sampler?: { order: Int32Array; pos: number };
  average?: { count: number; sum: Float64Array };
}

const bad = (path: string, msg: string) => new FlatminError('TYPE', `resume${path ? `.${path}` : ''}`, msg);
const corrupt = (path: string, msg: string) =>
  new FlatminError('CORRUPT', `resume.${path}`, `corrupt checkpoint: ${msg}; resume from an intact copy (a smaller lr will not help)`);

/** The first path (`history[3].loss`) under `v` that holds a number JSON cannot hold (NaN, ±Infinity). */
function nonFinitePath(v: unknown, path: string): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nonFinitePath(v[i], `${path}[${i}]`);
      if (p) return p;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = nonFinitePath(x, `${path}.${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

/** A checkpoint's structure (not yet its fit to a config): typed errors naming `resume.<field>`. */
export function decodeCheckpoint(raw: unknown): DecodedCheckpoint {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('', 'expected a checkpoint object');
  const c = raw as Checkpoint | CheckpointV2;
  if (c.format !== 'flatmin-checkpoint-3' && c.format !== 'flatmin-checkpoint-2')
    throw bad('format', `expected "flatmin-checkpoint-3", got ${JSON.stringify((raw as { format?: unknown }).format)} (a checkpoint from an older flatmin cannot be resumed)`);
  if (typeof c.theta !== 'string') throw bad('theta', 'expected the iterate as base64 of f64 bytes');
  const theta = decodeF64(c.theta);
  if (!theta.every(Number.isFinite)) throw corrupt('theta', 'the iterate holds a non-finite value, and a checkpoint is always taken at a finite state');
  const words = 4 * LANES;
  if (!Array.isArray(c.rng) || c.rng.length !== words || !c.rng.every((v) => Number.isInteger(v) && (v | 0) === v))
    throw bad('rng', `expected ${words} int32 words`);
  for (let lane = 0; lane < LANES; lane++)
    if ([0, 1, 2, 3].every((w) => c.rng[w * LANES + lane] === 0)) throw bad('rng', `lane ${lane} is all zero, which xor128 can never leave`);
  if (typeof c.scale !== 'number' || !(c.scale >= 0 && c.scale < Infinity)) throw bad('scale', `expected a finite number ≥ 0, got ${JSON.stringify(c.scale)}`);
  if (!Array.isArray(c.history) || c.history.length === 0) throw bad('history', 'expected the recorded history');
  const nonFinite = nonFinitePath(c.history, 'history') ?? nonFinitePath(c.step, 'step');
  if (nonFinite) throw corrupt(nonFinite, 'a non-finite number, which flatmin never records');
  const out: DecodedCheckpoint = { checkpoint: c, theta, rng: Int32Array.from(c.rng) };
  if (c.prevNoise !== undefined) {
    if (typeof c.prevNoise !== 'string') throw bad('prevNoise', 'expected ξ_{t−1} as base64 of f64 bytes');
    out.prevNoise = decodeF64(c.prevNoise);
    if (!out.prevNoise.every(Number.isFinite)) throw corrupt('prevNoise', 'ξ_{t−1} holds a non-finite value');
  }
  if (c.sampler !== undefined) {
    const s = c.sampler;
    if (typeof s !== 'object' || s === null || !Array.isArray(s.order)) throw bad('sampler', 'expected { order, pos }');
    out.sampler = { order: Int32Array.from(s.order, (v) => (Number.isInteger(v) ? v : -1)), pos: s.pos };
  }
  if (c.format === 'flatmin-checkpoint-3' && c.average !== undefined) {
    const a = c.average;
    if (typeof a !== 'object' || a === null || typeof a.sum !== 'string') throw bad('average', 'expected { count, sum } (sum: base64 of f64 bytes)');
    out.average = { count: a.count, sum: decodeF64(a.sum) };
  }
  checkHashes(c as Checkpoint);
  return out;
}

/** Every field against the hash written with it (structure was checked first, so its errors stay specific). */
function checkHashes(c: Checkpoint): void {
  if (c.hashes === undefined || c.format !== 'flatmin-checkpoint-3') return; // flatmin 0.1 wrote none
  if (typeof c.hashes !== 'object' || c.hashes === null || Array.isArray(c.hashes)) throw bad('hashes', 'expected { field: hash } as flatmin writes it');
  for (const f of HASHED) {
    const want = c.hashes[f];
    // An absent field is not checked here: where it is needed, checkResume names it as missing.
    if (c[f] === undefined) continue;
    if (want === undefined) throw corrupt(f, `the field has no hash beside it (hashes.${f} is missing)`);
    if (fieldHash(c[f]) !== want) throw corrupt(f, `the field does not match the hash written with it (edited or damaged since)`);
  }
}

/** Does the checkpoint fit this config and session? Errors name the field of the checkpoint that does not. */
export function checkResume(d: DecodedCheckpoint, cfg: RunConfig, input: SessionInput, total: number): void {
  const c = d.checkpoint;
  if (c.format === 'flatmin-checkpoint-3') {
    if (c.model !== cfg.model.kind)
      throw bad('model', `the checkpoint is of a ${JSON.stringify(c.model)} run; this config is ${JSON.stringify(cfg.model.kind)}`);
    const field = configDifference(c.config, cfg);
    if (field !== undefined) throw bad(`config.${field}`, `the checkpoint was taken with another ${field}; resume it with the config it carries (flatmin resume FILE)`);
  } else if (cfg.model.kind !== 'factorization') {
    throw bad('model', 'a flatmin 0.1 checkpoint is of a two-factor run');
  }
  if (c.precision !== cfg.precision) throw bad('precision', `the checkpoint was taken in ${JSON.stringify(c.precision)}, this run is ${JSON.stringify(cfg.precision)}`);
  if (!Number.isInteger(c.step) || c.step < 0 || c.step > total) throw bad('step', `expected an integer in [0, ${total}]`);
  const n = input.theta.length;
  if (d.theta.length !== n) throw bad('theta', `expected ${n} f64 values, base64-encoded; the checkpoint is from another config`);
  if (input.anticorrelated && (d.prevNoise === undefined || d.prevNoise.length !== n))
    throw bad('prevNoise', `expected ξ_{t−1} as ${n} f64 values, base64-encoded (anticorrelated noise carries its last draw)`);
  if (input.maxBatch !== undefined) {
    const universe = universeOf(input);
    if (!d.sampler) throw bad('sampler', 'expected { order, pos }: a minibatch run carries its epoch permutation');
    const sorted = d.sampler.order.slice().sort();
    if (sorted.length !== universe.length || sorted.some((v, i) => v !== universe[i]))
      throw bad('sampler.order', `expected a permutation of the ${universe.length} observed entries / measurements; the checkpoint is from another config`);
    const pos = d.sampler.pos;
    if (!Number.isInteger(pos) || pos < 0 || pos > universe.length) throw bad('sampler.pos', `expected an integer in [0, ${universe.length}]`);
  }
}

/** The first top-level field (backend and description aside) in which two normalized configs differ. */
function configDifference(a: RunConfig, b: RunConfig): string | undefined {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b)]);
  for (const k of keys) {
    if (k === 'backend' || k === 'description') continue;
    if (JSON.stringify((a as unknown as Record<string, unknown>)?.[k]) !== JSON.stringify((b as unknown as Record<string, unknown>)[k])) return k;
  }
  return undefined;
}

function universeOf(input: SessionInput): Int32Array {
  const loss = input.loss;
  if (loss.kind === 'completion') return observedOf(loss).index;
  if (loss.kind === 'sensing') return Int32Array.from({ length: loss.y.length }, (_, i) => i);
  return new Int32Array(0);
}

function encodeF64(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // The byte string 32 KiB at a time: appending one character per byte built a chain of a string
  // node per byte until btoa flattened it — 50 MB of heap for a 2·10⁵-entry θ.
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 1 << 15) parts.push(String.fromCharCode(...bytes.subarray(i, i + (1 << 15))));
  return btoa(parts.join(''));
}

/** An empty array for anything that is not base64 of whole f64s (the caller reports it). */
function decodeF64(s: string): Float64Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    return new Float64Array(0);
  }
  if (bin.length % 8 !== 0) return new Float64Array(0);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float64Array(bytes.buffer);
}
