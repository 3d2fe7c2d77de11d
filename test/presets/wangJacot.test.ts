import { describe, expect, it } from 'vitest';
// The built package (pretest builds it): these presets run their seeds on worker_threads, and the
// worker script must exist as JavaScript to be spawned (as in test/sweep/ensemble.test.ts).
import { divergedResult, run } from '../../dist/node.js';
import { wangJacotD1 } from '../../dist/presets/wangJacotD1.js';
import { wangJacotD2 } from '../../dist/presets/wangJacotD2.js';
import type { SettingStats, WangJacotRow } from '../../src/presets/wangJacot.js';
import type { PresetOutput } from '../../src/presets/types.js';
import type { DeepLinearResult } from '../../src/run.js';

// THEORY.md §2's claims as rates over seeds (issue 13 item 6), from the presets' --quick forms.

function expectFiles(out: PresetOutput): void {
  expect(() => JSON.stringify(out.json)).not.toThrow();
  for (const csv of Object.values(out.csv)) expect(csv.split('\n')[0]).toMatch(/^[\w,]+$/); // a header row
  for (const svg of Object.values(out.svg)) expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

type Json = { settings: SettingStats[]; rows: WangJacotRow[]; histories: Array<{ run: string; history: DeepLinearResult['history'] }>; reference: { jumped: { rate: number } } | null };

/** THEORY.md §2's invariants, on every run: the deep rank never increases, GD never changes rank. */
function expectOneWay(json: Json): void {
  for (const r of json.rows) {
    for (const j of r.jumps.filter((j) => j.deep)) expect(j.to, `${r.run} seed ${r.seed}: deep ${j.from} → ${j.to}`).toBeLessThan(j.from);
    if (r.run.startsWith('GD')) expect(r.jumps).toEqual([]);
    // The polish is GD too: after the SGD phase the rank never rises (it may finish a fall SGD began:
    // D1's --quick horizon is half the full one, and one seed reaches rank 2 early in the polish).
    const sgdSteps = r.config.optimizer[0].steps;
    if (r.config.optimizer.length > 1) expect(r.jumps.filter((j) => !j.deep && j.step > sgdSteps && j.to > j.from)).toEqual([]);
  }
}

/** Issue 13 item 6: a row's own config, run again here (not on a worker), gives that row's bits. */
async function expectReproduces(row: WangJacotRow): Promise<void> {
  const again = (await run(row.config).catch(divergedResult)) as DeepLinearResult;
  expect(again.config).toEqual(row.config);
  expect(again.jumps).toEqual(row.jumps);
  expect(again.steps).toBe(row.steps);
  expect(again.history.at(-1)!.testError).toBe(row.testAfterPolish ?? again.history.at(-1)!.testError);
  expect(again.history.at(-1)!.rank).toBe(row.finalRank);
}

describe('wang-jacot presets over many seeds', () => {
  it('wang-jacot-D2 --quick: over 8 seeds each, SGD batch 1 and 8 jump to rank 1 in all, batch 32 in none, GD stays; rates carry Wilson intervals', async () => {
    const out = await wangJacotD2.run({ quick: true, workers: 2 });
    expectFiles(out);
    const json = out.json as Json;
    expectOneWay(json);
    expect(json.histories[0].history.every((h) => h.rank === 2)).toBe(true);
    expect(json.settings.map((s) => [s.batch, s.seeds, s.jumped.k, s.diverged.k])).toEqual([[1, 8, 8, 0], [8, 8, 8, 0], [32, 8, 0, 0]]);
    // Wilson 95 % for 8/8: [0.676, 1]; for 0/8: [0, 0.324].
    expect(json.settings[0].jumped.lo).toBeCloseTo(0.6756, 4);
    expect(json.settings[2].jumped.hi).toBeCloseTo(0.3244, 4);
    expect(out.summary).toContain('8/8 = 1.000 [0.676, 1.000]');
    for (const r of json.rows.filter((r) => r.jumped)) expect(r.testAfterPolish!).toBeCloseTo(0.58, 2);
    expect(out.csv.rates.split('\n')[0]).toBe('run,batch,lr,horizon,seeds,jumped,jumped_rate,jumped_lo,jumped_hi,diverged,diverged_rate,diverged_lo,diverged_hi,stayed,stayed_rate,stayed_lo,stayed_hi,median_jump_step');
    expect(out.csv.jumps).toMatch(/^"SGD batch 1, η 0\.05",0\/3,\d+,2,1,false$/m);
    expect(Object.keys(out.svg).sort()).toEqual(['jump-times', 'rank', 'rates', 'singular-values']);
    expect(out.svg.rates).toContain('Wilson 95 %');
    // Every row carries its normalized config and seed; one SGD row and the GD row, run again, reproduce.
    for (const r of json.rows) expect(r.config.seed).toBe(r.seed);
    await expectReproduces(json.rows.find((r) => r.run.startsWith('SGD batch 8') && r.seedLabel === 5)!);
    await expectReproduces(json.rows[0]);
  });

  it('wang-jacot-D1 --quick: GD stays at rank 3; SGD batch 1 jumps in some of 8 seeds, its rate printed with an interval beside numpy\'s', async () => {
    const out = await wangJacotD1.run({ quick: true, workers: 2 });
    expectFiles(out);
    const json = out.json as Json;
    expectOneWay(json);
    expect(json.histories[0].history.every((h) => h.rank === 3)).toBe(true);
    const [s] = json.settings;
    expect(s.seeds).toBe(8);
    expect(s.jumped.k).toBeGreaterThanOrEqual(2);
    expect(s.jumped.k + s.diverged.k + s.stayed.k).toBe(8);
    expect(s.jumped.lo).toBeLessThan(s.jumped.rate);
    expect(s.jumped.hi).toBeGreaterThan(s.jumped.rate);
    expect(out.summary).toMatch(/SGD batch 1, η 0\.09 \|\s+8 \| \d\/8 = \d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]/);
    expect(out.summary).toContain('numpy (THEORY.md §2), SGD batch 1, η 0.09, 60 seeds: jumped 39/60 = 0.650 [0.524, 0.758]');
    for (const r of json.rows.filter((r) => r.jumped)) expect(r.testAfterPolish!).toBeCloseTo(0.318, 1);
    const diverged = json.rows.find((r) => r.diverged);
    await expectReproduces(diverged ?? json.rows[1]);
  });
});
