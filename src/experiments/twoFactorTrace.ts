import { fullTargetTrace, hutchinsonTrace, sharpness } from '../diagnostics/hessian.js';
import { singularValues } from '../diagnostics/rank.js';
import { endToEnd } from '../problems/losses.js';
import type { FactorizationInput, Precision } from '../config/types.js';
import { Run, type FactorizationResult, type RunOptions } from '../run.js';

/** What a two-factor preset looks at, every recordEvery steps. */
export interface TwoFactorRecord {
  step: number;
  /** The training objective (the run's history loss). */
  loss: number;
  normX2: number;
  normY2: number;
  /** Singular values of XYᵀ, descending. */
  s: number[];
  /** tr ∇²f: closed form for the full target, Hutchinson (probes) otherwise. */
  trace: number;
  /** Top Hessian eigenvalue (power iteration); NaN when not asked for at this record. */
  sharpness: number;
}

export interface TraceOptions extends Pick<RunOptions, 'backend' | 'wasm'> {
  /** Overrides the config's precision. */
  precision?: Precision;
  /** Compute the sharpness at every record (default: only at the last one). */
  sharpnessEvery?: boolean;
  /** Hutchinson probes when the trace has no closed form (default 20). */
  probes?: number;
  onProgress?: (done: number) => void;
}

/**
 * Runs a two-factor config to the end and records the diagnostics of src/diagnostics (plain TS on
 * the factors) every recordEvery steps: chunking the run changes no bit, so the final factors are
 * those of `run(config)`.
 */
export async function traceTwoFactor(config: FactorizationInput, opts: TraceOptions = {}): Promise<{ records: TwoFactorRecord[]; result: FactorizationResult }> {
  const job = await Run.create(opts.precision ? { ...config, precision: opts.precision } : config, { backend: opts.backend, wasm: opts.wasm });
  try {
    const model = job.factorization!;
    const f = model.objective;
    const { n, m, r } = f;
    const full = model.sessionInput.loss.kind === 'full';
    const records: TwoFactorRecord[] = [];
    const observe = (last: boolean) => {
      const theta = job.theta();
      const h = job.latest();
      records.push({
        step: job.done,
        loss: h.loss,
        normX2: h.normX2,
        normY2: h.normY2,
        s: Array.from(singularValues(endToEnd(new Float64Array(n * m), theta, n, m, r), n, m)),
        trace: full ? fullTargetTrace(theta, n, m, r, f.lambda) : hutchinsonTrace(f, theta, opts.probes ?? 20, job.done),
        sharpness: last || opts.sharpnessEvery ? sharpness(f, theta).value : NaN,
      });
    };
    observe(job.done === job.total);
    while (job.done < job.total) {
      job.advance(job.config.recordEvery - (job.done % job.config.recordEvery));
      observe(job.done === job.total);
      opts.onProgress?.(job.done);
    }
    return { records, result: job.result() };
  } finally {
    job.dispose();
  }
}
