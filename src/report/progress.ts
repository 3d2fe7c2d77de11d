/**
 * Progress reporting for long runs.
 *
 * On a terminal: one line redrawn in place with `\r` (label, bar, percent, steps, ETA), at most
 * every 100 ms, ended with a newline by `finish()`. Elsewhere (CI logs, pipes): sparse plain lines,
 * at most one per 10 % of progress and at least 2 s apart. Runs that finish within `delayMs` print
 * nothing at all.
 *
 * Import-safe outside Node: no `node:` imports; the default stream is looked up on `globalThis`.
 */

export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface ProgressOptions {
  total: number;
  label: string;
  /** Where to write; defaults to `process.stderr` when it exists, otherwise nothing is written. */
  stream?: ProgressStream;
  quiet?: boolean;
  /** Print nothing for runs shorter than this (default 1000 ms). */
  delayMs?: number;
  /** Injectable clock in milliseconds (default `performance.now`, falling back to `Date.now`). */
  now?: () => number;
  /** What is counted (default "steps"; a sweep counts "runs"); null: a fraction only, no count (the SVD before a run). */
  unit?: string | null;
  /** Plain (non-terminal) lines carry the ETA too: for long jobs whose log is read while they run (cluster tasks). */
  etaInLog?: boolean;
}

export interface Progress {
  update(done: number): void;
  finish(): void;
}

export const TTY_REDRAW_MS = 100;
export const PLAIN_MIN_GAP_MS = 2000;
export const PLAIN_MIN_FRACTION = 0.1;

const NOOP: Progress = { update() {}, finish() {} };

function defaultStream(): ProgressStream | undefined {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  return proc?.stderr;
}

function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf !== undefined && typeof perf.now === 'function' ? () => perf.now() : () => Date.now();
}

/** "850 ms", "12.3 s", "4m05s", "1h02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)}m${String(total % 60).padStart(2, '0')}s`;
  const m = Math.floor(total / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function createProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? defaultStream();
  if (o.quiet === true || stream === undefined) return NOOP;

  const now = o.now ?? defaultClock();
  const delayMs = o.delayMs ?? 1000;
  const total = Number.isFinite(o.total) && o.total > 0 ? o.total : 0;
  const tty = stream.isTTY === true;
  const start = now();

  let done = 0;
  let finished = false;
  let printed = false; // anything written yet?
  let lastWrite = -Infinity; // clock time of the last write
  let lastDecile = 0; // plain mode: highest 10 % bucket already reported
  let lastLen = 0; // tty mode: length of the line currently shown

  const fraction = (): number => (total === 0 ? 1 : Math.min(1, Math.max(0, done / total)));
  const steps = (): string => (o.unit === null ? '' : `${Math.round(done)}/${Math.round(total)} ${o.unit ?? 'steps'}  `);

  const write = (s: string): void => {
    try {
      stream.write(s);
    } catch {
      // A closed pipe must not kill the run.
    }
  };

  const eta = (elapsed: number): string => {
    const f = fraction();
    if (f >= 1) return 'ETA 0 s';
    if (f <= 0 || elapsed <= 0) return 'ETA --';
    return `ETA ${formatDuration((elapsed * (1 - f)) / f)}`;
  };

  const ttyLine = (elapsed: number, final: boolean): string => {
    const f = fraction();
    const pct = `${String(Math.floor(f * 100)).padStart(3)}%`;
    const tail = final ? `in ${formatDuration(elapsed)}` : eta(elapsed);
    const cols = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
    const fixed = `${o.label}  ${pct}  ${steps()}${tail}`.length + 4;
    const barW = Math.max(0, Math.min(30, cols - 1 - fixed));
    let line: string;
    if (barW >= 8) {
      const filled = Math.floor(f * barW);
      const bar = '='.repeat(filled) + (filled < barW ? '>' + ' '.repeat(barW - filled - 1) : '');
      line = `${o.label} [${bar}] ${pct}  ${steps()}${tail}`;
    } else {
      line = `${o.label} ${pct}  ${steps()}${tail}`;
    }
    // Never wrap: a wrapped line cannot be redrawn with \r.
    if (line.length > cols - 1) line = line.slice(0, Math.max(0, cols - 1));
    return line;
  };

  const drawTty = (t: number, final: boolean): void => {
    const line = ttyLine(t - start, final);
    const pad = lastLen > line.length ? ' '.repeat(lastLen - line.length) : '';
    write(`\r${line}${pad}${final ? '\n' : ''}`);
    lastLen = line.length;
    lastWrite = t;
    printed = true;
  };

  const plainLine = (t: number): void => {
    const tail = o.etaInLog && fraction() < 1 ? `, ${eta(t - start)}` : '';
    const count = o.unit === null ? '' : `${steps().trimEnd()}, `;
    write(`${o.label}: ${Math.floor(fraction() * 100)}% (${count}${formatDuration(t - start)}${tail})\n`);
    lastWrite = t;
    printed = true;
  };

  return {
    update(d: number): void {
      if (finished || !Number.isFinite(d)) return;
      done = d;
      const t = now();
      if (t - start < delayMs) return;
      if (tty) {
        if (t - lastWrite >= TTY_REDRAW_MS) drawTty(t, false);
        return;
      }
      // 100 % is left to finish(), which also reports the total time.
      const f = fraction();
      const decile = Math.floor(f / PLAIN_MIN_FRACTION + 1e-9);
      if (f < 1 && decile > lastDecile && t - lastWrite >= PLAIN_MIN_GAP_MS) {
        lastDecile = decile;
        plainLine(t);
      }
    },
    finish(): void {
      if (finished) return;
      finished = true;
      const t = now();
      if (!printed && t - start < delayMs) return;
      if (tty) drawTty(t, true);
      else plainLine(t);
    },
  };
}
