/**
 * End to end: build the demo page (demo/build.mjs), serve it (demo/serve.mjs, port 0) and drive it in
 * Debian's Chromium through playwright-core. Every page fails its test on a console error, an
 * uncaught exception, a failed or non-2xx request, or any request that leaves the local server.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../demo/build.mjs';
import { startServer, type DemoServer } from '../../demo/serve.mjs';

// The README's picture is docs/demo.png; a test run writes its screenshot beside the built demo
// (it shows timings, so it differs every run). FLATMIN_UPDATE_DOCS=1 refreshes the README's copy.
const SCREENSHOT = fileURLToPath(new URL(process.env.FLATMIN_UPDATE_DOCS ? '../../docs/demo.png' : '../../demo/dist/screenshot.png', import.meta.url));
const TIMEOUT = 60_000;

let server: DemoServer;
let browser: Browser;

beforeAll(async () => {
  await buildDemo();
  server = await startServer({ port: 0 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
  });
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on the demo, with everything that should never happen collected in `problems`. */
async function openDemo(viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console.error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // Works offline: nothing may be fetched from anywhere but the local server.
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url)) return route.continue();
    problems.push(`request to the network: ${url}`);
    return route.abort();
  });
  await page.goto(server.url);
  await waitForState(page, 'idle');
  return { page, problems };
}

const state = (page: Page) => page.locator('#results').getAttribute('data-state');
const waitForState = (page: Page, s: string, timeout = 30_000) =>
  page.waitForSelector(`#results[data-state="${s}"]`, { timeout });
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const cell = async (page: Page, method: 'gd' | 'pgd', field: string) =>
  (await page.locator(`tr[data-method="${method}"] [data-field="${field}"]`).innerText()).trim();
const cellNumber = async (page: Page, method: 'gd' | 'pgd', field: string) => Number((await cell(page, method, field)).replace(/\s/g, ''));

