import { FlatminError, type FlatminErrorCode } from '../errors.js';
import { nearest } from './suggest.js';
import type { Rows, Seed } from './types.js';

/**
 * The primitive checks every config section is built from, so every config fails alike: each
 * returns the checked value or throws a FlatminError whose path names the field and whose message
 * says what was expected and what was got.
 */

/** At most this many optimizer steps in one run. */
export const MAX_TOTAL_STEPS = 1e9;
/** At most this many columns in X and Y. */
export const MAX_RANK = 100_000;
/** At most this many entries in M (8 bytes each: 1e8 entries = 800 MB), and in X and Y together. */
export const MAX_ENTRIES = 1e8;

const ROOT = 'config';

export function validateSeed(raw: unknown, path: string): Seed {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) fail('NOT_FINITE', path, `expected a string or a finite number, got ${describe(raw)}`);
    return raw;
  }
  return fail('TYPE', path, `expected a string or a finite number, got ${describe(raw)}`);
}

/**
 * A non-empty array of non-empty rows of equal length with finite entries, returned as it is: the
 * validators run on validateConfig's own copy of the config (plain.ts plainData), so a second copy
 * would only double what a large matrix holds (a 10⁴×10 factor is ~1.3 MB of rows, and every copy
 * that lives through two scavenges makes V8 grow its young generation, up to 32 MB of RSS).
 */
export function matrixRows(raw: unknown[], path: string, what: string): Rows {
  if (raw.length === 0) fail('SHAPE', path, `expected ${what} as a non-empty array of rows, got an empty array`);
  let width = -1;
  for (let i = 0; i < raw.length; i++) {
    // Paths are spelt out only on a failure: one string per entry of a 10⁴×10 factor is MBs of garbage.
    const row = Array.isArray(raw[i]) ? (raw[i] as unknown[]) : array(raw[i], `${path}[${i}]`, 'a row (an array of numbers)');
    if (row.length === 0) fail('SHAPE', `${path}[${i}]`, 'expected a non-empty row, got an empty array');
    if (width < 0) width = row.length;
    else if (row.length !== width)
      fail('SHAPE', `${path}[${i}]`, `expected ${width} entries like row 0, got ${row.length} (rows must have equal length)`);
    const j = firstNotFinite(row);
    if (j >= 0) finite(row[j], `${path}[${i}][${j}]`);
  }
  return raw as Rows;
}

/** The index of the first entry that is not a finite number, or −1 (a small function V8 optimizes at once: no boxing per entry). */
function firstNotFinite(row: readonly unknown[]): number {
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (!(typeof v === 'number' && Number.isFinite(v))) return j;
  }
  return -1;
}


// ---------------------------------------------------------------------------------------------
// Primitive checks

export function fail(code: FlatminErrorCode, path: string, message: string): never {
  throw new FlatminError(code, path, message);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A snapshot of the object's own enumerable keys (so inherited properties count as absent). */
export function object(v: unknown, path: string, what: string): Record<string, unknown> {
  if (!isObject(v)) fail('TYPE', path, `expected ${what}, got ${describe(v)}`);
  return Object.fromEntries(Object.entries(v));
}

export function array(v: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(v)) fail('TYPE', path, `expected ${what}, got ${describe(v)}`);
  return v;
}

/** `o[key]`, or MISSING naming `parent.key`. */
export function required(o: Record<string, unknown>, parent: string, key: string, what: string): unknown {
  const v = o[key];
  if (v === undefined)
    fail('MISSING', join(parent, key), `missing; expected ${what}`);
  return v;
}

export function checkKeys(o: Record<string, unknown>, path: string, valid: readonly string[], context?: string): void {
  for (const key of Object.keys(o)) {
    if (valid.includes(key)) continue;
    const guess = key.length <= 64 ? nearest(key, valid) : undefined;
    const where = context ? ` for ${context}` : '';
    // Echoed cut to 40 characters: a 1 MB key makes a one-line error, not a megabyte.
    const shown = key.length > 40 ? `${key.slice(0, 37)}...` : key;
    fail(
      'UNKNOWN_KEY',
      join(path, shown),
      guess !== undefined
        ? `unknown key ${JSON.stringify(shown)}${where}; did you mean ${JSON.stringify(guess)}?`
        : `unknown key ${JSON.stringify(shown)}${where}; valid keys are ${valid.join(', ')}`,
    );
  }
}

export function choice<T extends string>(v: unknown, path: string, valid: readonly T[], what: string): T {
  if (typeof v !== 'string') fail('TYPE', path, `expected one of ${list(valid)}, got ${describe(v)}`);
  if ((valid as readonly string[]).includes(v)) return v as T;
  const guess = nearest(v, valid);
  return fail(
    'UNKNOWN_KIND',
    path,
    `unknown ${what} ${JSON.stringify(v)}` +
      (guess !== undefined ? `; did you mean ${JSON.stringify(guess)}? (expected one of ${list(valid)})` : `; expected one of ${list(valid)}`),
  );
}

/** A number checked in order: type (TYPE), finiteness (NOT_FINITE), integrality (NOT_INTEGER), range (OUT_OF_RANGE). */
export function numberIn(
  v: unknown,
  path: string,
  opts: { integer?: boolean; min?: number; exclusive?: boolean },
): number {
  const noun = opts.integer ? 'an integer' : 'a number';
  const bound = opts.min === undefined ? '' : ` ${opts.exclusive ? '>' : '≥'} ${opts.min}`;
  if (typeof v !== 'number') fail('TYPE', path, `expected ${noun}${bound}, got ${describe(v)}`);
  if (!Number.isFinite(v))
    fail('NOT_FINITE', path, `expected ${opts.integer ? 'a finite integer' : 'a finite number'}${bound}, got ${describe(v)}`);
  if (opts.integer && !Number.isInteger(v)) fail('NOT_INTEGER', path, `expected ${noun}${bound}, got ${describe(v)}`);
  if (opts.min !== undefined && (opts.exclusive ? !(v > opts.min) : !(v >= opts.min)))
    fail('OUT_OF_RANGE', path, `expected ${noun}${bound}, got ${describe(v)}`);
  return v;
}

export const finite = (v: unknown, path: string): number => numberIn(v, path, {});
export const positive = (v: unknown, path: string): number => numberIn(v, path, { min: 0, exclusive: true });
export const nonNegative = (v: unknown, path: string): number => numberIn(v, path, { min: 0 });
export const integer = (v: unknown, path: string, min: number): number => numberIn(v, path, { integer: true, min });

// ---------------------------------------------------------------------------------------------
// Messages

function join(parent: string, key: string): string {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return k.startsWith('[') ? `${ROOT}${k}` : k;
  return k.startsWith('[') ? `${parent}${k}` : `${parent}.${k}`;
}

export function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** A short rendering of a value for "got …". */
export function describe(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'string':
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return `a bigint (${v}n)`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty array' : `an array of length ${v.length}`;
  const ctor = (v as object).constructor?.name;
  return ctor && ctor !== 'Object' ? `an object (${ctor})` : 'an object';
}
