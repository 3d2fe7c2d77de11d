/**
 * The statistics people would otherwise compute by hand from a sweep (issue 13 §4), per grid
 * point: quantiles of the chosen metrics over the runs that finished, counts and rates of events
 * with Wilson 95 % intervals, and for deep-linear sweeps the rank-transition matrix (start rank →
 * final rank, over seeds), the upward jumps (a jump away from low rank; from a critical point there
 * must be none) and the first-jump steps.
 *
 * Deterministic: records are taken in canonical order and every sum runs in that order, so the
 * same records give the same bytes. Only + − × ÷ and √ (correctly rounded everywhere).
 */
import type { Model } from './metrics.js';
import type { RunRecord } from './record.js';
import type { Sweep } from './spec.js';

export interface Summary {
  n: number;
  mean: number;
  min: number;
  q10: number;
  q25: number;
  median: number;
  q75: number;
  q90: number;
  max: number;
}

export interface Rate {
  /** Runs with the event. */
  k: number;
  /** Runs it was counted over (those that did not fail). */
  n: number;
  rate: number;
  /** Wilson score interval, 95 %. */
  lo: number;
  hi: number;
}

export interface PointStats {
  point: string;
  values: Record<string, unknown>;
  /** Runs of this point found (of `expected`). */
  runs: number;
  expected: number;
  ok: number;
  diverged: number;
  failed: number;
  /** Over the runs with status ok; null when there is none with a finite value. */
  metrics: Record<string, Summary | null>;
  events: Record<string, Rate | null>;
  /** Deep-linear: "start→final" rank (or "start→diverged") → number of runs. */
  transitions?: Record<string, number>;
  /** Deep-linear: every rise of the rank, with its run. */
  upwardJumps?: { key: string; step: number; from: number; to: number }[];
  /** Deep-linear: first-fall steps of the runs that jumped, ascending. */
  firstJumpSteps?: number[];
}

export interface SweepStats {
  model: Model;
  metrics: string[];
  /** Event names and what they mean. */
  events: Record<string, string>;
  points: PointStats[];
}

/** z for a two-sided 95 % interval: Φ⁻¹(0.975). */
const Z95 = 1.959963984540054;

/** Wilson score interval for k successes in n trials (null for n = 0). */
export function wilson(k: number, n: number, z = Z95): Rate | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = n + z2;
  const center = (k + z2 / 2) / denom;
  const half = (z / denom) * Math.sqrt(k * (1 - p) + z2 / 4);
  return { k, n, rate: p, lo: Math.max(0, center - half), hi: Math.min(1, center + half) };
}

