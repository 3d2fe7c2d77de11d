/**
 * `flatmin landscape` end to end: the real compiled binary (dist/cli/bin.js — `npm run build`
 * first) as a child process, on results written by run().
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/node.js';
import { run } from '../../src/run.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');
let dir: string;

const factorization = (rank: number, noise?: object) => ({
  problem: { target: { random: { n: 6, m: 5, singularValues: [1, 0.5], seed: 'land' } }, rank },
  init: { kind: 'gaussian' as const, imbalance: 2 },
  optimizer: { steps: 100, lr: 0.1, ...(noise ? { noise } : {}) },
  recordEvery: 10, seed: 4,
  diagnostics: { trajectory: true },
});

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
  dir = mkdtempSync(join(tmpdir(), 'flatmin-landscape-'));
  const gd = await run(factorization(2));
  writeFileSync(join(dir, 'gd.json'), JSON.stringify(gd));
  writeFileSync(join(dir, 'pgd.json'), JSON.stringify(await run(factorization(2, { kind: 'perturbed', sigma: 0.05 }))));
  writeFileSync(join(dir, 'rank3.json'), JSON.stringify(await run(factorization(3))));
  const { final: _, ...noFinal } = gd;
  writeFileSync(join(dir, 'nofinal.json'), JSON.stringify(noFinal));
  const deep = await run({
    model: { kind: 'deep-linear', depth: 3, width: 3, init: { kind: 'gaussian', scale: 0.5 } }, lambda: 0,
    problem: { kind: 'sensing', target: [[1, 0.5, 0], [0, 1, 0.2]], measurements: 8 }, optimizer: { steps: 60, lr: 0.05 }, recordEvery: 20,
  });
  writeFileSync(join(dir, 'deep.json'), JSON.stringify(deep));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flatmin = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });

describe('flatmin landscape', () => {
  it('two results: slices, the trajectory on its PCA plane and the line between the minima, as SVG and CSV', () => {
    const r = flatmin('landscape', 'gd.json', '--other', 'pgd.json', '--out-dir', 'out');
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual([
      'interpolation.csv', 'interpolation.svg', 'landscape-1d.csv', 'landscape-1d.svg', 'landscape-2d.csv', 'landscape-2d.svg', 'trajectory-2d.csv', 'trajectory.csv', 'trajectory.svg',
    ]);
    const grid = readFileSync(join(dir, 'out', 'landscape-2d.csv'), 'utf8').trim().split('\n');
    expect(grid[0]).toBe('x,y,loss');
    expect(grid).toHaveLength(1 + 31 * 31);
    expect(readFileSync(join(dir, 'out', 'trajectory.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 11);
    for (const f of ['landscape-2d.svg', 'trajectory.svg', 'interpolation.svg']) expect(readFileSync(join(dir, 'out', f), 'utf8')).toMatch(/^<\?xml [^]*<svg[^]*<\/svg>\n?$/);
    expect(r.stdout).toContain('interpolation:');
    // Seeded: the same result draws the same landscape.
    expect(flatmin('landscape', 'gd.json', '--out-dir', 'again').status).toBe(0);
    expect(readFileSync(join(dir, 'again', 'landscape-2d.csv'), 'utf8')).toBe(readFileSync(join(dir, 'out', 'landscape-2d.csv'), 'utf8'));
  }, 30_000);

  it('a deep sensing result without a trajectory: the slices only', () => {
    const r = flatmin('landscape', 'deep.json', '--out-dir', 'deep', '-q');
    expect([r.status, r.stderr, r.stdout]).toEqual([0, '', '']);
    expect(readdirSync(join(dir, 'deep')).sort()).toEqual(['landscape-1d.csv', 'landscape-1d.svg', 'landscape-2d.csv', 'landscape-2d.svg']);
  }, 30_000);

  it('errors name the field: no final iterate, two shapes, two models, a flag of another command', () => {
    const noFinal = flatmin('landscape', 'nofinal.json');
    expect([noFinal.status, noFinal.stderr]).toEqual([2, expect.stringMatching(/^error: final\.X: .*no final iterate/)]);
    const shapes = flatmin('landscape', 'gd.json', '--other', 'rank3.json');
    expect([shapes.status, shapes.stderr]).toEqual([2, 'error: rank3.json: final.X: expected 6×2 like the first result, got 6×3\n']);
    const models = flatmin('landscape', 'gd.json', '--other', 'deep.json');
    expect([models.status, models.stderr]).toEqual([2, 'error: deep.json: kind: expected a factorization result like the first, got deep-linear\n']);
    expect(flatmin('landscape', 'gd.json', '--backend', 'wasm').status).toBe(2);
  }, 30_000); // four child processes: a few seconds on a loaded machine
});
