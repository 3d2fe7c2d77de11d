/**
 * The ensemble view: 32 seeds of D2 SGD (THEORY.md §2: batch 1, η 0.05, from the rank-2 critical
 * point) on a pool of Web Workers through runEnsemble. As runs finish, the jump rate with its
 * Wilson 95 % interval and the histogram of first-jump steps fill in — the sweep's own statistics
 * and plot (src/sweep/stats.ts, plots.ts) over the records so far.
 */
import { expandSweep, FlatminError, runEnsemble, type RunRecord } from '../src/browser.js';
import { sweepPlots } from '../src/sweep/plots.js';
import { formatRate, sweepStats } from '../src/sweep/stats.js';

export const ENSEMBLE_SPEC = {
  base: {
    problem: { kind: 'completion', fixture: 'dln-D2' },
    model: { kind: 'deep-linear', depth: 3, width: 20 },
    optimizer: [{ kind: 'sgd', lr: 0.05, batch: 1, steps: 5000 }],
    recordEvery: 100,
  },
  seeds: 32,
};

export function setupEnsemble(): void {
  const el = (id: string) => {
    const e = document.getElementById(id);
    if (!e) throw new Error(`demo: #${id} is missing from index.html`);
    return e;
  };
  const start = el('ens-start') as HTMLButtonElement;
  const stop = el('ens-stop') as HTMLButtonElement;
  const status = el('ens-status');
  const rates = el('ens-rates');
  const box = el('ens-hist');
  const section = el('ensemble');
  const sweep = expandSweep(ENSEMBLE_SPEC);
  let abort: AbortController | undefined;

  const show = (records: RunRecord[]) => {
    const stats = sweepStats(sweep, records);
    const p = stats.points[0];
    rates.querySelector('[data-event="jumped"]')!.textContent = formatRate(p.events.jumped);
    rates.querySelector('[data-event="diverged"]')!.textContent = formatRate(p.events.diverged);
    const svg = sweepPlots(sweep, stats)['jump-times'];
    if (svg) {
      box.innerHTML = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
      box.setAttribute('aria-label', `first-jump steps of ${p.firstJumpSteps?.length ?? 0} runs`);
    }
  };

  start.addEventListener('click', async () => {
    abort = new AbortController();
    start.disabled = true;
    stop.disabled = false;
    section.dataset.state = 'running';
    const records: RunRecord[] = [];
    status.textContent = `0/${sweep.runs.length} runs`;
    show(records);
    try {
      const workers = Math.min(4, navigator.hardwareConcurrency || 2);
      await runEnsemble(ENSEMBLE_SPEC, {
        workers, signal: abort.signal,
        onProgress: ({ done, total, record }) => {
          records.push(record);
          status.textContent = `${done}/${total} runs on ${workers} workers`;
          show(records);
        },
      });
      section.dataset.state = 'done';
    } catch (e) {
      section.dataset.state = 'stopped';
      status.textContent = abort.signal.aborted ? `stopped after ${records.length}/${sweep.runs.length} runs` : `error: ${e instanceof FlatminError ? e.message : String(e)}`;
    } finally {
      start.disabled = false;
      stop.disabled = true;
    }
  });
  stop.addEventListener('click', () => abort?.abort());
}
