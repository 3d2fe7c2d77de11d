import { describe, expect, it } from 'vitest';
import { parseArgs, USAGE } from '../../src/cli/args.js';
import { FlatminError } from '../../src/errors.js';

/** parseArgs(argv) must throw a USAGE FlatminError; returns it. */
function usageError(argv: string[]): FlatminError {
  let caught: unknown;
  try {
    parseArgs(argv);
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) throw new Error(`expected parseArgs(${JSON.stringify(argv)}) to throw`);
  expect(caught).toBeInstanceOf(FlatminError);
  const e = caught as FlatminError;
  expect(e.code).toBe('USAGE');
  expect(e.message).toBe(`${e.path}: ${e.reason}`);
  return e;
}

describe('parseArgs: commands and positionals', () => {
  it('no arguments is the main job with defaults', () => {
    expect(parseArgs([])).toEqual({ command: 'main', quick: false, quiet: false, debug: false });
  });

  it('run CONFIG', () => {
    const a = parseArgs(['run', 'cfg.json']);
    expect(a.command).toBe('run');
    expect(a.config).toBe('cfg.json');
    expect(a.out).toBeUndefined();
    expect(a.backend).toBeUndefined();
    expect(a.quiet).toBe(false);
    expect(a.debug).toBe(false);
  });

  it('run CONFIG with every run flag', () => {
    expect(parseArgs(['run', 'c.json', '--out', 'r.json', '--backend', 'reference', '--quiet', '--debug'])).toEqual({
      command: 'run',
      config: 'c.json',
      out: 'r.json',
      backend: 'reference',
      quick: false,
      quiet: true,
      debug: true,
    });
  });

  it('flags may come before, between and after the positionals', () => {
    const a = parseArgs(['--quiet', 'run', '--backend', 'wasm', 'c.json', '--out', 'o.json']);
    expect(a).toMatchObject({ command: 'run', config: 'c.json', backend: 'wasm', out: 'o.json', quiet: true });
  });

  it('a config path that looks odd but is not an option is kept verbatim', () => {
    expect(parseArgs(['run', 'dir with space/c.json']).config).toBe('dir with space/c.json');
  });

  it('short flags -q and -h', () => {
    expect(parseArgs(['-q']).quiet).toBe(true);
    expect(parseArgs(['-q']).command).toBe('main');
    expect(parseArgs(['-h']).command).toBe('help');
  });

  it('--out-dir sets where the main job writes', () => {
    expect(parseArgs(['--out-dir', 'results', '--quiet'])).toEqual({ command: 'main', outDir: 'results', quick: false, quiet: true, debug: false });
  });

  it('--help and --version win over a command', () => {
    expect(parseArgs(['--help']).command).toBe('help');
    expect(parseArgs(['run', 'c.json', '--help']).command).toBe('help');
    expect(parseArgs(['--version']).command).toBe('version');
    expect(parseArgs(['run', '--version']).command).toBe('version');
  });

  it('the last of a repeated valued flag wins', () => {
    expect(parseArgs(['run', 'c.json', '--backend', 'wasm', '--backend', 'reference']).backend).toBe('reference');
  });

  it('each call starts from fresh defaults', () => {
    parseArgs(['--out-dir', 'elsewhere', '--quiet', '--debug']);
    expect(parseArgs([])).toEqual({ command: 'main', quick: false, quiet: false, debug: false });
  });

  it('presets, and run PRESET with --quick and --out-dir', () => {
    expect(parseArgs(['presets']).command).toBe('presets');
    expect(parseArgs(['run', 'wang-jacot-D2', '--quick', '--out-dir', 'o'])).toMatchObject({ command: 'run', config: 'wang-jacot-D2', quick: true, outDir: 'o' });
  });

  it('does not mutate argv', () => {
    const argv = ['run', 'c.json', '--out', 'r.json'];
    parseArgs(argv);
    expect(argv).toEqual(['run', 'c.json', '--out', 'r.json']);
  });
});

describe('parseArgs: errors', () => {
  it.each([
    [['run', 'c.json', '--out'], '--out'],
    [['run', 'c.json', '--backend'], '--backend'],
    [['--out-dir'], '--out-dir'],
    [['run', 'c.json', '--out', '--quiet'], '--out'],
    [['--out-dir', '--debug'], '--out-dir'],
  ])('a missing value: %j names %s', (argv, path) => {
    const e = usageError(argv);
    expect(e.path).toBe(path);
    expect(e.reason).toBe('expected a value after it');
  });

  it.each([
    ['--qiet', '--quiet'],
    ['--bakend', '--backend'],
    ['--outdir', '--out-dir'],
    ['--verison', '--version'],
    ['--debgu', '--debug'],
  ])('unknown option %s suggests %s', (flag, guess) => {
    const e = usageError(['run', 'c.json', flag]);
    expect(e.path).toBe(flag);
    expect(e.reason).toBe(`unknown option; did you mean ${guess}? (see flatmin --help)`);
  });

  it.each(['--frobnicate-everything', '-x'])('unknown option %s without a plausible guess', (flag) => {
    const e = usageError([flag]);
    expect(e.path).toBe(flag);
    expect(e.reason).toMatch(/^unknown option/);
    expect(e.reason).not.toMatch(/did you mean/);
  });

  it('an unknown option is reported even after --help', () => {
    expect(usageError(['--help', '--nope']).path).toBe('--nope');
  });

  it('unknown command with a suggestion', () => {
    const e = usageError(['rnu', 'c.json']);
    expect(e.path).toBe('rnu');
    expect(e.reason).toBe('unknown command; did you mean run? (commands: run, presets)');
  });

  it('unknown command without a suggestion', () => {
    const e = usageError(['frobnicate']);
    expect(e.path).toBe('frobnicate');
    expect(e.reason).toMatch(/^unknown command/);
    expect(e.reason).not.toMatch(/did you mean/);
    expect(e.reason).toMatch(/commands: run/);
  });

  it.each([[['run']], [['run', 'a.json', 'b.json']], [['--quiet', 'run']]])('run needs exactly one config: %j', (argv) => {
    const e = usageError(argv);
    expect(e.path).toBe('run');
    expect(e.reason).toMatch(/expected exactly one CONFIG\.json/);
  });
});

describe('USAGE text', () => {
  it('documents every flag parseArgs accepts', () => {
    for (const flag of ['run', '--out', '--backend', '--precision', '--out-dir', '--quiet', '-q', '--debug', '--help', '--version'])
      expect(USAGE).toContain(flag);
  });
});
