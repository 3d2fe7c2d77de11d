/**
 * `flatmin sweep …` (issue 13), wired into the CLI by src/cli/main.ts:
 *
 *   flatmin sweep SPEC.json [--out DIR] [--workers N] [--keep final|history] [--shard I/N | --shards N] [--quiet]
 *   flatmin sweep merge DIR… [--out DIR]
 *   flatmin sweep emit --slurm|--k8s SPEC.json [--shards N] [--workers N] [--out DIR] [--image IMAGE]
 *
 * Exit codes as for the rest of the CLI: 0 done, 2 bad input (one line `error: <path>: <message>`;
 * nothing runs), 1 a bug in flatmin. A run that diverges or fails is recorded and does not change
 * the exit code.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseConfigText } from '../config/parse.js';
import { count } from './args.js';
import { FlatminError } from '../errors.js';
import { createProgress, type ProgressStream } from '../report/progress.js';
import { k8sManifest, slurmScript } from '../sweep/emit.js';
import { mergeSweep } from '../sweep/merge.js';
import { runSweep } from '../sweep/runSweep.js';
import { resolveShard } from '../sweep/shard.js';
import { expandSweep } from '../sweep/spec.js';
import { formatStats } from '../sweep/stats.js';
import { flatminVersion, readText } from '../sweep/store.js';

export interface SweepIo {
  stdout: { write(s: string): unknown };
  stderr: ProgressStream;
  env: Record<string, string | undefined>;
}

export const SWEEP_USAGE = `Usage:
  flatmin sweep SPEC.json         run every run of a sweep spec (README.md, "Sweeps") on a worker pool
      --out DIR                   where (default flatmin-out/sweep-SPEC); DIR/runs/<key>.json per run;
                                  runs already there are skipped, so a killed sweep resumes
      --workers N                 worker threads (default: this machine's cores)
      --keep final|history        keep final metrics only (default) or each run's history too
      --shard I/N                 run shard I of N (round-robin); or --shards N with the index from
      --shards N                  SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX
      --quiet                     no progress on stderr
  flatmin sweep merge DIR…        merge shard directories: runs.jsonl, summary.csv, stats, plots
      --out DIR                   where (default: the first DIR)
  flatmin sweep emit --slurm|--k8s SPEC.json    print an sbatch script / a Kubernetes Indexed Job
      --shards N                  array size (default: min(runs, 32))
      --workers N                 CPUs per task (default 2)
      --out DIR                   results directory the tasks share (default flatmin-out/sweep-SPEC)
      --image IMAGE               k8s: container image with Node ≥ 20 (default node:20-slim)`;

export async function sweepCommand(argv: string[], io: SweepIo): Promise<number> {
  try {
    if (argv[0] === 'merge') return await merge(argv.slice(1), io);
    if (argv[0] === 'emit') return await emit(argv.slice(1), io);
    if (argv[0] === '--help' || argv[0] === '-h' || argv.length === 0) return (io.stdout.write(`${SWEEP_USAGE}\n`), 0);
    return await sweep(argv, io);
  } catch (e) {
    if (e instanceof FlatminError) {
      io.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`error: internal: ${(e as Error)?.stack ?? e}\n`);
    return 1;
  }
}

async function sweep(argv: string[], io: SweepIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    out: { type: 'string' }, workers: { type: 'string' }, keep: { type: 'string' }, shard: { type: 'string' },
    shards: { type: 'string' }, quiet: { type: 'boolean' },
  }, 'flatmin sweep SPEC.json [--out DIR] [--workers N] [--keep final|history] [--shard I/N | --shards N]');
  const file = one(positionals, 'SPEC.json');
  const keep = values.keep ?? 'final';
  if (keep !== 'final' && keep !== 'history') throw new FlatminError('USAGE', '--keep', `expected final or history, got ${JSON.stringify(keep)}`);
  const workers = values.workers === undefined ? availableParallelism() : count(values.workers, '--workers');
  const shard = resolveShard({ shard: values.shard, shards: values.shards }, io.env);
  const specJson = parseConfigText(await readText(file), file);
  const swept = expandSweep(specJson); // every config validated: a bad spec fails here, before anything runs
  const out = values.out ?? defaultOut(file);
  const quiet = values.quiet === true;
  const log = (line: string) => quiet || io.stderr.write(`${line}\n`);
  const progress = (total: number) => createProgress({ total, label: `sweep ${specName(file)}`, unit: 'runs', etaInLog: true, stream: io.stderr, quiet });
  const s = await runSweep(swept, { out, workers, keep, shard, specJson, progress, log });
  log(`${s.ok} ok, ${s.diverged} diverged, ${s.failed} failed${s.skipped ? `, ${s.skipped} done before` : ''} → ${out}/runs/`);
  if (shard.count > 1) {
    log(`when every shard is done: flatmin sweep merge ${out}`);
    return 0;
  }
  const merged = await mergeSweep([out], out);
  io.stdout.write(`${formatStats(merged.stats)}\n`);
  log(`wrote ${out}/runs.jsonl, summary.csv, stats.json, plots/`);
  return 0;
}

async function merge(argv: string[], io: SweepIo): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string' } }, 'flatmin sweep merge DIR… [--out DIR]');
  if (positionals.length === 0) throw new FlatminError('USAGE', 'merge', 'expected the sweep directories to merge: flatmin sweep merge DIR… [--out DIR]');
  const out = values.out ?? positionals[0];
  const { stats, report } = await mergeSweep(positionals, out);
  io.stdout.write(`${formatStats(stats)}\n`);
  const list = (keys: string[]) => `${keys.slice(0, 10).join(', ')}${keys.length > 10 ? `, … (${keys.length - 10} more in merge.json)` : ''}`;
  io.stderr.write(`merged ${report.found} of ${report.expected} runs from ${report.dirs.length} director${report.dirs.length === 1 ? 'y' : 'ies'} → ${out}\n`);
  if (report.missing.length) io.stderr.write(`missing ${report.missing.length}: ${list(report.missing)}\n`);
  if (report.duplicates.length) io.stderr.write(`found twice, identical: ${list(report.duplicates)}\n`);
  if (report.unknown.length) io.stderr.write(`ignored (not runs of this sweep): ${list(report.unknown)}\n`);
  return 0;
}

async function emit(argv: string[], io: SweepIo): Promise<number> {
  const usage = 'flatmin sweep emit --slurm|--k8s SPEC.json [--shards N] [--workers N] [--out DIR] [--image IMAGE]';
  const { values, positionals } = parse(argv, {
    slurm: { type: 'boolean' }, k8s: { type: 'boolean' }, shards: { type: 'string' }, workers: { type: 'string' }, out: { type: 'string' }, image: { type: 'string' },
  }, usage);
  if (values.slurm === values.k8s) throw new FlatminError('USAGE', 'emit', `expected exactly one of --slurm and --k8s: ${usage}`);
  const file = one(positionals, 'SPEC.json');
  const specText = await readText(file);
  const swept = expandSweep(parseConfigText(specText, file));
  const shards = values.shards === undefined ? Math.min(swept.runs.length, 32) : count(values.shards, '--shards');
  const o = {
    spec: file, name: specName(file), shards, workers: values.workers === undefined ? 2 : count(values.workers, '--workers'),
    out: values.out ?? defaultOut(file), specText, image: values.image ?? 'node:20-slim', version: await flatminVersion(),
  };
  io.stdout.write(values.slurm ? slurmScript(o) : k8sManifest(o));
  return 0;
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const m = /'([^']+)'/.exec((e as Error).message);
    throw new FlatminError('USAGE', m?.[1] ?? 'sweep', `${(e as Error).message.split('.')[0]} (usage: ${usage})`);
  }
}

function one(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new FlatminError('USAGE', 'sweep', `expected exactly one ${what}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  return positionals[0];
}


const specName = (file: string): string => basename(file).replace(/\.json$/i, '');
const defaultOut = (file: string): string => `flatmin-out/sweep-${specName(file)}`;
