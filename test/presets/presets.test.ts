import { describe, expect, it } from 'vitest';
import '../../src/node.js';
import { presets } from '../../src/presets/index.js';
import { liu2021Ratio } from '../../src/presets/liu2021Ratio.js';
import type { PresetOutput } from '../../src/presets/types.js';

// Every preset in its --quick form, and the claim its description makes, read from its output.

function expectFiles(out: PresetOutput): void {
  expect(() => JSON.stringify(out.json)).not.toThrow();
  for (const csv of Object.values(out.csv)) expect(csv.split('\n')[0]).toMatch(/^[\w,]+$/); // a header row
  for (const svg of Object.values(out.svg)) expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
}

describe('presets', () => {
  it('names are unique and every one has a one-sentence description', () => {
    expect(new Set(presets.map((p) => p.name)).size).toBe(presets.length);
    for (const p of presets) expect(p.description).toMatch(/^[A-Z].*\.$/);
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

});
