/**
 * End-to-end tests of the `flatmin` command: every test spawns the real compiled binary
 * (dist/cli/bin.js — run `npm run build` first) as a child process in a fresh temp directory.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const PKG_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

let dir: string;

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` before these tests`);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flatmin-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `flatmin ...args` in the test's temp directory. stdin is closed, stdout/stderr are pipes (not TTYs). */
function flatmin(...args: string[]): Ran {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
}

function writeJson(name: string, value: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(value, null, 2));
  return name;
}

function readJson(name: string): any {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exit 2, nothing on stdout, exactly one `error: <path>: <message>` line on stderr, no stack. Returns the message. */
function expectOneError(r: Ran, path: string): string {
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(new RegExp(`^error: ${escape(path)}: \\S.*\\n$`));
  expect(r.stderr.split('\n')).toHaveLength(2); // one line and its newline
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.status).toBe(2);
  return r.stderr.slice(`error: ${path}: `.length, -1);
}

// ---------------------------------------------------------------------------------------------
// Configs: small enough that a run takes milliseconds.

const randomTarget = (seed: string | number = 'cli') => ({ random: { n: 8, m: 6, singularValues: [2, 1], seed } });

function smallConfig(over: Record<string, unknown> = {}) {
  return {
    problem: { kind: 'factorization', target: randomTarget(), rank: 2 },
    init: { kind: 'gaussian', imbalance: 2 },
    optimizer: { kind: 'gd', lr: 0.05, steps: 2000 },
    seed: 5,
    ...over,
  };
}

/** A 5×3 target of rank 2 (rows 2–4 are combinations of rows 0 and 1). */
const GIVEN_TARGET = [
  [1, 2, 0],
  [0, 1, 1],
  [1, 3, 1],
  [2, 4, 0],
  [1, 1, -1],
];

/** Valid 'given' factors for GIVEN_TARGET with rank 3: X is 5×3, Y is 3×3. */
const GIVEN_X = [
  [0.3, -0.1, 0.2],
  [0.1, 0.4, -0.2],
  [-0.2, 0.1, 0.3],
  [0.5, 0.0, 0.1],
  [0.0, -0.3, 0.2],
];
const GIVEN_Y = [
  [0.2, 0.1, -0.1],
  [0.4, -0.2, 0.3],
  [-0.1, 0.3, 0.2],
];

// ---------------------------------------------------------------------------------------------

