/**
 * The peak RSS of a real sparse completion session, in a child Node on the built package (dist/):
 * Node only (test/backends/sparse.test.ts, which also runs in Chromium, has the memory plan's sizes).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** A child process (the built package in dist/) that makes and runs a 5000×5000 sparse session; prints its peak RSS. */
const RSS_CHILD = `
const root = process.argv[1];
await import(root + 'dist/platform/node.js');
const { getBackend } = await import(root + 'dist/backends/index.js');
const { fractionObserved } = await import(root + 'dist/problems/observed.js');
const n = 5000, r = 10;
const index = fractionObserved(n * n, 0.01, 'rss');
const values = Float64Array.from(index, (e, p) => ((e * 7 + p) % 13) / 13 - 0.5);
const theta = Float64Array.from({ length: 2 * n * r }, (_, k) => (((k * 2654435761) >>> 0) / 2 ** 32 - 0.5) * 0.1);
const s = (await getBackend('wasm')).session({ model: { kind: 'factorization', n, m: n, r }, precision: 'f64', lambda: 0, maxBatch: 64,
  labelNoise: true, loss: { kind: 'completion', M: new Float64Array(0), mask: [], observed: { index, values } }, theta, rng: new Int32Array(16).fill(7) });
let done = s.run(2, { lr: 0.1, scale: 1, scaleMul: 1 }).done;
done += s.run(200, { lr: 0.1, batch: 64, noise: { kind: 'perturbed', sigma: [1e-3, 1e-3] }, scale: 1, scaleMul: 1 }).done;
done += s.run(2, { lr: 0.1, noise: { kind: 'label', sigma: [1e-3, 1e-3] }, scale: 1, scaleMul: 1 }).done;
console.log(JSON.stringify({ observed: index.length, done, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
`;

it('a child process runs a 5000×5000, |Ω| ≈ 2.5·10⁵, r = 10 session (full, perturbed batch-64, label) under 150 MB peak RSS', () => {
  // The dense path held M, WEIGHTS, W and R: 4 × 200 MB at this size.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', RSS_CHILD, root], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  const res = JSON.parse(out.stdout) as { observed: number; done: number; maxRssMB: number };
  expect(res.done).toBe(204);
  expect(res.observed).toBeGreaterThan(240_000);
  expect(res.maxRssMB).toBeLessThan(150);
});