/** Quantile of ascending `xs` by linear interpolation between order statistics (R's type 7, numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  const h = (xs.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, xs.length - 1);
  return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
}

export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v; // in canonical order
  const xs = [...values].sort((a, b) => a - b);
  return {
    n: xs.length, mean: sum / xs.length, min: xs[0], q10: quantile(xs, 0.1), q25: quantile(xs, 0.25), median: quantile(xs, 0.5),
    q75: quantile(xs, 0.75), q90: quantile(xs, 0.9), max: xs[xs.length - 1],
  };
}

const EVENTS: Record<Model, Record<string, string>> = {
  'two-factor': {
    diverged: 'the run diverged',
    reachedC2: 'finished with |‖X‖²/‖Y‖² ÷ c² − 1| ≤ tolerance',
  },
  'deep-linear': {
    jumped: 'the rank fell below its start and the run did not diverge',
    diverged: 'the run diverged',
    stayed: 'neither: the rank never fell and the run did not diverge',
  },
};

/** Per-point statistics of `records` (any order; a subset is fine — missing runs are counted). */
export function sweepStats(sweep: Sweep, records: readonly RunRecord[]): SweepStats {
  const byPoint = new Map<string, RunRecord[]>();
  for (const r of [...records].sort((a, b) => a.index - b.index)) {
    const list = byPoint.get(r.point) ?? [];
    list.push(r);
    byPoint.set(r.point, list);
  }
  const { metrics, tolerance } = sweep.spec.report;
  const points = sweep.points.map((p): PointStats => {
    const rs = byPoint.get(p.key) ?? [];
    const ok = rs.filter((r) => r.status === 'ok');
    const counted = rs.filter((r) => r.status !== 'failed');
    const diverged = counted.filter((r) => r.status === 'diverged');
    const stats: PointStats = {
      point: p.key, values: p.values, runs: rs.length, expected: sweep.spec.seeds.length,
      ok: ok.length, diverged: diverged.length, failed: rs.length - counted.length,
      metrics: Object.fromEntries(metrics.map((m) => [m, summarize(ok.map((r) => r.metrics[m]).filter((v): v is number => typeof v === 'number'))])),
      events: {},
    };
    const n = counted.length;
    if (sweep.model === 'two-factor') {
      stats.events.diverged = wilson(diverged.length, n);
      stats.events.reachedC2 = wilson(ok.filter((r) => typeof r.metrics.ratioError === 'number' && Math.abs(r.metrics.ratioError) <= tolerance).length, n);
    } else {
      const jumped = ok.filter((r) => r.metrics.firstJumpStep !== null && r.metrics.firstJumpStep !== undefined);
      stats.events.jumped = wilson(jumped.length, n);
      stats.events.diverged = wilson(diverged.length, n);
      stats.events.stayed = wilson(ok.length - jumped.length, n);
      const transitions: Record<string, number> = {};
      for (const r of counted) {
        const to = r.status === 'diverged' ? 'diverged' : String(r.metrics.rank);
        const t = `${r.metrics.startRank}→${to}`;
        transitions[t] = (transitions[t] ?? 0) + 1;
      }
      stats.transitions = Object.fromEntries(Object.entries(transitions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      stats.upwardJumps = counted.flatMap((r) => (r.jumps ?? []).filter((j) => !j.deep && j.to > j.from).map((j) => ({ key: r.key, step: j.step, from: j.from, to: j.to })));
      stats.firstJumpSteps = jumped.map((r) => r.metrics.firstJumpStep as number).sort((a, b) => a - b);
    }
    return stats;
  });
  return { model: sweep.model, metrics: [...metrics], events: EVENTS[sweep.model], points };
}

/** "39/60 = 0.650 [0.524, 0.758]" */
export function formatRate(r: Rate | null): string {
  if (!r) return '—';
  return `${r.k}/${r.n} = ${r.rate.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`;
}

/** The statistics as a plain-text table: one row per grid point, events with intervals, metric medians. */
export function formatStats(stats: SweepStats): string {
  const events = Object.keys(stats.events);
  const header = ['point', 'runs', ...events, ...stats.metrics.map((m) => `${m} (median)`)];
  if (stats.model === 'deep-linear') header.push('start→final rank', 'first jump (median step)');
  const rows = stats.points.map((p) => {
    const row = [p.point || '(base)', p.runs === p.expected ? String(p.runs) : `${p.runs}/${p.expected}`, ...events.map((e) => formatRate(p.events[e]))];
    row.push(...stats.metrics.map((m) => (p.metrics[m] ? short(p.metrics[m]!.median) : '—')));
    if (stats.model === 'deep-linear') {
      row.push(Object.entries(p.transitions ?? {}).map(([t, c]) => `${t}: ${c}`).join(', ') || '—');
      row.push(p.firstJumpSteps?.length ? short(quantile(p.firstJumpSteps, 0.5)) : '—');
    }
    return row;
  });
  const width = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(width[j])).join('  ').trimEnd();
  const upward = stats.points.flatMap((p) => p.upwardJumps ?? []);
  const notes = stats.model === 'deep-linear'
    ? [`upward rank jumps: ${upward.length === 0 ? 'none' : upward.map((u) => `${u.key} at step ${u.step} (${u.from}→${u.to})`).join('; ')}`]
    : [];
  return [line(header), ...rows.map(line), ...notes].join('\n');
}

function short(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? String(Number(x.toPrecision(4))) : x.toExponential(2);
}