describe('flatmin run', { timeout: 20_000 }, () => {
  it('writes the result to --out with final factors, prediction, distances and history', () => {
    const r = flatmin('run', writeJson('cfg.json', smallConfig()), '--out', 'res.json');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
    const res = readJson('res.json');

    const { X, Y } = res.final;
    expect(X).toHaveLength(8);
    expect(Y).toHaveLength(6);
    for (const row of [...X, ...Y]) {
      expect(row).toHaveLength(2);
      for (const v of row) expect(Number.isFinite(v)).toBe(true);
    }
    expect(typeof res.prediction.c2).toBe('number');
    // σX = σY = 0.1 (defaults), n = 8, m = 6: c² = n/m.
    expect(res.prediction.c2).toBeCloseTo(8 / 6, 12);
    for (const k of ['dX', 'dY', 'ratioError', 'balanceError', 'residual']) expect(Number.isFinite(res.distances[k])).toBe(true);
    // Plain GD from a balanced-ish init fits M well in 2000 steps.
    expect(res.distances.residual).toBeLessThan(1e-3);

    expect(res.history.length).toBeGreaterThan(2);
    for (const h of res.history) {
      expect(Object.keys(h).sort()).toEqual(['loss', 'normX2', 'normY2', 'step']);
      for (const v of Object.values(h)) expect(Number.isFinite(v)).toBe(true);
    }
    expect(res.history[0].step).toBe(0);
    expect(res.history[res.history.length - 1].step).toBe(2000);
    expect(res.history[res.history.length - 1].loss).toBeLessThan(res.history[0].loss);
    // history norms are consistent with the final factors
    const sq = (A: number[][]) => A.flat().reduce((s, v) => s + v * v, 0);
    expect(res.history[res.history.length - 1].normX2).toBeCloseTo(sq(X), 10);
    expect(res.history[res.history.length - 1].normY2).toBeCloseTo(sq(Y), 10);
    expect(res.steps).toBe(2000);
    expect(res.config.backend).toBe('wasm');
  });

  it('prints the result JSON on stdout without --out', () => {
    const r = flatmin('run', writeJson('cfg.json', smallConfig()));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.final.X).toHaveLength(8);
    expect(res.final.Y).toHaveLength(6);
    expect(res.steps).toBe(2000);
    // same config, same bits as with --out
    const r2 = flatmin('run', 'cfg.json', '--out', 'res.json');
    expect(r2.status).toBe(0);
    expect(JSON.stringify(readJson('res.json').final)).toBe(JSON.stringify(res.final));
  });

  it('runs a factored target (random, factored: true) and writes no n×m matrix', () => {
    const [n, m] = [3000, 2000];
    const cfg = {
      problem: { target: { random: { n, m, singularValues: [3, 2, 1], seed: 'f', factored: true } }, rank: 3 },
      optimizer: { steps: 50, lr: 0.1, noise: { kind: 'perturbed', sigma: [0.001, 0.001] } }, seed: 2,
    };
    const r = flatmin('run', writeJson('cfg.json', cfg), '--out', 'res.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = readJson('res.json');
    expect(res.final.X).toHaveLength(n);
    expect(res.final.Y).toHaveLength(m);
    expect(res.config.problem.target.random.factored).toBe(true);
    expect(res.history[res.history.length - 1].loss).toBeLessThan(res.history[0].loss);
    // (n + m)·r numbers of X and Y, a few hundred bytes each of the rest; n·m = 6·10⁶ numbers would be ≥ 60 MB.
    expect(readFileSync(join(dir, 'res.json'), 'utf8').length).toBeLessThan(40 * (n + m) * 3);
  });

  it('loads only what a run uses: no presets, sweeps or landscapes, and not Node\'s fetch (undici)', () => {
    // Both are resident memory a large run pays for nothing (≈ 5 MB and ≈ 3–12 MB; issue 10's bar is
    // a whole 10⁴×10⁴ factored run under 100 MB). NODE_DEBUG=esm names every module Node stores;
    // the --import probe reports the built-ins loaded by the end.
    const probe = `data:text/javascript,process.on('exit',()=>process.stderr.write('undici:'+process.moduleLoadList.some((m)=>m.includes('undici'))+'\\n'))`;
    const r = spawnSync(process.execPath, ['--import', probe, BIN, 'run', writeJson('cfg.json', smallConfig()), '--out', 'res.json'], {
      cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'esm' },
    });
    expect(r.status).toBe(0);
    const stored = [...r.stderr.matchAll(/Storing (\S+)/g)].map((x) => x[1]);
    expect(stored.some((u) => u.endsWith('/dist/run.js'))).toBe(true); // the probe sees the run's modules
    expect(stored.filter((u) => /\/dist\/(presets\/|sweep\/|landscape|cli\/(sweep|landscape|presetJob|mainJob))/.test(u))).toEqual([]);
    expect(r.stderr).toContain('undici:false');
    expect(readJson('res.json').steps).toBe(smallConfig().optimizer.steps);
  });

  it('accepts a config file with a byte-order mark', () => {
    writeFileSync(join(dir, 'bom.json'), '\ufeff' + JSON.stringify(smallConfig()));
    const r = flatmin('run', 'bom.json', '--out', 'res.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readJson('res.json').steps).toBe(2000);
  });
});

