/**
 * A sweep spec and its expansion into runs (issue 13 §1).
 *
 *   { "base": CONFIG, "grid": { PATH: [v, …], … }, "zip": [{ PATH: [v, …], PATH: [w, …] }, …],
 *     "seeds": N | [s, …], "report": { "metrics": [...], "tolerance": 0.05 } }
 *
 * Axes are the grid's paths (in the spec's key order), then each zip group (its lists paired
 * element by element). Points are their cartesian product, the first axis varying slowest; every
 * point runs every seed, seeds innermost. That is the canonical order: run `index` =
 * point × seeds + seed, and shards take runs round-robin over it.
 *
 * A run's key names its point and seed (`lr=0.09_batch=1_seed=3`; filename-safe, stable for a
 * given spec). Its seed is `"<base seed>/<seed label>"`: a function of the base seed and the key
 * alone, never of a worker or shard. Deliberately not of the grid point: seed label s draws the
 * same noise stream at every point (common random numbers), so settings compare seed by seed, as
 * the presets do.
 *
 * Platform-neutral (no node: imports): the browser's runEnsemble can share it.
 */
import { FlatminError } from '../errors.js';
import { array, checkKeys, describe, fail, integer, isObject, numberIn, object, validateSeed } from '../config/checks.js';
import { formatPath, parsePath, pathProblem, setPath, type Segment } from './paths.js';
import { modelOf, validateOne } from './runOne.js';
import { METRICS, type Model } from './metrics.js';

export type SeedLabel = string | number;

export interface ReportSpec {
  /** Metrics summarized per grid point (default: the model's headline metrics). */
  metrics: string[];
  /** Two-factor: "reached c²" means |ratio/c² − 1| ≤ tolerance (default 0.05). */
  tolerance: number;
}

export interface SweepSpec {
  description?: string;
  base: Record<string, unknown>;
  grid: Record<string, unknown[]>;
  zip: Record<string, unknown[]>[];
  seeds: SeedLabel[];
  report: ReportSpec;
}

/** One axis of the product: one grid path, or one zip group of paired paths. */
export interface Axis {
  /** Config paths set by this axis (one for a grid axis). */
  paths: string[];
  segments: Segment[][];
  /** Each path's name in run keys: the shortest unique suffix of the path. */
  names: string[];
  /** values[j][p]: the j-th value of path p. */
  values: unknown[][];
  /** Where the axis is in the spec, for errors: `grid["optimizer.lr"]` or `zip[0]`. */
  where: string;
  /** The spec location of path p's list. */
  lists: string[];
  /** slugs[j]: the key fragment of value j (`lr=0.09` or `sigmaX=0.2_sigmaY=0.1`). */
  slugs: string[];
}

export interface SweepPoint {
  index: number;
  key: string;
  /** Config path → value at this point. */
  values: Record<string, unknown>;
  /** Per axis, the index of its value. */
  at: number[];
}

export interface SweepRun {
  index: number;
  key: string;
  point: SweepPoint;
  seed: SeedLabel;
  /** The run config: base with the point's values and the derived seed. */
  config: Record<string, unknown>;
}

export interface Sweep {
  spec: SweepSpec;
  model: Model;
  axes: Axis[];
  points: SweepPoint[];
  runs: SweepRun[];
}

const SPEC_KEYS = ['description', 'base', 'grid', 'zip', 'seeds', 'report'] as const;
const REPORT_KEYS = ['metrics', 'tolerance'] as const;
/** Run keys are file names (`runs/<key>.json`): most file systems allow 255 bytes. */
const MAX_KEY = 200;
/** More runs than this in one spec is almost surely a mistake (and would not fit in memory as keys). */
export const MAX_RUNS = 10_000_000;

/**
 * Validates a spec, expands it and validates every point's config with the run validators, so a
 * bad spec fails before anything runs. Errors name the spec path and, for a value a config
 * rejects, the grid point.
 */
export function expandSweep(raw: unknown): Sweep {
  const spec = validateSpec(raw);
  const model = modelOf(spec.base);
  const axes = buildAxes(spec);
  const total = axes.reduce((n, a) => n * a.values.length, 1) * spec.seeds.length;
  if (total > MAX_RUNS) fail('OUT_OF_RANGE', 'grid', `the spec expands to ${total} runs; at most ${MAX_RUNS}`);
  for (const m of spec.report.metrics)
    if (!METRICS[model].includes(m)) fail('UNKNOWN_KIND', 'report.metrics', `unknown ${model} metric ${JSON.stringify(m)} (expected one of ${METRICS[model].join(', ')})`);

  const points: SweepPoint[] = [];
  const nPoints = total / spec.seeds.length;
  for (let p = 0; p < nPoints; p++) {
    const at: number[] = [];
    let rest = p;
    for (let a = axes.length - 1; a >= 0; a--) {
      at[a] = rest % axes[a].values.length;
      rest = Math.floor(rest / axes[a].values.length);
    }
    const values: Record<string, unknown> = {};
    axes.forEach((axis, a) => axis.paths.forEach((path, i) => (values[path] = axis.values[at[a]][i])));
    points.push({ index: p, key: axes.map((axis, a) => axis.slugs[at[a]]).join('_'), values, at });
  }

  const baseSeed = spec.base.seed === undefined ? 0 : validateSeed(spec.base.seed, 'base.seed');
  const runs: SweepRun[] = [];
  for (const point of points) {
    let config: unknown = spec.base;
    axes.forEach((axis, a) => axis.segments.forEach((seg, i) => (config = setPath(config, seg, axis.values[point.at[a]][i]))));
    spec.seeds.forEach((seed, s) => {
      const key = [point.key, `seed=${slug(seed)}`].filter(Boolean).join('_');
      runs.push({ index: point.index * spec.seeds.length + s, key, point, seed, config: { ...(config as object), seed: `${baseSeed}/${seed}` } });
    });
    checkPoint(runs.at(-1)!.config, point, axes);
    const long = runs.at(-1)!.key;
    if (long.length > MAX_KEY) fail('OUT_OF_RANGE', 'grid', `run keys such as ${long} are ${long.length} characters; file names hold ${MAX_KEY} (shorten the paths' last segments or use fewer axes)`);
  }
  return { spec, model, axes, points, runs };
}

