import { FlatminError } from '../errors.js';
import { nearest } from '../config/suggest.js';

export interface CliArgs {
  command: 'main' | 'run' | 'presets' | 'help' | 'version';
  /** What `run` runs: a config file, or a preset name (src/cli/main.ts tells them apart). */
  config?: string;
  out?: string;
  backend?: string;
  precision?: string;
  /** Where the main job (default flatmin-out) or a preset (default flatmin-out/<preset>) writes. */
  outDir?: string;
  /** Presets only: the short form. */
  quick: boolean;
  quiet: boolean;
  debug: boolean;
}

const FLAGS = ['--out', '--backend', '--precision', '--out-dir', '--quick', '--quiet', '--debug', '--help', '--version'];

const COMMANDS = ['run', 'presets'];

/** argv (without node and the script) → what to do. Throws USAGE errors naming the argument. */
export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { command: 'main', quick: false, quiet: false, debug: false };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new FlatminError('USAGE', arg, 'expected a value after it');
      return v;
    };
    if (arg === '--out') a.out = value();
    else if (arg === '--backend') a.backend = value();
    else if (arg === '--precision') a.precision = value();
    else if (arg === '--out-dir') a.outDir = value();
    else if (arg === '--quick') a.quick = true;
    else if (arg === '--quiet' || arg === '-q') a.quiet = true;
    else if (arg === '--debug') a.debug = true;
    else if (arg === '--help' || arg === '-h') a.command = 'help';
    else if (arg === '--version') a.command = 'version';
    else if (arg.startsWith('-')) {
      const guess = nearest(arg, FLAGS);
      throw new FlatminError('USAGE', arg, `unknown option${guess ? `; did you mean ${guess}?` : ''} (see flatmin --help)`);
    } else positional.push(arg);
  }
  if (a.command === 'help' || a.command === 'version') return a;
  if (positional.length === 0) return a;
  if (positional[0] === 'presets') {
    if (positional.length !== 1) throw new FlatminError('USAGE', positional[1], 'flatmin presets takes no argument');
    a.command = 'presets';
    return a;
  }
  if (positional[0] !== 'run') {
    const guess = nearest(positional[0], COMMANDS);
    throw new FlatminError('USAGE', positional[0], `unknown command${guess ? `; did you mean ${guess}?` : ''} (commands: ${COMMANDS.join(', ')})`);
  }
  if (positional.length !== 2) throw new FlatminError('USAGE', 'run', 'expected exactly one CONFIG.json or preset: flatmin run CONFIG.json [--out RESULT.json] | flatmin run PRESET [--out-dir DIR]');
  a.command = 'run';
  a.config = positional[1];
  return a;
}

export const USAGE = `flatmin — which minimum does noise pick?

Usage:
  flatmin                         run the main job: GD vs perturbed GD from four inits (THEORY.md §1);
                                  prints a table, writes flatmin-out/summary.json and flatmin-out/ratio.svg
  flatmin run CONFIG.json         run one config, two-factor or deep-linear (schemas in README.md)
      --out RESULT.json           write the result there (default: print it to stdout)
      --backend wasm|reference    override the config's backend
      --precision f64|f32         override the config's precision (two-factor only)
  flatmin presets                 list the named experiments
  flatmin run PRESET              run one: prints its summary, writes PRESET.json and its CSV and SVG files
      --out-dir DIR               where (default flatmin-out/PRESET)
      --quick                     the short form: fewer steps and seeds, the same claim
  Options:
      --out-dir DIR               where the main job writes (default flatmin-out)
      --backend wasm|reference    (main job too) which backend runs the steps
      --precision f64|f32         (main job too) the optimizer's arithmetic (default f64)
      --quiet, -q                 no progress on stderr
      --debug                     print stack traces on errors
      --help, --version`;
