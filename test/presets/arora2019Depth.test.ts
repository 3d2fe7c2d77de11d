import { expect, it } from 'vitest';
import { arora2019Depth } from '../../src/presets/arora2019Depth.js';

interface Row { depth: number; effectiveRank: number; testError: number; trainError: number }

it('arora2019-depth (quick): depth 3 and 4 find lower effective rank and lower test error than depth 2, which fails', async () => {
  const out = await arora2019Depth.run({ quick: true });
  const { final, claims, targetEffectiveRank } = out.json as { final: Row[]; claims: Record<string, boolean>; targetEffectiveRank: number };
  expect(claims).toEqual({ effectiveRankFallsWithDepth: true, testErrorFallsWithDepth: true });
  const [d2, d3, d4] = final;
  for (const r of final) expect(r.trainError).toBeLessThan(1e-4); // every depth fits the observed entries
  expect(d2.testError).toBeGreaterThan(0.3); // depth 2 does not recover the target …
  expect(d4.testError).toBeLessThan(0.01); // … depth 4 does
  expect(d3.testError).toBeLessThan(0.1);
  expect(d2.effectiveRank).toBeGreaterThan(3);
  expect(Math.abs(d4.effectiveRank - targetEffectiveRank)).toBeLessThan(0.1);
  expect(out.summary).not.toContain('NO');
  expect(Object.keys(out.svg)).toEqual(['effective-rank', 'test-error']);
  expect(out.csv.depth.split('\n')[0]).toBe('depth,effective_rank,test_error,train_error');
});
