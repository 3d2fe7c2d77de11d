/**
 * `flatmin sweep merge DIR… --out DIR`: gathers the runs of one sweep from shard directories (or
 * one directory several shards shared) into
 *
 *   runs.jsonl    every run, one compact JSON line each, in canonical order
 *   summary.csv   the same as a table: key, seed, grid values, status, metrics, error
 *   stats.json    per grid point statistics (src/sweep/stats.ts); stats.txt the same as a table
 *   plots/*.svg   src/sweep/plots.ts
 *   merge.json    expected and found runs, missing keys, duplicates, directories merged
 *   manifest.json the sweep's manifest, with every engine that ran a part of it
 *
 * A run found twice (a retried pod, a resubmitted array task that overlapped its first attempt)
 * must be byte-identical, or merge stops with CONFLICT: same seed, same bits.
 */
import { join } from 'node:path';
import { FlatminError } from '../errors.js';
import { toCsv } from '../report/csv.js';
import { METRICS } from './metrics.js';
import { sweepPlots } from './plots.js';
import type { RunRecord } from './record.js';
import { canonicalJson, expandSweep, type Sweep } from './spec.js';
import { formatStats, sweepStats, type SweepStats } from './stats.js';
import { doneKeys, ensureDir, readManifest, readText, runsDir, writeAtomic, type Manifest } from './store.js';
import { jsonText } from '../report/jsonChunks.js';

export interface MergeReport {
  expected: number;
  found: number;
  /** Keys of the sweep with no result in any directory, in canonical order. */
  missing: string[];
  /** Keys found more than once (identical each time). */
  duplicates: string[];
  /** Result files that are not runs of this sweep (ignored). */
  unknown: string[];
  dirs: string[];
}

export interface Merged {
  sweep: Sweep;
  records: RunRecord[];
  stats: SweepStats;
  report: MergeReport;
}

export async function mergeSweep(dirs: readonly string[], out: string): Promise<Merged> {
  if (dirs.length === 0) throw new FlatminError('USAGE', 'merge', 'expected at least one sweep directory');
  const manifests: Manifest[] = [];
  for (const dir of dirs) {
    const m = await readManifest(dir);
    if (!m) throw new FlatminError('IO', join(dir, 'manifest.json'), 'not found: not a sweep directory (flatmin sweep writes it first)');
    const first = manifests[0];
    if (first)
      for (const field of ['specSha256', 'flatmin', 'wasmSha256'] as const)
        if (m[field] !== first[field])
          throw new FlatminError('USAGE', join(dir, 'manifest.json'), `another sweep or build than ${dirs[0]} (${field} ${m[field]} vs ${first[field]}); merge only shards of one sweep`);
    manifests.push(m);
  }
  const sweep = expandSweep(manifests[0].spec);
  const byKey = new Map(sweep.runs.map((r) => [r.key, r]));
  const texts = new Map<string, { text: string; dir: string }>();
  const report: MergeReport = { expected: sweep.runs.length, found: 0, missing: [], duplicates: [], unknown: [], dirs: [...dirs] };
  for (const dir of dirs) {
    for (const key of [...(await doneKeys(dir))].sort()) {
      const path = join(runsDir(dir), `${key}.json`);
      if (!byKey.has(key)) {
        report.unknown.push(path);
        continue;
      }
      const text = await readText(path);
      const seen = texts.get(key);
      if (!seen) texts.set(key, { text, dir });
      else if (seen.text === text) report.duplicates.push(key);
      else throw new FlatminError('CONFLICT', path, `differs from ${join(runsDir(seen.dir), `${key}.json`)}: two results for one run must be byte-identical (same seed, same bits)`);
    }
  }
  const records: RunRecord[] = [];
  for (const run of sweep.runs) {
    const t = texts.get(run.key);
    if (!t) {
      report.missing.push(run.key);
      continue;
    }
    try {
      records.push(JSON.parse(t.text) as RunRecord);
    } catch {
      throw new FlatminError('BAD_JSON', join(runsDir(t.dir), `${run.key}.json`), 'not a run record (invalid JSON); delete it and run the sweep again to redo it');
    }
  }
  report.found = records.length;
  const stats = sweepStats(sweep, records);

  await ensureDir(join(out, 'plots'));
  await writeAtomic(join(out, 'runs.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  await writeAtomic(join(out, 'summary.csv'), summaryCsv(sweep, records));
  await writeAtomic(join(out, 'stats.json'), jsonText(stats));
  await writeAtomic(join(out, 'stats.txt'), `${formatStats(stats)}\n`);
  for (const [name, svg] of Object.entries(sweepPlots(sweep, stats))) await writeAtomic(join(out, 'plots', `${name}.svg`), svg);
  await writeAtomic(join(out, 'merge.json'), jsonText(report));
  const engines = [...new Set(manifests.map((m) => m.engine))].sort();
  await writeAtomic(join(out, 'manifest.json'), jsonText({ ...manifests[0], engine: engines.join('; ') }));
  return { sweep, records, stats, report };
}

function summaryCsv(sweep: Sweep, records: readonly RunRecord[]): string {
  const paths = sweep.axes.flatMap((a) => a.paths);
  const metrics = METRICS[sweep.model];
  const cell = (v: unknown): string | number | boolean | null =>
    v === null || v === undefined ? null : typeof v === 'object' ? canonicalJson(v) : (v as string | number | boolean);
  return toCsv(
    ['index', 'key', 'seed', ...paths, 'status', ...metrics, 'error'],
    records.map((r) => [r.index, r.key, r.seed, ...paths.map((p) => cell(r.values[p])), r.status, ...metrics.map((m) => cell(r.metrics[m])), r.error ? `${r.error.path}: ${r.error.message}` : null]),
  );
}