/** The runs shard `index` of `count` owns: round-robin over the canonical order. */
export function shardRuns(runs: readonly SweepRun[], index: number, count: number): SweepRun[] {
  return runs.filter((r) => r.index % count === index);
}

function validateSpec(raw: unknown): SweepSpec {
  const top = object(raw, 'spec', 'a sweep spec { base, grid, zip?, seeds, report? }');
  checkKeys(top, '', SPEC_KEYS);
  if (top.description !== undefined && typeof top.description !== 'string') fail('TYPE', 'description', `expected a string, got ${describe(top.description)}`);
  if (top.base === undefined) fail('MISSING', 'base', 'expected the base run config (any config `flatmin run` takes)');
  const base = object(top.base, 'base', 'a run config object');
  const grid = top.grid === undefined ? {} : object(top.grid, 'grid', 'an object { "config.path": [values…] }');
  const zip = top.zip === undefined ? [] : array(top.zip, 'zip', 'a list of groups { "path": [values…], "path": [values…] } (lists of equal length)');
  zip.forEach((g, i) => object(g, `zip[${i}]`, 'a group { "path": [values…], … } (lists of equal length)'));
  const seeds = validateSeeds(top.seeds);
  const report = top.report === undefined ? {} : object(top.report, 'report', 'an object { metrics?, tolerance? }');
  checkKeys(report, 'report', REPORT_KEYS);
  const metrics = report.metrics === undefined
    ? [...DEFAULT_METRICS[modelOf(base)]]
    : array(report.metrics, 'report.metrics', 'a list of metric names').map((m, i) => (typeof m === 'string' ? m : fail('TYPE', `report.metrics[${i}]`, `expected a metric name, got ${describe(m)}`)));
  const tolerance = report.tolerance === undefined ? 0.05 : numberIn(report.tolerance, 'report.tolerance', { min: 0, exclusive: true });
  const out: SweepSpec = { base, grid: grid as Record<string, unknown[]>, zip: zip as Record<string, unknown[]>[], seeds, report: { metrics, tolerance } };
  if (typeof top.description === 'string') out.description = top.description;
  return out;
}

const DEFAULT_METRICS: Record<Model, readonly string[]> = {
  'two-factor': ['dX', 'dY', 'ratioError', 'residual'],
  'deep-linear': ['testError', 'trainError', 'rank'],
};

function validateSeeds(raw: unknown): SeedLabel[] {
  if (raw === undefined) fail('MISSING', 'seeds', 'expected a count (seeds 0…N−1) or a list of seed labels');
  if (typeof raw === 'number') {
    const n = integer(raw, 'seeds', 1);
    if (n > MAX_RUNS) fail('OUT_OF_RANGE', 'seeds', `at most ${MAX_RUNS} seeds`);
    return Array.from({ length: n }, (_, i) => i);
  }
  const list = array(raw, 'seeds', 'a count or a non-empty list of seed labels');
  if (list.length === 0) fail('OUT_OF_RANGE', 'seeds', 'expected at least one seed');
  const seen = new Map<string, number>();
  return list.map((s, i) => {
    const label = validateSeed(s, `seeds[${i}]`);
    const k = slug(label);
    if (seen.has(k)) fail('OUT_OF_RANGE', `seeds[${i}]`, `seed ${JSON.stringify(label)} is the same as seeds[${seen.get(k)}] (every seed must be different)`);
    seen.set(k, i);
    return label;
  });
}