describe('--backend reference and --backend wasm give the same bits', { timeout: 20_000 }, () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['gd, string seed, random target, r > rank(M)', smallConfig({
      problem: { target: randomTarget('bits'), rank: 3 },
      optimizer: { kind: 'gd', lr: 0.02, steps: 1500 },
      seed: 'a string seed',
    })],
    ['perturbed-gd, decaying schedule, number seed, random target, r > rank(M)', smallConfig({
      problem: { target: randomTarget(17), rank: 3 },
      optimizer: {
        kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.1, sigmaY: 0.05,
        schedule: [{ steps: 300, scale: 1 }, { steps: 700, scale: [1, 0.1] }, { steps: 200, scale: 0 }],
      },
      seed: 12345,
    })],
    ['gd, number seed, non-square given target and given init, r > rank(M)', {
      problem: { target: GIVEN_TARGET, rank: 3 },
      init: { kind: 'given', X: GIVEN_X, Y: GIVEN_Y },
      optimizer: { kind: 'gd', lr: 0.02, steps: 1500 },
      seed: 3,
    }],
    ['perturbed-gd, decaying schedule, string seed, non-square given target, r > rank(M)', {
      problem: { target: GIVEN_TARGET, rank: 3 },
      init: { kind: 'small', scale: 0.01 },
      optimizer: {
        kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.05, sigmaY: 0.1,
        schedule: [{ steps: 400, scale: [1, 0.2] }, { steps: 400, scale: 0 }],
      },
      seed: 'seed-ß-✓',
    }],
  ];

  it.each(cases)('%s', (_name, cfg) => {
    writeJson('cfg.json', cfg);
    const w = flatmin('run', 'cfg.json', '--backend', 'wasm', '--out', 'wasm.json');
    const ref = flatmin('run', 'cfg.json', '--backend', 'reference', '--out', 'ref.json');
    expect(w.stderr).toBe('');
    expect(ref.stderr).toBe('');
    expect([w.status, ref.status]).toEqual([0, 0]);
    const a = readJson('wasm.json');
    const b = readJson('ref.json');
    expect(a.config.backend).toBe('wasm');
    expect(b.config.backend).toBe('reference');
    expect(a.backend).toBe('wasm');
    expect(b.backend).toBe('reference');
    // The run actually moved (a trivially identical no-op would prove nothing).
    expect(a.history[a.history.length - 1].loss).toBeLessThan(a.history[0].loss);
    expect(a.final.X[0]).toHaveLength(3);
    expect(JSON.stringify(a.final.X)).toBe(JSON.stringify(b.final.X));
    expect(JSON.stringify(a.final.Y)).toBe(JSON.stringify(b.final.Y));
    expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
  });

  it('--precision f32 runs the config in f32, the same bits on both backends', () => {
    const cfg = writeJson('cfg.json', smallConfig({ optimizer: { kind: 'perturbed-gd', lr: 0.02, steps: 300 } }));
    const w = flatmin('run', cfg, '--precision', 'f32', '--out', 'w.json');
    const ref = flatmin('run', cfg, '--precision', 'f32', '--backend', 'reference', '--out', 'r.json');
    const f64 = flatmin('run', cfg, '--out', 'd.json');
    expect([w.status, ref.status, f64.status]).toEqual([0, 0, 0]);
    const [a, b, d] = [readJson('w.json'), readJson('r.json'), readJson('d.json')];
    expect(a.config.precision).toBe('f32');
    expect(d.config.precision).toBe('f64');
    expect(JSON.stringify(a.final)).toBe(JSON.stringify(b.final));
    expect(JSON.stringify(a.final)).not.toBe(JSON.stringify(d.final));
    expect(a.final.X.flat().every((v: number) => Math.fround(v) === v)).toBe(true);
  });

  it('an unknown --precision is a usage error naming the flag', () => {
    const r = flatmin('run', writeJson('cfg.json', smallConfig()), '--precision', 'f16');
    expect(expectOneError(r, '--precision')).toMatch(/unknown precision "f16".*f64 or f32/);
  });

  it('the backend override changes the result only in backend fields', () => {
    const cfg = writeJson('cfg.json', smallConfig({ backend: 'reference' }));
    const r1 = flatmin('run', cfg, '--out', 'a.json');
    const r2 = flatmin('run', cfg, '--backend', 'wasm', '--out', 'b.json');
    expect([r1.status, r2.status]).toEqual([0, 0]);
    const a = readJson('a.json');
    const b = readJson('b.json');
    expect(a.config.backend).toBe('reference');
    expect(b.config.backend).toBe('wasm');
    expect({ ...a.config, backend: 'x' }).toEqual({ ...b.config, backend: 'x' });
  });
});

