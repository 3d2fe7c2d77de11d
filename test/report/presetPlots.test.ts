import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presets } from '../../src/presets/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browser.js';

// Every SVG of every preset (--quick: same plots, shorter runs), laid out by real Chromium in the
// fonts a reader's browser may pick: no text box may overlap another or leave the canvas, and no
// reference-line label may sit on a curve. src/report/svg.ts lays text out from a width table; this
// is the check that the table and the layout hold in an actual renderer.

interface Problem { kind: string; a: string; b?: string }

/** Runs in the page: every text box (getBoundingClientRect, so the rotated y label counts as drawn). */
function inspect(): Problem[] {
  const svg = document.querySelector('svg')!;
  const root = svg.getBoundingClientRect();
  const W = Number(svg.getAttribute('width'));
  const H = Number(svg.getAttribute('height'));
  const texts = [...svg.querySelectorAll('text')].filter((t) => (t.textContent ?? '') !== '');
  const boxes = texts.map((t) => {
    const r = t.getBoundingClientRect();
    return { label: t.textContent!, x0: r.left - root.left, y0: r.top - root.top, x1: r.right - root.left, y1: r.bottom - root.top, hline: t.closest('.hline-labels') !== null };
  });
  const out: Problem[] = [];
  const eps = 0.5;
  for (const b of boxes) {
    if (b.x0 < -eps || b.y0 < -eps || b.x1 > W + eps || b.y1 > H + eps) out.push({ kind: 'leaves the canvas', a: `${b.label} [${b.x0.toFixed(1)}, ${b.x1.toFixed(1)}] × [${b.y0.toFixed(1)}, ${b.y1.toFixed(1)}] in ${W}×${H}` });
  }
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.x0 + eps < b.x1 && b.x0 + eps < a.x1 && a.y0 + eps < b.y1 && b.y0 + eps < a.y1) out.push({ kind: 'overlap', a: a.label, b: b.label });
    }
  }
  // Reference-line labels against the drawn curves and dots, sampled every pixel along each path.
  const curves = [...svg.querySelectorAll<SVGPathElement>('.series path')];
  const dots = [...svg.querySelectorAll<SVGCircleElement>('.series circle')];
  for (const b of boxes.filter((x) => x.hline)) {
    const inside = (x: number, y: number, pad: number) => x > b.x0 - pad && x < b.x1 + pad && y > b.y0 - pad && y < b.y1 + pad;
    for (const p of curves) {
      const len = p.getTotalLength();
      for (let s = 0; s <= len; s += 1) {
        const q = p.getPointAtLength(s);
        if (inside(q.x, q.y, 0)) {
          out.push({ kind: 'label on a curve', a: b.label, b: p.querySelector('title')?.textContent ?? '?' });
          break;
        }
      }
    }
    for (const c of dots) if (inside(c.cx.baseVal.value, c.cy.baseVal.value, c.r.baseVal.value)) out.push({ kind: 'label on a dot', a: b.label });
  }
  return out;
}

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

describe('preset plots in Chromium', { timeout: 120_000 }, () => {
  it('no text overlaps other text, leaves the canvas or sits on a curve, in three font choices', async () => {
    const svgs: Array<[string, string]> = [];
    for (const p of presets) {
      const out = await p.run({ quick: true });
      for (const [file, svg] of Object.entries(out.svg)) svgs.push([`${p.name}/${file}.svg`, svg]);
    }
    expect(svgs.length).toBeGreaterThanOrEqual(presets.length);
    const page = await browser.newPage();
    const problems: string[] = [];
    // The SVG's own font list (system-ui → DejaVu Sans here), and the two metric families the width
    // table was measured from, forced over it.
    for (const font of ['', 'DejaVu Sans', 'Liberation Sans']) {
      for (const [name, svg] of svgs) {
        const style = font === '' ? '' : `<style>svg, svg * { font-family: '${font}' !important }</style>`;
        await page.setContent(`<!doctype html><html><head>${style}</head><body style="margin:0">${svg.replace(/^<\?xml[^>]*>\s*/, '')}</body></html>`);
        for (const p of await page.evaluate(inspect)) problems.push(`${name} [${font || 'default'}]: ${p.kind}: ${p.a}${p.b ? ` / ${p.b}` : ''}`);
      }
    }
    await page.close();
    expect(problems).toEqual([]);
  });
});
