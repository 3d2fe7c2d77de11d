import { describe, expect, it } from 'vitest';
// The built package (pretest builds it): the preset runs its seeds on worker_threads, and the
// worker script must exist as JavaScript to be spawned (as in test/sweep/ensemble.test.ts).
import { run } from '../../dist/node.js';
import { liu2021 } from '../../dist/presets/liu2021.js';
import type { Summary, Rate } from '../../src/sweep/stats.js';
import type { FactorizationResult } from '../../src/run.js';

interface SpreadRow { init: string; method: string; seedLabel: number; seed: string; status: string; metrics: Record<string, number | null>; config: FactorizationResult['config'] }
interface Json {
  c2: number;
  runs: Array<{ init: string; method: string; distances: { dX: number; ratioError: number }; config: FactorizationResult['config'] }>;
  spread: { seeds: number; points: Array<{ init: string; method: string; runs: number; dX: Summary; reachedC2: Rate }>; rows: SpreadRow[] };
}

describe('liu2021 preset', () => {
  it('--quick: GD keeps its imbalance, perturbed GD ends within 2 % of c²; over 8 seeds per init perturbed GD always lands on the flat optimum, GD never', async () => {
    const out = await liu2021.run({ quick: true, workers: 2 });
    expect(() => JSON.stringify(out.json)).not.toThrow();
    const json = out.json as Json;
    // The one-seed table (the main job's) as before.
    expect(json.runs.find((r) => r.method === 'GD' && r.init === 'X×5, Y×⅕')!.distances.dX).toBeGreaterThan(10);
    for (const r of json.runs.filter((r) => r.method === 'perturbed GD')) expect(Math.abs(r.distances.ratioError)).toBeLessThan(0.02);
    expect(Object.keys(out.csv)).toEqual(['table', 'spread']);
    expect(out.svg.ratio).toContain('predicted c²');

    // The spread: 4 inits × 2 methods × 8 seeds.
    const { points, rows } = json.spread;
    expect(points.map((p) => [p.method, p.runs])).toEqual([0, 1, 2, 3].flatMap(() => [['GD', 8], ['perturbed GD', 8]]));
    // Perturbed GD lands within 0.02 of the flat optimum from every start and seed; GD stays ≥ 0.1
    // away from it (its end depends on the start) and never reaches c².
    for (const p of points.filter((p) => p.method === 'perturbed GD')) {
      expect(p.reachedC2.k, p.init).toBe(8);
      expect(p.dX.max, p.init).toBeLessThan(0.02);
    }
    for (const p of points.filter((p) => p.method === 'GD')) {
      expect(p.reachedC2.k, p.init).toBe(0);
      expect(p.dX.min, p.init).toBeGreaterThan(0.1);
    }
    expect(out.summary).toContain('spread over 8 seeds per init and method');
    expect(out.summary).toMatch(/perturbed GD +\| +8 \|.*8\/8 = 1\.000 \[0\.676, 1\.000\]/);
    expect(out.csv.spread.trimEnd().split('\n')).toHaveLength(1 + 64);

    // Every row carries its normalized config and seed: one, run again here, gives its dX bit for bit.
    for (const r of rows) expect(r.config.seed).toBe(r.seed);
    const row = rows.find((r) => r.method === 'perturbed GD' && r.init === 'X×⅕, Y×5' && r.seedLabel === 3)!;
    const again = (await run(row.config)) as FactorizationResult;
    expect(again.config).toEqual(row.config);
    expect(again.distances.dX).toBe(row.metrics.dX);
    expect(again.history.at(-1)!.normX2 / again.history.at(-1)!.normY2).toBe(row.metrics.ratio);
    // And the one-seed table's runs carry theirs too.
    expect(json.runs.every((r) => r.config.seed === 1)).toBe(true);
  });
});
