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
    expect(parseArgs([])).toEqual({ command: 'main', quick: false, quiet: false, debug: false, rest: [] });
  });

  it('run CONFIG', () => {
    const a = parseArgs(['run', 'cfg.json']);
    expect(a.command).toBe('run');
    expect(a.target).toBe('cfg.json');
    expect(a.out).toBeUndefined();
    expect(a.backend).toBeUndefined();
    expect(a.quiet).toBe(false);
    expect(a.debug).toBe(false);
  });

  it('run CONFIG with every run flag', () => {
    expect(parseArgs(['run', 'c.json', '--out', 'r.json', '--backend', 'reference', '--quiet', '--debug'])).toEqual({
      command: 'run',
      target: 'c.json',
      out: 'r.json',
      backend: 'reference',
      quick: false,
      quiet: true,
      debug: true,
      rest: [],
    });
  });

  it('flags may come before, between and after the positionals', () => {
    const a = parseArgs(['--quiet', 'run', '--backend', 'wasm', 'c.json', '--out', 'o.json']);
    expect(a).toMatchObject({ command: 'run', target: 'c.json', backend: 'wasm', out: 'o.json', quiet: true });
  });

  it('a config path that looks odd but is not an option is kept verbatim', () => {
    expect(parseArgs(['run', 'dir with space/c.json']).target).toBe('dir with space/c.json');
  });

  it('short flags -q and -h', () => {
    expect(parseArgs(['-q']).quiet).toBe(true);
    expect(parseArgs(['-q']).command).toBe('main');
    expect(parseArgs(['-h']).command).toBe('help');
  });

  it('--out-dir sets where the main job writes', () => {
    expect(parseArgs(['--out-dir', 'results', '--quiet'])).toEqual({ command: 'main', outDir: 'results', quick: false, quiet: true, debug: false, rest: [] });
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
    expect(parseArgs([])).toEqual({ command: 'main', quick: false, quiet: false, debug: false, rest: [] });
  });

  it('presets, and run PRESET with --quick and --out-dir', () => {
    expect(parseArgs(['presets']).command).toBe('presets');
    expect(parseArgs(['run', 'wang-jacot-D2', '--quick', '--out-dir', 'o'])).toMatchObject({ command: 'run', target: 'wang-jacot-D2', quick: true, outDir: 'o' });
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
    expect(e.reason).toBe('unknown command; did you mean run? (commands: run, resume, presets, sweep, landscape, help, version; see flatmin help)');
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

describe('parseArgs: every flag applies, or is an error naming it', () => {
  it.each([
    [['run', 'c.json', '--quick'], '--quick', /does not apply to flatmin run CONFIG\.json; it is for flatmin run PRESET/],
    [['run', 'c.json', '--out-dir', 'd'], '--out-dir', /does not apply to flatmin run CONFIG\.json/],
    [['run', 'liu2021', '--out', 'r.json'], '--out', /does not apply to flatmin run PRESET; it is for flatmin run CONFIG\.json, flatmin resume/],
    [['run', 'liu2021', '--checkpoint', 'c.json'], '--checkpoint', /does not apply to flatmin run PRESET/],
    [['--out', 'r.json'], '--out', /does not apply to the main job/],
    [['--quick'], '--quick', /does not apply to the main job/],
    [['resume', 'ck.json', '--precision', 'f32'], '--precision', /does not apply to flatmin resume/],
    [['presets', '--quiet'], '--quiet', /does not apply to flatmin presets/],
  ])('%j: %s', (argv, flag, reason) => {
    const e = usageError(argv);
    expect(e.path).toBe(flag);
    expect(e.reason).toMatch(reason);
  });

  it('run CONFIG --checkpoint FILE --checkpoint-every N; resume CHECKPOINT', () => {
    expect(parseArgs(['run', 'c.json', '--checkpoint', 'ck.json', '--checkpoint-every', '500'])).toMatchObject({ command: 'run', target: 'c.json', checkpoint: 'ck.json', checkpointEvery: 500 });
    expect(parseArgs(['resume', 'ck.json', '--out', 'r.json'])).toMatchObject({ command: 'resume', target: 'ck.json', out: 'r.json' });
    expect(usageError(['run', 'c.json', '--checkpoint-every', '500']).reason).toMatch(/needs --checkpoint FILE/);
    expect(usageError(['run', 'c.json', '--checkpoint', 'k', '--checkpoint-every', '0']).path).toBe('--checkpoint-every');
    expect(usageError(['resume']).reason).toMatch(/expected exactly one checkpoint file/);
  });

  it('-v and version print the version; sweep hands its arguments over', () => {
    expect(parseArgs(['-v']).command).toBe('version');
    expect(parseArgs(['version']).command).toBe('version');
    expect(parseArgs(['help']).command).toBe('help');
    expect(parseArgs(['sweep', 'spec.json', '--workers', '2'])).toMatchObject({ command: 'sweep', rest: ['spec.json', '--workers', '2'] });
  });
});

describe('USAGE text', () => {
  it('documents every flag parseArgs accepts', () => {
    for (const flag of ['run', 'resume', 'sweep', '--out', '--backend', '--precision', '--out-dir', '--quick', '--checkpoint', '--checkpoint-every', '--quiet', '-q', '--debug', '--help', '--version', '-v'])
      expect(USAGE).toContain(flag);
  });
});
