/**
 * Long runs lose nothing: `flatmin run CONFIG --checkpoint FILE` interrupted by a real SIGINT and
 * continued with `flatmin resume FILE` ends with the bytes of an uninterrupted run — deep-linear SGD
 * with noise, on both backends and in f32. Every process here is the real compiled binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');
let dir: string;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
  dir = mkdtempSync(join(tmpdir(), 'flatmin-resume-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function flatmin(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

/** Starts `flatmin ...args`, sends SIGINT once the checkpoint file shows progress, resolves with the exit code and stderr. */
function interrupted(checkpoint: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const poll = setInterval(() => {
      if (existsSync(join(dir, checkpoint))) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 20);
    child.on('error', fail);
    child.on('exit', (code) => {
      clearInterval(poll);
      done({ code, stderr });
    });
  });
}

const config = (backend: string, precision: string) => `{
  // D2 from its rank-2 start: perturbed SGD, batch 1, then a GD polish (JSONC, as the README writes it)
  "problem": { "kind": "completion", "fixture": "dln-D2" },
  "model": { "kind": "deep-linear", "depth": 3, "width": 20 },
  "optimizer": [
    { "steps": 400001, "lr": 0.05, "batch": 1, "noise": { "kind": "perturbed", "sigma": 0.01 }, "scale": [1, 0.1] },
    { "steps": 1999, "lr": 0.05 },
  ],
  "seed": 7, "backend": "${backend}", "precision": "${precision}", "recordEvery": 10000,
}
`;

describe.each([
  ['wasm', 'f64', 4001],
  ['wasm', 'f32', 4001],
  ['reference', 'f64', 997],
])('%s %s', (backend, precision, every) => {
  it(`SIGINT writes a checkpoint at an odd step (every ${every}); flatmin resume ends byte-identical to an uninterrupted run`, async () => {
    // The reference backend is ~20× slower: a shorter run keeps the test at seconds.
    const steps = backend === 'wasm' ? 60001 : 12011;
    const name = `${backend}-${precision}`;
    writeFileSync(join(dir, `${name}.jsonc`), config(backend, precision).replace('400001', String(steps)));
    const whole = flatmin('run', `${name}.jsonc`, '--out', `${name}-whole.json`, '--quiet');
    expect(whole.status, whole.stderr).toBe(0);
    const stop = await interrupted(`${name}-ck.json`, 'run', `${name}.jsonc`, '--checkpoint', `${name}-ck.json`, '--checkpoint-every', String(every), '--out', `${name}-part.json`, '--quiet');
    expect(stop.code, stop.stderr).toBe(130);
    expect(stop.stderr).toMatch(new RegExp(`^interrupted by SIGINT at step (\\d+) of ${steps + 1999}; checkpoint in ${name}-ck\\.json \\(continue with: flatmin resume ${name}-ck\\.json\\)\\n$`));
    const ck = JSON.parse(readFileSync(join(dir, `${name}-ck.json`), 'utf8'));
    expect(ck).toMatchObject({ format: 'flatmin-checkpoint-3', model: 'deep-linear', precision });
    expect(ck.step).toBeGreaterThan(0);
    expect(ck.step).toBeLessThan(steps + 1999); // interrupted, not finished
    // The partial result is the state at the checkpoint.
    expect(JSON.parse(readFileSync(join(dir, `${name}-part.json`), 'utf8')).steps).toBe(ck.step);
    const resumed = flatmin('resume', `${name}-ck.json`, '--out', `${name}-resumed.json`, '--quiet');
    expect(resumed.status, resumed.stderr).toBe(0);
    const a = readFileSync(join(dir, `${name}-whole.json`), 'utf8');
    const b = readFileSync(join(dir, `${name}-resumed.json`), 'utf8');
    const weights = (text: string) => JSON.stringify(JSON.parse(text).final.weights);
    expect(weights(b)).toBe(weights(a));
    if (precision === 'f32') expect(JSON.parse(b).final.weights.flat(2).every((v: number) => Math.fround(v) === v)).toBe(true);
    expect(JSON.parse(b).history).toEqual(JSON.parse(a).history);
  }, 120_000);
});

describe('flatmin resume: bad input', () => {
  it.each([
    ['a missing file', 'missing.json', undefined, /^error: missing\.json: cannot read: ENOENT\n$/],
    ['a file that is not JSON', 'bad.json', '{"format": ', /^error: bad\.json: invalid JSON at line 1, column \d+: /],
    ['a checkpoint whose theta is not base64 of f64s', 'theta.json', '{"format": "flatmin-checkpoint-3", "config": {}, "theta": "***", "rng": [], "scale": 1, "history": [{}]}', /^error: resume\.rng: /],
    ['a checkpoint whose config is no config', 'config.json', `{"format": "flatmin-checkpoint-3", "config": {}, "theta": "", "rng": [${Array.from({ length: 16 }, () => 1)}], "scale": 1, "history": [{}]}`, /^error: resume\.config\.problem: missing/],
    ['not a checkpoint at all', 'other.json', '{"problem": {}}', /^error: resume\.format: expected "flatmin-checkpoint-3"/],
  ])('%s: exit 2, one line', (_name, file, text, message) => {
    if (text !== undefined) writeFileSync(join(dir, file), text);
    const r = flatmin('resume', file);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
