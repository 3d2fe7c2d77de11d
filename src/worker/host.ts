/**
 * The worker side: holds one Run (any model) and answers Requests, and runs whole sweep runs. Platform-neutral; the two
 * entry scripts (browser-worker.ts, node-worker.ts) only wire `handle` to their message port.
 */
import { loadCore } from '../backends/wasm/loader.js';
import { FlatminError } from '../errors.js';
import { Run } from '../run.js';
import { outcomeOf } from '../sweep/metrics.js';
import { runOne } from '../sweep/runOne.js';
import type { Reply, Request, Snapshot } from './protocol.js';

export function createHost(reply: (message: Reply, transfer?: Transferable[]) => void): (request: Request) => Promise<void> {
  let run: Run | undefined;
  let sent = 0; // history points already sent

  const snapshot = (r: Run): Snapshot => {
    const history = r.historyFrom(sent);
    sent += history.length;
    const f = r.factorization;
    if (!f) return { done: r.done, total: r.total, history };
    const p = f.prediction;
    return {
      done: r.done, total: r.total, history, distances: f.distances(r.theta()),
      prediction: { c: p.c, c2: p.c2, normX2: p.normX2, normY2: p.normY2, nuclearNorm: p.nuclearNorm, rankM: p.rankM },
    };
  };
  const current = (): Run => {
    if (!run) throw new FlatminError('USAGE', 'worker', 'no run in this worker (create it first, or it was disposed)');
    return run;
  };

  return async (req) => {
    try {
      switch (req.type) {
        case 'create': {
          if (req.module) await loadCore(req.module);
          run?.dispose();
          run = await Run.create(req.config, { resume: req.resume, ...(req.threads !== undefined ? { threads: req.threads } : {}) });
          sent = 0;
          reply({ type: 'ok', snapshot: snapshot(run) });
          return;
        }
        case 'advance': {
          const r = current();
          r.advance(req.steps);
          reply({ type: 'ok', snapshot: snapshot(r) });
          return;
        }
        case 'checkpoint':
          reply({ type: 'ok', checkpoint: current().checkpoint() });
          return;
        case 'result':
          reply({ type: 'ok', result: current().result() });
          return;
        case 'runOne': {
          if (req.module) await loadCore(req.module);
          reply({ type: 'ok', outcome: await outcomeOf(() => runOne(req.config), req.keepHistory) });
          return;
        }
      }
    } catch (e) {
      const err = e instanceof FlatminError
        ? { code: e.code, path: e.path, reason: e.reason, details: e.details }
        : { reason: (e as Error)?.message ?? String(e) };
      reply({ type: 'error', error: err });
    }
  };
}
