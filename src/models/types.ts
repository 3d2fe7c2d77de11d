import type { RunConfig } from '../config/types.js';
import type { Session, SessionInput } from '../backends/types.js';
import type { Deferred } from '../report/rowsOf.js';

/**
 * What the run layer (src/run.ts) needs from a model: how to build the backend session of a
 * config, what one recording holds, and what a result adds. Everything else — phases, schedules,
 * chunking, divergence, checkpoints, workers — is the same for every model and lives in run.ts.
 */
export interface ModelRuntime<H extends { step: number; loss: number }, Extra> {
  /** The backend session's input: the model's shape, its data term, λ, θ₀ and the noise stream. */
  readonly sessionInput: SessionInput;
  /** Things legal but likely unintended (a step size far off the loss's scale): shown before the run, kept in the result. */
  readonly warnings?: readonly string[];
  /** The loss a step may not exceed a million times over (with the initial loss and 1 as floors). */
  readonly lossScale: number;
  /** One recording at `step`; undefined if the state is no longer finite (the end-to-end matrix overflowed). */
  record(session: Session, step: number): H | undefined;
  /** The model's part of the result: final iterate and its diagnostics (its matrices may stay RowsOf: report/rowsOf.ts). */
  result(session: Session, history: readonly H[]): Deferred<Extra>;
}

export type ConfigOf<K extends RunConfig['model']['kind']> = Extract<RunConfig, { model: { kind: K } }>;