function buildAxes(spec: SweepSpec): Axis[] {
  const groups: { where: string; lists: [string, unknown][] }[] = [
    ...Object.entries(spec.grid).map(([path, list]) => ({ where: `grid[${JSON.stringify(path)}]`, lists: [[path, list]] as [string, unknown][] })),
    ...spec.zip.map((g, i) => ({ where: `zip[${i}]`, lists: Object.entries(g) })),
  ];
  const all: { path: string; segments: Segment[]; list: string }[] = [];
  const axes = groups.map(({ where, lists }) => {
    if (lists.length === 0) fail('OUT_OF_RANGE', where, 'expected at least one path in a zip group');
    const paths: string[] = [];
    const segments: Segment[][] = [];
    const columns: unknown[][] = [];
    const listWhere: string[] = [];
    for (const [path, list] of lists) {
      const at = where.startsWith('zip') ? `${where}[${JSON.stringify(path)}]` : where;
      const seg = parsePath(path, at);
      if (seg[0] === 'seed' && seg.length === 1) fail('OUT_OF_RANGE', at, 'the seed is not a grid axis: use "seeds" (each run\'s seed derives from base.seed and its seed label)');
      const problem = pathProblem(spec.base, seg);
      if (problem) fail('UNKNOWN_KEY', at, `unknown path ${JSON.stringify(path)}: ${problem}`);
      const values = array(list, at, 'a non-empty list of values');
      if (values.length === 0) fail('OUT_OF_RANGE', at, 'expected a non-empty list of values (an empty axis has no runs)');
      const canonical = formatPath(seg);
      for (const other of all) {
        if (other.path === canonical) fail('OUT_OF_RANGE', at, `${canonical} is also set by ${other.list}`);
        if (isPrefix(other.path, canonical) || isPrefix(canonical, other.path))
          fail('OUT_OF_RANGE', at, `${canonical} overlaps ${other.path} (set by ${other.list}); set one or the other`);
      }
      all.push({ path: canonical, segments: seg, list: at });
      paths.push(canonical);
      segments.push(seg);
      columns.push(values);
      listWhere.push(at);
    }
    const length = columns[0].length;
    columns.forEach((c, i) => {
      if (c.length !== length) fail('SHAPE', listWhere[i], `expected ${length} values like ${listWhere[0]} (a zip group pairs its lists element by element), got ${c.length}`);
    });
    const values = Array.from({ length }, (_, j) => columns.map((c) => c[j]));
    return { paths, segments, names: [] as string[], values, where, lists: listWhere, slugs: [] as string[] };
  });
  const names = keyNames(all.map((a) => a.segments));
  let k = 0;
  for (const axis of axes) {
    axis.names = axis.paths.map(() => names[k++]);
    const seen = new Map<string, number>();
    axis.slugs = axis.values.map((tuple, j) => {
      const s = tuple.map((v, i) => `${axis.names[i]}=${slug(v)}`).join('_');
      if (seen.has(s)) fail('OUT_OF_RANGE', `${axis.where}[${j}]`, `value ${JSON.stringify(tuple.length === 1 ? tuple[0] : tuple)} is the same as [${seen.get(s)}] (every value of an axis must be different)`);
      seen.set(s, j);
      return s;
    });
  }
  return axes;
}

/** Validates one point's config; a rejected value is blamed on its axis, anything else on base. */
function checkPoint(config: unknown, point: SweepPoint, axes: Axis[]): void {
  try {
    validateOne(config);
  } catch (e) {
    if (!(e instanceof FlatminError)) throw e;
    const at = point.key || 'the only point';
    for (const [a, axis] of axes.entries()) {
      const i = axis.paths.findIndex((p) => p === e.path || isPrefix(p, e.path));
      if (i >= 0) throw new FlatminError(e.code, `${axis.lists[i]}[${point.at[a]}]`, `${e.reason} (config ${e.path}, grid point ${at})`);
    }
    throw new FlatminError(e.code, e.path && e.path !== 'config' ? `base.${e.path}` : 'base', `${e.reason}${axes.length ? ` (at grid point ${at})` : ''}`);
  }
}

/** `a.b` is a proper prefix of `a.b.c` and `a.b[0]`, not of `a.bc`. */
function isPrefix(prefix: string, path: string): boolean {
  return path.length > prefix.length && path.startsWith(prefix) && (path[prefix.length] === '.' || path[prefix.length] === '[');
}

/** For each path, the shortest suffix of its segments that no other path ends in (nor "seed"). */
function keyNames(paths: Segment[][]): string[] {
  const name = (seg: Segment[], k: number) => seg.slice(-k).map(String).join('.').replace(/[^A-Za-z0-9.-]/g, '-');
  return paths.map((seg, i) => {
    for (let k = 1; k < seg.length; k++) {
      const mine = name(seg, k);
      if (mine !== 'seed' && paths.every((other, j) => j === i || name(other, k) !== mine)) return mine;
    }
    return name(seg, seg.length);
  });
}

/**
 * A value's fragment in a run key: numbers as JavaScript prints them (0.09, 1e-7), booleans and
 * short plain strings as they are, anything else as `h` + a 48-bit hash of its canonical JSON.
 */
export function slug(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string' && /^[A-Za-z0-9.+-]{1,40}$/.test(v)) return v;
  return `h${hash48(canonicalJson(v))}`;
}

/** JSON with object keys sorted, so equal values print alike whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** cyrb53-style string hash (two multiplicative 32-bit lanes), 12 hex digits. Not cryptographic: names only. */
function hash48(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return ((h2 >>> 0) & 0xffff).toString(16).padStart(4, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
