/**
 * Dependency-free SVG line plots for experiment reports.
 *
 * `renderLinePlot` returns a complete, standalone SVG document (no external fonts, scripts or
 * stylesheets). It carries a `viewBox`, so it scales cleanly when embedded with CSS sizing. The
 * output is a pure function of the input: the same spec always yields the same bytes.
 *
 * Layout never guesses: every string is measured with the width table of ./textWidth.ts (an upper
 * bound over the usual sans-serif fonts), legends and titles wrap rather than being cut, tick
 * labels thin out rather than collide, and a reference line's label goes where no curve passes or,
 * failing that, into the legend. test/report/presetPlots.test.ts holds every preset's plots to this
 * in Chromium.
 */
import { textWidth, wrapText } from './textWidth.js';

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  dashed?: boolean;
  color?: string;
  /** Draw a dot at every point and no connecting line (measurements rather than a curve). */
  points?: boolean;
}

export interface HLine {
  y: number;
  label: string;
  color?: string;
}

export interface PlotSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  logY?: boolean;
  /** Log-scale x axis (points with x ≤ 0 are dropped, as on a log y axis). */
  logX?: boolean;
  /** The y values are counts (a rank): ticks only at integers, never 1.2 or 1.4. */
  integerY?: boolean;
  series: Series[];
  /**
   * Horizontal reference lines: solid, thin and grey, under the series (so curves that reach them
   * visibly lie on them), each labelled where no curve passes. Dashes stay free for the series.
   */
  hlines?: HLine[];
  width?: number;
  /** Height of the canvas; it grows when the legend needs more room than the plot offers. */
  height?: number;
  /** Per-series point budget before min/max downsampling kicks in (default 2000, `DEFAULT_MAX_POINTS`). */
  maxPoints?: number;
  /** Values the axes must cover besides the data (e.g. a margin, so marks at the ends stay off the frame). */
  include?: { x?: number[]; y?: number[] };
}

export const DEFAULT_WIDTH = 720;
export const DEFAULT_HEIGHT = 420;
export const DEFAULT_MAX_POINTS = 2000;

/**
 * Colour-blind-friendly palette: the Okabe–Ito colours (yellow darkened for contrast on white,
 * listed last of them) plus two from Paul Tol's muted scheme to reach ten.
 */
export const PALETTE: readonly string[] = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#000000', // black
  '#B8A200', // yellow (darkened)
  '#882255', // wine
  '#999933', // olive
];

export const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const FONT_SIZE = 12;
const TITLE_SIZE = 15;
/** Baseline-to-baseline distance of wrapped lines (the rendered line box is ~1.17 em). */
const LINE_H = 15;
const TITLE_LINE_H = 19;
/** Height of a 12 px text box above and below its baseline, for collision tests. */
const ASCENT = 11;
const DESCENT = 3;
/** Canvas margin that no text may cross. */
const MARGIN = 8;
const HLINE_COLOR = '#777777';

// ---------------------------------------------------------------------------------------------
// Small helpers

/** Escape text for XML element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
  );
}

/** A coordinate with at most 4 significant digits (whole pixels beyond 1000). */
function num(v: number): string {
  if (!Number.isFinite(v)) return '0';
  const r = Math.abs(v) >= 1000 ? Math.round(v) : Number(v.toPrecision(4));
  return Object.is(r, -0) ? '0' : String(r);
}

function trimExp(s: string): string {
  // "1.50e+6" -> "1.5e6", "2.00e-7" -> "2e-7"
  const [m, e] = s.split('e');
  const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
  return `${mant}e${Number(e)}`;
}