describe('demo page (Chromium)', () => {
  it('is served offline with the right content types, worker and Wasm where the library looks for them', async () => {
    const types: Array<[string, string]> = [
      ['', 'text/html'],
      ['style.css', 'text/css'],
      ['lib/demo/main.js', 'text/javascript'],
      // What the bundled library asks for, relative to lib/demo/main.js:
      ['lib/worker/browser-worker.js', 'text/javascript'], // new URL('../worker/browser-worker.js', …)
      ['build/flatmin.wasm', 'application/wasm'], // new URL('../../build/flatmin.wasm', …)
      ['build/flatmin-scalar.wasm', 'application/wasm'],
      ['build/flatmin-threads.wasm', 'application/wasm'], // runs with threads > 1
      ['lib/worker/browser-thread.js', 'text/javascript'], // their pool threads
    ];
    for (const [path, type] of types) {
      const res = await fetch(new URL(path, server.url));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(type);
      await res.arrayBuffer();
    }
    expect((await fetch(new URL('nope.js', server.url))).status).toBe(404);
    // No escape from demo/dist, however the path is spelled.
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/lib/%2e%2e/%2e%2e/%2e%2e/package.json']) {
      const res = await fetch(new URL(server.url).origin + path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      await res.arrayBuffer();
    }
  });

  it('is cross-origin isolated (COOP + COEP): shared Wasm memory, so runs can use threads', async () => {
    const res = await fetch(server.url);
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    await res.arrayBuffer();
    const { page, problems } = await openDemo();
    try {
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(await page.evaluate(() => new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }).buffer instanceof SharedArrayBuffer)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('is keyboard accessible: Tab reaches Start with a visible focus ring; Enter starts, Space pauses, Reset recreates', async () => {
    const { page, problems } = await openDemo();
    try {
      const tabTo = async (id: string) => {
        for (let presses = 0; (await activeId(page)) !== id && presses < 40; presses++) await page.keyboard.press('Tab');
        expect(await activeId(page), `Tab never reached #${id}`).toBe(id);
      };
      // A long run, so that there is time to pause it; typed into the form by keyboard too.
      await tabTo('p2');
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('5000000');
      await tabTo('start');
      const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      expect(outline.style).not.toBe('none');
      expect(outline.width).toBeGreaterThanOrEqual(2);

      await page.keyboard.press('Enter');
      await waitForState(page, 'running');
      await page.waitForFunction(() => (document.getElementById('prog-pgd') as HTMLProgressElement).value > 0);
      // Start is disabled while running; focus moved to Pause, where Space pauses.
      expect(await activeId(page)).toBe('pause');
      await page.keyboard.press('Space');
      // Pause = stop advancing: "paused" once the chunk in flight has landed; no steps after that.
      await waitForState(page, 'paused');
      const steps = await page.locator('#prog-pgd').evaluate((e) => (e as HTMLProgressElement).value);
      await page.waitForTimeout(500);
      expect(await page.locator('#prog-pgd').evaluate((e) => (e as HTMLProgressElement).value)).toBe(steps);
      expect(steps).toBeGreaterThan(0);
      expect(steps).toBeLessThan(5_020_000);

      // Focus is back on Start; Tab skips the disabled Pause to Reset; Enter resets.
      expect(await activeId(page)).toBe('start');
      await page.keyboard.press('Tab');
      expect(await activeId(page)).toBe('reset');
      await page.keyboard.press('Enter');
      await waitForState(page, 'ready');
      expect(await page.locator('#prog-pgd').evaluate((e) => (e as HTMLProgressElement).value)).toBe(0);
      expect(await cell(page, 'pgd', 'steps')).toBe('0');
      // After a Reset the settings are editable again.
      expect(await page.getByLabel('σX (noise on X)').isEnabled()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, TIMEOUT);

  it('σX/σY = 2: perturbed GD ends within 2% of the predicted c² = 6, plain GD far from it', async () => {
    const { page, problems } = await openDemo();
    try {
      await page.getByLabel('σX (noise on X)').fill('0.2');
      await page.getByLabel('σY (noise on Y)').fill('0.1');
      // With σX ≠ σY the default 5·10⁴-step decay lags c² by about 3% (seeds 1–5: −2.8…−3.1%): as σ
      // decays, the part of the target not yet fitted grows in X and Y alike, and the drift that
      // rebalances it slows like σ². A 2·10⁵-step decay gets within 1.5% (−1.3…−1.5%) in about 1.5 s.
      await page.getByLabel('phase 2: steps decaying σ').fill('200000');
      expect(await page.locator('#c2-preview').innerText()).toBe('6.000');
      await page.getByRole('button', { name: 'Start' }).click();
      await waitForState(page, 'done');

      const c2 = await cellNumber(page, 'pgd', 'c2');
      expect(c2).toBeCloseTo((4 * 30) / 20, 3);
      expect(await cellNumber(page, 'gd', 'c2')).toBe(c2);
      const pgd = await cellNumber(page, 'pgd', 'ratio');
      const gd = await cellNumber(page, 'gd', 'ratio');
      expect(Math.abs(pgd / c2 - 1), `perturbed GD ratio ${pgd}`).toBeLessThan(0.02);
      expect(Math.abs(gd / c2 - 1), `GD ratio ${gd}`).toBeGreaterThan(0.02);
      expect(await cellNumber(page, 'pgd', 'dX')).toBeLessThan(0.02);
      expect(await cellNumber(page, 'gd', 'dX')).toBeGreaterThan(1);
      expect(await cellNumber(page, 'pgd', 'residual')).toBeLessThan(1e-6);
      for (const m of ['gd', 'pgd'] as const) {
        expect(await cell(page, m, 'steps')).toBe('220\u2009000');
        expect(await page.locator(`tr[data-method="${m}"]`).getAttribute('data-state')).toBe('done');
      }
      // The ratio plot carries the prediction as a reference line, labelled on the plot where no
      // curve passes or, if the curves leave no room, in the plot's legend.
      expect(await page.locator('#plot-ratio svg .hlines line').count()).toBe(1);
      expect(await page.locator('#plot-ratio svg :is(.hline-labels, .legend) text').allTextContents()).toEqual(['predicted c² = 6.000']);
      expect(await page.locator('#plot-ratio svg .series path').count()).toBe(2);
      // Once both are done, the loss landscape around perturbed GD's minimum and the line to GD's.
      await page.waitForSelector('#landscape[data-state="done"]', { timeout: TIMEOUT });
      expect(await page.locator('#land-2d svg').count()).toBe(1);
      expect(await page.locator('#land-line svg .series path').count()).toBeGreaterThanOrEqual(1);

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, TIMEOUT);

  it('reads on a phone: no sideways scrolling, and the defaults reproduce the main job (c² = 1.5)', async () => {
    const { page, problems } = await openDemo({ width: 390, height: 844 });
    try {
      expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
      await page.getByRole('button', { name: 'Start' }).click();
      await waitForState(page, 'done');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const plotWidth = await page.locator('#plot-ratio svg').evaluate((e) => e.getBoundingClientRect().width);
      expect(plotWidth).toBeLessThanOrEqual(390);
      expect(plotWidth).toBeGreaterThan(300);
      // Inputs at ≥ 16px: no zoom-on-focus.
      expect(await page.locator('#sigmaX').evaluate((e) => parseFloat(getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(16);

      // The main job's perturbed GD from X×5/Y×⅕ (THEORY.md §1: |ratio/c² − 1| ≤ 1.5e−2), GD keeps its imbalance.
      const c2 = await cellNumber(page, 'pgd', 'c2');
      expect(c2).toBeCloseTo(1.5, 3);
      expect(Math.abs((await cellNumber(page, 'pgd', 'ratio')) / c2 - 1)).toBeLessThan(0.015);
      expect(await cellNumber(page, 'gd', 'ratio')).toBeGreaterThan(100);
      expect(await cell(page, 'pgd', 'steps')).toBe('70\u2009000');
      expect(await state(page)).toBe('done');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, TIMEOUT);

  it('ensemble view: 32 seeds of D2 SGD on Web Workers fill in the jump rate with its interval and the jump-time histogram', async () => {
    const { page, problems } = await openDemo();
    try {
      await page.getByRole('button', { name: 'Run 32 seeds' }).click();
      await page.waitForSelector('#ensemble[data-state="running"]');
      await page.waitForSelector('#ensemble[data-state="done"]', { timeout: TIMEOUT });
      expect(await page.locator('#ens-status').innerText()).toMatch(/^32\/32 runs on \d workers$/);
      // D2 at batch 1 jumps in (nearly) every seed (THEORY.md §2: 5/5); the interval is Wilson's.
      const jumped = await page.locator('#ens-rates [data-event="jumped"]').innerText();
      const m = /^(\d+)\/32 = ([\d.]+) \[([\d.]+), ([\d.]+)\]$/.exec(jumped);
      expect(m, jumped).not.toBeNull();
      expect(Number(m![1])).toBeGreaterThanOrEqual(28);
      expect(Number(m![3])).toBeLessThan(Number(m![2]));
      expect(await page.locator('#ens-hist svg').count()).toBe(1);
      expect(await page.getByRole('button', { name: 'Run 32 seeds' }).isEnabled()).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, TIMEOUT);
});
