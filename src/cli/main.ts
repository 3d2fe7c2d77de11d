import { readFile, writeFile, mkdir } from 'node:fs/promises';
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
    if (args.command === 'main') return await mainJob({ outDir: args.outDir, quiet: args.quiet, backend, precision });
    const file = args.config!;
    let raw = parseConfigText(await readText(file), file);
    if (precision && raw && typeof raw === 'object') raw = { ...raw, precision };
    let progress: Progress | undefined;
    const result = await run(raw, {
      backend,
      onProgress: (done, total) => {
        progress ??= createProgress({ total, label: file, stream: process.stderr, quiet: args.quiet });
        progress.update(done);
      },
    }).finally(() => progress?.finish());
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
