import { statSync } from 'node:fs';
import { parseArgs as parseNodeArgs } from 'node:util';
import { FlatminError } from '../errors.js';
import { nearest } from '../config/suggest.js';

/**
 * The command line: a subcommand and its flags, parsed by `node:util.parseArgs`. Every flag applies
 * to some commands only; given to another it is an error naming the flag, never silently ignored.
 */
export type Command = 'main' | 'run' | 'resume' | 'presets' | 'sweep' | 'landscape' | 'help' | 'version';

export interface CliArgs {
  command: Command;
  /** run: a config file or a preset name; resume: the checkpoint file. */
  target?: string;
  out?: string;
  outDir?: string;
  backend?: string;
  precision?: string;
  quick: boolean;
  checkpoint?: string;
  checkpointEvery?: number;
  /** run CONFIG, resume: threads for the Wasm core's products (--threads). */
  threads?: number;
  /** run PRESET: worker threads for its many-seed ensembles (--workers; default: every core). */
  workers?: number;
  /** landscape: the second result (--other). */
  other?: string;
  quiet: boolean;
  debug: boolean;
  /** sweep: its own arguments, handed over as they are. */
  rest: string[];
}

/** Every flag, with the commands it applies to ("run:config" / "run:preset": run of a file / of a preset). */
const FLAGS = {
  out: { type: 'string', applies: ['run:config', 'resume'], value: 'RESULT.json' },
  'out-dir': { type: 'string', applies: ['main', 'run:preset', 'landscape'], value: 'DIR' },
  other: { type: 'string', applies: ['landscape'], value: 'RESULT2.json' },
  backend: { type: 'string', applies: ['main', 'run:config', 'run:preset', 'resume'], value: 'wasm|reference' },
  precision: { type: 'string', applies: ['main', 'run:config', 'run:preset'], value: 'f64|f32' },
  quick: { type: 'boolean', applies: ['run:preset'] },
  checkpoint: { type: 'string', applies: ['run:config', 'resume'], value: 'FILE' },
  'checkpoint-every': { type: 'string', applies: ['run:config', 'resume'], value: 'N' },
  threads: { type: 'string', applies: ['run:config', 'resume'], value: 'N' },
  workers: { type: 'string', applies: ['run:preset'], value: 'N' },
  quiet: { type: 'boolean', short: 'q', applies: ['main', 'run:config', 'run:preset', 'resume', 'landscape'] },
  debug: { type: 'boolean', applies: ['*'] },
  help: { type: 'boolean', short: 'h', applies: ['*'] },
  version: { type: 'boolean', short: 'v', applies: ['*'] },
} as const;
type Flag = keyof typeof FLAGS;

const COMMANDS = ['run', 'resume', 'presets', 'sweep', 'landscape', 'help', 'version'] as const;

const WHERE: Record<string, string> = {
  main: 'the main job (flatmin with no command)',
  'run:config': 'flatmin run CONFIG.json',
  'run:preset': 'flatmin run PRESET',
  resume: 'flatmin resume',
  landscape: 'flatmin landscape',
};

/**
 * argv (without node and the script) → what to do. `isPreset(name)` tells `run X` of a preset from
 * `run X` of a config file (src/cli/main.ts decides by the file system). Throws USAGE errors naming
 * the argument or flag.
 */
export function parseArgs(argv: string[], isPreset: (name: string) => boolean = isPresetName): CliArgs {
  // `flatmin sweep …` has its own parser (src/cli/sweep.ts): hand everything after it over.
  const sweepAt = argv.indexOf('sweep');
  if (sweepAt >= 0 && argv.slice(0, sweepAt).every((a) => a === '--debug')) {
    return { command: 'sweep', quick: false, quiet: false, debug: sweepAt > 0 || argv.includes('--debug'), rest: argv.slice(sweepAt + 1) };
  }
  let parsed: ReturnType<typeof parseNodeArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; tokens: true }>>;
  try {
    parsed = parseNodeArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw usageError(e);
  }
  const v = parsed.values;
  const a: CliArgs = { command: 'main', quick: v.quick === true, quiet: v.quiet === true, debug: v.debug === true, rest: [] };
  if (v.help) return { ...a, command: 'help' };
  if (v.version) return { ...a, command: 'version' };
  const [cmd, ...args] = parsed.positionals;
  let where = 'main';
  if (cmd !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(cmd)) {
      const guess = nearest(cmd, COMMANDS);
      throw new FlatminError('USAGE', cmd, `unknown command${guess ? `; did you mean ${guess}?` : ''} (commands: ${COMMANDS.join(', ')}; see flatmin help)`);
    }
    a.command = cmd as Command;
    if (a.command === 'help' || a.command === 'version') return a;
    const expected = a.command === 'presets' ? 0 : 1;
    if (args.length !== expected) {
      const usage = {
        run: 'expected exactly one CONFIG.json or preset: flatmin run CONFIG.json [--out RESULT.json] | flatmin run PRESET [--out-dir DIR]',
        resume: 'expected exactly one checkpoint file: flatmin resume CHECKPOINT.json [--out RESULT.json]',
        presets: 'flatmin presets takes no argument',
        landscape: 'expected exactly one result file: flatmin landscape RESULT.json [--other RESULT2.json] [--out-dir DIR]',
      }[a.command as 'run' | 'resume' | 'presets' | 'landscape'];
      throw new FlatminError('USAGE', a.command, usage);
    }
    a.target = args[0];
    where = a.command === 'run' ? (isPreset(args[0]) ? 'run:preset' : 'run:config') : a.command;
  }
  // Every flag given must apply to this command.
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const applies: readonly string[] = FLAGS[t.name as Flag].applies;
    if (!applies.includes('*') && !applies.includes(where)) {
      const to = applies.map((w) => WHERE[w]).join(', ');
      throw new FlatminError('USAGE', t.rawName, `does not apply to ${WHERE[where] ?? `flatmin ${where}`}; it is for ${to}`);
    }
  }
  a.out = v.out;
  a.outDir = v['out-dir'];
  a.other = v.other;
  a.backend = v.backend;
  a.precision = v.precision;
  a.checkpoint = v.checkpoint;
  if (v['checkpoint-every'] !== undefined) {
    a.checkpointEvery = count(v['checkpoint-every'], '--checkpoint-every', 'a number of steps, an integer ≥ 1');
    if (a.checkpoint === undefined && a.command !== 'resume') throw new FlatminError('USAGE', '--checkpoint-every', 'needs --checkpoint FILE (where to write them)');
  }
  if (v.threads !== undefined) a.threads = count(v.threads, '--threads', 'a number of threads, an integer ≥ 1');
  if (v.workers !== undefined) a.workers = count(v.workers, '--workers', 'a number of worker threads, an integer ≥ 1');
  return a;
}