describe('bad input: exit 2, one `error: <path>: <message>` line, nothing on stdout', { timeout: 20_000 }, () => {
  const base = smallConfig();
  const withProblem = (p: Record<string, unknown>) => ({ ...base, problem: { ...base.problem, ...p } });
  const withOptimizer = (o: Record<string, unknown>) => ({ ...base, optimizer: { ...base.optimizer, ...o } });
  const perturbed = (o: Record<string, unknown>) => withOptimizer({ kind: 'perturbed-gd', ...o });

  // [name, config (as JSON text, so 1e999 survives), path, message pattern]
  const cases: Array<[string, string, string, RegExp]> = [
    ['ragged target', JSON.stringify(withProblem({ target: [[1, 2, 3], [4, 5]] })), 'problem.target[1]', /expected 3 entries like row 0, got 2/],
    ['empty target', JSON.stringify(withProblem({ target: [] })), 'problem.target', /non-empty/],
    ['given X with the wrong number of columns', JSON.stringify({
      ...base, problem: { target: GIVEN_TARGET, rank: 3 }, init: { kind: 'given', X: GIVEN_X.map((r) => r.slice(0, 2)), Y: GIVEN_Y },
    }), 'init.X', /expected 5×3 .*got 5×2/],
    ['given Y with the wrong number of rows', JSON.stringify({
      ...base, problem: { target: GIVEN_TARGET, rank: 3 }, init: { kind: 'given', X: GIVEN_X, Y: GIVEN_Y.slice(1) },
    }), 'init.Y', /expected 3×3 .*got 2×3/],
    ['Infinity in the target', JSON.stringify(withProblem({ target: [[1, 2, 3], [4, 5, 12345]] })).replace('12345', '1e999'), 'problem.target[1][2]', /finite.*Infinity/],
    ['-Infinity in a given factor', JSON.stringify({
      ...base, problem: { target: GIVEN_TARGET, rank: 3 }, init: { kind: 'given', X: GIVEN_X, Y: [[0.2, 0.1, -0.1], [0.4, 12345, 0.3], [-0.1, 0.3, 0.2]] },
    }).replace('12345', '-1e999'), 'init.Y[1][1]', /finite.*-Infinity/],
    ['σX < 0', JSON.stringify(perturbed({ sigmaX: -0.1 })), 'optimizer.sigmaX', /≥ 0.*-0\.1/],
    ['σY = Infinity', JSON.stringify(perturbed({ sigmaY: 12345 })).replace('12345', '1e999'), 'optimizer.sigmaY', /finite.*Infinity/],
    ['lr = 0', JSON.stringify(withOptimizer({ lr: 0 })), 'optimizer.lr', /> 0, got 0$/],
    ['lr < 0', JSON.stringify(withOptimizer({ lr: -0.01 })), 'optimizer.lr', /> 0, got -0\.01$/],
    ['lr = 1e999', JSON.stringify(withOptimizer({ lr: 12345 })).replace('12345', '1e999'), 'optimizer.lr', /finite.*Infinity/],
    ['lr a string', JSON.stringify(withOptimizer({ lr: '0.01' })), 'optimizer.lr', /expected a number.*"0\.01"/],
    ['rank 0', JSON.stringify(withProblem({ rank: 0 })), 'problem.rank', /≥ 1, got 0$/],
    ['rank 2.5', JSON.stringify(withProblem({ rank: 2.5 })), 'problem.rank', /integer.*2\.5/],
    ['steps 0', JSON.stringify(withOptimizer({ steps: 0 })), 'optimizer.steps', /≥ 1, got 0$/],
    ['steps 1.5', JSON.stringify(withOptimizer({ steps: 1.5 })), 'optimizer.steps', /integer.*1\.5/],
    ['no steps or schedule', JSON.stringify({ ...base, optimizer: { kind: 'gd', lr: 0.01 } }), 'optimizer.steps', /missing|give steps/],
    ['decay phase to 0', JSON.stringify(perturbed({ steps: undefined, schedule: [{ steps: 10, scale: [1, 0] }] })), 'optimizer.schedule[0].scale[1]', /> 0/],
    ['recordEvery 0', JSON.stringify({ ...base, recordEvery: 0 }), 'recordEvery', /≥ 1, got 0$/],
    ['top-level key typo', JSON.stringify({ ...base, recordEvrey: 10 }), 'recordEvrey', /unknown key "recordEvrey"; did you mean "recordEvery"\?/],
    ['unknown nested key with a suggestion', JSON.stringify(perturbed({ sigmx: 0.1 })), 'optimizer.sigmx', /unknown key "sigmx"; did you mean "sigmaX"\?/],
    ['unknown nested key without a suggestion', JSON.stringify(withProblem({ colour: 'blue' })), 'problem.colour', /unknown key "colour"; valid keys are kind, target, rank/],
    ['unknown optimizer kind', JSON.stringify(withOptimizer({ kind: 'perturbed_gd' })), 'optimizer.kind', /unknown optimizer kind "perturbed_gd"; did you mean "perturbed-gd"\?/],
    ['unknown backend in the config', JSON.stringify({ ...base, backend: 'gpu' }), 'backend', /unknown backend "gpu"/],
    ['a string seed of the wrong type', JSON.stringify({ ...base, seed: [1] }), 'seed', /string or a finite number/],
    ['not an object', '[1, 2]', 'config', /expected a config object/],
    ['missing problem', JSON.stringify({ optimizer: base.optimizer }), 'problem', /missing/],
  ];

  it.each(cases)('%s', (_name, text, path, message) => {
    writeFileSync(join(dir, 'cfg.json'), text);
    const r = flatmin('run', 'cfg.json', '--out', 'res.json');
    expect(expectOneError(r, path)).toMatch(message);
    expect(existsSync(join(dir, 'res.json'))).toBe(false);
  });

  it('the cases above are valid JSON with the intended non-finite numbers', () => {
    // Guards the .replace() tricks: each must actually have produced 1e999.
    for (const [name, text] of cases) {
      expect(() => JSON.parse(text)).not.toThrow();
      if (/Infinity|1e999/.test(name)) expect(text).toMatch(/1e999/);
    }
  });

  it('unknown backend via --backend', () => {
    const r = flatmin('run', writeJson('cfg.json', base), '--backend', 'gpu', '--out', 'res.json');
    const msg = expectOneError(r, '--backend');
    expect(msg).toMatch(/unknown backend "gpu".*wasm.*reference/);
    expect(msg).not.toMatch(/did you mean/);
    expect(existsSync(join(dir, 'res.json'))).toBe(false);
  });

  it('a misspelt --backend gets a suggestion', () => {
    const r = flatmin('run', writeJson('cfg.json', base), '--backend', 'wsam');
    expect(expectOneError(r, '--backend')).toMatch(/unknown backend "wsam"; did you mean "wasm"\?/);
  });

  it('an unknown --backend is rejected by the main job too, before any work', () => {
    const r = flatmin('--backend', 'gpu', '--out-dir', 'o');
    expect(expectOneError(r, '--backend')).toMatch(/unknown backend "gpu"/);
    expect(existsSync(join(dir, 'o'))).toBe(false); // the main job makes its directory before its first step
  });

  it('malformed JSON names the file, line and column', () => {
    writeFileSync(join(dir, 'broken.json'), '{\n  "seed": 1,\n  "problem" {}\n}\n');
    const msg = expectOneError(flatmin('run', 'broken.json'), 'broken.json');
    expect(msg).toMatch(/^invalid JSON at line 3, column 13: /);
  });

  it('malformed JSON without a position in the engine message still gets line and column', () => {
    writeFileSync(join(dir, 'tru.json'), '{"seed": tru}');
    const msg = expectOneError(flatmin('run', 'tru.json'), 'tru.json');
    expect(msg).toMatch(/^invalid JSON at line 1, column 10: /);
  });

  it('an empty config file', () => {
    writeFileSync(join(dir, 'empty.json'), '\n');
    expect(expectOneError(flatmin('run', 'empty.json'), 'empty.json')).toBe('file is empty');
  });

  it('a missing config file is an IO error naming it', () => {
    expect(expectOneError(flatmin('run', 'nope.json'), 'nope.json')).toMatch(/cannot read.*ENOENT/);
  });

  it('an unwritable --out is an IO error naming it', () => {
    const out = join('no-such-dir', 'res.json');
    expect(expectOneError(flatmin('run', writeJson('cfg.json', base), '--out', out), out)).toMatch(/cannot write.*ENOENT/);
  });

  it('unknown CLI option', () => {
    const r = flatmin('run', writeJson('cfg.json', base), '--bakend', 'wasm');
    expect(expectOneError(r, '--bakend')).toMatch(/unknown option; did you mean --backend\?/);
  });

  it('missing value of an option', () => {
    expect(expectOneError(flatmin('run', writeJson('cfg.json', base), '--out'), '--out')).toBe('expected a value after it');
  });

  it('unknown command', () => {
    expect(expectOneError(flatmin('rnu', 'cfg.json'), 'rnu')).toMatch(/unknown command; did you mean run\?/);
  });

  it('run without a config', () => {
    expect(expectOneError(flatmin('run'), 'run')).toMatch(/expected exactly one CONFIG\.json/);
  });

  it.each([
    ['a config error', ['run', 'cfg.json'], 'optimizer.sigmaX'],
    ['a usage error', ['--bogus-option'], '--bogus-option'],
  ])('--debug on %s prints a stack trace and still exits 2', (_name, args, path) => {
    writeJson('cfg.json', perturbed({ sigmaX: -1 }));
    const plain = flatmin(...args);
    const debug = flatmin(...args, '--debug');
    expectOneError(plain, path);
    expect(debug.status).toBe(2);
    expect(debug.stdout).toBe('');
    const lines = debug.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(plain.stderr.trimEnd());
    expect(lines.length).toBeGreaterThan(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });
});

describe('divergence', { timeout: 20_000 }, () => {
  it('gd with lr 10 exits 2 naming optimizer.lr, the step and a smaller lr', () => {
    const r = flatmin('run', writeJson('cfg.json', smallConfig({ optimizer: { kind: 'gd', lr: 10, steps: 2000 } })), '--out', 'res.json');
    const msg = expectOneError(r, 'optimizer.lr');
    expect(msg).toMatch(/^diverged/);
    const step = /\bstep (\d+)/.exec(msg);
    expect(step).not.toBeNull();
    expect(Number(step![1])).toBeGreaterThan(0);
    expect(Number(step![1])).toBeLessThan(2000);
    const lr = /\blr = ([0-9.e+-]+)/.exec(msg);
    expect(lr).not.toBeNull();
    expect(Number(lr![1])).toBeGreaterThan(0);
    expect(Number(lr![1])).toBeLessThan(10);
    // --out keeps the last finite state, marked as diverged (the exit code stays 2).
    const kept = JSON.parse(readFileSync(join(dir, 'res.json'), 'utf8'));
    expect(kept.diverged).toMatchObject({ suggestedLr: Number(lr![1]) });
    expect(kept.steps).toBeLessThan(2000);
    expect(kept.final.X.flat().every(Number.isFinite)).toBe(true);
  });

  it('perturbed-gd with a huge σ diverges the same way', () => {
    const cfg = smallConfig({ optimizer: { kind: 'perturbed-gd', lr: 0.5, sigmaX: 100, sigmaY: 100, steps: 2000 } });
    const msg = expectOneError(flatmin('run', writeJson('cfg.json', cfg)), 'optimizer.lr');
    expect(msg).toMatch(/^diverged.*step \d+.*lr = 0\.13/);
  });
});

describe('--help and --version', { timeout: 20_000 }, () => {
  it.each(['--help', '-h'])('%s exits 0 and documents run', (flag) => {
    const r = flatmin(flag);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/flatmin run CONFIG\.json/);
    expect(r.stdout).toMatch(/--backend/);
    expect(r.stdout).toMatch(/--out-dir/);
  });

  it('--version prints flatmin 0.1.0', () => {
    const r = flatmin('--version');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('flatmin 0.1.0\n');
    expect(PKG_VERSION).toBe('0.1.0');
  });
});

