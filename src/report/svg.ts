/**
 * Dependency-free SVG line plots for experiment reports.
 *
 * `renderLinePlot` returns a complete, standalone SVG document (no external fonts, scripts or
 * stylesheets). It carries a `viewBox`, so it scales cleanly when embedded with CSS sizing. The
 * output is a pure function of the input: the same spec always yields the same bytes.
 */

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
  series: Series[];
  hlines?: HLine[];
  width?: number;
  height?: number;
  /** Per-series point budget before min/max downsampling kicks in (default {@link DEFAULT_MAX_POINTS}). */
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

const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const FONT_SIZE = 12;
/** Rough average glyph width for layout at FONT_SIZE (no font metrics are available). */
const CHAR_W = 6.8;
const HLINE_COLOR = '#555555';

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

interface Tick {
  v: number; // value in scale space (log10 for log axes)
  label: string;
}

interface Axis {
  lo: number; // domain in scale space
  hi: number;
  ticks: Tick[];
  minor: number[]; // unlabelled grid lines (scale space)
}

function linearAxis(min: number, max: number, target = 5): Axis {
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
  for (let k = kLo; k <= kHi; k += every) ticks.push({ v: k, label: decadeLabel(k) });
  const minor: number[] = [];
  if (every === 1 && kHi - kLo <= 4) {
    for (let k = kLo; k < kHi; k++) for (let m = 2; m <= 9; m++) minor.push(k + Math.log10(m));
  }
  return { lo: kLo, hi: kHi, ticks, minor };
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

function truncate(s: string, maxChars: number): string {
  return s.length <= maxChars ? s : `${s.slice(0, Math.max(1, maxChars - 1))}…`;
}

/** Render a line plot as a standalone SVG document. Deterministic for a given spec. */
export function renderLinePlot(spec: PlotSpec): string {
  const W = positive(spec.width, DEFAULT_WIDTH);
  const H = positive(spec.height, DEFAULT_HEIGHT);
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
  const yAxis = logY ? logAxis(10 ** yMin, 10 ** yMax) : linearAxis(yMin, yMax);

  // Layout.
  const legendItems = prepared.filter((p) => p.name !== '');
  const maxLegendChars = Math.max(4, Math.floor((W * 0.28 - 40) / CHAR_W));
  const legendNames = legendItems.map((p) => truncate(p.name, maxLegendChars));
  const legendW =
    legendItems.length > 0 ? Math.min(W * 0.28, 40 + Math.max(...legendNames.map((n) => n.length)) * CHAR_W) : 0;
  const yTickChars = Math.max(...yAxis.ticks.map((t) => t.label.length));
  const left = 22 + 8 + yTickChars * CHAR_W + 6;
  const right = 14 + legendW;
  const top = spec.title !== '' ? 38 : 16;
  const bottom = 50;
  const pw = Math.max(10, W - left - right);
  const ph = Math.max(10, H - top - bottom);
  const sx = (x: number) => left + ((x - xAxis.lo) / (xAxis.hi - xAxis.lo)) * pw;
  const sy = (y: number) => top + ph - ((y - yAxis.lo) / (yAxis.hi - yAxis.lo)) * ph;

  const o: string[] = [];
  o.push('<?xml version="1.0" encoding="UTF-8"?>');
  o.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(W)} ${num(H)}" width="${num(W)}" height="${num(H)}"` +
      ` font-family="${escapeXml(FONT)}" font-size="${FONT_SIZE}" fill="#222">`,
  );
  o.push(`<title>${escapeXml(spec.title)}</title>`);
  o.push(`<rect width="${num(W)}" height="${num(H)}" fill="#fff"/>`);
  if (spec.title !== '') {
    o.push(
      `<text x="${num(left + pw / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(spec.title)}</text>`,
    );
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
  for (const t of xAxis.ticks) {
    const x = num(sx(t.v));
    o.push(`<line x1="${x}" x2="${x}" y1="${num(top + ph)}" y2="${num(top + ph + 4)}" stroke="#444"/>`);
    o.push(`<text x="${x}" y="${num(top + ph + 17)}">${escapeXml(t.label)}</text>`);
  }
  o.push('</g>');
  o.push('<g class="y-ticks" text-anchor="end">');
  for (const t of yAxis.ticks) {
    const y = num(sy(t.v));
    o.push(`<line x1="${num(left - 4)}" x2="${num(left)}" y1="${y}" y2="${y}" stroke="#444"/>`);
    o.push(`<text x="${num(left - 7)}" y="${num(sy(t.v) + 4)}">${escapeXml(t.label)}</text>`);
  }
  o.push('</g>');
  o.push(`<text x="${num(left + pw / 2)}" y="${num(H - 12)}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  const yl = top + ph / 2;
  o.push(
    `<text x="16" y="${num(yl)}" text-anchor="middle" transform="rotate(-90 16 ${num(yl)})">${escapeXml(spec.yLabel)}</text>`,
  );

  // Series: one <path> each; every unplottable point starts a new sub-path ("M").
  o.push('<g class="series" fill="none" stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round">');
  for (const p of prepared) {
    const parts: string[] = [];
    for (const seg of downsample(p.segs, maxPoints)) {
      const pts = seg.map(([x, y]) => `${num(sx(x))} ${num(sy(y))}`);
      // A lone point becomes a zero-length segment, which the round cap draws as a dot.
      parts.push(pts.length === 1 ? `M${pts[0]}h0` : `M${pts[0]}L${pts.slice(1).join(' ')}`);
    }
    if (parts.length === 0) continue;
    if (p.points) {
      const dots = p.segs.flat().map(([x, y]) => `<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="4"/>`);
      o.push(`<g fill="${escapeXml(p.color)}" stroke="none"><title>${escapeXml(p.name)}</title>${dots.join('')}</g>`);
      continue;
    }
    const dash = p.dashed ? ' stroke-dasharray="6 4"' : '';
    o.push(`<path d="${parts.join('')}" stroke="${escapeXml(p.color)}"${dash}><title>${escapeXml(p.name)}</title></path>`);
  }
  o.push('</g>');

  // Reference lines (e.g. a predicted ratio), dashed, labelled at the left end, where curves
  // that converge to them are usually still far away.
  if (hlines.length > 0) {
    o.push('<g class="hlines">');
    for (const h of hlines) {
      const c = escapeXml(h.color ?? HLINE_COLOR);
      const y = sy(logY ? Math.log10(h.y) : h.y);
      o.push(
        `<line x1="${num(left)}" x2="${num(left + pw)}" y1="${num(y)}" y2="${num(y)}" stroke="${c}" stroke-width="1.2" stroke-dasharray="3 3"/>`,
      );
      const ty = y - 5 < top + 10 ? y + 14 : y - 5;
      o.push(
        `<text x="${num(left + 6)}" y="${num(ty)}" fill="${c}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(h.label)}</text>`,
      );
    }
    o.push('</g>');
  }

  // Legend, to the right of the plot area.
  if (legendItems.length > 0) {
    const lx = left + pw + 12;
    o.push('<g class="legend">');
    legendItems.forEach((p, i) => {
      const y = top + 8 + i * 18;
      const dash = p.dashed ? ' stroke-dasharray="6 4"' : '';
      if (p.points) o.push(`<circle cx="${num(lx + 12)}" cy="${num(y)}" r="4" fill="${escapeXml(p.color)}"/>`);
      else o.push(
        `<line x1="${num(lx)}" x2="${num(lx + 24)}" y1="${num(y)}" y2="${num(y)}" stroke="${escapeXml(p.color)}" stroke-width="2"${dash}/>`,
      );
      o.push(`<text x="${num(lx + 30)}" y="${num(y + 4)}">${escapeXml(legendNames[i])}</text>`);
    });
    o.push('</g>');
  }

  o.push('</svg>');
  return o.join('\n') + '\n';
}
