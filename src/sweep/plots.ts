/**
 * SVG pictures of a sweep's statistics, drawn with src/report/svg.ts: each chosen metric (median,
 * bars from the 25th to the 75th percentile) and each event rate (bars: Wilson 95 %) against
 * every numeric grid axis, one series per combination of the other axes; for deep-linear sweeps a
 * histogram of first-jump steps per grid point. Interval bars are two-point vertical series.
 */
import { PALETTE, renderLinePlot, type Series } from '../report/svg.js';
import type { Sweep } from './spec.js';
import type { SweepStats } from './stats.js';

/** At most this many series per picture (legends beyond that are unreadable). */
const MAX_SERIES = PALETTE.length;
const HISTOGRAM_BINS = 20;

/** File name (without .svg) → SVG text. */
export function sweepPlots(sweep: Sweep, stats: SweepStats): Record<string, string> {
  const out: Record<string, string> = {};
  sweep.axes.forEach((axis, a) => {
    if (axis.paths.length !== 1) return;
    const xs = axis.values.map((v) => v[0]);
    if (!xs.every((x) => typeof x === 'number' && Number.isFinite(x))) return;
    const [lo, hi] = [Math.min(...(xs as number[])), Math.max(...(xs as number[]))];
    const logX = lo > 0 && hi >= 10 * lo;
    // A margin of 5 % of the range (a factor on a log axis), so bars at the ends stay off the frame.
    const margin = logX ? [lo / (hi / lo) ** 0.05, hi * (hi / lo) ** 0.05] : [lo - 0.05 * (hi - lo || 1), hi + 0.05 * (hi - lo || 1)];
    // Series: the points that agree on every other axis, in canonical order.
    const groups = new Map<string, number[]>();
    for (const p of sweep.points) {
      const rest = sweep.axes.map((ax, b) => (b === a ? '' : ax.slugs[p.at[b]])).filter(Boolean).join(' ');
      groups.set(rest, [...(groups.get(rest) ?? []), p.index]);
    }
    const series = (y: (i: number) => { mid: number; lo: number; hi: number } | null): Series[] =>
      [...groups.entries()].slice(0, MAX_SERIES).flatMap(([name, idx], g) => {
        const color = PALETTE[g % PALETTE.length];
        const pts = idx.map((i) => ({ x: xs[sweep.points[i].at[a]] as number, v: y(i) })).filter((p) => p.v !== null) as { x: number; v: { mid: number; lo: number; hi: number } }[];
        return [
          { name: name || axis.names[0], x: pts.map((p) => p.x), y: pts.map((p) => p.v.mid), color },
          ...pts.map((p) => ({ name: '', x: [p.x, p.x], y: [p.v.lo, p.v.hi], color })),
        ];
      });
    const title = (what: string) => `${what} against ${axis.names[0]}`;
    for (const m of stats.metrics) {
      const s = series((i) => {
        const q = stats.points[i].metrics[m];
        return q ? { mid: q.median, lo: q.q25, hi: q.q75 } : null;
      });
      if (s.length) out[`${m}-vs-${axis.names[0]}`] = renderLinePlot({ title: title(`${m}: median, bars 25–75 %,`), xLabel: axis.paths[0], yLabel: m, logX, series: s, include: { x: margin } });
    }
    for (const e of Object.keys(stats.events)) {
      const s = series((i) => {
        const r = stats.points[i].events[e];
        return r ? { mid: r.rate, lo: r.lo, hi: r.hi } : null;
      });
      if (s.length) out[`${e}-rate-vs-${axis.names[0]}`] = renderLinePlot({ title: title(`${e} rate, bars Wilson 95 %,`), xLabel: axis.paths[0], yLabel: `${e} rate`, logX, series: s, include: { x: margin, y: [-0.02, 1.02] } });
    }
  });
  if (stats.model === 'deep-linear') {
    const all = stats.points.flatMap((p) => p.firstJumpSteps ?? []);
    if (all.length > 0) {
      const max = Math.max(...all);
      const width = Math.max(1, Math.ceil(max / HISTOGRAM_BINS));
      const series: Series[] = stats.points.filter((p) => p.firstJumpSteps?.length).slice(0, MAX_SERIES).map((p, g) => {
        const counts = new Array<number>(HISTOGRAM_BINS + 1).fill(0);
        for (const s of p.firstJumpSteps!) counts[Math.min(HISTOGRAM_BINS, Math.floor(s / width))]++;
        // A histogram as a step line: up and across each bin.
        const x: number[] = [];
        const y: number[] = [];
        counts.forEach((c, b) => {
          x.push(b * width, (b + 1) * width);
          y.push(c, c);
        });
        x.push((HISTOGRAM_BINS + 1) * width);
        y.push(0);
        return { name: p.point || 'all runs', x, y, color: PALETTE[g % PALETTE.length] };
      });
      out['jump-times'] = renderLinePlot({ title: `first rank jump: runs per ${width}-step bin`, xLabel: 'step of the first fall of the rank', yLabel: 'runs', series });
    }
  }
  return out;
}