/** Label for a tick of a linear axis whose ticks are `step` apart. */
function linearTickLabel(v: number, step: number, maxAbs: number): string {
  if (v === 0 || Math.abs(v) < step * 1e-9) return '0';
  if (maxAbs >= 1e6 || maxAbs < 1e-3) {
    // Enough mantissa digits to tell neighbouring ticks apart, at most 4 significant digits.
    const digits = Math.min(3, Math.max(0, Math.floor(Math.log10(Math.abs(v))) - Math.floor(Math.log10(step))));
    return trimExp(v.toExponential(digits));
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = v.toFixed(decimals);
  return s === '-0' ? '0' : s;
}

/** Label for 10^k on a log axis: plain for 0.01 … 1000, `1e-3` style beyond. */
function decadeLabel(k: number): string {
  if (k >= -2 && k <= 3) return k < 0 ? (10 ** k).toFixed(-k) : String(10 ** k);
  return `1e${k}`;
}

/** 1, 2 or 5 times a power of ten, close to `raw`. */
function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

export interface Tick {
  v: number; // value in scale space (log10 for log axes)
  label: string;
  /** A 2× or 5× label between decades: the first to go when labels crowd. */
  minorLabel?: boolean;
}

export interface Axis {
  lo: number; // domain in scale space
  hi: number;
  ticks: Tick[];
  minor: number[]; // unlabelled grid lines (scale space)
}

export function linearAxis(min: number, max: number, integer = false, target = 5): Axis {
  if (integer) return integerAxis(min, max, target);
  if (!(max - min > Math.max(Math.abs(min), Math.abs(max)) * 1e-12)) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / target);
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const maxAbs = Math.max(Math.abs(lo), Math.abs(hi));
  const ticks: Tick[] = [];
  const n = Math.round((hi - lo) / step);
  for (let i = 0; i <= n; i++) {
    const v = lo + i * step;
    ticks.push({ v, label: linearTickLabel(v, step, maxAbs) });
  }
  return { lo, hi, ticks, minor: [] };
}

/**
 * An axis of counts: ticks at integers only (step 1, 2, 5, 10, …), and a quarter-step of air
 * around the data rather than a whole extra step, so values drawn a little off an integer (runs
 * offset to stay visible) are not pushed up against the frame.
 */
function integerAxis(min: number, max: number, target: number): Axis {
  const step = Math.max(1, Math.round(niceStep(Math.max(1, max - min) / target)));
  const lo = min - step / 4;
  const hi = Math.max(max, min + 1) + step / 4;
  const ticks: Tick[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push({ v, label: String(v) });
  return { lo, hi, ticks, minor: [] };
}

function logAxis(min: number, max: number): Axis {
  let kLo = Math.floor(Math.log10(min) + 1e-12);
  let kHi = Math.ceil(Math.log10(max) - 1e-12);
  if (kHi <= kLo) kHi = kLo + 1;
  const span = kHi - kLo;
  const every = Math.max(1, Math.ceil(span / 6));
  // Align the labelled decades to multiples of `every` so labels look regular.
  kLo = Math.floor(kLo / every) * every;
  kHi = Math.ceil(kHi / every) * every;
  const ticks: Tick[] = [];
  for (let k = kLo; k <= kHi; k += every) {
    ticks.push({ v: k, label: decadeLabel(k) });
    // Over one or two decades, 2× and 5× are labelled too: otherwise only 2–3 labels show.
    if (kHi - kLo <= 2 && k < kHi) for (const m of [2, 5]) ticks.push({ v: k + Math.log10(m), label: multipleLabel(m, k), minorLabel: true });
  }
  const minor: number[] = [];
  if (every === 1 && kHi - kLo <= 4) {
    for (let k = kLo; k < kHi; k++) for (let m = 2; m <= 9; m++) minor.push(k + Math.log10(m));
  }
  return { lo: kLo, hi: kHi, ticks, minor };
}

/** Label of m·10^k (m = 2 or 5) on a short log axis, in the style of {@link decadeLabel}. */
function multipleLabel(m: number, k: number): string {
  if (k >= -2 && k <= 3) return k < 0 ? (m * 10 ** k).toFixed(-k) : String(m * 10 ** k);
  return `${m}e${k}`;
}

/**
 * Drop labels that would collide along the axis (`size(label)` is the label's extent along it, in
 * px): first the 2× and 5× labels of a short log axis, then every other label until they fit.
 * Grid lines stay; only the text is thinned.
 */
function thinLabels(ticks: Tick[], pos: (v: number) => number, size: (label: string) => number, gap: number): Tick[] {
  const fits = (ts: Tick[]) =>
    ts.every((t, i) => i === 0 || Math.abs(pos(t.v) - pos(ts[i - 1].v)) >= (size(t.label) + size(ts[i - 1].label)) / 2 + gap);
  if (fits(ticks)) return ticks;
  let ts = ticks.filter((t) => !t.minorLabel);
  for (let every = 2; !fits(ts) && every < ticks.length; every++) ts = ticks.filter((t) => !t.minorLabel).filter((_, i) => i % every === 0);
  return ts;
}

// ---------------------------------------------------------------------------------------------
// Data preparation

type Pt = [number, number]; // (x, y in scale space)

/** Split a series into runs of plottable points; a bad point (NaN, ±∞, ≤ 0 on log) breaks the line. */
function segmentsOf(s: Series, logX: boolean, logY: boolean): Pt[][] {
  const n = Math.min(s.x.length, s.y.length);
  const out: Pt[][] = [];
  let cur: Pt[] = [];
  for (let i = 0; i < n; i++) {
    const x = s.x[i];
    const y = s.y[i];
    const ok = Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
    if (ok) cur.push([logX ? Math.log10(x) : x, logY ? Math.log10(y) : y]);
    else if (cur.length > 0) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** Min/max-per-bucket decimation of one run, keeping its first and last points. */
function decimate(seg: Pt[], budget: number): Pt[] {
  if (seg.length <= budget || seg.length <= 4) return seg;
  const buckets = Math.max(1, Math.floor((budget - 2) / 2));
  const inner = seg.length - 2;
  const out: Pt[] = [seg[0]];
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * inner) / buckets);
    const to = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (to <= from) continue;
    let iMin = from;
    let iMax = from;
    for (let i = from + 1; i < to; i++) {
      if (seg[i][1] < seg[iMin][1]) iMin = i;
      if (seg[i][1] > seg[iMax][1]) iMax = i;
    }
    if (iMin === iMax) out.push(seg[iMin]);
    else if (iMin < iMax) out.push(seg[iMin], seg[iMax]);
    else out.push(seg[iMax], seg[iMin]);
  }
  out.push(seg[seg.length - 1]);
  return out;
}

