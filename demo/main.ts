/**
 * The demo page: plain GD and perturbed GD from the same start, each a WorkerRun (its own Web
 * Worker), advanced in chunks so the plots update live. Pause = stop advancing (the runs stay in
 * their workers); Reset = dispose both and create them again from the form.
 *
 * Bundled by demo/build.mjs; the library's browser entry finds the Wasm core and the worker script
 * by `new URL('…', import.meta.url)`, which build.mjs makes resolve inside demo/dist.
 */
import { FlatminError, WorkerRun, type FactorizationResult, type HistoryPoint, type Snapshot } from '../src/browser.js';
import { liu2021Problem } from '../src/experiments/index.js';
import { checkSameShape, surfaceOfResult } from '../src/models/surface.js';
import { landscapeFiles } from '../src/report/landscape.js';
import { PALETTE, renderLinePlot, type Series } from '../src/report/svg.js';
import { setupEnsemble } from './ensemble.js';

type Key = 'gd' | 'pgd';
type State = 'idle' | 'creating' | 'ready' | 'running' | 'paused' | 'done';

interface Slot {
  key: Key;
  label: string;
  color: string;
  run?: WorkerRun<FactorizationResult>;
  /** Steps per advance(), adapted so that one advance takes about CHUNK_MS. */
  chunk: number;
  loop?: Promise<void>;
  done: number;
  total: number;
  /** Seconds spent advancing (excluding pauses). */
  seconds: number;
  history: HistoryPoint[];
  /** dX after every chunk (distances come with snapshots, not with history points). */
  dxSteps: number[];
  dx: number[];
  last?: Required<Snapshot<FactorizationResult>>;
  error?: string;
}

const CHUNK_MS = 50;

