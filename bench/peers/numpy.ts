/**
 * Runs bench/peers/numpy_peer.py: once for all sizes (runNumpy), or as a server that times steps on
 * request (startNumpyServer); `python3` with OPENBLAS_NUM_THREADS=1 (or the threads asked for). Only
 * in this child's environment, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed (set on some
 * machines for old OpenBLAS builds, they slow a current one); the kernel OpenBLAS then picks is reported.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
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

/** The peer's environment for `threads` OpenBLAS threads, and what it set and removed (NumpyResult.env). */
function numpyEnv(threads: number): { env: NodeJS.ProcessEnv; report: NonNullable<NumpyResult['env']> } {
  const t = String(threads); // bench/threads.ts runs it with 2 as well
  const set = { OPENBLAS_NUM_THREADS: t, OMP_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const env: NodeJS.ProcessEnv = { ...process.env, ...set };
  const unset = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
  const parent: Record<string, string | null> = {};
  for (const k of unset) {
    parent[k] = process.env[k] ?? null;
    delete env[k];
  }
  return { env, report: { set, unset, parent } };
}

const PYTHON = () => process.env.PYTHON ?? 'python3';

/** Why the peer could not start. */
function spawnFailure(python: string, e: Error): string {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${python} not found` : `${python}: ${e.message}`;
}

/** Why the peer stopped with `status` (3: numpy is missing), from its last line on stderr. */
function exitFailure(status: number | null, stderr: string): string {
  return status === 3 ? `numpy not installed (${stderr.trim()})` : `${NUMPY_SCRIPT} failed (exit ${status}): ${stderr.trim().split('\n').pop()}`;
}

export function runNumpy(sizes: Size[], o: TimingOptions, lr: number,
  check: { n: number; m: number; r: number; M: number[]; theta: number[]; lr: number } | null, threads = 1): NumpyResult {
  const python = PYTHON();
  const { env, report: childEnv } = numpyEnv(threads);
  const job = { sizes: sizes.map((s) => [s.n, s.m, s.r]), ...o, lr, check };
  const res = spawnSync(python, [NUMPY_SCRIPT], {
    input: JSON.stringify(job), env, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  const why = res.error ? spawnFailure(python, res.error) : res.status !== 0 ? exitFailure(res.status, res.stderr) : undefined;
  if (why !== undefined) return { skipped: why, rows: [], env: childEnv };
  return { ...(JSON.parse(res.stdout) as NumpyResult), env: childEnv };
}

/** A numpy peer that times steps on request (numpy_peer.py --serve), so a bench can interleave it with its own repeats. */
export interface NumpyServer {
  /** Seconds that `steps` steps of the size's problem took (the problem is made on the first request). */
  time(size: Size, lr: number, steps: number): Promise<number>;
  close(): void;
}

/** Starts the serving peer with `threads` OpenBLAS threads; a string says why it could not start. */
export async function startNumpyServer(threads: number): Promise<NumpyServer | string> {
  const python = PYTHON();
  const child = spawn(python, [NUMPY_SCRIPT, '--serve'], { env: numpyEnv(threads).env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ended = new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(spawnFailure(python, e)));
    child.once('exit', (code) => resolve(exitFailure(code, stderr)));
  });
  /** The next answer line, parsed; throws with the reason when the peer ended instead. */
  const answer = async (): Promise<Record<string, number | boolean>> => {
    const next = await Promise.race([lines.next(), ended.then((why) => ({ why }))]);
    if ('why' in next) throw new Error(next.why);
    if (next.done) throw new Error(await ended);
    return JSON.parse(next.value);
  };
  try {
    await answer(); // {"ready": true}: numpy is imported
  } catch (e) {
    return (e as Error).message;
  }
  return {
    async time(size, lr, steps) {
      child.stdin.write(`${JSON.stringify({ n: size.n, m: size.m, r: size.r, lr, steps })}\n`);
      return (await answer()).seconds as number;
    },
    close: () => void child.stdin.end(),
  };
}
