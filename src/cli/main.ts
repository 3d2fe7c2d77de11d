import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backendNames } from '../backends/index.js';
import { precisions } from '../config/common.js';
import { parseConfigText } from '../config/parse.js';
import { nearest } from '../config/suggest.js';
import { FlatminError } from '../errors.js';
import type { Checkpoint } from '../run.js';
import { isPresetName, parseArgs, USAGE } from './args.js';
import { readText } from './io.js';

// Each command's own modules are imported when it runs, so a `flatmin run CONFIG` never loads the
// presets, sweeps and landscapes: ≈ 5 MB of its resident memory, and start-up time.

/** The `flatmin` command. Exit codes: 0 ok, 2 bad input or divergence (one `error:` line), 130/143 interrupted, 1 a bug. */
export async function main(argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  quietPipes();
  try {
    const args = parseArgs(argv, isPresetName);
    debug = args.debug;
    switch (args.command) {
      case 'help':
        return (console.log(USAGE), 0);
      case 'version':
        return (console.log(await version()), 0);
      case 'presets':
        return (console.log(await listPresets()), 0);
      case 'sweep': {
        const { sweepCommand } = await import('./sweep.js');
        return await sweepCommand(args.rest, { stdout: process.stdout, stderr: process.stderr, env: process.env });
      }
      case 'landscape': {
        const { landscapeCommand } = await import('./landscape.js');
        return await landscapeCommand(args.target!, { other: args.other, outDir: args.outDir ?? join('flatmin-out', 'landscape'), quiet: args.quiet });
      }
    }
    const backend = checkChoice('--backend', 'backend', args.backend, backendNames);
    const precision = checkChoice('--precision', 'precision', args.precision, precisions);
    if (args.command === 'main') return await (await import('./mainJob.js')).mainJob({ outDir: args.outDir ?? 'flatmin-out', quiet: args.quiet, backend, precision });
    const file = args.target!;
    if (args.command === 'run' && isPresetName(file)) {
      const [{ findPreset }, { runPreset }] = await Promise.all([import('../presets/index.js'), import('./presetJob.js')]);
      return await runPreset(findPreset(file, file), { outDir: args.outDir, quick: args.quick, quiet: args.quiet, backend, precision, workers: args.workers });
    }
    const { runJob } = await import('./runJob.js');
    const common = { label: file, backend, out: args.out, checkpoint: args.checkpoint, checkpointEvery: args.checkpointEvery, threads: args.threads, quiet: args.quiet, print: (t: string) => void process.stdout.write(t) };
    if (args.command === 'resume') {
      const checkpoint = parseConfigText(await readText(file), file) as Checkpoint;
      return await runJob(undefined, checkpoint, { ...common, checkpoint: args.checkpoint ?? file });
    }
    const raw = parseConfigText(await readText(file), file);
    const config = precision && raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, precision } : raw;
    return await runJob(config, undefined, common);
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
 * A closed pipe (`flatmin run … | head -1`) ends the output quietly with exit 0; a full disk
 * (`> /dev/full`) is one line and exit 2 — never a stack trace.
 */
function quietPipes(): void {
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    try {
      process.stderr.write(`error: stdout: cannot write: ${e.code ?? e.message}\n`);
    } finally {
      process.exit(2);
    }
  };
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', onError);
}

async function listPresets(): Promise<string> {
  const { presets } = await import('../presets/index.js');
  const width = Math.max(...presets.map((p) => p.name.length));
  return presets.map((p) => `${p.name.padEnd(width)}  ${p.description}`).join('\n');
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `flatmin ${pkg.version}`;
}

function checkChoice<T extends string>(flag: string, what: string, name: string | undefined, valid: readonly T[]): T | undefined {
  if (name === undefined || (valid as readonly string[]).includes(name)) return name as T | undefined;
  const guess = nearest(name, valid);
  throw new FlatminError('UNKNOWN_KIND', flag, `unknown ${what} ${JSON.stringify(name)}${guess ? `; did you mean "${guess}"?` : ''} (expected ${valid.join(' or ')})`);
}
