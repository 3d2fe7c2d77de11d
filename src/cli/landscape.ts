import { join } from 'node:path';
import { parseConfigText } from '../config/parse.js';
import { checkSameShape, surfaceOfResult, type ResultSurface } from '../models/surface.js';
import { landscapeFiles } from '../report/landscape.js';
import { ensureDir, readText, writeText } from './io.js';

/**
 * `flatmin landscape RESULT.json [--other RESULT2.json] [--out-dir DIR]`: the loss landscape around
 * a result's final iterate (src/diagnostics/landscape.ts), as CSV and SVG:
 *   landscape-1d     f(θ* + α d₁), α ∈ [−1, 1]
 *   landscape-2d     f(θ* + α d₁ + β d₂) on [−1, 1]², contour plot
 *   trajectory       with diagnostics.trajectory: the recorded iterates on their top-2 PCA plane, over that plane's slice
 *   interpolation    with --other: f((1 − t) θ*_A + t θ*_B), t ∈ [−0.5, 1.5], on RESULT's objective
 * Directions are seeded by the result's config seed, so the same result draws the same pictures.
 */
export interface LandscapeOptions {
  other?: string;
  outDir: string;
  quiet: boolean;
  /** Grid points per axis of the 2D slices (default 31) and of the 1D ones (default 41). */
  points2D?: number;
  points1D?: number;
}

export async function landscapeCommand(file: string, o: LandscapeOptions): Promise<number> {
  const a = surfaceOfResult(parseConfigText(await readText(file), file));
  let b: ResultSurface | undefined;
  if (o.other !== undefined) {
    b = surfaceOfResult(parseConfigText(await readText(o.other), o.other), `${o.other}: `);
    checkSameShape(a, b, `${o.other}: `);
  }
  const out = landscapeFiles(a, b, o);
  await ensureDir(o.outDir);
  for (const [name, text] of Object.entries(out.files)) await writeText(join(o.outDir, name), text);
  if (!o.quiet) process.stdout.write(`${out.summary}\nwrote ${Object.keys(out.files).join(', ')} to ${o.outDir}\n`);
  return 0;
}

/** Everything the command writes (file name → text) and a summary, computed without touching the file system. */
