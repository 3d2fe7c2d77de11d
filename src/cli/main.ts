import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { isDlnConfig } from '../config/dln.js';
import { runDln, type DlnRunResult } from '../runDln.js';
import { findPreset, presets } from '../presets/index.js';
import { runPreset } from './presetJob.js';
import { FlatminError } from '../errors.js';
import { parseConfigText } from '../config/parse.js';
import { run } from '../run.js';
import { backendNames } from '../backends/index.js';
import { nearest } from '../config/suggest.js';
import { createProgress, type Progress } from '../report/progress.js';
import type { BackendName, Precision } from '../config/types.js';
import { parseArgs, USAGE } from './args.js';
import { mainJob } from './mainJob.js';

/** The `flatmin` command. Exit codes: 0 ok, 2 bad input or divergence (one `error:` line), 1 a bug. */
export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const args = parseArgs(argv);
    debug = args.debug;
    if (args.command === 'help') return (console.log(USAGE), 0);
    if (args.command === 'version') return (console.log(await version()), 0);
    const backend = checkChoice('--backend', 'backend', args.backend, backendNames);
    const precision = checkChoice('--precision', 'precision', args.precision, PRECISIONS);
    if (args.command === 'main') return await mainJob({ outDir: args.outDir ?? 'flatmin-out', quiet: args.quiet, backend, precision });
    if (args.command === 'presets') return (console.log(listPresets()), 0);
    const file = args.config!;
    if (!looksLikeFile(file)) return await runPreset(findPreset(file, file), { outDir: args.outDir, quick: args.quick, quiet: args.quiet });
    let raw = parseConfigText(await readText(file), file);
    let progress: Progress | undefined;
    const onProgress = (done: number, total: number) => {
      progress ??= createProgress({ total, label: file, stream: process.stderr, quiet: args.quiet });
      progress.update(done);
    };
    let result: unknown;
    if (isDlnConfig(raw)) {
      const r = await runDln(raw, { backend, onProgress }).finally(() => progress?.finish());
      if (r.diverged) dlnDiverged(r);
      result = r;
    } else {
      if (precision && raw && typeof raw === 'object') raw = { ...raw, precision };
      result = await run(raw, { backend, onProgress }).finally(() => progress?.finish());
    }
    const json = JSON.stringify(result, null, 1);
    if (args.out) await writeText(args.out, json + '\n');
    else process.stdout.write(json + '\n');
    return 0;
  } catch (e) {
    if (e instanceof FlatminError) {
      process.stderr.write(`error: ${e.message}\n`);
      if (debug) process.stderr.write(`${e.stack}\n`);
      return 2;
    }
    process.stderr.write(`error: internal: ${(e as Error)?.message ?? e}\n${debug ? `${(e as Error)?.stack}\n` : 'rerun with --debug for a stack trace\n'}`);
    return 1;
  }
}

/**
 * `flatmin run X`: X is a config file if it is a file or looks like a path (a separator or a .json
 * ending, so a missing file is an IO error, not "unknown preset"); otherwise a preset name — even
 * when a directory of that name exists, as a preset's own output directory may.
 */
function looksLikeFile(arg: string): boolean {
  return /[\\/]/.test(arg) || /\.json$/i.test(arg) || statSync(arg, { throwIfNoEntry: false })?.isFile() === true;
}

function listPresets(): string {
  const width = Math.max(...presets.map((p) => p.name.length));
  return presets.map((p) => `${p.name.padEnd(width)}  ${p.description}`).join('\n');
}

/** A deep-linear run that stopped at a non-finite step fails like a two-factor one (exit 2). */
function dlnDiverged(r: DlnRunResult): never {
  const phase = r.config.optimizer.findIndex((_, i) => r.config.optimizer.slice(0, i + 1).reduce((s, p) => s + p.steps, 0) > r.steps);
  const i = phase < 0 ? r.config.optimizer.length - 1 : phase;
  const lr = r.config.optimizer[i].lr;
  const suggestedLr = Number((lr / 4).toPrecision(2));
  const path = r.config.optimizer.length > 1 ? `optimizer[${i}].lr` : 'optimizer.lr';
  throw new FlatminError('DIVERGED', path, `diverged: the weights would have become non-finite at step ${r.steps + 1}; the result keeps the last finite state. Try a smaller step size, e.g. lr = ${suggestedLr}`, { step: r.steps + 1, suggestedLr, result: r });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new FlatminError('IO', file, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function writeText(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new FlatminError('IO', file, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new FlatminError('IO', dir, `cannot create directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `flatmin ${pkg.version}`;
}

const PRECISIONS: readonly Precision[] = ['f64', 'f32'];

function checkChoice<T extends string>(flag: string, what: string, name: string | undefined, valid: readonly T[]): T | undefined {
  if (name === undefined || (valid as readonly string[]).includes(name)) return name as T | undefined;
  const guess = nearest(name, valid);
  throw new FlatminError('UNKNOWN_KIND', flag, `unknown ${what} ${JSON.stringify(name)}${guess ? `; did you mean "${guess}"?` : ''} (expected ${valid.join(' or ')})`);
}
