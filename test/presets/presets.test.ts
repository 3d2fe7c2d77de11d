import { describe, expect, it } from 'vitest';
import '../../src/node.js';
import { presets } from '../../src/presets/index.js';
import { liu2021 } from '../../src/presets/liu2021.js';
import { liu2021Ratio } from '../../src/presets/liu2021Ratio.js';
import { wangJacotD1 } from '../../src/presets/wangJacotD1.js';
import { wangJacotD2 } from '../../src/presets/wangJacotD2.js';
import type { PresetOutput } from '../../src/presets/types.js';
import type { DeepLinearResult } from '../../src/run.js';

// Every preset in its --quick form, and the claim its description makes, read from its output.

function expectFiles(out: PresetOutput): void {
  expect(() => JSON.stringify(out.json)).not.toThrow();
  for (const csv of Object.values(out.csv)) expect(csv.split('\n')[0]).toMatch(/^[\w,]+$/); // a header row
  for (const svg of Object.values(out.svg)) expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

interface Row { run: string; seed: number; jumped: boolean; testAfterPolish: number | null; diverged: boolean }
type WjJson = { rows: Row[]; runs: Array<DeepLinearResult & { label: string }> };

/** THEORY.md §2's invariants, on every run: the deep rank never increases, GD never changes rank. */
function expectOneWay(json: WjJson): void {
  for (const r of json.runs) {
    for (const j of r.jumps.filter((j) => j.deep)) expect(j.to, `${r.label}: deep ${j.from} → ${j.to}`).toBeLessThan(j.from);
    if (r.label.startsWith('GD')) expect(r.jumps).toEqual([]);
    // The polish is GD too: no rank change after the SGD phase.
    const sgdSteps = r.config.optimizer[0].steps;
    if (r.config.optimizer.length > 1) expect(r.jumps.filter((j) => !j.deep && j.step > sgdSteps)).toEqual([]);
  }
}

describe('presets', () => {
  it('names are unique and every one has a one-sentence description', () => {
    expect(new Set(presets.map((p) => p.name)).size).toBe(presets.length);
    for (const p of presets) expect(p.description).toMatch(/^[A-Z].*\.$/);
  });

  it('liu2021 --quick: GD keeps its imbalance, perturbed GD ends within 2 % of c²', async () => {
    const out = await liu2021.run({ quick: true });
    expectFiles(out);
    const json = out.json as { c2: number; runs: Array<{ init: string; method: string; distances: { dX: number; ratioError: number } }> };
    expect(json.runs.find((r) => r.method === 'GD' && r.init === 'X×5, Y×⅕')!.distances.dX).toBeGreaterThan(10);
    for (const r of json.runs.filter((r) => r.method === 'perturbed GD')) expect(Math.abs(r.distances.ratioError)).toBeLessThan(0.02);
    expect(Object.keys(out.csv)).toEqual(['table']);
    expect(out.svg.ratio).toContain('predicted c²');
  });

  it('liu2021-ratio --quick: every measured ‖X‖²/‖Y‖² within 5 % of c²', async () => {
    const out = await liu2021Ratio.run({ quick: true });
    expectFiles(out);
    const rows = (out.json as { rows: Array<{ rho: number; ratio: number; c2: number }> }).rows;
    expect(rows.map((r) => r.rho)).toEqual([0.25, 0.5, 1, 2]);
    for (const r of rows) {
      expect(r.c2).toBeCloseTo(r.rho * r.rho * 1.5, 12);
      expect(Math.abs(r.ratio / r.c2 - 1), `σX/σY = ${r.rho}`).toBeLessThan(0.05);
    }
    expect(out.svg.ratio.match(/<circle /g)!.length).toBeGreaterThanOrEqual(rows.length);
  });

  it('wang-jacot-D2 --quick: SGD batch 1 and 8 reach rank 1, GD and batch 32 stay at rank 2; polished jumps reach test error 0.580', async () => {
    const out = await wangJacotD2.run({ quick: true });
    expectFiles(out);
    const json = out.json as WjJson;
    expectOneWay(json);
    const rows = (prefix: string) => json.rows.filter((r) => r.run.startsWith(prefix));
    expect(json.runs[0].history.every((h) => h.rank === 2)).toBe(true);
    expect(rows('SGD batch 1,').every((r) => r.jumped)).toBe(true);
    expect(rows('SGD batch 8,').every((r) => r.jumped)).toBe(true);
    expect(rows('SGD batch 32,').some((r) => r.jumped)).toBe(false);
    for (const r of json.rows.filter((r) => r.jumped)) expect(r.testAfterPolish!).toBeCloseTo(0.58, 2);
    expect(out.csv.jumps.split('\n')[0]).toBe('run,seed,step,from,to,deep');
    expect(out.csv.jumps).toMatch(/^"SGD batch 1, η 0\.05",1,\d+,2,1,false$/m);
    expect(out.svg['singular-values']).toContain('singular value');
  });

  it('wang-jacot-D1 --quick: GD stays at rank 3, SGD batch 1 reaches rank 2 in ≥ 2 of 3 seeds', async () => {
    const out = await wangJacotD1.run({ quick: true });
    expectFiles(out);
    const json = out.json as WjJson;
    expectOneWay(json);
    expect(json.runs[0].history.every((h) => h.rank === 3)).toBe(true);
    expect(json.rows.filter((r) => r.run.startsWith('SGD') && r.jumped).length).toBeGreaterThanOrEqual(2);
    for (const r of json.rows.filter((r) => r.jumped && !r.diverged)) expect(r.testAfterPolish!).toBeCloseTo(0.318, 1);
  });
});
