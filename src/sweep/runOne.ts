/**
 * The one seam between sweeps and the run API: validate a config and run it, whichever model it
 * is. Everything else in src/sweep/ goes through these functions.
 */
import { modelKindOf, validateConfig } from '../config/validate.js';
import { isObject } from '../config/checks.js';
import { run, type RunResult } from '../run.js';

export type RunOneResult = RunResult;

export interface RunOneOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Runs one config to the end; a diverging run throws DIVERGED with its last finite state in
 * details.result. On one thread: a sweep already keeps every core busy with whole runs (its
 * workers), and threads on top would only oversubscribe them.
 */
export async function runOne(config: unknown, options: RunOneOptions = {}): Promise<RunOneResult> {
  return run(config, { onProgress: options.onProgress, signal: options.signal, threads: 1 });
}

/** Throws the validator's FlatminError for a config `runOne` would reject before its first step. */
export function validateOne(config: unknown): void {
  validateConfig(config);
}

/** Which model a (valid) config is for: the key sweeps use to pick metrics and statistics. */
export function modelOf(config: unknown): 'two-factor' | 'deep-linear' {
  return isObject(config) && modelKindOf(config) === 'deep-linear' ? 'deep-linear' : 'two-factor';
}
