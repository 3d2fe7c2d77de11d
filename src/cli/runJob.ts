import type { BackendName } from '../config/types.js';
import { FlatminError } from '../errors.js';
import { createProgress, type Progress } from '../report/progress.js';
import { Run, type Checkpoint, type RunResult } from '../run.js';
import { jsonFile } from '../report/jsonChunks.js';
import type { Deferred } from '../report/rowsOf.js';
import { checkWritable, writeChunks } from './io.js';

export interface RunJobOptions {
  /** What the progress line is labelled with (the config or checkpoint file). */
  label: string;
  backend?: BackendName;
  out?: string;
  checkpoint?: string;
  /** Checkpoint at every multiple of this many steps (default: every CHECKPOINT_SECONDS of wall time). */
  checkpointEvery?: number;
  /** Threads for the Wasm core's products (RunOptions.threads; default there). */
  threads?: number;
  quiet: boolean;
  /** Called with the stdout text of the result when there is no --out. */
  print: (text: string) => void;
}

/** Without --checkpoint-every, a long run's checkpoint is refreshed this often. */
const CHECKPOINT_SECONDS = 30;
/** Steps run between looks at the signals, aimed at this much wall time. */
const SLICE_MS = 40;

/**
 * `flatmin run CONFIG` and `flatmin resume FILE`: the run in time slices, with the event loop
 * served between them so that SIGINT/SIGTERM are heard. Nothing is lost: the checkpoint (atomic:
 * temp file + rename) is refreshed on schedule, at the end, and on a signal before exiting, and a
 * run that stops early — interrupted or diverged — still writes its last finite state to --out.
 */
export async function runJob(config: unknown, resume: Checkpoint | undefined, o: RunJobOptions): Promise<number> {
  if (o.out) await checkWritable(o.out);
  if (o.checkpoint) await checkWritable(o.checkpoint);
  // A large given target's SVD (for the prediction) can take seconds before step 1: show it.
  let preparing: Progress | undefined;
  const onPrepare = (fraction: number, what: string) => {
    preparing ??= createProgress({ total: 1000, label: `${o.label}: ${what}`, unit: null, stream: process.stderr, quiet: o.quiet });
    preparing.update(Math.round(fraction * 1000));
  };
  const opts = { backend: o.backend, onPrepare, ...(o.threads !== undefined ? { threads: o.threads } : {}) };
  const created = resume && config === undefined ? Run.resume(resume, opts) : Run.create(config, { ...opts, resume });
  const run = await created.finally(() => preparing?.finish());
  // Warnings are not progress: --quiet does not hide them (they are also in the result's `warnings`).
  for (const w of run.warnings) process.stderr.write(`flatmin: warning: ${w}\n`);
  let progress: Progress | undefined;
  let signal: NodeJS.Signals | undefined;
  const onSignal = (s: NodeJS.Signals) => (signal = s);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The JSON in pieces (report/jsonChunks.ts): with large factors in the config (both carry it)
  // and the result's final X, Y, the whole text is MBs, and a file write would copy it twice more.
  // The result is the deferred one (run.deferredResult): its factors are printed row by row from
  // the iterate, never held as row arrays (report/rowsOf.ts says why).
  const resultChunks = (r: Deferred<RunResult>) => jsonFile(r, 1);
  const writeCheckpoint = async () => {
    if (o.checkpoint) await writeChunks(o.checkpoint, jsonFile(run.checkpoint(), 0));
  };
  const writeResult = async (r: Deferred<RunResult>) => {
    if (o.out) await writeChunks(o.out, resultChunks(r));
    else for (const c of resultChunks(r)) o.print(c);
  };
  try {
    let slice = 64;
    let lastCheckpoint = performance.now();
    while (run.done < run.total) {
      const every = o.checkpointEvery;
      const steps = every ? Math.min(slice, every - (run.done % every)) : slice;
      const t0 = performance.now();
      try {
        run.advance(steps, (done, total) => {
          progress ??= createProgress({ total, label: o.label, stream: process.stderr, quiet: o.quiet });
          progress.update(done);
        });
      } catch (e) {
        if (e instanceof FlatminError && e.code === 'DIVERGED') {
          progress?.finish();
          await writeCheckpoint();
          if (o.out) await writeChunks(o.out, resultChunks(run.deferredResult()));
        }
        throw e;
      }
      const ms = performance.now() - t0;
      slice = Math.max(1, Math.min(slice * 2, Math.floor((slice * SLICE_MS) / Math.max(ms, 0.01))));
      const due = every ? run.done % every === 0 : performance.now() - lastCheckpoint > CHECKPOINT_SECONDS * 1000;
      if (due && run.done < run.total) {
        await writeCheckpoint();
        lastCheckpoint = performance.now();
      }
      await new Promise((resolve) => setImmediate(resolve)); // hear signals
      if (signal) {
        progress?.finish();
        await writeCheckpoint();
        if (o.out) await writeChunks(o.out, resultChunks(run.deferredResult()));
        const where = o.checkpoint ? `; checkpoint in ${o.checkpoint} (continue with: flatmin resume ${o.checkpoint})` : ' (use --checkpoint FILE to keep the state)';
        process.stderr.write(`interrupted by ${signal} at step ${run.done} of ${run.total}${where}\n`);
        return signal === 'SIGINT' ? 130 : 143;
      }
    }
    progress?.finish();
    await writeCheckpoint();
    await writeResult(run.deferredResult());
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    run.dispose();
  }
}
