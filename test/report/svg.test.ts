import { describe, it, expect } from 'vitest';
import { renderLinePlot, escapeXml, DEFAULT_MAX_POINTS } from '../../src/report/svg.js';
import { textWidth } from '../../src/report/textWidth.js';
import type { PlotSpec } from '../../src/report/svg.js';

/** Minimal XML well-formedness check: balanced tags, quoted attributes, no stray `<` or `&`. */
function checkXml(doc: string): void {
  const body = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  const tagRe = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let roots = 0;
  for (let m = tagRe.exec(body); m !== null; m = tagRe.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text, `text before <${m[2]}>`).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
    for (const v of m[3].matchAll(/="([^"]*)"/g)) expect(v[1]).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
    last = m.index + m[0].length;
    const [, close, name, , selfClose] = m;
    if (close === '/') {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else if (selfClose !== '/') {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
}

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

/** The `d` attribute of every series path. */
function paths(svg: string): string[] {
  const g = svg.slice(svg.indexOf('<g class="series"'), svg.indexOf('</g>', svg.indexOf('<g class="series"')));
  return [...g.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
}

/** Labels of the y-axis ticks, in order. */
function yTickLabels(svg: string): string[] {
  const g = svg.slice(svg.indexOf('<g class="y-ticks"'), svg.indexOf('</g>', svg.indexOf('<g class="y-ticks"')));
  return [...g.matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]);
}

function pointsOf(d: string): Array<[number, number]> {
  const nums = d.match(/-?[\d.]+(?:e-?\d+)?/g) ?? [];
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < nums.length; i += 2) out.push([Number(nums[i]), Number(nums[i + 1])]);
  return out;
}

const base: PlotSpec = {
  title: 'Loss vs step',
  xLabel: 'step',
  yLabel: 'loss',
  series: [
    { name: 'sgd', x: range(50, (i) => i * 100), y: range(50, (i) => Math.exp(-i / 10)) },
    { name: 'label-noise', x: range(50, (i) => i * 100), y: range(50, (i) => 0.5 * Math.exp(-i / 20)), dashed: true },
  ],
  hlines: [{ y: 0.3, label: 'predicted c² = 0.3' }],
};

describe('renderLinePlot', () => {
  it('produces one well-formed, scalable SVG document', () => {
    const svg = renderLinePlot(base);
    checkXml(svg);
    expect(svg.match(/<svg\b/g)).toHaveLength(1);
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg).toContain('viewBox="0 0 720 420"');
    expect(svg).not.toMatch(/<script|@import|url\(|href=/);
  });

  it('honours width and height', () => {
    const svg = renderLinePlot({ ...base, width: 1000, height: 500 });
    expect(svg).toContain('viewBox="0 0 1000 500"');
  });

  it('contains title, axis labels, legend names and the reference-line label', () => {
    const svg = renderLinePlot(base);
    expect(svg).toContain('>Loss vs step</text>');
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>loss</text>');
    const legend = svg.slice(svg.indexOf('<g class="legend"'));
    expect(legend).toContain('>sgd</text>');
    expect(legend).toContain('>label-noise</text>');
    expect(legend).toContain('stroke-dasharray'); // the dashed series is dashed in the legend too
    expect(svg).toContain('>predicted c² = 0.3</text>');
    // Reference lines are solid: dashes mean a series (liu2021's title says "dashed: plain GD").
    const h = svg.slice(svg.indexOf('<g class="hlines"'), svg.indexOf('</g>', svg.indexOf('<g class="hlines"')));
    expect(h).toMatch(/<line /);
    expect(h).not.toContain('stroke-dasharray');
  });

  it('gives series distinct palette colours unless a colour is given', () => {
    const svg = renderLinePlot({
      ...base,
      series: [...base.series, { name: 'custom', x: [0, 1], y: [0.1, 0.2], color: '#123456' }],
    });
    const strokes = [...svg.matchAll(/<path d="[^"]*" stroke="([^"]*)"/g)].map((m) => m[1]);
    expect(strokes).toHaveLength(3);
    expect(new Set(strokes).size).toBe(3);
    expect(strokes[2]).toBe('#123456');
  });

  it('escapes XML special characters everywhere', () => {
    const svg = renderLinePlot({
      title: 'a < b & "c"',
      xLabel: 'x<y',
      yLabel: "it's & more",
      series: [{ name: '<evil>&', x: [0, 1], y: [0, 1], color: '"red' }],
      hlines: [{ y: 0.5, label: 'c² < 1 & c > 0' }],
    });
    checkXml(svg);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(svg).toContain('x&lt;y');
    expect(svg).toContain('&lt;evil&gt;&amp;');
    expect(svg).toContain('c² &lt; 1 &amp; c &gt; 0');
    expect(svg).not.toContain('<evil>');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });

  it('uses nice linear ticks', () => {
    const svg = renderLinePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 's', x: [0, 70000], y: [0.013, 0.87] }],
    });
    const labels = yTickLabels(svg);
    expect(labels.length).toBeGreaterThanOrEqual(4);
    expect(labels.length).toBeLessThanOrEqual(9);
    expect(labels).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    const xg = svg.slice(svg.indexOf('<g class="x-ticks"'));
    expect(xg).toContain('>70000</text>');
    expect(xg).toContain('>0</text>');
  });

  it('uses decade ticks on a log axis, labelled sensibly', () => {
    const svg = renderLinePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      logY: true,
      series: [{ name: 's', x: [0, 1, 2], y: [2e-4, 0.5, 7] }],
    });
    expect(yTickLabels(svg)).toEqual(['1e-4', '1e-3', '0.01', '0.1', '1', '10']);
  });

  it('thins decade labels when the log range is very wide', () => {
    const svg = renderLinePlot({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      logY: true,
      series: [{ name: 's', x: [0, 1], y: [3e-12, 500] }],
    });
    expect(yTickLabels(svg)).toEqual(['1e-12', '1e-9', '1e-6', '1e-3', '1', '1000']);
  });

  it('breaks the line at NaN and infinite points', () => {
    const svg = renderLinePlot({
      ...base,
      series: [{ name: 's', x: [0, 1, 2, 3, 4, 5], y: [1, 2, NaN, 3, Infinity, 4] }],
    });
    const [d] = paths(svg);
    // runs: [1,2] [3] [4] -> three sub-paths (lone points are drawn as dots)
    expect(d.match(/M/g)).toHaveLength(3);
    const svg2 = renderLinePlot({ ...base, series: [{ name: 's', x: [0, 1, 2, 3, 4], y: [1, 2, NaN, 3, 4] }] });
    expect(paths(svg2)[0].match(/M/g)).toHaveLength(2);
    expect(svg2).not.toMatch(/NaN|Infinity/);
  });

  it('breaks the line at non-positive points on a log axis only', () => {
    const s = { name: 's', x: [0, 1, 2, 3, 4], y: [1, 0.5, 0, 0.2, 0.1] };
    const log = renderLinePlot({ ...base, logY: true, series: [s] });
    expect(paths(log)[0].match(/M/g)).toHaveLength(2);
    const lin = renderLinePlot({ ...base, series: [s] });
    expect(paths(lin)[0].match(/M/g)).toHaveLength(1);
  });

  it('drops non-positive reference lines on a log axis', () => {
    const svg = renderLinePlot({ ...base, logY: true, hlines: [{ y: -1, label: 'neg' }, { y: 0.3, label: 'pos' }] });
    expect(svg).not.toContain('>neg</text>');
    expect(svg).toContain('>pos</text>');
  });

  it('downsamples long series, keeping extremes, first and last points', () => {
    const n = 200_000;
    const y = range(n, (i) => Math.sin(i / 500));
    y[123_457] = 10; // a spike that must survive
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: range(n, (i) => i), y }] });
    checkXml(svg);
    const pts = pointsOf(paths(svg)[0]);
    expect(pts.length).toBeLessThanOrEqual(DEFAULT_MAX_POINTS + 2);
    expect(pts.length).toBeGreaterThan(DEFAULT_MAX_POINTS / 2);
    expect(svg.length).toBeLessThan(60_000);
    // the spike is the highest point: the top of the plot area (y domain is nicely rounded to 10)
    const minY = Math.min(...pts.map((p) => p[1]));
    const frame = svg.match(/<rect x="([^"]*)" y="([^"]*)" width="([^"]*)"[^>]*fill="none"/);
    expect(frame).not.toBeNull();
    const [left, top, width] = [Number(frame![1]), Number(frame![2]), Number(frame![3])];
    expect(minY).toBeCloseTo(top, 0);
    // first and last points sit on the frame's left and right edges (x domain is [0, 200000])
    const xs = pts.map((p) => p[0]);
    expect(xs[0]).toBeCloseTo(left, 0);
    expect(xs[xs.length - 1]).toBeCloseTo(left + width, 0);
    expect(Math.min(...xs)).toBe(xs[0]);
    expect(Math.max(...xs)).toBe(xs[xs.length - 1]);
  });

  it('does not downsample short series', () => {
    const svg = renderLinePlot({ ...base, series: [{ name: 's', x: range(500, (i) => i), y: range(500, (i) => i * i) }] });
    expect(pointsOf(paths(svg)[0])).toHaveLength(500);
  });

  it('writes numbers with at most 4 significant digits', () => {
    const svg = renderLinePlot({
      ...base,
      series: [{ name: 's', x: range(300, (i) => i / 3), y: range(300, (i) => Math.sqrt(i) / 7) }],
    });
    const nums = [...svg.matchAll(/(?:[xy][12]?|d)="([^"]*)"/g)].flatMap((m) => m[1].match(/-?[\d.]+/g) ?? []);
    expect(nums.length).toBeGreaterThan(600);
    for (const s of nums) {
      const digits = s.replace(/^-?0*\.?0*/, '').replace('.', '');
      expect(digits.length, s).toBeLessThanOrEqual(4);
    }
  });

  it('is deterministic', () => {
    const mk = (): PlotSpec => ({
      ...base,
      series: [{ name: 's', x: Float64Array.from(range(5000, (i) => i)), y: Float64Array.from(range(5000, (i) => Math.cos(i))) }],
    });
    expect(renderLinePlot(mk())).toBe(renderLinePlot(mk()));
  });

  it('copes with no data at all', () => {
    const svg = renderLinePlot({ title: '', xLabel: '', yLabel: '', series: [], logY: true });
    checkXml(svg);
    const svg2 = renderLinePlot({ title: 'x', xLabel: '', yLabel: '', series: [{ name: 'a', x: [1], y: [NaN] }] });
    checkXml(svg2);
    expect(paths(svg2)).toHaveLength(0);
  });
});

