import type { DlnSession, DlnStepParams } from '../backends/types.js';
import type { DlnCurvature } from '../diagnostics/dlnCurvature.js';
import { RankTracker, singularValues, type RankJump } from '../diagnostics/rank.js';

/** One recording of a deep-linear-network run. */
export interface DlnRecord {
  step: number;
  /** Singular values of A, descending. */
  s: Float64Array;
  rank: number;
  deepRank: number;
  loss: number;
  trainError: number;
  testError: number;
  /** Hessian trace and sharpness of the full-batch loss, when the trace was asked for them. */
  curvature?: DlnCurvature;
}

export interface DlnPhase extends DlnStepParams {
  steps: number;
}

export interface DlnTrace {
  records: DlnRecord[];
  jumps: RankJump[];
  /** Steps done in total; less than asked only if the run diverged. */
  steps: number;
  /** A step would have made the weights non-finite (not applied), or A overflowed (not recorded). */
  diverged: boolean;
}

/**
 * Runs phases (e.g. SGD, then a GD polish) on a session, recording every `recordEvery` steps, at
 * the start and at the end of every phase. The session does the stepping; this only slices the run
 * into chunks between recordings (chunk boundaries change no bit) and computes the diagnostics.
 * Pass `trace` to continue an earlier trace (step numbers and the jump log carry on);
 * `onProgress` hears the step count after every chunk; `curvature` (weights, step → trace and
 * sharpness, e.g. src/diagnostics/dlnCurvature.ts) is measured at every recording when given.
 */
export function traceDln(
  session: DlnSession, rows: number, cols: number, phases: DlnPhase[], recordEvery: number, trace?: DlnTrace,
  onProgress?: (steps: number) => void, curvature?: (theta: Float64Array, step: number) => DlnCurvature,
): DlnTrace {
  const out: DlnTrace = trace ?? { records: [], jumps: [], steps: 0, diverged: false };
  const tracker = new RankTracker();
  const last = out.records.at(-1);
  if (last) {
    tracker.rank = last.rank;
    tracker.deepRank = last.deepRank;
  }
  const record = () => {
    const A = session.endToEnd();
    // Finite weights can still overflow in the product: that is divergence too (no SVD of ±Inf).
    if (!A.every(Number.isFinite)) {
      out.diverged = true;
      return;
    }
    const s = singularValues(A, rows, cols);
    out.jumps.push(...tracker.observe(out.steps, s));
    const rec: DlnRecord = {
      step: out.steps, s, rank: tracker.rank, deepRank: tracker.deepRank,
      loss: session.loss(), trainError: session.trainError(), testError: session.testError(),
    };
    if (curvature) rec.curvature = curvature(session.theta(), out.steps);
    out.records.push(rec);
  };
  if (!last || last.step !== out.steps) record();
  for (const phase of phases) {
    let left = phase.steps;
    while (left > 0) {
      const chunk = Math.min(recordEvery - (out.steps % recordEvery), left);
      const { done } = session.run(chunk, phase);
      out.steps += done;
      left -= done;
      if (done < chunk) out.diverged = true;
      if (out.steps % recordEvery === 0 || left === 0 || out.diverged) record();
      onProgress?.(out.steps);
      if (out.diverged) return out;
    }
  }
  return out;
}

/** First recorded step at which the rank is ≤ `rank`, or undefined. */
export function firstStepAtRank(trace: DlnTrace, rank: number): number | undefined {
  return trace.records.find((r) => r.rank <= rank)?.step;
}
