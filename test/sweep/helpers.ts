/**
 * Helpers for the sweep tests: `flatmin sweep` through the built package (dist/ — the pool's
 * worker script must exist as JavaScript), in this process or as a real child process.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../../dist/platform/node.js';
import { sweepCommand } from '../../dist/cli/sweep.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export function tempDir(prefix = 'flatmin-sweep-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `flatmin sweep ARGS` in this process; returns the exit code and what it printed. */
export async function sweep(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await sweepCommand(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => ((stderr += s), true) } as never,
    env,
  });
  return { code, stdout, stderr };
}

/**
 * A `flatmin` command for child processes and cluster jobs: a script in DIR/bin that runs
 * `flatmin sweep …` from this checkout's dist/ (the package's own bin wires the same function).
 * Returns the bin directory, to put first on PATH.
 */
export function flatminBin(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const entry = join(dir, 'sweep-entry.mjs');
  writeFileSync(entry, [
    `import ${JSON.stringify(join(ROOT, 'dist/platform/node.js'))};`,
    `import { sweepCommand } from ${JSON.stringify(join(ROOT, 'dist/cli/sweep.js'))};`,
    `const [command, ...args] = process.argv.slice(2);`,
    `if (command !== 'sweep') { process.stderr.write('only flatmin sweep here\\n'); process.exit(2); }`,
    `process.exitCode = await sweepCommand(args, { stdout: process.stdout, stderr: process.stderr, env: process.env });`,
  ].join('\n'));
  writeFileSync(join(bin, 'flatmin'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`, { mode: 0o755 });
  return bin;
}

/** A small, fast two-factor spec: 4 grid points × 3 seeds, a few milliseconds a run. */
export function twoFactorSpec(steps = 3000): Record<string, unknown> {
  return {
    base: {
      problem: { target: { random: { n: 12, m: 8, singularValues: [3, 1], seed: 'sweep' } }, rank: 2 },
      init: { kind: 'gaussian', imbalance: 3 },
      optimizer: { kind: 'perturbed-gd', lr: 0.01, sigmaX: 0.1, sigmaY: 0.1, steps },
      seed: 's',
      recordEvery: 500,
    },
    grid: { 'optimizer.lr': [0.01, 0.02] },
    zip: [{ 'optimizer.sigmaX': [0.1, 0.2], 'optimizer.sigmaY': [0.1, 0.05] }],
    seeds: 3,
  };
}
