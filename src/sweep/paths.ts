/**
 * Config paths as a sweep spec names them: `optimizer[0].lr`, `problem.loss.fraction`,
 * `optimizer.schedule[1].steps`. Keys are dotted, list positions in brackets — the same spelling
 * the config validators use in their error paths, so a validator's path can be matched to a grid
 * axis by comparing strings.
 */
import { setOwn } from '../config/plain.js';
import { FlatminError } from '../errors.js';

export type Segment = string | number;

/** `a.b[0].c` → ['a', 'b', 0, 'c']; throws USAGE (at `where`) for anything else. */
export function parsePath(path: string, where: string): Segment[] {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*|\[\d+\])*$/.test(path))
    throw new FlatminError('USAGE', where, `expected a config path like "optimizer.lr" or "optimizer[0].lr", got ${JSON.stringify(path)}`);
  return [...path.matchAll(/[A-Za-z_$][\w$]*|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[0]));
}

/** ['a', 'b', 0, 'c'] → `a.b[0].c` (the validators' spelling). */
export function formatPath(segments: readonly Segment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * Checks that `segments` can be set in `base`: every step but the last must exist (an object key
 * or a list index in range); the last must be a key of an object (present or not — the validator
 * decides whether a new key is allowed) or an index in range. Returns a message, or undefined.
 */
export function pathProblem(base: unknown, segments: readonly Segment[]): string | undefined {
  let node: unknown = base;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    const here = formatPath(segments.slice(0, i)) || 'the config';
    const last = i === segments.length - 1;
    if (typeof s === 'number') {
      if (!Array.isArray(node)) return `${here} is ${kindOf(node)} in base, not a list: [${s}] does not exist`;
      if (s >= node.length) return `${here} has ${node.length} entries in base: [${s}] does not exist`;
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return `${here} is ${kindOf(node)} in base: .${s} does not exist`;
      if (!last && !Object.hasOwn(node, s)) return `base has no ${formatPath(segments.slice(0, i + 1))}`;
    }
    node = (node as Record<string | number, unknown>)[s];
  }
  return undefined;
}

/** A deep copy of `base` with the value at `segments` replaced (pathProblem must have passed). */
export function setPath(base: unknown, segments: readonly Segment[], value: unknown): unknown {
  if (segments.length === 0) return value;
  const [head, ...rest] = segments;
  const copy = (Array.isArray(base) ? [...base] : { ...(base as object) }) as Record<string | number, unknown>;
  setOwn(copy, String(head), setPath(copy[head], rest, value));
  return copy;
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'absent';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