// ---------------------------------------------------------------------------------------------
// The page

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} is missing from index.html`);
  return el as T;
};

const form = $<HTMLFormElement>('controls');
const startBtn = $<HTMLButtonElement>('start');
const pauseBtn = $<HTMLButtonElement>('pause');
const resetBtn = $<HTMLButtonElement>('reset');
const statusEl = $('status');
const errorEl = $('error');
const table = $<HTMLTableElement>('results');
const fieldsets = Array.from(form.querySelectorAll('fieldset'));
const num = (id: string): number => {
  const v = $<HTMLInputElement>(id).value.trim();
  return v === '' ? Number.NaN : Number(v);
};

const slots: Record<Key, Slot> = {
  gd: blankSlot('gd', 'GD', PALETTE[3]),
  pgd: blankSlot('pgd', 'perturbed GD', PALETTE[0]),
};
let state: State = 'idle';
/** Bumped by Reset: continuations of older runs see a different number and drop their results. */
let generation = 0;
/** The configs the current runs were created from (JSON), to notice edits made after a Reset. */
let createdFrom = '';
let runStarted = 0;

function blankSlot(key: Key, label: string, color: string): Slot {
  return { key, label, color, chunk: 2000, done: 0, total: 0, seconds: 0, history: [], dxSteps: [], dx: [] };
}

// ---------------------------------------------------------------------------------------------
// Form → configs

/** Which input a library error path belongs to (FlatminError.path). */
const FIELD_OF_PATH: Array<[RegExp, string]> = [
  [/^problem\.target\.random\.n\b/, 'n'],
  [/^problem\.target\.random\.m\b/, 'm'],
  [/^problem\.target\.random\.singularValues/, 'sv'],
  [/^problem\.rank/, 'rank'],
  [/^init\.imbalance/, 'imbalance'],
  [/^optimizer\.sigmaX/, 'sigmaX'],
  [/^optimizer\.sigmaY/, 'sigmaY'],
  [/^optimizer\.schedule\[1\]\.scale/, 'p2to'],
  [/^seed/, 'seed'],
];

class FieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

function readConfigs(): Record<Key, unknown> {
  const sv = $<HTMLInputElement>('sv').value.split(/[,\s]+/).filter((s) => s !== '').map(Number);
  if (sv.length === 0 || sv.some((v) => !Number.isFinite(v))) {
    throw new FieldError('sv', 'singular values of M: expected numbers separated by commas, e.g. 3, 2, 1');
  }
  const seedText = $<HTMLInputElement>('seed').value.trim();
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : seedText;
  const problem = {
    kind: 'factorization',
    target: { random: { n: num('n'), m: num('m'), singularValues: sv, seed: liu2021Problem.target.random.seed } },
    rank: num('rank'),
  };
  const init = { kind: 'gaussian', imbalance: num('imbalance') };
  const sigmas = { sigmaX: num('sigmaX'), sigmaY: num('sigmaY') };
  // Phases with 0 steps are left out (the library wants every phase to have at least one step).
  const phases: Array<[string, { steps: number; scale: number | [number, number] }]> = [
    ['p1', { steps: num('p1'), scale: 1 }],
    ['p2', { steps: num('p2'), scale: [1, num('p2to')] }],
    ['p3', { steps: num('p3'), scale: 0 }],
  ];
  for (const [id, p] of phases) {
    if (!Number.isInteger(p.steps) || p.steps < 0) throw new FieldError(id, `${labelOf(id)}: expected a whole number ≥ 0`);
  }
  const schedule = phases.map(([, p]) => p).filter((p) => p.steps > 0);
  if (schedule.length === 0) throw new FieldError('p1', 'noise schedule: give at least one phase some steps');
  const total = schedule.reduce((s, p) => s + p.steps, 0);
  // About 400 history points per run whatever its length: enough for the plots, cheap to send.
  const recordEvery = Math.max(1, Math.round(total / 400));
  const common = { problem, init, seed, backend: 'wasm', precision: 'f64', recordEvery };
  return {
    gd: { ...common, optimizer: { kind: 'gd', lr: num('lrGd'), ...sigmas, steps: total } },
    pgd: { ...common, optimizer: { kind: 'perturbed-gd', lr: num('lr'), ...sigmas, schedule } },
  };
}

function labelOf(id: string): string {
  return (document.querySelector(`label[for="${id}"]`)?.textContent ?? id).trim();
}

/** An error as one line for the page, naming the form field where we can tell which it is. */
function describeError(e: unknown, method?: Key): { text: string; field?: string } {
  if (e instanceof FieldError) return { text: e.message, field: e.field };
  if (e instanceof FlatminError) {
    let field = FIELD_OF_PATH.find(([re]) => re.test(e.path))?.[1];
    if (e.path.startsWith('optimizer.lr')) field = method === 'gd' ? 'lrGd' : 'lr';
    const where = field ? labelOf(field) : e.path;
    let text = `${where}: ${e.reason}`;
    if (e.code === 'DIVERGED') text = `${method ? slots[method].label : 'the run'} (${where}): ${e.reason}`;
    return { text, field };
  }
  return { text: e instanceof Error ? e.message : String(e) };
}

function showError(text: string, field?: string): void {
  errorEl.textContent = text;
  errorEl.hidden = false;
  if (field) {
    const input = $<HTMLInputElement>(field);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-errormessage', 'error');
  }
}

function clearError(): void {
  errorEl.hidden = true;
  errorEl.textContent = '';
  for (const el of Array.from(form.querySelectorAll('[aria-invalid]'))) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-errormessage');
  }
}

// ---------------------------------------------------------------------------------------------
// Runs

let creating: Promise<boolean> | undefined;

/** Dispose whatever runs exist and create both again from the form. False if that failed. */
function create(): Promise<boolean> {
  const p = createRuns().finally(() => {
    if (creating === p) creating = undefined;
  });
  creating = p;
  return p;
}

async function createRuns(): Promise<boolean> {
  const gen = ++generation;
  disposeRuns();
  clearError();
  let configs: Record<Key, unknown>;
  try {
    configs = readConfigs();
  } catch (e) {
    const { text, field } = describeError(e);
    showError(text, field);
    setState('idle');
    return false;
  }
  setState('creating');
  const made = await Promise.allSettled((['gd', 'pgd'] as const).map((k) => WorkerRun.create(configs[k])));
  if (gen !== generation) {
    for (const m of made) if (m.status === 'fulfilled') m.value.dispose();
    return false;
  }
  const failed = made.findIndex((m) => m.status === 'rejected');
  if (failed >= 0) {
    for (const m of made) if (m.status === 'fulfilled') m.value.dispose();
    const { text, field } = describeError((made[failed] as PromiseRejectedResult).reason, failed === 0 ? 'gd' : 'pgd');
    showError(text, field);
    setState('idle');
    return false;
  }
  (['gd', 'pgd'] as const).forEach((k, i) => {
    const run = (made[i] as PromiseFulfilledResult<WorkerRun<FactorizationResult>>).value;
    const s = slots[k];
    Object.assign(s, blankSlot(k, s.label, s.color), { run, total: run.first.total });
    absorb(s, run.first);
  });
  createdFrom = JSON.stringify(configs);
  setState('ready');
  return true;
}

function disposeRuns(): void {
  for (const s of Object.values(slots)) {
    s.run?.dispose();
    Object.assign(s, blankSlot(s.key, s.label, s.color));
  }
  createdFrom = '';
  // The landscape belonged to those runs.
  $<HTMLElement>('landscape').dataset.state = 'idle';
  $('land-2d').innerHTML = '';
  $('land-line').innerHTML = '';
  requestRender();
}

function absorb(s: Slot, snap: Snapshot<FactorizationResult>): void {
  s.last = snap as Required<Snapshot<FactorizationResult>>; // a two-factor run's snapshots carry distances and prediction
  s.done = snap.done;
  s.total = snap.total;
  s.history.push(...snap.history);
  s.dxSteps.push(snap.done);
  s.dx.push(snap.distances!.dX);
}

async function start(): Promise<void> {
  // Start pressed while a Reset is still creating the runs: start them once they exist.
  if (state === 'creating' && creating && !(await creating)) return;
  if (state === 'running' || state === 'creating' || state === 'done') return;
  if (state === 'idle' || (state === 'ready' && formKey() !== createdFrom)) {
    if (!(await create())) return;
  }
  clearError();
  setState('running');
  runStarted = performance.now();
  const gen = generation;
  for (const s of Object.values(slots)) {
    if (!s.loop && !s.error && s.done < s.total) {
      const loop: Promise<void> = drive(s, gen).finally(() => {
        if (s.loop === loop) s.loop = undefined;
        settle(gen);
      });
      s.loop = loop;
    }
  }
  settle(gen);
}

/** Advance one run chunk by chunk while the page is running. */
async function drive(s: Slot, gen: number): Promise<void> {
  try {
    while (gen === generation && state === 'running' && s.done < s.total && s.run) {
      const t0 = performance.now();
      const snap = await s.run.advance(s.chunk);
      const ms = performance.now() - t0;
      if (gen !== generation) return;
      s.seconds += ms / 1000;
      // Aim for CHUNK_MS per advance: smooth plots without paying a message per few steps.
      s.chunk = Math.round(Math.min(200_000, Math.max(200, (s.chunk * CHUNK_MS) / Math.max(ms, 1))));
      absorb(s, snap);
      requestRender();
    }
  } catch (e) {
    if (gen !== generation) return; // disposed by Reset: not an error
    const { text, field } = describeError(e, s.key);
    s.error = text;
    showError(text, field);
    requestRender();
  }
}

/** When no run is advancing any more: done if both reached their end (or failed). */
function settle(gen: number): void {
  if (gen !== generation) return;
  requestRender(); // e.g. "Pausing…" becomes "Paused."
  const all = Object.values(slots);
  if (all.some((s) => s.loop)) return;
  if (all.every((s) => s.error || s.done >= s.total)) {
    setState('done');
    if (all.every((s) => !s.error)) void showLandscape(gen);
  }
}

/** Both runs done: the loss around perturbed GD's minimum, and on the line to GD's (src/report/landscape.ts). */
async function showLandscape(gen: number): Promise<void> {
  const section = $<HTMLElement>('landscape');
  section.dataset.state = 'computing';
  try {
    const [gd, pgd] = await Promise.all([slots.gd.run!.result(), slots.pgd.run!.result()]);
    if (gen !== generation) return;
    const a = surfaceOfResult(pgd);
    const b = surfaceOfResult(gd, 'GD: ');
    checkSameShape(a, b, 'GD: ');
    const { files } = landscapeFiles(a, b, { points1D: 41, points2D: 25 });
    $('land-2d').innerHTML = files['landscape-2d.svg'];
    $('land-line').innerHTML = files['interpolation.svg'];
    section.dataset.state = 'done';
  } catch (e) {
    if (gen !== generation) return;
    section.dataset.state = 'failed';
    showError(`landscape: ${(e as Error).message}`);
  }
}

function pause(): void {
  if (state === 'running') setState('paused');
}

/** The configs the form describes now, as createdFrom would record them ('' if invalid). */
function formKey(): string {
  try {
    return JSON.stringify(readConfigs());
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// State → buttons, status, plots, table

function setState(next: State): void {
  const focused = document.activeElement;
  state = next;
  // Start stays enabled while the runs are being created (it then starts them once they exist).
  startBtn.disabled = next === 'running' || next === 'done';
  pauseBtn.disabled = next !== 'running';
  // Settings can change only before the first step (a Reset recreates the runs from them).
  const locked = next === 'creating' || next === 'running' || next === 'paused' || next === 'done';
  for (const fs of fieldsets) fs.disabled = locked;
  // Keep keyboard focus on a live button when the focused one just became disabled.
  if (focused instanceof HTMLButtonElement && focused.disabled) {
    const to = [pauseBtn, startBtn, resetBtn].find((b) => !b.disabled);
    to?.focus();
  }
  requestRender();
}

let renderQueued = false;
function requestRender(): void {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

const fmt = (v: number | undefined): string => {
  if (v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2).replace('e+', 'e');
  return v.toPrecision(4);
};
const int = (v: number): string => v.toLocaleString('en-US').replace(/,/g, '\u2009');

function render(): void {
  const all = [slots.gd, slots.pgd];
  const c2 = slots.pgd.last?.prediction.c2 ?? slots.gd.last?.prediction.c2;
  // Pause takes effect when the chunk in flight lands; until then the state shows as "pausing".
  const pausing = state === 'paused' && all.some((s) => s.loop);

  // Status line and progress bars.
  const secs = (s: Slot) => `${s.seconds.toFixed(1)} s`;
  const line: Record<State, () => string> = {
    idle: () => 'Ready. Press Start.',
    creating: () => 'Loading the WebAssembly core and starting two workers…',
    ready: () => 'Runs created at step 0. Press Start.',
    running: () => `Running… ${all.map((s) => `${s.label} ${int(s.done)} / ${int(s.total)}`).join(', ')}.`,
    paused: () => (pausing ? 'Pausing: finishing the chunk in flight…' : `Paused. ${all.map((s) => `${s.label} at step ${int(s.done)}`).join(', ')}. Press Start to continue.`),
    done: () => `Finished: ${all.map((s) => (s.error ? `${s.label} stopped (error)` : `${s.label} ${int(s.done)} steps in ${secs(s)}`)).join(', ')}.`,
  };
  statusEl.textContent = line[state]();
  for (const s of all) {
    const bar = $<HTMLProgressElement>(`prog-${s.key}`);
    bar.max = Math.max(1, s.total);
    bar.value = s.done;
    $(`prog-${s.key}-text`).textContent = s.total ? `${Math.floor((100 * s.done) / s.total)}%` : '0';
  }

  // Plots.
  // Steps in thousands keep the x tick labels short enough for a phone. Series names are left
  // empty: one HTML legend above the plots serves all three and leaves the plots their full width.
  const k = (steps: number[]) => steps.map((x) => x / 1000);
  const ratioSeries: Series[] = all.map((s) => ({
    name: '', color: s.color, x: k(s.history.map((h) => h.step)), y: s.history.map((h) => h.normX2 / h.normY2),
  }));
  const lossSeries: Series[] = all.map((s) => ({
    name: '', color: s.color, x: k(s.history.map((h) => h.step)), y: s.history.map((h) => h.loss),
  }));
  const dxSeries: Series[] = all.map((s) => ({ name: '', color: s.color, x: k(s.dxSteps), y: s.dx }));
  const now = (s: Slot, y: ArrayLike<number>) => (y.length ? `${s.label} now ${fmt(y[y.length - 1])}` : `${s.label}: no data yet`);
  plot('plot-ratio', {
    title: '‖X‖² / ‖Y‖²', yLabel: 'ratio', series: ratioSeries,
    hlines: c2 !== undefined ? [{ y: c2, label: `predicted c² = ${fmt(c2)}` }] : [],
  }, `‖X‖²/‖Y‖² over steps, log scale; ${ratioSeries.map((r, i) => now(all[i], r.y)).join('; ')}${c2 !== undefined ? `; predicted c² ${fmt(c2)}` : ''}`);
  plot('plot-loss', { title: 'loss', yLabel: '½‖XYᵀ − M‖²', series: lossSeries },
    `loss over steps, log scale; ${lossSeries.map((r, i) => now(all[i], r.y)).join('; ')}`);
  plot('plot-dx', { title: 'dX', yLabel: 'dX', series: dxSeries },
    `dX over steps, log scale; ${dxSeries.map((r, i) => now(all[i], r.y)).join('; ')}`);

  // Table. Its data-state changes in the same frame as its cells (tests wait for "done").
  table.dataset.state = pausing ? 'pausing' : state;
  for (const s of all) {
    const row = table.querySelector<HTMLTableRowElement>(`tr[data-method="${s.key}"]`)!;
    const d = s.last?.distances;
    const cell = (f: string, text: string) => {
      row.querySelector(`[data-field="${f}"]`)!.textContent = text;
    };
    cell('ratio', fmt(d?.ratio));
    cell('c2', fmt(s.last?.prediction.c2));
    cell('dX', fmt(d?.dX));
    cell('dY', fmt(d?.dY));
    cell('residual', fmt(d?.residual));
    cell('steps', s.last ? int(s.done) : '–');
    row.dataset.state = s.error ? 'error' : !s.last ? 'idle' : s.done >= s.total ? 'done' : 'running';
  }
}

/** Render a plot at the width of its box, so its text stays readable on a phone. */
function plot(id: string, spec: { title: string; yLabel: string; series: Series[]; hlines?: { y: number; label: string }[] }, label: string): void {
  const box = $(id);
  const width = Math.max(300, Math.min(760, Math.round(box.clientWidth || 600)));
  const svg = renderLinePlot({ ...spec, xLabel: 'step (thousands)', logY: true, width, height: Math.round(width * 0.6) });
  // renderLinePlot returns a standalone document; inline, the XML declaration is not wanted.
  box.innerHTML = svg.replace(/^<\?xml[^>]*\?>\s*/, '');
  box.setAttribute('aria-label', label);
}

// ---------------------------------------------------------------------------------------------
// Wiring

function updatePreviews(): void {
  const c2 = (num('sigmaX') / num('sigmaY')) ** 2 * (num('n') / num('m'));
  $('c2-preview').textContent = Number.isFinite(c2) ? fmt(c2) : '–';
  const total = ['p1', 'p2', 'p3'].reduce((a, id) => a + (Number.isFinite(num(id)) ? Math.max(0, num(id)) : 0), 0);
  $('total-preview').textContent = int(total);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void start();
});
form.addEventListener('input', (e) => {
  const t = e.target as HTMLElement;
  if (t.getAttribute('aria-invalid')) clearError();
  updatePreviews();
});
pauseBtn.addEventListener('click', pause);
resetBtn.addEventListener('click', () => void create());
new ResizeObserver(() => requestRender()).observe($('plot-ratio'));
window.addEventListener('pagehide', () => disposeRuns());

for (const s of Object.values(slots)) {
  document.querySelectorAll<HTMLElement>(`.swatch[data-series="${s.key}"]`).forEach((sw) => {
    sw.style.borderTopColor = s.color;
  });
}
updatePreviews();
setupEnsemble();
setState('idle');
