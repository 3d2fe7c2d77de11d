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
      setOwn(out, k, copy(read(o, k, p), p, seen));
    }
    return out;
  } finally {
    seen.delete(o);
  }
}

/**
 * o[key] = value as an own property, whatever the key: assigning "__proto__" would set the
 * prototype instead, and the key would vanish from the validator's sight (and its object's
 * fields would read through it). JSON.parse keeps it as a key; so does everything here.
 */
export function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
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
 * The copy of the array at pathOf(base, index), each element read once. Array.prototype.slice
 * reads them (has, then get, as a loop would), keeps holes as holes (reported below) and makes
 * V8's compact copy: exact length, and — from the builtin — the source's elements kind, so a row of
 * 10 doubles stays unboxed, 128 bytes. (Once the optimizing compiler inlines this call site after it
 * has seen a holey array, its clone boxes doubles: later validations of the same shapes copy
 * rows at about 290 bytes; measured on Node 20, no worse than the loop this replaced.) Rows of
 * numbers, nearly all of a large config (a 10⁴×10 factor is 10⁴ of them), need nothing more: no
 * cycle check (a row of numbers holds nothing) and no path string (built only for an error).
 * Garbage matters here beyond its own bytes: every scavenge it causes copies the config's rows
 * again, and V8 grows its young generation (up to 32 MB of resident memory) with what survives.
 */
function copyArray(o: unknown[], base: string, index: number, seen: Set<object>): unknown[] {
  let c: unknown[];
  try {
    c = Array.prototype.slice.call(o);
  } catch {
    c = elements(o, base, index); // a getter threw: read one by one to name it (it is asked again to do so)
  }
  let i = 0;
  while (i < c.length && typeof c[i] === 'number') i++;
  if (i === c.length) return c;
  // Not all numbers: the general copy of c's elements in place, o on the cycle check's path.
  const path = pathOf(base, index);
  enter(o, path, seen);
  try {
    for (; i < c.length; i++) {
      if (!(i in c)) throw new FlatminError('TYPE', `${path}[${i}]`, 'expected a value, got a hole in a sparse array ([1,,2])');
      const x = c[i];
      if (typeof x !== 'string' && typeof x !== 'boolean' && typeof x !== 'number')
        c[i] = Array.isArray(x) ? copyArray(x, path, i, seen) : copy(x, `${path}[${i}]`, seen);
    }
    return c;
  } finally {
    seen.delete(o);
  }
}

/** o's elements one by one, each read once, or a FlatminError at `path[i]` for a hole or a getter that throws. */
function elements(o: unknown[], base: string, index: number): unknown[] {
  const out = new Array<unknown>(o.length);
  for (let i = 0; i < o.length; i++) out[i] = element(o, i, base, index);
  return out;
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
