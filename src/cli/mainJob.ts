import { join } from 'node:path';
import type { BackendName, Precision } from '../config/types.js';
import { runLiu2021 } from '../presets/liu2021.js';
import { createProgress } from '../report/progress.js';
import { ensureDir, writeText } from './io.js';
import { jsonText } from '../report/jsonChunks.js';

export interface MainJobOptions {
  outDir: string;
  quiet: boolean;
  backend?: BackendName;
  precision?: Precision;
  /** For tests: fewer steps per phase (multiplies every phase's length). */
  stepFraction?: number;
}

/**
 * The main job: the `liu2021` preset (THEORY.md §1's headline experiment) under the names it has
 * always written: the table on stdout, summary.json and ratio.svg in the output directory.
 */
export async function mainJob(o: MainJobOptions): Promise<number> {
  let progress: ReturnType<typeof createProgress> | undefined;
  await ensureDir(o.outDir); // before the run: a directory that cannot be made fails now, not after it
  const t0 = performance.now();
  const out = await runLiu2021({
    backend: o.backend,
    precision: o.precision,
    stepFraction: o.stepFraction,
    onProgress: (done, total) => {
      progress ??= createProgress({ total, label: 'main job', stream: process.stderr, quiet: o.quiet });
      progress.update(done);
    },
  }).finally(() => progress?.finish());
  const wall = (performance.now() - t0) / 1000;
  console.log(`flatmin main job: ${out.summary}`);
  await ensureDir(o.outDir);
  await writeText(join(o.outDir, 'summary.json'), jsonText(out.json));
  await writeText(join(o.outDir, 'ratio.svg'), out.svg.ratio);
  console.log(`\nwrote ${join(o.outDir, 'summary.json')} and ${join(o.outDir, 'ratio.svg')} (${wall.toFixed(1)} s)`);
  return 0;
}