describe('log x axis and point series', () => {
  it('logX puts decades on the x axis, drops x ≤ 0, and points draw dots without a path', () => {
    const svg = renderLinePlot({
      title: 't', xLabel: 'x', yLabel: 'y', logX: true, logY: true,
      series: [{ name: 'measured', x: [0, 0.5, 1, 2], y: [1, 0.4, 1.5, 6], points: true }, { name: 'line', x: [0.5, 2], y: [0.375, 6] }],
    });
    expect(svg.match(/<circle /g)).toHaveLength(4); // three dots and the legend's
    expect(svg).toContain('>0.1</text>');
    expect(svg).toContain('>10</text>');
    expect(svg.match(/<path /g)).toHaveLength(1);
  });
});

/** Every <text> in the SVG: position, anchor and content (the renderer writes x, y and optional anchor per group). */
function texts(svg: string, group: string): Array<{ x: number; y: number; text: string }> {
  const start = svg.indexOf(`<g class="${group}"`);
  if (start < 0) return [];
  const g = svg.slice(start, svg.indexOf('</g>', start));
  return [...g.matchAll(/<text x="([^"]+)" y="([^"]+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), text: m[3] }));
}

describe('layout from measured text', () => {
  const steps = range(200, (i) => i * 10);

  it('wraps long legend names instead of cutting them, and keeps them on the canvas', () => {
    const names = ['perturbed GD, small 1e-3', 'perturbed GD, wrong minimum', 'SGD batch 1, η 0.09, seed 2 (the one that jumped first)'];
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: names.map((name, k) => ({ name, x: steps, y: steps.map((s) => s + k) })) });
    const lines = texts(svg, 'legend');
    expect(svg).not.toContain('…');
    expect(lines.map((l) => l.text).join(' ')).toBe(names.join(' '));
    expect(lines.length).toBeGreaterThan(names.length);
    for (const l of lines) expect(l.x + textWidth(l.text, 12)).toBeLessThanOrEqual(720 - 8);
  });

  it('grows the canvas when the legend is taller than the plot', () => {
    const series = Array.from({ length: 30 }, (_, k) => ({ name: `series number ${k}`, x: [0, 1], y: [k, k + 1] }));
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', series });
    const H = Number(/viewBox="0 0 720 ([\d.]+)"/.exec(svg)![1]);
    expect(H).toBeGreaterThan(420);
    expect(Math.max(...texts(svg, 'legend').map((l) => l.y))).toBeLessThan(H - 50);
  });

  it('wraps a title wider than the canvas onto more lines, each of which fits', () => {
    const title = 'D2: rank of A over steps (SGD, then a GD polish; dashed: GD; seeds offset ≤ 0.1) and then some more words';
    const svg = renderLinePlot({ title, xLabel: 'x', yLabel: 'y', series: [{ name: 's', x: [0, 1], y: [0, 1] }] });
    const lines = texts(svg, 'title');
    expect(lines.length).toBe(2);
    expect(lines.map((l) => l.text).join(' ')).toBe(title);
    for (const l of lines) {
      const w = textWidth(l.text, 15, true);
      expect(l.x - w / 2).toBeGreaterThanOrEqual(8);
      expect(l.x + w / 2).toBeLessThanOrEqual(720 - 8);
    }
  });

  it('integerY: ticks at integers only (a rank axis)', () => {
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'rank', integerY: true, series: [{ name: 's', x: [0, 1, 2], y: [1.95, 2.1, 0.9] }] });
    expect(yTickLabels(svg)).toEqual(['1', '2']);
    const wide = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'rank', integerY: true, series: [{ name: 's', x: [0, 1], y: [0, 37] }] });
    for (const l of yTickLabels(wide)) expect(l).toMatch(/^\d+$/);
  });

  it('labels 2× and 5× on a log axis of one or two decades', () => {
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', logX: true, series: [{ name: 's', x: [2.86, 4, 100], y: [1, 2, 3] }] });
    expect(texts(svg, 'x-ticks').map((t) => t.text)).toEqual(['1', '2', '5', '10', '20', '50', '100']);
  });

  it('puts a reference label where no curve passes, clear of the curves', () => {
    // A curve that crosses c² = 1 at the left and sits far from it on the right.
    const y = steps.map((s) => (s < 300 ? 1 + (300 - s) / 100 : 0.2));
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'GD', x: steps, y }], hlines: [{ y: 1, label: 'c² = 1' }] });
    const [label] = texts(svg, 'hline-labels');
    expect(label.text).toBe('c² = 1');
    const box = { x0: label.x - 2, x1: label.x + textWidth(label.text, 12) + 2, y0: label.y - 12, y1: label.y + 4 };
    for (const [px, py] of pointsOf(paths(svg)[0])) expect(px > box.x0 && px < box.x1 && py > box.y0 && py < box.y1, `${px},${py}`).toBe(false);
  });

  it('names a reference line in the legend when every spot along it is taken by a curve', () => {
    const series = [0.9, 1.1].map((c, k) => ({ name: `run ${k}`, x: steps, y: steps.map(() => c) }));
    const svg = renderLinePlot({ title: 't', xLabel: 'x', yLabel: 'y', logY: true, series, hlines: [{ y: 1, label: 'predicted c² = 1' }] });
    expect(texts(svg, 'hline-labels')).toEqual([]);
    expect(texts(svg, 'legend').map((t) => t.text)).toEqual(['run 0', 'run 1', 'predicted c² = 1']);
  });
});
