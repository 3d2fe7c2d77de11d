import { escapeXml, FONT, linearAxis, PALETTE, type Axis } from './svg.js';

/**
 * A heatmap with contour lines of a function on a regular grid (loss landscapes,
 * src/diagnostics/landscape.ts): cells coloured by value (viridis; log10 of the value with `logZ`),
 * iso-lines by marching squares at `levels` evenly spaced colour values, a colour bar, and
 * optional paths (a trajectory) and marked points (minima) drawn over it. Complete SVG document.
 */
export interface HeatmapSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Grid coordinates, ascending. */
  x: readonly number[];
  y: readonly number[];
  /** z[j][i] at (x[i], y[j]). */
  z: readonly (readonly number[])[];
  /** Colour by log10(z) (z ≤ 0 clamped to the smallest positive value). */
  logZ?: boolean;
  /** Contour levels (default 10). */
  levels?: number;
  paths?: Array<{ name: string; x: readonly number[]; y: readonly number[] }>;
  points?: Array<{ label: string; x: number; y: number }>;
  width?: number;
  height?: number;
}

/** Viridis at 5 stops, linearly interpolated: perceptually ordered, readable in grey. */
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function color(t: number): string {
  const u = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - k;
  const c = VIRIDIS[k].map((v, i) => Math.round(v + (VIRIDIS[k + 1][i] - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

const n4 = (v: number) => (Number.isFinite(v) ? String(Number(v.toFixed(2))) : '0');

export function renderHeatmap(spec: HeatmapSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 560;
  const { x, y } = spec;
  const [left, right, top, bottom] = [70, 110, 40, 56];
  const pw = W - left - right;
  const ph = H - top - bottom;
  const finite = spec.z.flat().filter((v) => Number.isFinite(v));
  const floor = Math.min(...finite.filter((v) => v > 0), Infinity);
  const tr = (v: number) => (spec.logZ ? Math.log10(Math.max(v, Number.isFinite(floor) ? floor : 1e-300)) : v);
  const zs = spec.z.map((row) => row.map((v) => (Number.isFinite(v) ? tr(v) : NaN)));
  const flat = zs.flat().filter((v) => Number.isFinite(v));
  const zlo = Math.min(...flat);
  const zhi = Math.max(...flat);
  const norm = (v: number) => (zhi > zlo ? (v - zlo) / (zhi - zlo) : 0.5);
  // The frame is the grid itself (no nice-number padding, which would leave an empty band); ticks inside it.
  const within = (a: Axis, lo: number, hi: number): Axis => ({ ...a, lo, hi, ticks: a.ticks.filter((t) => t.v >= lo - 1e-12 * (hi - lo) && t.v <= hi + 1e-12 * (hi - lo)) });
  const ax = within(linearAxis(x[0], x[x.length - 1]), x[0], x[x.length - 1]);
  const ay = within(linearAxis(y[0], y[y.length - 1]), y[0], y[y.length - 1]);
  const px = (v: number) => left + ((v - ax.lo) / (ax.hi - ax.lo)) * pw;
  const py = (v: number) => top + ph - ((v - ay.lo) / (ay.hi - ay.lo)) * ph;
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(FONT)}" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(spec.title)}</text>`);
  // Cells: each grid value fills the rectangle half-way to its neighbours.
  const edges = (c: readonly number[], i: number) => [i === 0 ? c[0] : (c[i - 1] + c[i]) / 2, i === c.length - 1 ? c[i] : (c[i] + c[i + 1]) / 2];
  for (let j = 0; j < y.length; j++) {
    const [y0, y1] = edges(y, j);
    for (let i = 0; i < x.length; i++) {
      const [x0, x1] = edges(x, i);
      const v = zs[j][i];
      out.push(`<rect x="${n4(px(x0))}" y="${n4(py(y1))}" width="${n4(px(x1) - px(x0) + 0.5)}" height="${n4(py(y0) - py(y1) + 0.5)}" fill="${Number.isFinite(v) ? color(norm(v)) : '#cccccc'}"/>`);
    }
  }
  // Contours.
  const levels = spec.levels ?? 10;
  const segs: string[] = [];
  for (let k = 1; k <= levels; k++) {
    const c = zlo + ((zhi - zlo) * k) / (levels + 1);
    for (const [a, b] of marchingSquares(x, y, zs, c)) segs.push(`M${n4(px(a[0]))} ${n4(py(a[1]))}L${n4(px(b[0]))} ${n4(py(b[1]))}`);
  }
  if (segs.length > 0) out.push(`<path d="${segs.join('')}" stroke="#ffffff" stroke-opacity="0.7" stroke-width="0.8" fill="none"/>`);
  // Frame and ticks.
  out.push(`<rect x="${left}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#333333"/>`);
  for (const t of ax.ticks) out.push(`<line x1="${n4(px(t.v))}" y1="${top + ph}" x2="${n4(px(t.v))}" y2="${top + ph + 5}" stroke="#333333"/><text x="${n4(px(t.v))}" y="${top + ph + 18}" text-anchor="middle">${escapeXml(t.label)}</text>`);
  for (const t of ay.ticks) out.push(`<line x1="${left - 5}" y1="${n4(py(t.v))}" x2="${left}" y2="${n4(py(t.v))}" stroke="#333333"/><text x="${left - 8}" y="${n4(py(t.v) + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`);
  out.push(`<text x="${left + pw / 2}" y="${H - 14}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(spec.yLabel)}</text>`);
  // Paths and points.
  (spec.paths ?? []).forEach((p, k) => {
    const col = PALETTE[(k + 3) % PALETTE.length];
    const d = p.x.map((v, i) => `${i === 0 ? 'M' : 'L'}${n4(px(v))} ${n4(py(p.y[i]))}`).join('');
    out.push(`<path d="${d}" stroke="${col}" stroke-width="2" fill="none"/>`);
    p.x.forEach((v, i) => out.push(`<circle cx="${n4(px(v))}" cy="${n4(py(p.y[i]))}" r="2" fill="${col}"/>`));
  });
  for (const p of spec.points ?? []) {
    out.push(`<circle cx="${n4(px(p.x))}" cy="${n4(py(p.y))}" r="4" fill="#ffffff" stroke="#000000"/>`);
    out.push(`<text x="${n4(px(p.x) + 7)}" y="${n4(py(p.y) - 6)}" fill="#ffffff" stroke="#000000" stroke-width="0.3">${escapeXml(p.label)}</text>`);
  }
  // Colour bar.
  const bx = left + pw + 24;
  for (let k = 0; k < 50; k++) out.push(`<rect x="${bx}" y="${n4(top + ph - ((k + 1) * ph) / 50)}" width="16" height="${n4(ph / 50 + 0.5)}" fill="${color((k + 0.5) / 50)}"/>`);
  const bar = linearAxis(zlo, zhi);
  for (const t of bar.ticks) {
    if (t.v < zlo || t.v > zhi) continue;
    const yy = top + ph - norm(t.v) * ph;
    out.push(`<text x="${bx + 20}" y="${n4(yy + 4)}">${escapeXml(spec.logZ ? Number((10 ** t.v).toPrecision(2)).toString() : t.label)}</text>`);
  }
  out.push(`<text x="${bx}" y="${top - 8}">${spec.logZ ? 'loss (log)' : 'loss'}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

type P = [number, number];

/** Iso-line segments of level c through the grid (marching squares, saddles split by the centre value). */
export function marchingSquares(x: readonly number[], y: readonly number[], z: readonly (readonly number[])[], c: number): Array<[P, P]> {
  const segs: Array<[P, P]> = [];
  const at = (xa: number, za: number, xb: number, zb: number) => xa + ((c - za) / (zb - za)) * (xb - xa);
  for (let j = 0; j + 1 < y.length; j++) {
    for (let i = 0; i + 1 < x.length; i++) {
      const v = [z[j][i], z[j][i + 1], z[j + 1][i + 1], z[j + 1][i]]; // corners counter-clockwise from (i, j)
      if (!v.every(Number.isFinite)) continue;
      const cx = [x[i], x[i + 1], x[i + 1], x[i]];
      const cy = [y[j], y[j], y[j + 1], y[j + 1]];
      // The crossing on each edge k (corner k → k+1) where the sign of v − c changes.
      const cross: Array<P | null> = [0, 1, 2, 3].map((k) => {
        const l = (k + 1) % 4;
        if ((v[k] > c) === (v[l] > c)) return null;
        return cx[k] === cx[l] ? [cx[k], at(cy[k], v[k], cy[l], v[l])] : [at(cx[k], v[k], cx[l], v[l]), cy[k]];
      });
      const hit = cross.flatMap((p, k) => (p ? [k] : []));
      if (hit.length === 2) segs.push([cross[hit[0]]!, cross[hit[1]]!]);
      else if (hit.length === 4) {
        const centre = (v[0] + v[1] + v[2] + v[3]) / 4 > c;
        // Join the edges around the corners that are on the other side from the centre.
        if (centre === v[0] > c) segs.push([cross[0]!, cross[1]!], [cross[2]!, cross[3]!]);
        else segs.push([cross[3]!, cross[0]!], [cross[1]!, cross[2]!]);
      }
    }
  }
  return segs;
}
