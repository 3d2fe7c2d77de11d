/**
 * Every code block of the README runs as written: the TypeScript blocks (transformed by esbuild
 * only for `using` and types, importing `flatmin` by the package's own name), the HTML page (in
 * Chromium, importing ./node_modules/flatmin as a user's page would), every JSONC config through
 * `flatmin run` and every sweep spec through `flatmin sweep` (the real CLI in child processes), and
 * the set-up block's test command is exactly what CI runs. Untagged blocks are terminal output
 * (usage, transcripts, tables, the source tree), not code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';
import { parse, type ParseError } from 'jsonc-parser';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, serveDir } from './browser.js';

const REPO = resolve(import.meta.dirname, '..');
const BIN = join(REPO, 'dist/cli/bin.js');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');

interface Block {
  lang: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    blocks.push({ lang: open[1], text: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1 });
    i = end;
  }
  return blocks;
}

const blocks = codeBlocks(README);
const of = (...langs: string[]) => blocks.filter((b) => langs.includes(b.lang)).map((b) => [`README.md:${b.line}`, b] as const);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'flatmin-readme-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function node(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  return r;
}

describe('README code blocks', () => {
  it('has the kinds of blocks this test knows, and no other', () => {
    expect(new Set(blocks.map((b) => b.lang))).toEqual(new Set(['', 'sh', 'jsonc', 'ts', 'html']));
    expect(of('ts').length).toBeGreaterThanOrEqual(2);
  });

  it('the set-up block: npm install && npm start, then npm test — the command .ci/run runs', () => {
    const [setup] = of('sh');
    const commands = setup[1].text.trim().split('\n').map((l) => l.replace(/#.*/, '').trim());
    expect(commands).toEqual(['npm install && npm start', 'npm test']);
    const ci = readFileSync(join(REPO, '.ci/run'), 'utf8').trim().split('\n');
    expect(ci.at(-1)).toBe('npm test');
  });

  it.each(of('ts'))('%s (TypeScript) runs as written', (_where, b) => {
    // Inside the package directory, so `import … from 'flatmin'` resolves by self-reference to dist/.
    const file = join(REPO, `.readme-block-${b.line}.mjs`);
    const { code } = transformSync(b.text, { loader: 'ts', format: 'esm', target: 'node20' });
    writeFileSync(file, code);
    try {
      const r = node([file], REPO);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // Where a block says what it prints (`// c² = 1.5; dX ≈ 0.003`), it prints that.
      const claim = /c² = ([\d.]+); dX ≈ ([\d.]+)/.exec(b.text);
      if (claim) {
        const [c2, dX] = r.stdout.trim().split('\n')[0].split(' ').map(Number);
        expect(c2).toBeCloseTo(Number(claim[1]), 10);
        expect(dX).toBeGreaterThan(Number(claim[2]) / 2);
        expect(dX).toBeLessThan(Number(claim[2]) * 2);
      }
    } finally {
      rmSync(file, { force: true });
    }
  });

  it.each(of('html'))('%s (HTML) runs in Chromium from ./node_modules/flatmin', async (_where, b) => {
    const dir = tempDir();
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO, join(dir, 'node_modules', 'flatmin'), 'dir'); // as `npm install flatmin` would
    writeFileSync(join(dir, 'index.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>\n${b.text}</body></html>\n`);
    const served = await serveDir(dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const logged = new Promise<string>((ok) => page.on('console', (m) => ok(m.text())));
      await page.goto(served.url);
      const line = await logged;
      expect(errors).toEqual([]);
      const [dX, c2] = line.split(' ').map(Number);
      expect(c2).toBeCloseTo(1.5, 10);
      expect(dX).toBeGreaterThan(0);
      expect(dX).toBeLessThan(0.3);
    } finally {
      await browser.close();
      await served.close();
    }
  });

  it.each(of('jsonc'))('%s (JSONC) is a config flatmin runs, or a sweep spec flatmin sweeps', (_where, b) => {
    const errors: ParseError[] = [];
    const value = parse(b.text, errors, { allowTrailingComma: true }) as Record<string, unknown>;
    expect(errors).toEqual([]);
    const dir = tempDir();
    writeFileSync(join(dir, 'block.jsonc'), b.text);
    // The $schema line points into node_modules, as in a user's project.
    if (typeof value.$schema === 'string') {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(REPO, join(dir, 'node_modules', 'flatmin'), 'dir');
    }
    const r = 'base' in value
      ? node([BIN, 'sweep', 'block.jsonc', '--out', 'sweep', '--workers', '2'], dir)
      : node([BIN, 'run', 'block.jsonc', '--out', 'result.json', '--quiet'], dir);
    expect(r.stderr.split('\n').filter((l) => /error|warning/i.test(l))).toEqual([]);
    expect(r.status).toBe(0);
  });
});
