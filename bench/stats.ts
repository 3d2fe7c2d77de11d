import type { Runner } from './problem.js';

export interface Timing {
  /** Per-step seconds over the repeats. */
  min: number;
  median: number;
  max: number;
  /** Steps per timed repeat, and the number of repeats. */
  steps: number;
  repeats: number;
}

export interface TimingOptions {
  /** Aim for a timed repeat of about this many seconds. */
  targetSec: number;
  repeats: number;
  /** Warm-up: keep doubling the batch until one batch takes at least this long (or maxSteps). */
  warmupSec: number;
  maxSteps: number;
  /**
   * Optional: after the warm-up, keep running warm-up-sized batches (for at most this many
   * seconds) until two in a row are not 3% faster than the best before them. An engine that compiles
   * its optimized code in the background (Firefox's Ion for the whole module, V8's TurboFan per
   * function) can still be running baseline code after `warmupSec` on a loaded machine; this
   * waits until the speed has stopped improving (bench/runtimes/README.md).
   */
  settleSec?: number;
  /** Optional clock in seconds (default: wall time, `now`); bench/runtimes uses process CPU time. */
  clock?: () => number;
}

export const now = (): number => performance.now() / 1000;
const wallNow = now;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export function summarize(perStep: number[], steps: number): Timing {
  return {
    min: Math.min(...perStep),
    median: median(perStep),
    max: Math.max(...perStep),
    steps,
    repeats: perStep.length,
  };
}

/**
 * Warm up (doubling batches, which also calibrates), then settle if asked (TimingOptions.settleSec).
 * Returns the batch size reached and the best seconds per step seen.
 */
export function warmUp(run: Runner, o: TimingOptions): { k: number; perStep: number } {
  const now = o.clock ?? wallNow;
  let k = 1;
  let perStep = Infinity;
  for (;;) {
    const t0 = now();
    run.step(k);
    const dt = now() - t0;
    perStep = dt / k;
    if (dt >= o.warmupSec || k >= o.maxSteps) break;
    k = Math.min(o.maxSteps, k * 2);
  }
  if (o.settleSec) {
    const t0 = now();
    let best = perStep;
    for (let flat = 0; flat < 2 && now() - t0 < o.settleSec;) {
      const t1 = now();
      run.step(k);
      const ps = (now() - t1) / k;
      flat = ps > best * 0.97 ? flat + 1 : 0;
      best = Math.min(best, ps);
    }
    perStep = Math.min(perStep, best);
  }
  return { k, perStep };
}

/**
 * Warm up (warmUp), pick the steps per repeat so a repeat takes about targetSec, then time
 * `repeats` repeats. Times are per step.
 */
export function timeRunner(run: Runner, o: TimingOptions): Timing {
  const now = o.clock ?? wallNow;
  const { perStep } = warmUp(run, o);
  const steps = Math.max(1, Math.min(o.maxSteps, Math.round(o.targetSec / perStep)));
  // Steps slower than a repeat's budget: at least 3 repeats still, but no more.
  const repeats = perStep > o.targetSec ? Math.min(o.repeats, 3) : o.repeats;
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = now();
    run.step(steps);
    samples.push((now() - t0) / steps);
  }
  return summarize(samples, steps);
}

/** Human-readable duration from seconds. */
export function fmtTime(sec: number): string {
  if (!Number.isFinite(sec)) return '—';
  if (sec < 1e-3) return `${(sec * 1e6).toPrecision(3)} µs`;
  if (sec < 1) return `${(sec * 1e3).toPrecision(3)} ms`;
  return `${sec.toPrecision(3)} s`;
}
