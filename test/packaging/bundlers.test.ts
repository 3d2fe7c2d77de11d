import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createServer as viteServer, build as viteBuild } from 'vite';
import webpack from 'webpack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runAny, type FactorizationResult } from '../../dist/node.js';

const run = (c: unknown) => runAny(c) as Promise<FactorizationResult>;
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveDir, type Served } from '../browser.js';

// A user's app, bundled the way users bundle it, run in real Chromium: the same bits as Node.
const REPO = resolve(import.meta.dirname, '../..');
const config = {
  problem: { target: { random: { n: 12, m: 9, singularValues: [2, 1], seed: 'c' } }, rank: 2 },
  optimizer: { kind: 'perturbed-gd', lr: 0.01, steps: 2000 },
  seed: 'consumer',
};

/** The files `npm pack` would publish, copied to node_modules/flatmin, and its dependencies beside it: exactly what a user installs. */
function installPacked(dir: string): void {
  const packed = JSON.parse(spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' }).stdout) as Array<{ files: Array<{ path: string }> }>;
  for (const { path } of packed[0].files) cpSync(join(REPO, path), join(dir, 'node_modules', 'flatmin', path));
  const deps = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {};
  for (const name of Object.keys(deps)) cpSync(join(REPO, 'node_modules', name), join(dir, 'node_modules', name), { recursive: true });
}

function app(dir: string, entry: string, body: string, install: 'link' | 'packed' = 'link'): void {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  if (install === 'packed') installPacked(dir);
  else symlinkSync(REPO, join(dir, 'node_modules', 'flatmin'), 'dir'); // as `npm install flatmin` would
  writeFileSync(join(dir, 'main.js'), `import { run, runInWorker } from '${entry}';\nconst config = ${JSON.stringify(config)};\n${body}`);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>\n');
}

let browser: Browser;
const dirs: string[] = [];
const servers: Served[] = [];

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function resultIn(dir: string): Promise<{ X: number[][]; worker?: string; errors: string[] }> {
  const served = await serveDir(dir);
  servers.push(served);
  return resultAt(served.url);
}

async function resultAt(url: string): Promise<{ X: number[][]; worker?: string; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, null, { timeout: 90_000 });
  const out = await page.evaluate(() => (window as unknown as { __result: { X: number[][]; worker?: string } }).__result);
  await page.close();
  return { ...out, errors };
}

