import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// What `npm install flatmin` gets: the file list `npm pack` would publish (scripts skipped, so this
// lists the dist/ and build/ of the last build, which `npm test` runs first).
const REPO = resolve(import.meta.dirname, '../..');
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
) as Array<{ files: Array<{ path: string; size: number }>; unpackedSize: number }>;
const files = packed[0].files.map((f) => f.path);

describe('the npm package', () => {
  it('carries the licence, README, changelog, the theory and the API reference', () => {
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'docs/THEORY.md', 'docs/api/README.md']) {
      expect(files, f).toContain(f);
    }
    expect(readFileSync(resolve(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} flatmin contributors/);
  });

  it('has the metadata a registry page shows, and one runtime dependency (the JSONC parser)', () => {
    const pkg = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.license).toBe('MIT');
    for (const k of ['repository', 'homepage', 'bugs', 'author']) expect(pkg[k], k).toBeTruthy();
    expect((pkg.keywords as string[]).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['jsonc-parser']);
  });

  it('carries every image and document the README links to', () => {
    const readme = readFileSync(resolve(REPO, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\((docs\/[^)\s#]+)/g)].map((m) => m[1]);
    expect(links.filter((l) => l.startsWith('docs/presets/')).length).toBeGreaterThanOrEqual(7);
    for (const l of links) expect(files, l).toContain(l);
  });

  it('carries the entries, both Wasm builds and the CLI', () => {
    for (const f of ['dist/node.js', 'dist/browser.js', 'dist/embedded.js', 'dist/index.d.ts', 'dist/cli/bin.js', 'dist/worker/browser-worker.js', 'build/flatmin.wasm', 'build/flatmin-scalar.wasm']) {
      expect(files, f).toContain(f);
    }
  });

  it('ships no source maps and no second copy of the sources', () => {
    // tsc's ES2022 output reads like the source; maps doubled the package for little (issue 11).
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/'))).toEqual([]);
    for (const f of ['dist/embedded.js', 'dist/node.js']) {
      expect(readFileSync(resolve(REPO, f), 'utf8'), f).not.toContain('sourceMappingURL');
    }
  });

  it('ships each fixture once', () => {
    const fixtures = files.filter((f) => f.endsWith('.json') && f.includes('fixtures/')).map((f) => basename(f));
    expect(fixtures.length).toBeGreaterThan(0);
    expect(new Set(fixtures).size).toBe(fixtures.length);
  });

  // 2.1 MB in 0.1 with source maps and src/; 1.3 MB without them; then the sweeps, the spectra, the
  // step skeleton and config.schema.json; 2.1 MB with the threads build (43 KB), its pool-thread
  // scripts, factored targets and sparse completion; 2.30 MB with the pool's failure handling and
  // its docs. A budget, so that maps or a second copy cannot creep back (either would add ≥ 400 KB).
  it('stays small: under 2.4 MB unpacked', () => {
    expect(packed[0].unpackedSize).toBeLessThan(2_400_000);
  });
});

describe('the installed package', () => {
  it('runs from exactly the packed files plus its one dependency (seedrandom is test-only), with its fixtures', () => {
    const app = mkdtempSync(join(tmpdir(), 'flatmin-installed-'));
    try {
      for (const f of files) {
        mkdirSync(dirname(join(app, 'node_modules/flatmin', f)), { recursive: true });
        copyFileSync(join(REPO, f), join(app, 'node_modules/flatmin', f));
      }
      // What `npm install flatmin` adds beside it: its dependencies, and nothing else.
      cpSync(join(REPO, 'node_modules/jsonc-parser'), join(app, 'node_modules/jsonc-parser'), { recursive: true });
      writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
      writeFileSync(join(app, 'main.js'), [
        "import { run } from 'flatmin';",
        "const a = await run({ problem: { target: { random: { n: 6, m: 5, singularValues: [1], seed: 's' } }, rank: 1 }, optimizer: { kind: 'perturbed-gd', lr: 0.01, steps: 50 }, seed: 3 });",
        "const b = await run({ problem: { kind: 'completion', fixture: 'dln-D2' }, model: { kind: 'deep-linear', depth: 3, width: 20, init: 'fixture-start' }, optimizer: [{ steps: 20, lr: 0.05 }], seed: 1 });",
        "console.log(JSON.stringify({ steps: a.steps, dln: b.steps }));",
      ].join('\n'));
      const out = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual({ steps: 50, dln: 20 });
      expect(execFileSync(process.execPath, ['node_modules/flatmin/dist/cli/bin.js', 'presets'], { cwd: app, encoding: 'utf8' })).toContain('wang-jacot-D1');
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
