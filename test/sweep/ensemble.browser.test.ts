import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { describe, expect, it } from 'vitest';
import { runEnsemble } from '../../dist/node.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveDir } from '../browser.js';
import { twoFactorSpec } from './helpers.js';

// runEnsemble on real Web Workers: an app bundled by Vite as users bundle it, in real Chromium.
const REPO = resolve(import.meta.dirname, '../..');

describe('runEnsemble in Chromium', () => {
  it('runs a sweep on 2 Web Workers with the same records, byte for byte, as Node', async () => {
    const spec = twoFactorSpec(2000);
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-ensemble-'));
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const served: { close(): Promise<void> }[] = [];
    try {
      mkdirSync(join(dir, 'node_modules'), { recursive: true });
      symlinkSync(REPO, join(dir, 'node_modules', 'flatmin'), 'dir');
      writeFileSync(join(dir, 'main.js'), [
        `import { runEnsemble } from 'flatmin';`,
        `const done = [];`,
        `const e = await runEnsemble(${JSON.stringify(spec)}, { workers: 2, onProgress: (p) => done.push(p.done) });`,
        `window.__result = { records: JSON.stringify(e.records), done, rate: e.stats.points[0].events.reachedC2 };`,
      ].join('\n'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>\n');
      await viteBuild({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: join(dir, 'dist'), target: 'es2022' } });
      const server = await serveDir(join(dir, 'dist'));
      served.push(server);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(server.url);
      await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 60_000 });
      const got = await page.evaluate(() => (window as unknown as { __result: { records: string; done: number[]; rate: unknown } }).__result);
      expect(errors).toEqual([]);
      const want = await runEnsemble(spec, { workers: 2 });
      expect(got.records).toBe(JSON.stringify(want.records));
      expect(got.done).toEqual([...Array(12).keys()].map((i) => i + 1));
      expect(got.rate).toEqual(want.stats.points[0].events.reachedC2);
    } finally {
      await browser.close();
      for (const s of served) await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
