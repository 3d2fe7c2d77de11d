import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmark's smoke run, as CI's only contact with bench/: every row is present and either
// measured with a correct step or skipped with a reason. No time is asserted.
describe('the benchmark (npm run bench -- --quick)', () => {
  it('prints every row and writes the JSON; flatmin rows match their oracle bit for bit', { timeout: 180_000 }, () => {
    const json = join(mkdtempSync(join(tmpdir(), 'flatmin-bench-')), 'quick.json');
    // build/bench.mjs is bundled by `pretest`; `npm run bench` would rebuild the Wasm under the feet
    // of the test files running beside this one.
    const r = spawnSync(process.execPath, ['build/bench.mjs', '--quick', `--json=${json}`], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/failed or wrong/);
    expect(r.status).toBe(0);
    for (const heading of ['Medians per step', 'against the issue\'s targets', 'Gaussian noise, ns per draw']) expect(r.stdout).toContain(heading);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.sizes.map((s: { n: number; m: number; r: number }) => `${s.n}×${s.m}×${s.r}`)).toEqual(['32×32×4', '100×80×5']);
    for (const size of out.sizes) {
      const names = size.rows.map((row: { name: string }) => row.name);
      for (const want of ['flatmin wasm f64', 'flatmin wasm f32', 'flatmin wasm scalar fallback', 'flatmin reference (TS)', 'flatmin reference (TS) f32', 'ml-matrix', 'plain JS (best loops)', 'numpy (OpenBLAS, 1 thread)'])
        expect(names).toContain(want);
      expect(names.filter((n: string) => n.startsWith('tfjs-wasm'))).toHaveLength(3);
      for (const row of size.rows) {
        if (row.status === 'skipped') expect(row.reason).toMatch(/\S/);
        else {
          expect(row.status).toBe('ok');
          expect(row.medianUs).toBeGreaterThan(0);
        }
        if (row.name.startsWith('flatmin wasm')) expect(row.check).toBe('bits equal');
      }
    }
    expect(out.noise.find((n: { name: string }) => n.name.startsWith('flatmin wasm')).nsPerDraw).toBeGreaterThan(0);
  });
});
