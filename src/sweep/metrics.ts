/**
 * What a sweep keeps of one run: its final metrics (flat numbers, one set per model), the jump log
 * of a deep-linear run, its status and error, and its history only when asked. Everything here is
 * a function of the run's bits — no timings — so a run's record is byte-identical however the
 * sweep was split.
 */
import { FlatminError } from '../errors.js';
import type { RankJump } from '../diagnostics/rank.js';
import type { RunOneResult } from './runOne.js';
import type { DeepLinearResult, FactorizationResult } from '../run.js';

export type Model = 'two-factor' | 'deep-linear';

/** The metrics each model reports (the names `report.metrics` may choose from). */
export const METRICS: Record<Model, readonly string[]> = {
  'two-factor': ['steps', 'loss', 'ratio', 'c2', 'dX', 'dY', 'ratioError', 'balanceError', 'residual'],
  'deep-linear': ['steps', 'loss', 'trainError', 'testError', 'rank', 'deepRank', 'startRank', 'minRank', 'firstJumpStep'],
};

export type Status = 'ok' | 'diverged' | 'failed';

/** A run's outcome as the worker sends it back (the record without the sweep's bookkeeping). */
export interface Outcome {
  status: Status;
  error?: { code: string; path: string; message: string };
  metrics: Record<string, number | null>;
  /** Deep-linear: every change of rank or deep rank (src/diagnostics/rank.ts). */
  jumps?: RankJump[];
  history?: unknown[];
}

/** Runs `run()` and turns whatever happens into an Outcome; never throws. */
export async function outcomeOf(run: () => Promise<RunOneResult>, keepHistory: boolean): Promise<Outcome> {
  try {
    return fromResult(await run(), keepHistory);
  } catch (e) {
    const error = e instanceof FlatminError
      ? { code: e.code, path: e.path, message: e.reason }
      : { code: 'INTERNAL', path: 'run', message: (e as Error)?.message ?? String(e) };
    const partial = e instanceof FlatminError && e.code === 'DIVERGED' ? (e.details.result as RunOneResult | undefined) : undefined;
    if (partial) return { ...fromResult(partial, keepHistory), status: 'diverged', error };
    return { status: 'failed', error, metrics: {} };
  }
}

function fromResult(r: RunOneResult, keepHistory: boolean): Outcome {
  const history = keepHistory ? { history: r.history } : {};
  if (r.kind === 'deep-linear') return { ...dlnOutcome(r), ...history };
  if (r.kind === 'symmetric') {
    const last = r.history.at(-1)!;
    return { status: 'ok', metrics: { steps: r.steps, loss: num(last.loss), normX2: num(last.normX2), error: num(r.final.error) }, ...history };
  }
  return { status: 'ok', metrics: twoFactorMetrics(r), ...history };
}

function twoFactorMetrics(r: FactorizationResult): Record<string, number | null> {
  const last = r.history.at(-1)!;
  const d = r.distances;
  return {
    steps: r.steps, loss: num(last.loss), ratio: num(last.normX2 / last.normY2), c2: num(r.prediction.c2),
    dX: num(d.dX), dY: num(d.dY), ratioError: num(d.ratioError), balanceError: num(d.balanceError), residual: num(d.residual),
  };
}

function dlnOutcome(r: DeepLinearResult): Outcome {
  const f = r.final;
  const ranks = r.history.map((h) => h.rank);
  const metrics = {
    steps: r.steps, loss: num(f.loss), trainError: num(f.trainError), testError: num(f.testError),
    rank: f.rank, deepRank: f.deepRank, startRank: ranks[0], minRank: Math.min(...ranks), firstJumpStep: firstDownJump(r.jumps),
  };
  const jumps = r.jumps.map((j) => ({ ...j }));
  if (!r.diverged) return { status: 'ok', metrics, jumps };
  const error = { code: 'DIVERGED', path: 'optimizer', message: `diverged: the weights would have become non-finite at step ${r.steps + 1}; the metrics are the last finite state` };
  return { status: 'diverged', error, metrics, jumps };
}

/** The step of the first fall of the rank (not the deep rank): a Wang–Jacot jump. */
export function firstDownJump(jumps: readonly RankJump[]): number | null {
  return jumps.find((j) => !j.deep && j.to < j.from)?.step ?? null;
}

/** JSON has no NaN or ±Infinity: they become null. */
function num(x: number | null | undefined): number | null {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x;
}