describe('a consumer app in Chromium', { timeout: 90_000 }, () => {
  it('Vite: `import "flatmin"` needs no configuration; the .wasm files and the worker are bundled; same bits as Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-vite-'));
    dirs.push(dir);
    app(dir, 'flatmin', `const a = await run(config);\nconst b = await runInWorker(config);\nwindow.__result = { X: a.final.X, worker: JSON.stringify(b.final) === JSON.stringify(a.final) ? 'same' : 'differs' };\n`);
    await viteBuild({ root: dir, logLevel: 'silent', configFile: false, build: { outDir: join(dir, 'dist'), target: 'es2022' } });
    const got = await resultIn(join(dir, 'dist'));
    const want = await run(config);
    expect(got.errors).toEqual([]);
    expect(JSON.stringify(got.X)).toBe(JSON.stringify(want.final.X));
    expect(got.worker).toBe('same');
  });

  it('Vite dev server: `run` and `runInWorker` work with no configuration (the worker loads as ESM); same bits as Node', async () => {
    // The dev server serves modules unbundled: before seedrandom left the runtime, the module
    // worker received its CommonJS source and failed to start. A symlinked checkout would also
    // sit outside the dev server's fs.allow; an installed copy is what users have.
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-vitedev-'));
    dirs.push(dir);
    app(dir, 'flatmin', `const a = await run(config);\nconst b = await runInWorker(config);\nwindow.__result = { X: a.final.X, worker: JSON.stringify(b.final) === JSON.stringify(a.final) ? 'same' : 'differs' };\n`, 'packed');
    const server = await viteServer({ root: dir, logLevel: 'silent', configFile: false, server: { host: '127.0.0.1', port: 0, strictPort: false } });
    await server.listen();
    try {
      const got = await resultAt(server.resolvedUrls!.local[0]);
      const want = await run(config);
      expect(got.errors).toEqual([]);
      expect(JSON.stringify(got.X)).toBe(JSON.stringify(want.final.X));
      expect(got.worker).toBe('same');
    } finally {
      await server.close();
    }
  });

  it('webpack 5: `import "flatmin"` needs no configuration; the .wasm files and the worker are emitted; same bits as Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-webpack-'));
    dirs.push(dir);
    app(dir, 'flatmin', `const a = await run(config);\nconst b = await runInWorker(config);\nwindow.__result = { X: a.final.X, worker: JSON.stringify(b.final) === JSON.stringify(a.final) ? 'same' : 'differs' };\n`);
    // Only what any webpack app has: mode, entry, output (unminified: terser would triple the test's
    // time and test nothing of ours). Nothing about flatmin, Wasm or workers. Production mode although
    // development builds in 3 s instead of 7: only production honours package.json's sideEffects,
    // which must keep the platform registration in.
    const stats = await new Promise<webpack.Stats>((ok, no) =>
      webpack({ mode: 'production', context: dir, entry: './main.js', output: { path: join(dir, 'dist') }, optimization: { minimize: false } }, (e, st) => (e || !st ? no(e) : ok(st))),
    );
    expect(stats.toJson({ all: false, errors: true }).errors ?? []).toEqual([]);
    writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script src="./main.js"></script></body></html>\n');
    const got = await resultIn(join(dir, 'dist'));
    const want = await run(config);
    expect(got.errors).toEqual([]);
    expect(JSON.stringify(got.X)).toBe(JSON.stringify(want.final.X));
    expect(got.worker).toBe('same');
  });

  it('esbuild: `import "flatmin/embedded"` carries the Wasm inside the bundle; same bits as Node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-esbuild-'));
    dirs.push(dir);
    app(dir, 'flatmin/embedded', 'const a = await run(config);\nwindow.__result = { X: a.final.X };\n');
    const esbuild = join(REPO, 'node_modules/.bin/esbuild');
    const out = spawnSync(esbuild, ['main.js', '--bundle', '--format=esm', '--platform=browser', '--target=es2022', '--outfile=dist/main.js', '--log-level=error'], { cwd: dir, encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    writeFileSync(join(dir, 'dist/index.html'), '<!doctype html><html><head><link rel="icon" href="data:,"></head><body><script type="module" src="./main.js"></script></body></html>\n');
    const got = await resultIn(join(dir, 'dist'));
    const want = await run(config);
    expect(got.errors).toEqual([]);
    expect(JSON.stringify(got.X)).toBe(JSON.stringify(want.final.X));
  });

  it('the browser entry bundles for the browser platform without any node: import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'flatmin-nodeless-'));
    dirs.push(dir);
    app(dir, 'flatmin', 'console.log(run, runInWorker);\n');
    const esbuild = join(REPO, 'node_modules/.bin/esbuild');
    // --platform=browser fails on node: built-ins; --metafile lists every input that went in.
    const out = spawnSync(esbuild, ['main.js', '--bundle', '--format=esm', '--platform=browser', '--target=es2022', '--outfile=dist/main.js', '--metafile=meta.json', '--log-level=error'], { cwd: dir, encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const inputs = Object.keys(JSON.parse(spawnSync('cat', [join(dir, 'meta.json')], { encoding: 'utf8' }).stdout).inputs);
    expect(inputs.some((p) => p.includes('dist/browser.js'))).toBe(true);
    expect(inputs.filter((p) => p.startsWith('node:') || p.includes('platform/node'))).toEqual([]);
  });
});