describe('progress on stderr', { timeout: 30_000 }, () => {
  // Progress appears only for runs longer than a second, so the run must take ~4 s whatever the
  // speed of the core: a short quiet calibration run measures µs/step first.
  // Twice the 1.5 s the tests need: the calibration run can be slowed by load the real run does not see.
  const TARGET_MS = 4000;
  const problem = { target: { random: { n: 120, m: 100, singularValues: [3, 2, 1], seed: 'slow' } }, rank: 4 };
  const optimizer = { kind: 'perturbed-gd', lr: 0.002, sigmaX: 0.05, sigmaY: 0.05 };
  let slowSteps: number | undefined;

  function slowConfig(): { steps: number; file: string } {
    if (slowSteps === undefined) {
      writeJson('calibrate.json', { problem, optimizer: { ...optimizer, steps: 20_000 }, seed: 1 });
      const c = flatmin('run', 'calibrate.json', '--out', 'calibrate-res.json', '--quiet');
      expect(c.status).toBe(0);
      const us = readJson('calibrate-res.json').microsecondsPerStep;
      expect(us).toBeGreaterThan(0);
      slowSteps = Math.min(2_000_000, Math.ceil((TARGET_MS * 1000) / us / 1000) * 1000);
    }
    return { steps: slowSteps, file: writeJson('slow.json', { problem, optimizer: { ...optimizer, steps: slowSteps }, seed: 1 }) };
  }

  it('a run longer than a second prints plain progress lines (not a TTY)', () => {
    const { steps, file } = slowConfig();
    const r = flatmin('run', file, '--out', 'res.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.ms).toBeGreaterThan(1500); // otherwise this test proves nothing
    expect(r.stderr).not.toContain('\r');
    const lines = r.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(new RegExp(`^slow\\.json: \\d{1,3}% \\(\\d+/${steps} steps, .+\\)$`));
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^slow\\.json: 100% \\(${steps}/${steps} steps`));
    expect(readJson('res.json').steps).toBe(steps);
  });

  it('--quiet prints nothing on stderr', () => {
    const { steps, file } = slowConfig();
    const r = flatmin('run', file, '--out', 'res.json', '--quiet');
    expect(r.status).toBe(0);
    expect(r.ms).toBeGreaterThan(1500);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(readJson('res.json').steps).toBe(steps);
  });
});

describe('the main job', () => {
  it('flatmin --out-dir DIR --quiet: table, summary.json, ratio.svg', () => {
    const r = flatmin('--out-dir', 'o', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    const tableRows = r.stdout.split('\n').filter((l) => /^\| (X×5|X×⅕|small|wrong)/.test(l));
    expect(tableRows).toHaveLength(8);
    for (const init of ['X×5, Y×⅕', 'X×⅕, Y×5', 'small 1e-3', 'wrong minimum']) {
      expect(tableRows.filter((l) => l.startsWith(`| ${init} `) && /\| GD\s+\|/.test(l))).toHaveLength(1);
      expect(tableRows.filter((l) => l.startsWith(`| ${init} `) && /\| perturbed GD\s+\|/.test(l))).toHaveLength(1);
    }

    const summary = readJson('o/summary.json');
    expect(summary.runs).toHaveLength(8);
    const gd5 = summary.runs.filter((x: any) => x.method === 'GD' && x.init === 'X×5, Y×⅕');
    expect(gd5).toHaveLength(1);
    expect(gd5[0].distances.dX).toBeGreaterThanOrEqual(10);
    const gd15 = summary.runs.find((x: any) => x.method === 'GD' && x.init === 'X×⅕, Y×5');
    expect(gd15.distances.dY).toBeGreaterThanOrEqual(10);
    const perturbed = summary.runs.filter((x: any) => x.method === 'perturbed GD');
    expect(perturbed).toHaveLength(4);
    for (const p of perturbed) {
      expect(p.distances.dX).toBeLessThanOrEqual(1e-2);
      expect(p.distances.dY).toBeLessThanOrEqual(1e-2);
      expect(Math.abs(p.distances.ratioError)).toBeLessThanOrEqual(1.5e-2);
      expect(p.distances.residual).toBeLessThanOrEqual(1e-8);
    }
    expect(summary.c2).toBeCloseTo(1.5, 12);

    const svg = readFileSync(join(dir, 'o/ratio.svg'), 'utf8');
    expect(svg.startsWith('<?xml') || svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('predicted c²');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(existsSync(join(dir, 'flatmin-out'))).toBe(false); // --out-dir was honoured
  }, 60_000);
});

describe('presets', { timeout: 30_000 }, () => {
  it('flatmin presets lists every preset with its description', () => {
    const r = flatmin('presets');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const name of ['liu2021', 'liu2021-ratio', 'wang-jacot-D2', 'wang-jacot-D1']) expect(r.stdout).toMatch(new RegExp(`^${name} +[A-Z].*\\.$`, 'm'));
  });

  it('flatmin run wang-jacot-D2 --quick --quiet writes the JSON, every CSV and SVG into flatmin-out/<preset>', () => {
    const r = flatmin('run', 'wang-jacot-D2', '--quick', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\| SGD batch 1, η 0\.05 +\| +8 \| 8\/8 = 1\.000 \[0\.676, 1\.000\] /m);
    const out = 'flatmin-out/wang-jacot-D2';
    for (const f of ['wang-jacot-D2.json', 'rates.csv', 'jumps.csv', 'runs.csv', 'rank.svg', 'singular-values.svg', 'rates.svg', 'jump-times.svg']) expect(existsSync(join(dir, out, f)), f).toBe(true);
    expect(readJson(`${out}/wang-jacot-D2.json`).quick).toBe(true);
    expect(readFileSync(join(dir, out, 'jumps.csv'), 'utf8')).toMatch(/^run,seed,step,from,to,deep\n/);
    // --workers: its ensembles on one worker thread give the same numbers (timings aside).
    const one = flatmin('run', 'wang-jacot-D2', '--quick', '--quiet', '--workers', '1', '--out-dir', 'w1');
    expect(one.status).toBe(0);
    const untimed = (f: string) => JSON.stringify(readJson(f), (k, v) => (/seconds|microsecondsPerStep/i.test(k) ? undefined : v));
    expect(untimed('w1/wang-jacot-D2.json')).toBe(untimed(`${out}/wang-jacot-D2.json`));
    expect(expectOneError(flatmin('run', 'wang-jacot-D2', '--workers', '0'), '--workers')).toBe('expected a number of worker threads, an integer ≥ 1, got "0"');
  });

  it('--out-dir puts the files there', () => {
    const r = flatmin('run', 'liu2021-ratio', '--quick', '--quiet', '--out-dir', 'o');
    expect(r.status).toBe(0);
    expect(readJson('o/liu2021-ratio.json').rows).toHaveLength(4);
    expect(existsSync(join(dir, 'o/ratios.csv'))).toBe(true);
    expect(existsSync(join(dir, 'flatmin-out'))).toBe(false);
  });

  it('a misspelt preset is UNKNOWN_KIND naming the argument, with the nearest preset', () => {
    expect(expectOneError(flatmin('run', 'wang-jacot-d2'), 'wang-jacot-d2')).toBe('unknown preset "wang-jacot-d2"; did you mean "wang-jacot-D2"? (see flatmin presets)');
  });

  it('a deep-linear config runs: history with singular values and ranks, the jump log, train and test error', () => {
    const cfg = writeJson('dln.json', {
      problem: { kind: 'completion', fixture: 'dln-D2' },
      model: { kind: 'deep-linear', depth: 3, width: 20, init: 'fixture-start' },
      optimizer: [{ kind: 'sgd', lr: 0.05, batch: 1, steps: 3000 }, { kind: 'gd', lr: 0.05, steps: 1000 }],
      seed: 1,
      recordEvery: 100,
    });
    const r = flatmin('run', cfg, '--out', 'res.json', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = readJson('res.json');
    expect(res.kind).toBe('deep-linear');
    expect(res.config.lambda).toBe(0.03);
    expect(res.history[0]).toMatchObject({ step: 0, rank: 2, deepRank: 2 });
    expect(res.history[0].singularValues).toHaveLength(20);
    expect(res.jumps[0]).toMatchObject({ from: 2, to: 1, deep: false });
    expect(res.final.rank).toBe(1);
    expect(res.final.testError).toBeGreaterThan(0);
    expect(res.final.trainError).toBeGreaterThan(0);
  });

  it('a bad deep-linear config is one error line naming the field', () => {
    const cfg = writeJson('bad-dln.json', {
      problem: { kind: 'completion', target: [[1, 2], [3, 4]], mask: [[1, 0], [0, 0]] },
      model: { kind: 'deep-linear', depth: 2, width: 2 },
      optimizer: { kind: 'sgd', lr: 0.1, batch: 2, steps: 10 },
      lambda: 0,
    });
    expect(expectOneError(flatmin('run', cfg), 'optimizer.batch')).toBe('expected at most 1 (the observed entries), got 2');
  });
});
