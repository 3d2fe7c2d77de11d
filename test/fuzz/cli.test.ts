/**
 * The CLI against bad input, for real: over a thousand mutated configs through the compiled
 * `flatmin run` (batched in one child process by cli-driver.mjs, plus one spawned `flatmin run` per
 * mutation class), shell pipes that close early or a full disk, and --out into a missing directory.
 * Contract: exit 0 or 2, a failure is exactly one `error:` line, never a stack trace, never a hang.
 * Needs `npm run build` (dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSES, fuzzCases, VALID } from './mutate.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const DRIVER = join(ROOT, 'test/fuzz/cli-driver.mjs');
const COUNT = 1000;
/** No single config may take longer than this (a hang, or work unbounded by validation). */
const CASE_MS = 3000;

let dir: string;
beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
  dir = mkdtempSync(join(tmpdir(), 'flatmin-fuzz-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome { name: string; code: number | string; stderr: string; ms?: number }

/** What every outcome must satisfy; returns the complaint or undefined. */
function complaint(o: Outcome): string | undefined {
  if (o.code !== 0 && o.code !== 2) return `exit ${o.code}`;
  if (/\n\s+at /.test(o.stderr) || /Error:/.test(o.stderr.replace(/^error: /, ''))) return 'a stack trace or raw error';
  // Warnings (`flatmin: warning: …`, printed before the run: a step size far off the loss's scale)
  // may precede the outcome; besides them, exit 2 is exactly one error line and exit 0 is silent.
  const rest = o.stderr.replace(/^flatmin: warning: [^\n]+\n/gm, '');
  if (o.code === 2 && !/^error: [^\n]+\n$/.test(rest)) return 'not exactly one error: line';
  if (o.code === 0 && rest !== '') return 'stderr on success';
  if (o.ms !== undefined && o.ms > CASE_MS) return `took ${Math.round(o.ms)} ms`;
  return undefined;
}

const sh = (cmd: string, timeout = 20_000) =>
  spawnSync('/bin/sh', ['-c', cmd], { cwd: dir, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', BIN } });

describe('flatmin run on mutated configs', () => {
  const cases = fuzzCases(COUNT, 11);

  it(`${COUNT} mutated configs in one process: exit 0 or 2, one error line, no trace, no hang`, () => {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify([...Object.entries(VALID).map(([name, c]) => ({ name, text: JSON.stringify(c) })), ...cases]));
    const r = spawnSync(process.execPath, [DRIVER, file], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    const outcomes = JSON.parse(r.stdout) as Outcome[];
    expect(outcomes).toHaveLength(COUNT + Object.keys(VALID).length);
    const bad = outcomes.map((o) => [o.name, complaint(o), o.stderr.slice(0, 300)]).filter(([, c]) => c);
    expect(bad).toEqual([]);
    // The valid configs run; the mutations are mostly rejected, and some still run (a mutation can be harmless).
    expect(outcomes.slice(0, Object.keys(VALID).length).map((o) => o.code)).toEqual(Object.keys(VALID).map(() => 0));
    const rejected = outcomes.filter((o) => o.code === 2).length;
    expect(rejected).toBeGreaterThan(COUNT / 2);
    expect(rejected).toBeLessThan(COUNT);
  }, 130_000);

  it('one real `flatmin run` per mutation class (the spawned binary, not the driver)', () => {
    for (const cls of CLASSES) {
      const c = cases.find((x) => x.cls === cls)!;
      writeFileSync(join(dir, `${cls}.json`), c.text);
      const t0 = performance.now();
      const r = spawnSync(process.execPath, [BIN, 'run', `${cls}.json`, '--quiet'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      expect(r.error).toBeUndefined();
      expect(complaint({ name: c.name, code: r.status ?? `signal ${r.signal}`, stderr: r.stderr, ms: performance.now() - t0 - 1000 }), c.name).toBeUndefined();
    }
  }, 60_000);
});

describe('flatmin run into pipes and full disks', () => {
  const config = () => (writeFileSync(join(dir, 'ok.json'), JSON.stringify({ ...VALID.full, optimizer: [{ steps: 2000, lr: 0.05 }], recordEvery: 1 })), 'ok.json');

  it('`| head -c 100` ends quietly: 100 bytes through, no trace, exit 0 from flatmin', () => {
    const r = sh(`node "$BIN" run ${config()} --quiet | head -c 100`);
    // POSIX sh has no PIPESTATUS: flatmin's own exit status goes through a file.
    const s = sh(`( node "$BIN" run ${config()} --quiet; echo $? > status ) | head -c 100 > /dev/null; cat status`);
    expect(r.stdout).toHaveLength(100);
    expect(r.stdout).toMatch(/^\{/);
    expect(r.stderr).toBe('');
    expect(s.stderr).toBe('');
    expect(s.stdout.trim()).toBe('0');
  }, 30_000);

  it('`> /dev/full` is one error line and exit 2', () => {
    const r = sh(`node "$BIN" run ${config()} --quiet > /dev/full; echo "rc=$?"`);
    expect(r.stdout).toBe('rc=2\n');
    expect(r.stderr).toMatch(/^error: stdout: cannot write: ENOSPC\n$/);
  }, 30_000);

  it('--out into a missing directory fails before the run, in under a second', () => {
    writeFileSync(join(dir, 'long.json'), JSON.stringify({ ...VALID.full, optimizer: [{ steps: 1e7, lr: 0.01 }] }));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'run', 'long.json', '--out', 'missing/dir/r.json'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    const ms = performance.now() - t0;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: missing\/dir\/r\.json: cannot write: ENOENT[^\n]*\n$/);
    expect(ms).toBeLessThan(1000);
  });
});
