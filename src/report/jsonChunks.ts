import { RowsOf } from './rowsOf.js';

/**
 * flatmin's JSON files (results, summaries, sweep records): `JSON.stringify(value, null, indent)`'s
 * text, except that an array of numbers is written on one line, as `JSON.stringify(array)` writes
 * it — a matrix reads as its rows, one per line, where the indented form gave every entry a line
 * (the result of a 10⁴×10⁴ rank-10 run: 240 219 lines, now 20 202). With indent 0 it is
 * JSON.stringify's.
 *
 * Handed out in pieces of about `chunk` characters: a run result with a 10⁴×10 factor pair in its
 * config and its final X and Y is a 12 MB string, which writing to a file then flattens and
 * encodes — three copies at once, ~36 MB of a CLI run's peak. Written piece by piece, none exists
 * whole.
 *
 * Plain data is walked here (objects by Object.keys, arrays by index); everything else — numbers
 * (NaN and ±Infinity become null, −0 becomes 0), strings, booleans, null, and any value with a
 * toJSON method or a boxed primitive — goes through JSON.stringify itself, so the rules are its
 * own: undefined, functions and symbols are left out of objects and are null in arrays. A cycle
 * throws a TypeError, as JSON.stringify does.
 *
 * A RowsOf (report/rowsOf.ts) is written as the rows it stands for — the text `toRows` of its
 * matrix gives — one row array at a time, each garbage as soon as it is written.
 *
 * Pieces of 8 KB, not more: the strings a piece is joined from are alive at every scavenge while
 * it is built (≈ 3× its size), and V8 doubles its young generation whenever the bytes that survive
 * scavenges outgrow it. With 64 KB pieces ≈ 200 KB survived each one, and writing a 10⁴×10 result
 * grew it to 2 × 8 MB; with 8 KB it stays at its size (measured: a 100 MB result written in the
 * same time, 15 MB less peak RSS; a whole `flatmin run` of a 10⁴ factored target 5 MB less).
 */
export function* jsonChunks(value: unknown, indent = 1, chunk = 1 << 13): Generator<string> {
  const parts: string[] = [];
  let size = 0;
  const emit = (s: string) => {
    parts.push(s);
    size += s.length;
  };
  const pads: string[] = [];
  // indent 0 is JSON.stringify's compact form: no newlines, no space after a key's colon
  const pad = (depth: number) => (pads[depth] ??= indent > 0 ? '\n' + ' '.repeat(indent * depth) : '');
  const colon = indent > 0 ? ': ' : ':';
  /** A container being written: its keys (objects), the next index and its depth. */
  interface Frame {
    v: object;
    keys?: string[];
    n: number;
    i: number;
    depth: number;
  }
  const stack: Frame[] = [];
  const seen = new Set<object>();
  /** Writes v whole (a leaf, an empty container, a row of numbers) or opens its frame. */
  const open = (v: unknown, depth: number) => {
    if (v instanceof RowsOf) {
      if (v.matrix.rows === 0) emit('[]');
      else {
        emit('[');
        stack.push({ v, n: v.matrix.rows, i: 0, depth });
      }
      return;
    }
    if (!isPlainContainer(v)) {
      if (typeof v === 'number') emit(Number.isFinite(v) ? String(v) : 'null'); // JSON's own number text
      else {
        const s = JSON.stringify(v, null, indent) as string | undefined; // undefined for undefined, functions, symbols
        emit(s === undefined ? 'null' : depth === 0 ? s : s.replaceAll('\n', pad(depth)));
      }
      return;
    }
    if (seen.has(v)) throw new TypeError('Converting circular structure to JSON');
    const array = Array.isArray(v);
    const keys = array ? undefined : Object.keys(v).filter((k) => isSerialized((v as Record<string, unknown>)[k]));
    const n = array ? v.length : keys!.length;
    if (n === 0) emit(array ? '[]' : '{}');
    // a row of numbers (most of a large result) on one line, by JSON.stringify itself
    else if (array && allNumbers(v)) emit(JSON.stringify(v));
    else {
      seen.add(v);
      emit(array ? '[' : '{');
      stack.push({ v, keys, n, i: 0, depth });
    }
  };
  open(value, 0);
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i === f.n) {
      emit(pad(f.depth) + (f.keys ? '}' : ']'));
      seen.delete(f.v);
      stack.pop();
      continue;
    }
    const key = f.keys?.[f.i];
    emit((f.i > 0 ? ',' : '') + pad(f.depth + 1) + (key === undefined ? '' : JSON.stringify(key) + colon));
    const x = key !== undefined ? (f.v as Record<string, unknown>)[key] : f.v instanceof RowsOf ? f.v.row(f.i) : (f.v as unknown[])[f.i];
    f.i++;
    open(isSerialized(x) ? x : null, f.depth + 1);
    if (size >= chunk) {
      yield parts.join('');
      parts.length = 0;
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** A JSON file's contents in pieces: jsonChunks, then a final newline. */
export function* jsonFile(value: unknown, indent = 1): Generator<string> {
  yield* jsonChunks(value, indent);
  yield '\n';
}

/** A JSON file's contents whole (small files: summaries, sweep records, manifests). */
export function jsonText(value: unknown, indent = 1): string {
  return [...jsonFile(value, indent)].join('');
}

/** An array or an object JSON.stringify would walk key by key (no toJSON method, not a boxed primitive). */
function isPlainContainer(v: unknown): v is object {
  if (typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return true;
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  return !BOXED.has(Object.prototype.toString.call(v));
}

const BOXED = new Set(['[object Number]', '[object String]', '[object Boolean]', '[object BigInt]']);

/** Whether every element is a number. */
function allNumbers(a: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'number') return false;
  return true;
}

/** Whether an object's property with this value appears in JSON.stringify's output. */
function isSerialized(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}