/** A flag's whole number ≥ 1 (what N in `--threads N` and the like must be). */
export function count(s: string, flag: string, what = 'a whole number ≥ 1'): number {
  if (!/^\d+$/.test(s) || Number(s) < 1) throw new FlatminError('USAGE', flag, `expected ${what}, got ${JSON.stringify(s)}`);
  return Number(s);
}

const OPTIONS = Object.fromEntries(
  Object.entries(FLAGS).map(([name, f]) => [name, 'short' in f ? { type: f.type, short: f.short } : { type: f.type }]),
) as { [K in Flag]: { type: (typeof FLAGS)[K]['type']; short?: string } };

/** node:util.parseArgs' TypeErrors → one USAGE line naming the argument, with a guess. */
function usageError(e: unknown): FlatminError {
  const err = e as { code?: string; message?: string };
  const m = /'([^']+)'/.exec(err.message ?? '');
  const arg = m?.[1] ?? 'arguments';
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const names = Object.keys(FLAGS).map((f) => `--${f}`);
      const guess = nearest(arg, names);
      return new FlatminError('USAGE', arg, `unknown option${guess ? `; did you mean ${guess}?` : ''} (see flatmin --help)`);
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new FlatminError('USAGE', arg.split(' ')[0], 'expected a value after it');
    default:
      return new FlatminError('USAGE', arg, err.message ?? String(e));
  }
}

export const USAGE = `flatmin — which minimum does noise pick?

Usage:
  flatmin                         the main job: GD vs perturbed GD from four inits (THEORY.md §1); prints a
                                  table, writes flatmin-out/summary.json and flatmin-out/ratio.svg
      --out-dir DIR               where (default flatmin-out)
  flatmin run CONFIG.json         run one config of any model (JSONC; schema: config.schema.json)
      --out RESULT.json           write the result there (default: print it to stdout)
      --checkpoint FILE           keep a checkpoint there: every --checkpoint-every N steps (default: every
                                  30 s), at the end, and on Ctrl-C / SIGTERM before exiting
      --checkpoint-every N
      --threads N                 threads for the products and the noise draw (the same bits for any N;
                                  default: every core when a step is at least 256·256·16 multiply-adds
                                  or draws noise for θ of 2¹⁴ entries or more, else 1)
  flatmin resume CHECKPOINT.json  continue a checkpoint to the same bits an uninterrupted run reaches
      --out RESULT.json, --checkpoint FILE (default: the checkpoint itself), --checkpoint-every N, --threads N
  flatmin presets                 list the named experiments
  flatmin run PRESET              run one: prints its summary, writes PRESET.json and its CSV and SVG files
      --out-dir DIR               where (default flatmin-out/PRESET)
      --quick                     the short form: fewer steps and seeds, the same claim
      --workers N                 worker threads for presets that run many seeds (default: every core)
  flatmin sweep SPEC.json         a grid of runs over seeds and settings (flatmin sweep --help)
  flatmin landscape RESULT.json   the loss landscape around a result's final iterate: 1D and 2D slices along
                                  normalized random directions, the trajectory on its PCA plane (a run with
                                  diagnostics: { trajectory: true }); SVG contour plots and CSV
      --other RESULT2.json        also the line between the two results' final iterates
      --out-dir DIR               where (default flatmin-out/landscape)
  flatmin help, -h, --help        this text;   flatmin version, -v, --version
Options of the main job, run and resume:
      --backend wasm|reference    which backend runs the steps (both give the same bits)
      --precision f64|f32         the optimizer's arithmetic (not resume: a checkpoint keeps its own)
      --quiet, -q                 no progress on stderr
      --debug                     print stack traces on errors
Exit codes: 0 done, 2 bad input or divergence (one line on stderr), 130/143 interrupted, 1 a bug.`;

/**
 * `flatmin run X`: X is a config file if it is a file or looks like a path (a separator or a .json
 * ending, so a missing file is an IO error, not "unknown preset"); otherwise a preset name — even
 * when a directory of that name exists, as a preset's own output directory may.
 */
export function isPresetName(arg: string): boolean {
  return !(/[\\/]/.test(arg) || /\.jsonc?$/i.test(arg) || statSync(arg, { throwIfNoEntry: false })?.isFile() === true);
}
