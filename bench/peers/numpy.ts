/**
 * Runs bench/peers/numpy_peer.py once for all sizes: `python3` with OPENBLAS_NUM_THREADS=1. Only in
 * this child's environment, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed (set on some machines
 * for old OpenBLAS builds, they slow a current one); the kernel OpenBLAS then picks is reported.
 */
import { spawnSync } from 'node:child_process';
import type { Size } from '../problem.js';
import type { Timing, TimingOptions } from '../stats.js';

export const NUMPY_SCRIPT = 'bench/peers/numpy_peer.py';

export interface NumpyResult {
  /** Set when the peer could not run. */
  skipped?: string;
  info?: Record<string, unknown>;
  rows: (Timing & Size)[];
  check?: number[] | null;
  noise?: { nsPerDraw: number; method: string } | null;
  /** What the child's environment set and removed, and what the parent had for the removed ones. */
  env?: { set: Record<string, string>; unset: string[]; parent: Record<string, string | null> };
}

export function runNumpy(sizes: Size[], o: TimingOptions, lr: number,
  check: { n: number; m: number; r: number; M: number[]; theta: number[]; lr: number } | null, threads = 1): NumpyResult {
  const python = process.env.PYTHON ?? 'python3';
  const t = String(threads); // bench/threads.ts runs it with 2 as well
  const set = { OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const env: NodeJS.ProcessEnv = { ...process.env, ...set };
  const unset = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
  const parentEnv: Record<string, string | null> = {};
  for (const k of unset) {
    parentEnv[k] = process.env[k] ?? null;
    delete env[k];
  }
  const job = { sizes: sizes.map((s) => [s.n, s.m, s.r]), ...o, lr, check };
  const res = spawnSync(python, [NUMPY_SCRIPT], {
    input: JSON.stringify(job), env, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  const childEnv = { set, unset, parent: parentEnv };
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    return { skipped: code === 'ENOENT' ? `${python} not found` : `${python}: ${res.error.message}`, rows: [], env: childEnv };
  }
  if (res.status === 3) return { skipped: `numpy not installed (${res.stderr.trim()})`, rows: [], env: childEnv };
  if (res.status !== 0) {
    return { skipped: `${NUMPY_SCRIPT} failed (exit ${res.status}): ${res.stderr.trim().split('\n').pop()}`, rows: [], env: childEnv };
  }
  return { ...(JSON.parse(res.stdout) as NumpyResult), env: childEnv };
}
