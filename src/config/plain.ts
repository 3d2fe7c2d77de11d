import { FlatminError } from '../errors.js';

/**
 * A config as plain data, or a FlatminError naming where it is not. Everything that reaches the
 * validator (and everything posted to a worker) must be what JSON can hold: objects, arrays without
 * holes, strings, finite-or-not numbers, booleans, null. Sparse arrays (`[3,,1]`), getters that
 * throw, Proxies that throw, functions, symbols, BigInt and cycles would otherwise end as NaN, a
 * TypeError or a DataCloneError far from their cause. Returns a deep copy made of own enumerable
 * properties, read once each (a getter is not asked twice).
 */
export function plainData(value: unknown, path = ''): unknown {
  return copy(value, path, new Set());
}

const MAX_DEPTH = 64;

function copy(v: unknown, path: string, seen: Set<object>): unknown {
  const where = path || 'config'; // an error always names a place, the whole config at the top
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return v;
    case 'bigint':
      throw new FlatminError('TYPE', where, `expected a number, got a bigint (${String(v).slice(0, 20)}n): write it as a number`);
    case 'function':
      throw new FlatminError('TYPE', where, 'expected plain data (what JSON can hold), got a function');
    case 'symbol':
      throw new FlatminError('TYPE', where, 'expected plain data (what JSON can hold), got a symbol');
  }
  if (v === null) return null;
  if (Array.isArray(v)) return copyArray(v, path || 'config', -1, seen);
  const o = v as object;
  enter(o, where, seen);
  try {
    if (ArrayBuffer.isView(o)) {
      const t = o as unknown as ArrayLike<number>;
      const out = new Array<number>(t.length);
      for (let i = 0; i < t.length; i++) out[i] = t[i];
      return out;
    }
    const out: Record<string, unknown> = {};
    let keys: string[];
    try {
      keys = Object.keys(o);
    } catch (e) {
      throw new FlatminError('TYPE', where, `cannot list the keys of this object: ${short(e)}`);
    }
    for (const k of keys) {
      const name = k.length > 40 ? `${k.slice(0, 37)}...` : k;
      const p = path ? `${path}.${name}` : name;
      out[k] = copy(read(o, k, p), p, seen);
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

/** The cycle and depth checks on entering an object or array (the caller deletes it from `seen` on leaving). */
function enter(o: object, where: string, seen: Set<object>): void {
  if (seen.has(o)) throw new FlatminError('TYPE', where, 'expected plain data, got a cycle (this object contains itself)');
  if (seen.size > MAX_DEPTH) throw new FlatminError('TYPE', where, `expected plain data nested at most ${MAX_DEPTH} deep`);
  seen.add(o);
}

/** An array's path: `base`, or `base[index]` for an element of the array at `base`. */
const pathOf = (base: string, index: number) => (index < 0 ? base : `${base}[${index}]`);

/**
 * The copy of the array at pathOf(base, index), each element read once. Rows of numbers — nearly
 * all of a large config (a 10⁴×10 factor is 10⁴ of them) — take a fast path: copied into an array
 * of their own allocation site (V8 keeps one elements kind per site; one shared with arrays of
 * objects would box every number: 290 bytes a row of 10 instead of 136), with no cycle check (a
 * row of numbers holds nothing) and no path string, which is built only for an error. Garbage
 * matters here beyond its own bytes: every scavenge it causes copies the config's rows again, and
 * V8 grows its young generation (up to 32 MB of resident memory) with the bytes that survive.
 */
function copyArray(o: unknown[], base: string, index: number, seen: Set<object>): unknown[] {
  const nums = new Array<number>(o.length);
  let i = 0;
  let x: unknown;
  for (; i < o.length; i++) {
    // read here, not through element(): a double returned from a call is boxed into a heap number
    if (!(i in o)) element(o, i, base, index); // throws: a hole
    let v: unknown;
    try {
      v = o[i];
    } catch (e) {
      throw readError(e, `${pathOf(base, index)}[${i}]`);
    }
    if (typeof v !== 'number') {
      x = v;
      break;
    }
    nums[i] = v;
  }
  if (i === o.length) return nums;
  // Not all numbers: the general copy, o on the cycle check's path.
  const path = pathOf(base, index);
  enter(o, path, seen);
  try {
    const out = new Array<unknown>(o.length);
    for (let j = 0; j < i; j++) out[j] = nums[j];
    for (;;) {
      out[i] = typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number' ? x
        : Array.isArray(x) ? copyArray(x, path, i, seen) : copy(x, `${path}[${i}]`, seen);
      if (++i === o.length) return out;
      x = element(o, i, base, index);
    }
  } finally {
    seen.delete(o);
  }
}

/** o[i] (o at pathOf(base, index)), or a FlatminError at its path for a hole (a sparse array) or a getter that throws. */
function element(o: unknown[], i: number, base: string, index: number): unknown {
  if (!(i in o)) throw new FlatminError('TYPE', `${pathOf(base, index)}[${i}]`, 'expected a value, got a hole in a sparse array ([1,,2])');
  try {
    return o[i];
  } catch (e) {
    throw readError(e, `${pathOf(base, index)}[${i}]`);
  }
}

const readError = (e: unknown, path: string) => new FlatminError('TYPE', path, `reading this value threw: ${short(e)}`);

/** o[key]; a getter that throws is a FlatminError at `path`. */
function read(o: object, key: string, path: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch (e) {
    throw readError(e, path);
  }
}

function short(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