function downsample(segs: Pt[][], maxPoints: number): Pt[][] {
  const total = segs.reduce((a, s) => a + s.length, 0);
  if (total <= maxPoints) return segs;
  return segs.map((s) => decimate(s, Math.max(4, Math.floor((maxPoints * s.length) / total))));
}

// ---------------------------------------------------------------------------------------------
// Rendering

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : dflt;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The box of 12 px text with its baseline at (x, y), anchored at its start. */
function textBox(x: number, y: number, w: number): Box {
  return { x0: x, y0: y - ASCENT, x1: x + w, y1: y + DESCENT };
}

function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Does the segment (ax, ay)–(bx, by) pass through the box? (Liang–Barsky clipping.) */
function segmentHitsBox(ax: number, ay: number, bx: number, by: number, r: Box): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = bx - ax;
  const dy = by - ay;
  const clip = (p: number, q: number): boolean => {
    if (p === 0) return q >= 0;
    const t = q / p;
    if (p < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
    return true;
  };
  return clip(-dx, ax - r.x0) && clip(dx, r.x1 - ax) && clip(-dy, ay - r.y0) && clip(dy, r.y1 - ay);
}

/** A legend entry: its name wrapped to the legend's width. */
interface LegendEntry {
  color: string;
  dashed: boolean;
  points: boolean;
  lines: string[];
}

/** Legend geometry: swatch, gap, text; entries 6 px apart. */
const SWATCH = 24;
const SWATCH_GAP = 6;
const ENTRY_GAP = 6;

function legendHeight(entries: LegendEntry[]): number {
  return entries.reduce((h, e) => h + e.lines.length * LINE_H + ENTRY_GAP, 0) - (entries.length > 0 ? ENTRY_GAP : 0);
}

