/**
 * Valid small configs of every model and loss, and the ways a user (or a bad tool) gets them wrong:
 * the fuzz corpus of test/fuzz/*.test.ts. Deterministic: the same seed gives the same cases.
 */

// The fuzz must be reproducible, not cryptographic: the bench's small seeded PRNG does.
import { mulberry32 } from '../../bench/problem.js';

const target = (n: number, m: number, s: number[], seed: string) => ({ random: { n, m, singularValues: s, seed } });

/** One small valid config per model × loss × noise family (each runs in a few milliseconds). */
export const VALID: Record<string, object> = {
  full: {
    problem: { target: target(6, 4, [2, 1], 'a'), rank: 2 },
    init: { kind: 'gaussian', imbalance: 2 },
    optimizer: [{ steps: 40, lr: 0.05, noise: { kind: 'perturbed', sigma: [0.05, 0.1] } }, { steps: 20, lr: 0.05, scale: [1, 0.5] }],
    seed: 1,
    recordEvery: 10,
  },
  completion: {
    problem: { target: target(6, 5, [1], 'b'), rank: 2, loss: { kind: 'completion', fraction: 0.7 }, lambda: 1e-3 },
    optimizer: [{ steps: 50, lr: 0.3, batch: 4, noise: { kind: 'langevin', temperature: 1e-6 } }],
    seed: 'c',
    precision: 'f32',
  },
  sensing: {
    problem: { target: target(5, 5, [2, 1], 'c'), rank: 2, loss: { kind: 'sensing', measurements: 30 } },
    init: { kind: 'small', scale: 0.01 },
    optimizer: [{ steps: 40, lr: 0.05, noise: { kind: 'anticorrelated', sigma: 0.01 } }],
    seed: 2,
    backend: 'reference',
  },
  legacy: {
    problem: { target: [[1, 0, 0], [0, 2, 0], [0, 0, 0], [1, 1, 1]], rank: 2 },
    optimizer: { kind: 'perturbed-gd', lr: 0.05, sigmaX: 0.1, sigmaY: 0.05, steps: 30 },
    seed: 3,
  },
  deepCompletion: {
    problem: { kind: 'completion', target: [[1, 2, 0], [0, 1, 1], [1, 0, 1], [2, 1, 0]], mask: [[1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1]], truth: [[1, 2, 1], [0, 1, 1], [1, 0, 1], [2, 1, 0]] },
    model: { kind: 'deep-linear', depth: 3, width: 4, init: { kind: 'gaussian', scale: 0.3 } },
    optimizer: [{ steps: 30, lr: 0.05, batch: 2, noise: { kind: 'perturbed', sigma: 0.01 } }, { steps: 20, lr: 0.05 }],
    lambda: 0.01,
    diagnostics: { curvature: true, probes: 2 },
    seed: 4,
    recordEvery: 10,
  },
  deepSensing: {
    problem: { kind: 'sensing', target: target(4, 4, [1, 0.5], 'd'), measurements: 20 },
    model: { kind: 'deep-linear', depth: 2, width: 3, init: { kind: 'gaussian', scale: 0.2 } },
    optimizer: [{ kind: 'sgd', steps: 30, lr: 0.05, batch: 3, noise: { kind: 'anticorrelated', sigma: 0.01 } }],
    lambda: 0,
    seed: 5,
    recordEvery: 10,
  },
};

/** Values a field can wrongly hold: every JSON type, boundaries, and numbers no count or rate accepts. */
const POOL: unknown[] = [
  null, true, false, '', 'x', '1', 'NaN', [], [1], [[1]], {}, { kind: 'x' },
  0, -0, 1, -1, 2, 0.5, 3.7, 1e-320, 5e-324, 1e300, -1e300, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 300,
];
const KINDS = ['full', 'completion', 'sensing', 'gaussian', 'small', 'given', 'perturbed', 'anticorrelated', 'langevin', 'gd', 'sgd', 'perturbed-gd', 'deep-linear', 'factorization', 'fixture-start'];

