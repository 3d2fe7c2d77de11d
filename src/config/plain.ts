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
  const o = v as object;
  if (seen.has(o)) throw new FlatminError('TYPE', where, 'expected plain data, got a cycle (this object contains itself)');
  if (seen.size > MAX_DEPTH) throw new FlatminError('TYPE', where, `expected plain data nested at most ${MAX_DEPTH} deep`);
  seen.add(o);
  try {
    if (Array.isArray(o)) {
      const out = new Array<unknown>(o.length);
      for (let i = 0; i < o.length; i++) {
        const p = `${path || 'config'}[${i}]`;
        if (!(i in o)) throw new FlatminError('TYPE', p, 'expected a value, got a hole in a sparse array ([1,,2])');
        out[i] = copy(read(o, i, p), p, seen);
      }
      return out;
    }
    if (ArrayBuffer.isView(o)) return Array.from(o as unknown as ArrayLike<number>);
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

function read(o: object, key: string | number, path: string): unknown {
  try {
    return (o as Record<string | number, unknown>)[key];
  } catch (e) {
    throw new FlatminError('TYPE', path, `reading this value threw: ${short(e)}`);
  }
}

function short(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