/** Render a line plot as a standalone SVG document. Deterministic for a given spec. */
export function renderLinePlot(spec: PlotSpec): string {
  const W = positive(spec.width, DEFAULT_WIDTH);
  const H0 = positive(spec.height, DEFAULT_HEIGHT);
  const logY = spec.logY === true;
  const logX = spec.logX === true;
  const maxPoints = Math.max(8, Math.floor(positive(spec.maxPoints, DEFAULT_MAX_POINTS)));

  const prepared = spec.series.map((s, i) => ({
    name: s.name,
    color: s.color ?? PALETTE[i % PALETTE.length],
    dashed: s.dashed === true,
    points: s.points === true,
    segs: segmentsOf(s, logX, logY),
  }));
  const hlines = (spec.hlines ?? []).filter((h) => Number.isFinite(h.y) && (!logY || h.y > 0));

  // Domains from the full (not downsampled) data; reference lines are part of the y range.
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of prepared) {
    for (const seg of p.segs) {
      for (const [x, y] of seg) {
        if (x < xMin) xMin = x;
        if (x > xMax) xMax = x;
        if (y < yMin) yMin = y;
        if (y > yMax) yMax = y;
      }
    }
  }
  for (const h of hlines) {
    const y = logY ? Math.log10(h.y) : h.y;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  for (const v of spec.include?.x ?? []) {
    if (!Number.isFinite(v) || (logX && v <= 0)) continue;
    const x = logX ? Math.log10(v) : v;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
  }
  for (const v of spec.include?.y ?? []) {
    if (!Number.isFinite(v) || (logY && v <= 0)) continue;
    const y = logY ? Math.log10(v) : v;
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  if (xMin > xMax) {
    xMin = 0;
    xMax = 1;
  }
  if (yMin > yMax) {
    yMin = 0;
    yMax = 1;
  }
  const xAxis = logX ? logAxis(10 ** xMin, 10 ** xMax) : linearAxis(xMin, xMax);
  const yAxis = logY ? logAxis(10 ** yMin, 10 ** yMax) : linearAxis(yMin, yMax, spec.integerY === true);

  // Layout, from measured text (src/report/textWidth.ts). Legend: right of the plot, names wrapped
  // to at most 30 % of the width; the canvas grows if the legend is taller than the plot. A
  // reference line whose label finds no free spot in the plot is named in the legend instead, which
  // narrows the plot: so lay out, place labels, and lay out again until every label has its place.
  const legendTextMax = Math.max(60, W * 0.3 - SWATCH - SWATCH_GAP);
  const seriesLegend: LegendEntry[] = prepared
    .filter((p) => p.name !== '')
    .map((p) => ({ color: p.color, dashed: p.dashed, points: p.points, lines: wrapText(p.name, legendTextMax, FONT_SIZE) }));
  const yTickW = Math.max(0, ...yAxis.ticks.map((t) => textWidth(t.label, FONT_SIZE)));
  const left = MARGIN + 16 + 8 + yTickW + 7; // rotated y label (its line box ~14 px), gap, ticks
  const titleLines = spec.title === '' ? [] : wrapText(spec.title, W - 2 * MARGIN, TITLE_SIZE, true);
  const top = titleLines.length > 0 ? 38 + (titleLines.length - 1) * TITLE_LINE_H : 16;
  const bottom = 50;

  const layout = (inLegend: ReadonlySet<number>) => {
    const legend = [
      ...seriesLegend,
      ...hlines.flatMap((h, i) =>
        inLegend.has(i) ? [{ color: h.color ?? HLINE_COLOR, dashed: false, points: false, lines: wrapText(h.label, legendTextMax, FONT_SIZE) }] : []),
    ];
    const legendTextW = Math.max(0, ...legend.flatMap((e) => e.lines.map((l) => textWidth(l, FONT_SIZE))));
    // (+1: coordinates are written rounded to 4 significant digits, ±0.05 px.)
    const right = MARGIN + 1 + (legend.length > 0 ? 12 + SWATCH + SWATCH_GAP + legendTextW : 6);
    const pw = Math.max(10, W - left - right);
    const ph = Math.max(10, H0 - top - bottom, legendHeight(legend) + 8);
    const sx = (x: number) => left + ((x - xAxis.lo) / (xAxis.hi - xAxis.lo)) * pw;
    const sy = (y: number) => top + ph - ((y - yAxis.lo) / (yAxis.hi - yAxis.lo)) * ph;
    // The series in pixels, once: drawn below, and the obstacles reference-line labels avoid.
    const drawn = prepared.map((p) => ({
      ...p,
      px: p.points ? [] : downsample(p.segs, maxPoints).map((seg) => seg.map(([x, y]): Pt => [sx(x), sy(y)])),
      dots: p.points ? p.segs.flat().map(([x, y]): Pt => [sx(x), sy(y)]) : [],
    }));
    const hy = hlines.map((h) => sy(logY ? Math.log10(h.y) : h.y));
    const plot: Box = { x0: left, y0: top, x1: left + pw, y1: top + ph };
    const labels: Array<{ i: number; x: number; y: number }> = [];
    const placed: Box[] = [];
    const homeless: number[] = [];
    hlines.forEach((h, i) => {
      if (inLegend.has(i)) return;
      const w = textWidth(h.label, FONT_SIZE);
      const at = placeLabel(w, hy[i], plot, drawn, hy, placed);
      if (at === null) homeless.push(i);
      else {
        labels.push({ i, ...at });
        placed.push(textBox(at.x, at.y, w));
      }
    });
    return { legend, pw, ph, H: top + ph + bottom, sx, sy, drawn, hy, labels, homeless };
  };
  const inLegend = new Set<number>();
  let L = layout(inLegend);
  while (L.homeless.length > 0) {
    for (const i of L.homeless) inLegend.add(i);
    L = layout(inLegend);
  }
  const { legend, pw, ph, H, sx, sy, drawn, hy } = L;
  const xTicks = thinLabels(xAxis.ticks, sx, (l) => textWidth(l, FONT_SIZE), 8);
  const yTicks = thinLabels(yAxis.ticks, sy, () => ASCENT + DESCENT, 4);

  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(W)} ${num(H)}" width="${num(W)}" height="${num(H)}"` +
      ` font-family="${escapeXml(FONT)}" font-size="${FONT_SIZE}" fill="#222">`,
  );
  o.push(`<title>${escapeXml(spec.title)}</title>`);
  o.push(`<rect width="${num(W)}" height="${num(H)}" fill="#fff"/>`);
  if (titleLines.length > 0) {
    // Centred over the plot area when that keeps it on the canvas, else as close as it can be.
    const tw = Math.max(...titleLines.map((l) => textWidth(l, TITLE_SIZE, true)));
    const cx = Math.min(Math.max(left + pw / 2, MARGIN + tw / 2), W - MARGIN - tw / 2);
    o.push(`<g class="title" text-anchor="middle" font-size="${TITLE_SIZE}" font-weight="bold">`);
    titleLines.forEach((l, i) => o.push(`<text x="${num(cx)}" y="${num(24 + i * TITLE_LINE_H)}">${escapeXml(l)}</text>`));
    o.push('</g>');
  }

  // Grid.
  o.push('<g stroke="#e6e6e6" stroke-width="1">');
  for (const m of yAxis.minor) {
    o.push(`<line x1="${num(left)}" x2="${num(left + pw)}" y1="${num(sy(m))}" y2="${num(sy(m))}" stroke="#f3f3f3"/>`);
  }
  for (const t of yAxis.ticks) {
    o.push(`<line x1="${num(left)}" x2="${num(left + pw)}" y1="${num(sy(t.v))}" y2="${num(sy(t.v))}"/>`);
  }
  for (const t of xAxis.ticks) {
    o.push(`<line x1="${num(sx(t.v))}" x2="${num(sx(t.v))}" y1="${num(top)}" y2="${num(top + ph)}"/>`);
  }
  o.push('</g>');

  // Axes, ticks and labels.
  o.push(`<rect x="${num(left)}" y="${num(top)}" width="${num(pw)}" height="${num(ph)}" fill="none" stroke="#444"/>`);
  o.push('<g class="x-ticks" text-anchor="middle">');
  for (const t of xTicks) {
    const x = num(sx(t.v));
    o.push(`<line x1="${x}" x2="${x}" y1="${num(top + ph)}" y2="${num(top + ph + 4)}" stroke="#444"/>`);
    // Baseline 19 px below the frame: the lowest y label's box reaches ~7 px below it, and at the
    // bottom-left corner the two must not touch.
    o.push(`<text x="${x}" y="${num(top + ph + 19)}">${escapeXml(t.label)}</text>`);
  }
  o.push('</g>');
  o.push('<g class="y-ticks" text-anchor="end">');
  for (const t of yTicks) {
    const y = num(sy(t.v));
    o.push(`<line x1="${num(left - 4)}" x2="${num(left)}" y1="${y}" y2="${y}" stroke="#444"/>`);
    o.push(`<text x="${num(left - 7)}" y="${num(sy(t.v) + 4)}">${escapeXml(t.label)}</text>`);
  }
  o.push('</g>');
  o.push(`<text x="${num(left + pw / 2)}" y="${num(H - 12)}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  const yl = top + ph / 2;
  const ylx = MARGIN + 12; // baseline of the rotated label: its ascent reaches back to the margin
  o.push(
    `<text x="${num(ylx)}" y="${num(yl)}" text-anchor="middle" transform="rotate(-90 ${num(ylx)} ${num(yl)})">${escapeXml(spec.yLabel)}</text>`,
  );

  // Reference lines under the series, in a style no series uses (solid, thin, grey).
  if (hlines.length > 0) {
    o.push('<g class="hlines">');
    hlines.forEach((h, i) => {
      const c = escapeXml(h.color ?? HLINE_COLOR);
      o.push(`<line x1="${num(left)}" x2="${num(left + pw)}" y1="${num(hy[i])}" y2="${num(hy[i])}" stroke="${c}" stroke-width="1"/>`);
    });
    o.push('</g>');
  }

  // Series: one <path> each; every unplottable point starts a new sub-path ("M").
  o.push('<g class="series" fill="none" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round">');
  for (const p of drawn) {
    if (p.points) {
      if (p.dots.length === 0) continue;
      const dots = p.dots.map(([x, y]) => `<circle cx="${num(x)}" cy="${num(y)}" r="4"/>`);
      o.push(`<g fill="${escapeXml(p.color)}" stroke="none"><title>${escapeXml(p.name)}</title>${dots.join('')}</g>`);
      continue;
    }
    const parts = p.px.map((seg) => {
      const pts = seg.map(([x, y]) => `${num(x)} ${num(y)}`);
      // A lone point becomes a zero-length segment, which the round cap draws as a dot.
      return pts.length === 1 ? `M${pts[0]}h0` : `M${pts[0]}L${pts.slice(1).join(' ')}`;
    });
    if (parts.length === 0) continue;
    const dash = p.dashed ? ' stroke-dasharray="6 4"' : '';
    o.push(`<path d="${parts.join('')}" stroke="${escapeXml(p.color)}"${dash}><title>${escapeXml(p.name)}</title></path>`);
  }
  o.push('</g>');

  // Reference-line labels, each where no curve, dot, other line or label touches it.
  if (L.labels.length > 0) {
    o.push('<g class="hline-labels" stroke="#fff" stroke-width="3" paint-order="stroke">');
    for (const { i, x, y } of L.labels) {
      o.push(`<text x="${num(x)}" y="${num(y)}" fill="${escapeXml(hlines[i].color ?? HLINE_COLOR)}">${escapeXml(hlines[i].label)}</text>`);
    }
    o.push('</g>');
  }

  // Legend, to the right of the plot area.
  if (legend.length > 0) {
    const lx = left + pw + 12;
    o.push('<g class="legend">');
    let y = top + 8;
    for (const e of legend) {
      if (e.points) o.push(`<circle cx="${num(lx + SWATCH / 2)}" cy="${num(y)}" r="4" fill="${escapeXml(e.color)}"/>`);
      else {
        const dash = e.dashed ? ' stroke-dasharray="6 4"' : '';
        o.push(`<line x1="${num(lx)}" x2="${num(lx + SWATCH)}" y1="${num(y)}" y2="${num(y)}" stroke="${escapeXml(e.color)}" stroke-width="2"${dash}/>`);
      }
      e.lines.forEach((l, k) => o.push(`<text x="${num(lx + SWATCH + SWATCH_GAP)}" y="${num(y + 4 + k * LINE_H)}">${escapeXml(l)}</text>`));
      y += e.lines.length * LINE_H + ENTRY_GAP;
    }
    o.push('</g>');
  }

  o.push('</svg>');
  return o.join('\n') + '\n';
}

/**
 * Where a reference line's label goes: just above or below its line, at one of 13 positions along
 * it, inside the plot: the first position (left to right, above before below) that no curve, dot,
 * other reference line or earlier label touches; null if there is none.
 */
function placeLabel(
  w: number,
  lineY: number,
  plot: Box,
  series: ReadonlyArray<{ px: Pt[][]; dots: Pt[] }>,
  lineYs: number[],
  placed: Box[],
): { x: number; y: number } | null {
  const K = 13;
  const x0 = plot.x0 + 6;
  const span = Math.max(0, plot.x1 - 6 - w - x0);
  for (let k = 0; k < K; k++) {
    const x = x0 + (span * k) / (K - 1);
    for (const y of [lineY - 5, lineY + 4 + ASCENT]) {
      const b = textBox(x, y, w);
      const pad: Box = { x0: b.x0 - 2, y0: b.y0 - 1, x1: b.x1 + 2, y1: b.y1 + 1 };
      if (b.y0 < plot.y0 || b.y1 > plot.y1) continue;
      if (placed.some((p) => boxesOverlap(pad, p))) continue;
      if (lineYs.some((ly) => ly > pad.y0 && ly < pad.y1)) continue;
      const hit = series.some(
        (s) =>
          s.px.some((seg) =>
            seg.length === 1
              ? seg[0][0] >= pad.x0 && seg[0][0] <= pad.x1 && seg[0][1] >= pad.y0 && seg[0][1] <= pad.y1
              : seg.some((q, i) => i > 0 && segmentHitsBox(seg[i - 1][0], seg[i - 1][1], q[0], q[1], pad)),
          ) || s.dots.some(([dx, dy]) => dx > pad.x0 - 4 && dx < pad.x1 + 4 && dy > pad.y0 - 4 && dy < pad.y1 + 4),
      );
      if (!hit) return { x, y };
    }
  }
  return null;
}