export const CLASSES = ['delete', 'retype', 'number', 'kind', 'unknown-key', 'rename', 'array', 'text', 'swap'] as const;
export type MutationClass = (typeof CLASSES)[number];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Slot { parent: Json[] | { [k: string]: Json }; key: string | number; value: Json }

function slots(v: Json, out: Slot[] = []): Slot[] {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v, key: i, value: x }), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v, key: k, value: x }), slots(x, out);
  return out;
}

/** One mutation of `base` of the given class, as the file text the CLI reads. */
export function mutate(base: object, cls: MutationClass, rnd: () => number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
  const root = structuredClone(base) as Json;
  const all = slots(root);
  const set = (s: Slot, v: Json) => ((s.parent as Record<string | number, Json>)[s.key] = v);
  switch (cls) {
    case 'delete': {
      const s = pick(all);
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      break;
    }
    case 'retype':
      set(pick(all), structuredClone(pick(POOL)) as Json);
      break;
    case 'number': {
      const nums = all.filter((s) => typeof s.value === 'number');
      set(pick(nums), pick(POOL.filter((v) => typeof v === 'number')) as number);
      break;
    }
    case 'kind': {
      const kinds = all.filter((s) => s.key === 'kind');
      if (kinds.length) set(pick(kinds), pick(KINDS));
      break;
    }
    case 'unknown-key': {
      const objs = [root, ...all.map((s) => s.value)].filter((v) => v && typeof v === 'object' && !Array.isArray(v)) as Record<string, Json>[];
      pick(objs)[pick(['sigmaz', 'lR', 'kind2', '__proto__', 'constructor', 'steps', 'seed', 'x'])] = structuredClone(pick(POOL)) as Json;
      break;
    }
    case 'rename': {
      const named = all.filter((s) => !Array.isArray(s.parent));
      const s = pick(named);
      const k = s.key as string;
      delete (s.parent as Record<string, Json>)[k];
      (s.parent as Record<string, Json>)[k.length > 1 ? k.slice(0, -1) : `${k}${k}`] = s.value;
      break;
    }
    case 'array': {
      const arrays = [root, ...all.map((s) => s.value)].filter(Array.isArray) as Json[][];
      if (arrays.length === 0) return mutate(base, 'retype', rnd);
      const a = pick(arrays);
      if (rnd() < 0.5 && a.length) a.pop();
      else a.push(structuredClone(a.length ? a[a.length - 1] : 1));
      break;
    }
    case 'swap': {
      // A subtree moved to another field: right type in the wrong place.
      const a = pick(all);
      set(pick(all), structuredClone(a.value));
      break;
    }
    case 'text': {
      const t = JSON.stringify(root, null, 1);
      const at = Math.floor(rnd() * t.length);
      const r = rnd();
      if (r < 0.3) return t.slice(0, at);
      if (r < 0.6) return t.slice(0, at) + pick(['{', '}', ',', '"', ':', '[', 'x', '\u0000', '\ufeff', 'NaN', '1e999']) + t.slice(at);
      if (r < 0.8) return t.slice(0, at) + t.slice(at + 1);
      return t.replace(/\d/g, (d) => (rnd() < 0.1 ? pick(['-', '.', 'e', '9']) : d));
    }
  }
  return JSON.stringify(root, null, 1);
}

/** `count` cases, round-robin over the base configs and the mutation classes. */
export function fuzzCases(count: number, seed: number): { name: string; cls: MutationClass; text: string }[] {
  const rnd = mulberry32(seed);
  const names = Object.keys(VALID);
  return Array.from({ length: count }, (_, i) => {
    const base = names[i % names.length];
    const cls = CLASSES[Math.floor(i / names.length) % CLASSES.length];
    return { name: `${base}/${cls}/${i}`, cls, text: mutate(VALID[base], cls, rnd) };
  });
}
