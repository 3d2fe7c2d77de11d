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
}

export const now = (): number => performance.now() / 1000;

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
 * Warm up (doubling batches, which also calibrates), pick the steps per repeat so a repeat takes
 * about targetSec, then time `repeats` repeats. Times are per step.
 */
export function timeRunner(run: Runner, o: TimingOptions): Timing {
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
