import { join } from 'node:path';
import type { BackendName, Precision } from '../config/types.js';
import type { Preset } from '../presets/types.js';
import { createProgress, type Progress } from '../report/progress.js';
import { ensureDir, writeText } from './io.js';
import { jsonText } from '../report/jsonChunks.js';

export interface PresetJobOptions {
  /** Default flatmin-out/<preset>. */
  outDir?: string;
  quick: boolean;
  quiet: boolean;
  backend?: BackendName;
  precision?: Precision;
  /** Worker threads for the preset's many-seed ensembles (default: every core). */
  workers?: number;
}

/** `flatmin run <preset>`: run it, print its summary, write <preset>.json and every CSV and SVG. */
export async function runPreset(preset: Preset, o: PresetJobOptions): Promise<number> {
  const dir = o.outDir ?? join('flatmin-out', preset.name);
  let progress: Progress | undefined;
  const t0 = performance.now();
  await ensureDir(dir); // before the run: a directory that cannot be made fails now, not after it
  const out = await preset.run({
    quick: o.quick,
    backend: o.backend,
    precision: o.precision,
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    onProgress: (done, total) => {
      progress ??= createProgress({ total, label: preset.name, stream: process.stderr, quiet: o.quiet });
      progress.update(done);
    },
  }).finally(() => progress?.finish());
  const wall = (performance.now() - t0) / 1000;
  await ensureDir(dir);
  const files: Array<[string, string]> = [
    [`${preset.name}.json`, jsonText(out.json)],
    ...Object.entries(out.csv).map(([f, text]): [string, string] => [`${f}.csv`, text]),
    ...Object.entries(out.svg).map(([f, text]): [string, string] => [`${f}.svg`, text]),
  ];
  for (const [f, text] of files) await writeText(join(dir, f), text);
  console.log(`flatmin ${preset.name}${o.quick ? ' (quick)' : ''}: ${preset.description}\n\n${out.summary}`);
  console.log(`\nwrote ${files.map(([f]) => join(dir, f)).join(', ')} (${wall.toFixed(1)} s)`);
  return 0;
}
