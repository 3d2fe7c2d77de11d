/**
 * Per-step time of the 20×20 depth-3 deep linear network (Wang & Jacot D2 from `start`), wasm vs
 * reference, batch 1 and full batch: the steps alone, and with the diagnostics (an SVD of A and the
 * errors) every 500 steps as numpy's peer measures (≈19 µs per step). Median of 5 repeats.
 *
 *   npm run bench:dln
 */
import { readFileSync } from 'node:fs';
import '../src/platform/node.js';
import { getBackend } from '../src/backends/index.js';
import type { Backend } from '../src/backends/types.js';
import { fixtureInput, type DlnFixture } from '../src/experiments/wangJacot.js';
import { Run } from '../src/run.js';

const D2: DlnFixture = JSON.parse(readFileSync('src/problems/fixtures/dln-D2.json', 'utf8'));

async function perStep(backend: Backend, batch: number | 'full', lr: number, steps: number, recordEvery: number | null): Promise<number> {
  const times: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    if (recordEvery === null) {
      const s = backend.dln(fixtureInput(D2, rep + 1));
      const t0 = performance.now();
      if (s.run(steps, { lr, batch }).done !== steps) throw new Error('diverged');
      times.push(((performance.now() - t0) * 1000) / steps);
      s.dispose();
    } else {
      // The whole run as users start it: a config, with its recordings (SVD of A, errors).
      const run = await Run.create({
        problem: { kind: 'completion', fixture: 'dln-D2' }, model: { kind: 'deep-linear', depth: 3, width: 20 },
        optimizer: { steps, lr, ...(batch === 'full' ? {} : { batch }) }, seed: rep + 1, backend: backend.name, recordEvery,
      });
      const t0 = performance.now();
      run.advance();
      times.push(((performance.now() - t0) * 1000) / steps);
      run.dispose();
    }
  }
  return times.sort((a, b) => a - b)[2];
}

const rows: string[][] = [['backend', 'batch', 'steps only (µs/step)', 'with SVD every 500 (µs/step)']];
for (const name of ['wasm', 'reference'] as const) {
  const backend = await getBackend(name, readFileSync('build/flatmin.wasm'));
  const steps = name === 'wasm' ? 50_000 : 2_000;
  for (const [batch, lr, label] of [[1, 0.05, '1'], ['full', 0.05, 'full (181)']] as Array<[number | 'full', number, string]>) {
    await perStep(backend, batch, lr, Math.min(steps, 2_000), null); // warm-up
    rows.push([name, label, (await perStep(backend, batch, lr, steps, null)).toFixed(2), (await perStep(backend, batch, lr, steps, 500)).toFixed(2)]);
  }
}
for (const r of rows) console.log(r.map((c, i) => c.padEnd(i === 0 ? 10 : i === 1 ? 11 : 30)).join(''));
