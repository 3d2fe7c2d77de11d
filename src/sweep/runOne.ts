/**
 * The one seam between sweeps and the run API: validate a config and run it, whichever model it
 * is. Everything else in src/sweep/ goes through these two functions, so when `run()` takes both
 * models (issue 9) only their bodies change.
 */
import { isDlnConfig, validateDlnConfig } from '../config/dln.js';
import { validateConfig } from '../config/validate.js';
import { run, type RunResult } from '../run.js';
import { runDln, type DlnRunResult } from '../runDln.js';

export type RunOneResult = RunResult | DlnRunResult;

export interface RunOneOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Runs one config to the end. Two-factor divergence throws DIVERGED (details.result); deep-linear returns `diverged: true`. */
export async function runOne(config: unknown, options: RunOneOptions = {}): Promise<RunOneResult> {
  options.signal?.throwIfAborted();
  return isDlnConfig(config) ? runDln(config, { onProgress: options.onProgress }) : run(config, { onProgress: options.onProgress });
}

/** Throws the validator's FlatminError for a config `runOne` would reject before its first step. */
export function validateOne(config: unknown): void {
  if (isDlnConfig(config)) validateDlnConfig(config);
  else validateConfig(config);
}

/** Which model a (valid) config is for: the key sweeps use to pick metrics and statistics. */
export function modelOf(config: unknown): 'two-factor' | 'deep-linear' {
  return isDlnConfig(config) ? 'deep-linear' : 'two-factor';
}
